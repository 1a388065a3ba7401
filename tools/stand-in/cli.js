#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Runs the CometAPI stand-in (and, with --llm, the language-model stand-in) as a standalone process.
 *   node tools/stand-in/cli.js --api-key sk-test --port 8080 --render-ms 3000 --log
 * Prints one JSON line {"baseUrl", "fileHostUrl", "pid"} (plus "llmUrl" with --llm) on stdout once
 * the servers listen, then serves until SIGINT/SIGTERM. See README.md for every flag.
 */
const { startStandIn } = require('./index');
const { startLlmStandIn } = require('./llm');

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
  --create-latency-ms N|MIN-MAX  how long a create or remix takes to answer (a range: seeded draws)
  --progress-mode linear|uneven  uneven: progress stalls, then jumps
  --no-gzip                never gzip JSON answers
  --no-check-mime          accept any input_reference content type
  --strict-reference-size  reject a reference image whose pixel size differs from size
  --seedance-status upper|lower   Seedance status words: SUBMITTED/IN_PROGRESS/SUCCESS/FAILED (default) or lowercase
  --no-content-answer not_found|task_not_exist|unsupported
                           what /content answers for a family without that route (Seedance; default not_found = 404)
  --video-url-ttl-s N      a signed video_url expires N s after completion (default 3600)
  --video-url-on-api-origin  video_url on the API origin (Bearer key required) instead of the signed file host
  --retired-models a,b     these models answer like a gateway without a channel and leave /v1/models
  --retired-answer no-channel|no-channel-zh|openai-404   503 model_not_found (English, Chinese) or 404 (default no-channel)
  --model-types            /v1/models records carry model_type
  --models a,b             replace /v1/models' list with these ids
  --seed N  --rate5xx F  --statuses5xx 500,502  --rate-drop F  --drop-after-create  --error-after-create
  --burst429 P  --burst-length K  --retry-after-s N  --retry-after-ms N  --rate-truncate F  --slow-ms N
  --paid-burst429 P  --paid-burst-length K  --paid-rate503 F
  --paid-rate-drop-after-create F  --paid-rate-error-after-create F  --paid-statuses-after-create 500,504
  --file-host-faults       faults also apply to the file host
  --log                    print each request to stderr
  --llm                    also start the language-model stand-in (prints llmUrl)
  --llm-port N  --llm-api-key KEY  --llm-tool NAME  --llm-args JSON
