'use strict';

const { activateWorkflow } = require('./cli');
const { HarnessError, headTail } = require('./errors');
const { n8nCommand } = require('./hosts');
const { freePort, isPortInUse, killGroupHard, sleep, spawnTracked, stopGroup } = require('./process');

/** @typedef {import('./user-folder').N8nUserFolder} N8nUserFolder */

/**
 * @typedef {object} StartN8nOptions
 * @property {number} [port] N8N_PORT. Default: a free port.
 * @property {string[]} [activate] Workflows to activate (1.x) / publish (2.x) first; already imported.
 * @property {{ path: string, method?: string }} [webhook] Production webhook to wait for: start-up
 *   is complete once this webhook URL itself reports `method` (default POST) as registered.
 *   Without it, the readiness endpoint is awaited (it answers ~2 s before workflows are active).
 * @property {number} [timeoutMs] Bound for start-up. Default 120 s.
 * @property {Record<string, string>} [env] Extra environment for the server.
 */

/**
 * @typedef {object} RunningN8n
 * @property {string} url The webhook URL when `webhook` was given, else the base URL.
 * @property {string} baseUrl `http://127.0.0.1:<port>`
 * @property {number} port
 * @property {number} pid Leader of the server's process group.
 * @property {number} startupMs From spawn until ready.
 * @property {(path: string) => string} webhookUrl Production webhook URL: `<baseUrl>/webhook/<path>`.
 * @property {() => string} log Captured stdout + stderr so far.
 * @property {() => Promise<void>} stop SIGTERM to the process group (SIGKILL after 15 s); waits for the exit.
 * @property {() => Promise<void>} kill SIGKILL to the process group at once (a crash: nothing shut down
 *   or saved); waits for the exit. `startN8n` on the same folder starts n8n again.
 */

/**
 * Probes the webhook URL itself without triggering an execution: a CORS preflight (OPTIONS with
 * an Origin) is answered from the registered webhooks, and `Access-Control-Allow-Methods` lists
 * `method` only once the workflow is active.
 * @param {string} url
 * @param {string} method
 */
async function webhookRegistered(url, method) {
	try {
		const response = await fetch(url, {
			method: 'OPTIONS',
			headers: { Origin: 'http://127.0.0.1', 'Access-Control-Request-Method': method },
			signal: AbortSignal.timeout(5000),
		});
		const allowed = (response.headers.get('access-control-allow-methods') || '')
			.split(',')
			.map((m) => m.trim().toUpperCase());
		return response.status < 300 && allowed.includes(method);
	} catch {
		return false;
	}
}

/** @param {string} baseUrl */
async function readinessOk(baseUrl) {
	try {
		const response = await fetch(`${baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(5000) });
		return response.status === 200;
	} catch {
		return false;
	}
}

/**
 * Starts `n8n start` on 127.0.0.1 for a user folder, after activating/publishing the given
 * workflows, and waits until the webhook (or the readiness endpoint) answers. `folder.cleanup()`
 * stops it too.
 * @param {N8nUserFolder} folder
 * @param {StartN8nOptions} [options]
 * @returns {Promise<RunningN8n>}
 */
async function startN8n(folder, options = {}) {
	const command = n8nCommand(folder.version, ['start']);
	for (const id of options.activate || []) await activateWorkflow(folder, id);

	const port = options.port || (await freePort());
	if (await isPortInUse(port)) throw new HarnessError(`startN8n: port ${port} on 127.0.0.1 is already in use`);
	const baseUrl = `http://127.0.0.1:${port}`;
	/** @param {string} p */
	const webhookUrl = (p) => `${baseUrl}/webhook/${p.replace(/^\/+/, '')}`;
	const timeoutMs = options.timeoutMs || 120_000;

	const started = Date.now();
	const child = spawnTracked(command.command, command.args, {
		cwd: folder.root,
		env: {
			...folder.env,
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${baseUrl}/`,
			N8N_SECURE_COOKIE: 'false',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...(options.env || {}),
		},
	});
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));

	/** @type {Promise<void> | undefined} */
	let stopping;
	const stop = () => (stopping = stopping || stopGroup(child, 15_000));
	folder.onCleanup.push(stop);

	const method = ((options.webhook && options.webhook.method) || 'POST').toUpperCase();
	const url = options.webhook ? webhookUrl(options.webhook.path) : baseUrl;
	// first the readiness endpoint (cheap, logs nothing), then the webhook itself (each miss logs
	// "The requested webhook ... is not registered" with a stack trace, so poll it less often)
	let serverUp = false;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			await stop();
			throw new HarnessError(
				`n8n ${folder.version} start exited during start-up (exit code ${child.exitCode}, signal ${child.signalCode})\n` +
					`--- log ---\n${headTail(output)}`,
			);
		}
		serverUp = serverUp || (await readinessOk(baseUrl));
		if (serverUp && (!options.webhook || (await webhookRegistered(url, method)))) break;
		if (Date.now() - started > timeoutMs) {
			await stop().catch(() => undefined);
			const what = !serverUp ? 'readiness endpoint did not answer' : `webhook ${method} ${url} not registered`;
			throw new HarnessError(
				`n8n ${folder.version} start: ${what} after ${timeoutMs} ms` +
					`${options.webhook && !options.activate ? ' (was the workflow activated? pass `activate: [id]`)' : ''}\n` +
					`--- log ---\n${headTail(output)}`,
			);
		}
		await sleep(serverUp ? 500 : 250);
	}

	return {
		url,
		baseUrl,
		port,
		pid: child.pid || -1,
		startupMs: Date.now() - started,
		webhookUrl,
		log: () => output,
		stop,
		kill: () => (stopping = stopping || killGroupHard(child)),
	};
}

module.exports = { startN8n };
