#!/usr/bin/env node
/**
 * Demo: a real n8n (the newest 2.x host) makes a Sora 2 video with this package's node, from examples/text-to-video.json.
 *
 *   npm run demo              (= npm run build && node scripts/demo.js)
 *
 * Without COMETAPI_API_KEY it runs everything on this machine: the local CometAPI stand-in
 * (tools/stand-in, 127.0.0.1 only, an 8 s render) plays the API, and the timeline of the job is
 * printed while the node polls. With COMETAPI_API_KEY (and optionally COMETAPI_BASE_URL, default
 * https://api.cometapi.com) it uses the real API instead: that makes a real, paid video.
 *
 * The package is packed (`npm pack`) and installed into a fresh n8n user folder the way the
 * Community Nodes panel does; the credential and the workflow are imported with the n8n CLI and the
 * workflow runs with `n8n execute`. The MP4 is written to ./out/<video id>.mp4.
 * Exit code 0 on success, 1 with a message otherwise.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../tools/n8n-harness');
const { cometCredential, findNode, loadExample, fastPolling } = require('../tools/sora-fixtures');

const REPO_ROOT = harness.REPO_ROOT;
const HOST_VERSION = harness.newestHost();
const STAND_IN_RENDER_MS = 8000;
const STAND_IN_POLL_SECONDS = 1;

const startedAt = Date.now();
const stamp = () => `[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s]`;
/** @param {string} message */
const say = (message) => console.log(`${stamp()} ${message}`);

class DemoError extends Error {}

function ensureBuilt() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const missing = [...pkg.n8n.nodes, ...pkg.n8n.credentials].filter((file) => !fs.existsSync(path.join(REPO_ROOT, file)));
	if (missing.length) throw new DemoError(`the package is not built (missing ${missing.join(', ')}): run \`npm run build\` first, or \`npm run demo\``);
	return pkg;
}

function ensureHost() {
	if (harness.isHostInstalled(HOST_VERSION)) return;
	say(`n8n ${HOST_VERSION} is not installed in ${harness.hostDir(HOST_VERSION)}: installing it now (3-6 minutes, about 2 GB)`);
	const result = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'install-n8n-hosts.sh'), HOST_VERSION], {
		cwd: REPO_ROOT,
		stdio: 'inherit',
	});
	if (result.status !== 0 || !harness.isHostInstalled(HOST_VERSION)) {
		throw new DemoError(`installing n8n ${HOST_VERSION} failed (exit code ${result.status}); see the output above`);
	}
}

/**
 * Prints the job's timeline while n8n runs: every request the node sends to the stand-in, with the
 * job state it was answered with (read from the stand-in's log and job table as they happen).
 * @param {any} standIn
 */
function watchStandIn(standIn) {
	let seen = standIn.requests.length;
	let last = '';
	const timer = setInterval(() => {
		for (; seen < standIn.requests.length; seen++) {
			const r = standIn.requests[seen];
			if (r.server === 'files') {
				say(`  file host   GET ${r.path} (no API key sent: ${r.headers.authorization === undefined})`);
				continue;
			}
			if (r.method === 'POST' && r.path === '/v1/videos') {
				const job = r.jobId ? standIn.jobs.get(r.jobId) : undefined;
				say(`  create      POST /v1/videos -> ${job ? `${job.id} queued` : `HTTP ${r.status}`}`);
				continue;
			}
			const poll = /^\/v1\/videos\/([^/]+)$/.exec(r.path);
			if (r.method === 'GET' && poll) {
				const video = standIn.video(poll[1]);
				const line = `${video.status}${video.status === 'in_progress' ? ` ${video.progress}%` : ''}`;
				say(`  status      ${line}${line === last ? ' (unchanged)' : ''}`);
				last = line;
				continue;
			}
			if (r.path.endsWith('/content')) {
				say(`  download    GET ${r.path.replace(/^\/v1\/videos\//, '')}?variant=${r.query.variant || 'video'}`);
				continue;
			}
			say(`  request     ${r.method} ${r.path}`);
		}
	}, 100);
	return () => clearInterval(timer);
}

