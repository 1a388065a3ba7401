#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Runs the CometAPI stand-in as a standalone process.
 *   node tools/stand-in/cli.js --api-key sk-test --port 8080 --render-ms 3000 --log
 * Prints one JSON line {"baseUrl", "fileHostUrl", "pid"} on stdout once both servers listen,
 * then serves until SIGINT/SIGTERM. See README.md for every flag.
 */
const { startStandIn } = require('./index');

const HELP = `Usage: node tools/stand-in/cli.js [flags]
  --api-key KEY            required bearer token (default sk-test)
  --port N                 API port (default 0 = random free port)
  --file-host-port N       file host port (default 0)
  --render-ms N            create -> completed time (default 3000)
  --queued-ms N            time spent queued (default render-ms/4)
  --poll-after-ms N        add openai-poll-after-ms: N to retrieve answers
  --content-redirect       /content answers 302 to the file host
  --video-bytes N[K|M|G]   the video variant is a generated MP4-looking stream of N bytes
  --chat-delay-ms N        delay between SSE chunks (default 200)
  --no-gzip                never gzip JSON answers
  --no-check-mime          accept any input_reference content type
  --strict-reference-size  reject a reference image whose pixel size differs from size
  --seed N  --rate5xx F  --rate-drop F  --drop-after-create  --error-after-create
  --burst429 P  --burst-length K  --retry-after-s N  --rate-truncate F  --slow-ms N
  --file-host-faults       faults also apply to the file host
  --log                    print each request to stderr
Control (no auth): GET /__stand-in/requests | /paid-requests | /jobs | /chats | /options,
  POST /__stand-in/options (JSON partial options), POST /__stand-in/reset`;

/** @param {string} v */
function bytes(v) {
	const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(v.trim());
	if (!m) throw new Error(`not a byte count: ${v}`);
	const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase()] || 1;
	return Math.round(Number(m[1]) * mult);
}

/** @param {string[]} argv */
function parse(argv) {
	/** @type {Record<string, any>} */
	const o = {};
	/** @type {Record<string, any>} */
	const faults = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => {
			const v = argv[++i];
			if (v === undefined) throw new Error(`${a} needs a value`);
			return v;
		};
		const num = () => {
			const v = Number(val());
			if (!Number.isFinite(v)) throw new Error(`${a} needs a number`);
			return v;
		};
		switch (a) {
			case '-h':
			case '--help':
				process.stdout.write(HELP + '\n');
				process.exit(0);
				break;
			case '--api-key': o.apiKey = val(); break;
			case '--port': o.port = num(); break;
			case '--file-host-port': o.fileHostPort = num(); break;
			case '--render-ms': o.renderMs = num(); break;
			case '--queued-ms': o.queuedMs = num(); break;
			case '--poll-after-ms': o.pollAfterMs = num(); break;
			case '--content-redirect': o.contentRedirect = true; break;
			case '--video-bytes': o.videoBytes = bytes(val()); break;
			case '--chat-delay-ms': o.chatDelayMs = num(); break;
			case '--no-gzip': o.gzip = false; break;
			case '--no-check-mime': o.checkMime = false; break;
			case '--strict-reference-size': o.strictReferenceSize = true; break;
			case '--log': o.log = true; break;
			case '--seed': faults.seed = num(); break;
			case '--rate5xx': faults.rate5xx = num(); break;
			case '--rate-drop': faults.rateDrop = num(); break;
			case '--drop-after-create': faults.dropAfterCreate = true; break;
			case '--error-after-create': faults.errorAfterCreate = true; break;
			case '--burst429': faults.burst429 = num(); break;
			case '--burst-length': faults.burstLength = num(); break;
			case '--retry-after-s': faults.retryAfterS = num(); break;
			case '--rate-truncate': faults.rateTruncate = num(); break;
			case '--slow-ms': faults.slowMs = num(); break;
			case '--file-host-faults': faults.fileHost = true; break;
			default:
				throw new Error(`unknown flag ${a} (see --help)`);
		}
	}
	if (Object.keys(faults).length) o.faults = faults;
	return o;
}

async function main() {
	let opts;
	try {
		opts = parse(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${e instanceof Error ? e.message : e}\n${HELP}\n`);
		process.exit(2);
	}
	const s = await startStandIn(opts);
	process.stdout.write(JSON.stringify({ baseUrl: s.baseUrl, fileHostUrl: s.fileHostUrl, pid: process.pid }) + '\n');
	const stop = async () => {
		await s.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((e) => {
	process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
	process.exit(1);
});
