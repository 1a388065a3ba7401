'use strict';

const { spawn } = require('node:child_process');
const net = require('node:net');

const { HarnessError, formatLogs } = require('./errors');

/**
 * @typedef {object} ProcessResult
 * @property {number | null} exitCode
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} durationMs
 */

/** Process groups started by the harness that are still alive; killed if the test process exits. */
const liveGroups = new Set();
let exitHookInstalled = false;

function installExitHook() {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
	});
}

/**
 * Sends a signal to the process group led by `pid`. Every child is started detached, so it leads
 * its own group, which also holds the task runner n8n spawns.
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 */
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// group already gone
	}
}

/**
 * Starts a detached child (own process group) with piped stdout/stderr and tracks it; `uid`/`gid`
 * run it as another user.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, uid?: number, gid?: number }} options
 * @returns {import('node:child_process').ChildProcessWithoutNullStreams}
 */
function spawnTracked(command, args, options) {
	installExitHook();
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
	});
	const pid = child.pid;
	if (pid !== undefined) {
		liveGroups.add(pid);
		child.once('exit', () => {
			// the group may outlive its leader (e.g. a task runner): leave nothing behind
			killGroup(pid, 'SIGKILL');
			liveGroups.delete(pid);
		});
	}
	return /** @type {any} */ (child);
}

/**
 * Waits for a child's exit (resolves at once if it already exited); false on timeout.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} timeoutMs
 * @returns {Promise<boolean>}
 */
function waitForExit(child, timeoutMs) {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise((resolve) => {
		const onExit = () => {
			clearTimeout(timer);
			resolve(true);
		};
		const timer = setTimeout(() => {
			child.off('exit', onExit);
			resolve(false);
		}, timeoutMs);
		child.once('exit', onExit);
	});
}

/**
 * SIGTERM to the child's process group, SIGKILL after `graceMs`; resolves once the child has exited.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} graceMs
 */
async function stopGroup(child, graceMs) {
	const pid = child.pid;
	if (pid === undefined) return;
	if (child.exitCode !== null || child.signalCode !== null) {
		killGroup(pid, 'SIGKILL');
		return;
	}
	killGroup(pid, 'SIGTERM');
	if (await waitForExit(child, graceMs)) return;
	await killGroupHard(child);
}

/**
 * SIGKILL to the child's process group at once, as an OOM kill or a lost machine ends it (nothing
 * is saved or shut down); resolves once the child has exited.
 * @param {import('node:child_process').ChildProcess} child
 */
async function killGroupHard(child) {
	const pid = child.pid;
	if (pid === undefined) return;
	killGroup(pid, 'SIGKILL');
	if (!(await waitForExit(child, 10_000))) {
		throw new HarnessError(`process group ${pid} did not exit after SIGKILL`);
	}
}

/**
 * Runs a process to completion, capturing stdout/stderr. Resolves whatever the exit code; rejects
 * with the captured logs when `timeoutMs` is reached (after killing the process group).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, label: string }} options
 * @returns {Promise<ProcessResult>}
 */
function runProcess(command, args, options) {
	const started = Date.now();
	const child = spawnTracked(command, args, options);
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));

	return new Promise((resolve, reject) => {
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			stopGroup(child, 3000).catch(() => undefined);
		}, options.timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(new HarnessError(`${options.label}: could not start ${command}: ${error.message}`));
		});
		// 'close' comes after the exit, once stdout/stderr are drained
		child.once('close', (exitCode, signal) => {
			clearTimeout(timer);
			const durationMs = Date.now() - started;
			if (timedOut) {
				reject(
					new HarnessError(
						`${options.label}: timed out after ${options.timeoutMs} ms and was killed\n${formatLogs(stdout, stderr)}`,
					),
				);
				return;
			}
			resolve({ exitCode, signal, stdout, stderr, durationMs });
		});
	});
}

/** @type {Promise<unknown>} */
let queue = Promise.resolve();

/**
 * Runs `task` once every task queued before it has settled, so the harness's CLI calls never
 * overlap within one process, even when callers use Promise.all (2 cores; 300-400 MB per CLI).
 * @template T
 * @param {() => Promise<T>} task
 * @returns {Promise<T>}
 */
function sequential(task) {
	const result = queue.then(task, task);
	queue = result.catch(() => undefined);
	return result;
}

/**
 * A TCP port that was free on 127.0.0.1 a moment ago (asked from the OS).
 * @returns {Promise<number>}
 */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			if (address === null || typeof address === 'string') {
				server.close();
				reject(new HarnessError('could not determine a free port'));
				return;
			}
			server.close(() => resolve(address.port));
		});
	});
}

/**
 * Whether something already accepts connections on 127.0.0.1:port.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function isPortInUse(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = {
	killGroup,
	spawnTracked,
	waitForExit,
	stopGroup,
	killGroupHard,
	runProcess,
	sequential,
	freePort,
	isPortInUse,
	sleep,
};