async function main() {
	const realKey = (process.env.COMETAPI_API_KEY || '').trim();
	const real = realKey !== '';
	const pkg = ensureBuilt();
	ensureHost();

	/** @type {any} */
	let standIn;
	/** @type {(() => void) | undefined} */
	let stopWatching;
	/** @type {any} */
	let folder;
	try {
		let credential;
		if (real) {
			const baseUrl = (process.env.COMETAPI_BASE_URL || 'https://api.cometapi.com').trim();
			credential = cometCredential({ apiKey: realKey, baseUrl });
			say(`using the real CometAPI at ${baseUrl} (COMETAPI_API_KEY is set): this video is billed to your key`);
			say('the timeline is not available with the real API (the node polls inside n8n); the result prints when the render is done');
		} else {
			const { startStandIn } = require('../tools/stand-in');
			const apiKey = 'sk-demo-local-stand-in';
			standIn = await startStandIn({ apiKey, renderMs: STAND_IN_RENDER_MS });
			credential = cometCredential({ apiKey, baseUrl: standIn.baseUrl });
			say(`CometAPI stand-in on ${standIn.baseUrl} (file host ${standIn.fileHostUrl}), renders take ${STAND_IN_RENDER_MS / 1000} s`);
			say('  (set COMETAPI_API_KEY to use the real API instead)');
		}

		folder = await harness.createN8nUserFolder({ version: HOST_VERSION, binaryMode: 'filesystem', packageDir: REPO_ROOT });
		say(`n8n ${HOST_VERSION}: fresh user folder ${folder.root}`);
		say(`  installed ${pkg.name}@${pkg.version} as a community package (${path.relative(folder.root, folder.package.dir)})`);
		await harness.importCredentials(folder, [credential]);
		say(`  imported credential "${credential.name}" (id ${credential.id}, type ${credential.type})`);

		const workflow = loadExample('text-to-video', 'soraDemo00000001');
		if (!real) fastPolling(workflow, STAND_IN_POLL_SECONDS);
		const sora = findNode(workflow, 'Sora Video');
		await harness.importWorkflow(folder, workflow);
		say(`  imported examples/text-to-video.json (poll interval ${sora.parameters.options.pollInterval} s${real ? '' : ', shortened for the stand-in'})`);
		say(`running it: ${sora.parameters.model}, ${sora.parameters.seconds} s, ${sora.parameters.size}: "${sora.parameters.prompt}"`);

		if (standIn) stopWatching = watchStandIn(standIn);
		const result = await harness.executeWorkflow(folder, workflow.id, { timeoutMs: 30 * 60_000 });
		if (stopWatching) stopWatching();
		if (result.exitCode !== 0) {
			const error = harness.nodeError(result.run, 'Sora Video') || harness.executionError(result.run);
			const message = error ? `${error.message}${error.description ? `\n  ${error.description}` : ''}` : `exit code ${result.exitCode}`;
			throw new DemoError(`the workflow failed: ${message}`);
		}
		say(`n8n finished the execution (${(result.durationMs / 1000).toFixed(1)} s for \`n8n execute\`, start-up included)`);

		const [item] = harness.nodeOutput(result.run, 'Sora Video');
		const binary = item && item.binary && item.binary.data;
		if (!binary) throw new DemoError(`the node gave no video file: ${JSON.stringify(item && item.json)}`);
		const bytes = harness.readBinary(folder, binary);
		const outDir = path.resolve(process.cwd(), 'out');
		fs.mkdirSync(outDir, { recursive: true });
		const file = path.join(outDir, `${item.json.id}.mp4`);
		fs.writeFileSync(file, bytes);
		say(`video ${item.json.id}: status ${item.json.status}, ${item.json.seconds} s, ${item.json.size}, model ${item.json.model}`);
		say(`wrote ${path.relative(process.cwd(), file) || file} (${bytes.length.toLocaleString('en-US')} bytes, ${binary.mimeType})`);
		say(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
	} finally {
		if (stopWatching) stopWatching();
		if (folder) await folder.cleanup();
		if (standIn) await standIn.close();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		const message = error instanceof DemoError || error instanceof harness.HarnessError ? error.message : error && error.stack;
		console.error(`${stamp()} demo failed: ${message}`);
		process.exit(1);
	},
);
