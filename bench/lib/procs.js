'use strict';

/**
 * Runs `n8n execute` for a harness user folder as a child process the bench controls itself (the
 * harness's executeWorkflow serializes every CLI call and does not expose the process id), and
 * optionally samples the resident memory of the whole process tree while it runs.
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../../tools/n8n-harness');
const { spawnTracked, stopGroup } = require('../../tools/n8n-harness/process');

/**
 * Process ids of `root` and all its descendants, from /proc/<pid>/task/<tid>/children.
 * @param {number} root
 * @returns {number[]}
 */
function processTree(root) {
	const seen = new Set();
	const stack = [root];
	while (stack.length) {
		const pid = /** @type {number} */ (stack.pop());
		if (seen.has(pid)) continue;
		let tasks;
		try {
			tasks = fs.readdirSync(`/proc/${pid}/task`);
		} catch {
			continue; // gone
		}
		seen.add(pid);
		for (const tid of tasks) {
			let children = '';
			try {
				children = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
			} catch {
				// thread or process gone
			}
			for (const child of children.split(' ')) if (child.trim()) stack.push(Number(child));
		}
	}
	return [...seen];
}

/**
 * VmRSS of one process in bytes (0 when it is gone or a zombie).
 * @param {number} pid
 */
function rssBytes(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/**
 * Samples the summed VmRSS of the tree under `pid` every `intervalMs` until stopped.
 * @param {number} pid
 * @param {number} intervalMs
 */
function startTreeSampler(pid, intervalMs) {
	/** @type {Array<{ t: number, rss: number, main: number, procs: number }>} */
	const samples = [];
	const take = () => {
		const pids = processTree(pid);
		let rss = 0;
		let main = 0;
		for (const p of pids) {
			const bytes = rssBytes(p);
			rss += bytes;
			if (p === pid) main = bytes;
		}
		if (pids.length) samples.push({ t: Date.now(), rss, main, procs: pids.length });
	};
	take();
	const timer = setInterval(take, intervalMs);
	return {
		samples,
		stop() {
			clearInterval(timer);
		},
	};
}

/**
 * `n8n execute --id=<id> --rawOutput` on a folder (not queued behind other CLI calls), parsed the
 * way the harness parses it. With `sampleMs`, the tree's RSS is sampled while it runs.
 * @param {import('../../tools/n8n-harness/user-folder').N8nUserFolder} folder
 * @param {string} workflowId
 * @param {{ timeoutMs?: number, sampleMs?: number }} [options]
 */
async function execute(folder, workflowId, options = {}) {
	const args = ['execute', `--id=${workflowId}`, '--rawOutput'];
	const command = harness.n8nCommand(folder.version, args);
	const started = Date.now();
	const child = spawnTracked(command.command, command.args, { cwd: folder.root, env: folder.env });
	const sampler = options.sampleMs && child.pid ? startTreeSampler(child.pid, options.sampleMs) : undefined;
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
	const timeoutMs = options.timeoutMs || 180_000;
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		stopGroup(child, 3000).catch(() => undefined);
	}, timeoutMs);
	/** @type {[number | null, NodeJS.Signals | null]} */
	const [exitCode, signal] = await new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code, sig) => resolve([code, sig]));
	});
	clearTimeout(timer);
	if (sampler) sampler.stop();
	const durationMs = Date.now() - started;
	if (timedOut) {
		throw new harness.HarnessError(
			`n8n ${folder.version} execute --id=${workflowId} timed out after ${timeoutMs} ms\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`,
		);
	}
	const result = harness.interpretExecuteResult(folder, workflowId, { exitCode, signal, stdout, stderr, durationMs, args });
	return { ...result, startedAt: started, samples: sampler ? sampler.samples : [] };
}

/**
 * The file behind a filesystem-mode binary id (`filesystem-v2:<path>`) in a user folder.
 * @param {import('../../tools/n8n-harness/user-folder').N8nUserFolder} folder
 * @param {{ id?: string }} binary
 * @returns {string | undefined}
 */
function binaryFile(folder, binary) {
	if (!binary || !binary.id) return undefined;
	const fileId = binary.id.slice(binary.id.indexOf(':') + 1);
	for (const root of harness.binaryDataRoots(folder)) {
		const candidate = path.resolve(root, fileId);
		if (fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

module.exports = { execute, processTree, rssBytes, startTreeSampler, binaryFile };