Control (no auth): GET /__stand-in/requests | /paid-requests | /file-host-requests | /jobs | /chats | /options | /open-requests,
  POST /__stand-in/options (JSON partial options), POST /__stand-in/reset;
  on the LLM: GET /__llm/requests | /tool-messages | /tool-calls, POST /__llm/reset`;

/** @param {string} v */
function bytes(v) {
	const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(v.trim());
	if (!m) throw new Error(`not a byte count: ${v}`);
	const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase()] || 1;
	return Math.round(Number(m[1]) * mult);
}

/** @param {string} v */
function number(v) {
	const n = Number(v);
	if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
	return n;
}

/** @param {string} v */
const numbers = (v) => v.split(',').map(number);
/** @param {string} v */
const names = (v) => v.split(',').map((n) => n.trim()).filter(Boolean);
/** `N` or `MIN-MAX`. @param {string} v */
const numberOrRange = (v) => (/^\d+-\d+$/.test(v) ? /** @type {[number, number]} */ (v.split('-').map(number)) : number(v));
/** A reader that takes one of `values`. @param {string[]} values */
const oneOf = (values) => (/** @type {string} */ v) => {
	if (!values.includes(v)) throw new Error(`expected one of ${values.join(', ')}, not ${v}`);
	return v;
};

/**
 * Every flag: where its value goes (`o` options, `f` faults, `l` LLM options), the key, and how to
 * read its value (absent: a switch that sets the given constant).
 * @type {Record<string, [target: 'o'|'f'|'l', key: string, read: ((v: string) => unknown) | {set: unknown}]>}
 */
const FLAGS = {
	'--api-key': ['o', 'apiKey', String],
	'--port': ['o', 'port', number],
	'--file-host-port': ['o', 'fileHostPort', number],
	'--render-ms': ['o', 'renderMs', number],
	'--queued-ms': ['o', 'queuedMs', number],
	'--poll-after-ms': ['o', 'pollAfterMs', number],
	'--content-redirect': ['o', 'contentRedirect', { set: true }],
	'--video-bytes': ['o', 'videoBytes', bytes],
	'--chat-delay-ms': ['o', 'chatDelayMs', number],
	'--create-latency-ms': ['o', 'createLatencyMs', numberOrRange],
	'--progress-mode': ['o', 'progressMode', oneOf(['linear', 'uneven'])],
	'--seedance-status': ['o', 'seedanceStatus', oneOf(['upper', 'lower'])],
	'--no-content-answer': ['o', 'noContentAnswer', oneOf(['not_found', 'task_not_exist', 'unsupported'])],
	'--video-url-ttl-s': ['o', 'videoUrlTtlS', number],
	'--video-url-on-api-origin': ['o', 'videoUrlOnApiOrigin', { set: true }],
	'--retired-models': ['o', 'retiredModels', names],
	'--retired-answer': ['o', 'retiredAnswer', oneOf(['no-channel', 'no-channel-zh', 'openai-404'])],
	'--model-types': ['o', 'modelTypes', { set: true }],
	'--models': ['o', 'models', names],
	'--no-gzip': ['o', 'gzip', { set: false }],
	'--no-check-mime': ['o', 'checkMime', { set: false }],
	'--strict-reference-size': ['o', 'strictReferenceSize', { set: true }],
	'--log': ['o', 'log', { set: true }],
	'--seed': ['f', 'seed', number],
	'--rate5xx': ['f', 'rate5xx', number],
	'--statuses5xx': ['f', 'statuses5xx', numbers],
	'--rate-drop': ['f', 'rateDrop', number],
	'--drop-after-create': ['f', 'dropAfterCreate', { set: true }],
	'--error-after-create': ['f', 'errorAfterCreate', { set: true }],
	'--burst429': ['f', 'burst429', number],
	'--burst-length': ['f', 'burstLength', number],
	'--retry-after-s': ['f', 'retryAfterS', number],
	'--retry-after-ms': ['f', 'retryAfterMs', number],
	'--rate-truncate': ['f', 'rateTruncate', number],
	'--slow-ms': ['f', 'slowMs', number],
	'--file-host-faults': ['f', 'fileHost', { set: true }],
	'--paid-burst429': ['f', 'paidBurst429', number],
	'--paid-burst-length': ['f', 'paidBurstLength', number],
	'--paid-rate503': ['f', 'paidRate503', number],
	'--paid-rate-drop-after-create': ['f', 'paidRateDropAfterCreate', number],
	'--paid-rate-error-after-create': ['f', 'paidRateErrorAfterCreate', number],
	'--paid-statuses-after-create': ['f', 'paidStatusesAfterCreate', numbers],
	'--llm': ['l', 'enabled', { set: true }],
	'--llm-port': ['l', 'port', number],
	'--llm-api-key': ['l', 'apiKey', String],
	'--llm-tool': ['l', 'tool', String],
	'--llm-args': ['l', 'args', (v) => JSON.parse(v)],
};

/** @param {string[]} argv */
function parse(argv) {
	/** @type {Record<'o'|'f'|'l', Record<string, any>>} */
	const out = { o: {}, f: {}, l: {} };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '-h' || a === '--help') {
			process.stdout.write(HELP + '\n');
			process.exit(0);
		}
		const flag = FLAGS[a];
		if (!flag) throw new Error(`unknown flag ${a} (see --help)`);
		const [target, key, read] = flag;
		if (typeof read !== 'function') {
			out[target][key] = read.set;
			continue;
		}
		const v = argv[++i];
		if (v === undefined) throw new Error(`${a} needs a value`);
		try {
			out[target][key] = read(v);
		} catch (e) {
			throw new Error(`${a}: ${e instanceof Error ? e.message : e}`);
		}
	}
	if (Object.keys(out.f).length) out.o.faults = out.f;
	return { options: out.o, llm: out.l };
}

async function main() {
	let opts;
	try {
		opts = parse(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${e instanceof Error ? e.message : e}\n${HELP}\n`);
		process.exit(2);
	}
	const { enabled, ...llmOptions } = opts.llm;
	const s = await startStandIn(opts.options);
	const llm = enabled ? await startLlmStandIn({ log: opts.options.log, ...llmOptions }) : null;
	process.stdout.write(JSON.stringify({ baseUrl: s.baseUrl, fileHostUrl: s.fileHostUrl, ...(llm ? { llmUrl: llm.baseUrl } : {}), pid: process.pid }) + '\n');
	const stop = async () => {
		await Promise.all([s.close(), llm && llm.close()]);
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((e) => {
	process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
	process.exit(1);
});
