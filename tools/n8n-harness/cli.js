'use strict';

const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { HarnessError, formatLogs } = require('./errors');
const { n8nCommand } = require('./hosts');
const { runProcess, sequential } = require('./process');
const { parseExecuteOutput } = require('./run-data');

/** @typedef {import('./user-folder').N8nUserFolder} N8nUserFolder */
/** @typedef {import('./run-data').N8nRun} N8nRun */

/**
 * @typedef {object} CliOptions
 * @property {number} [timeoutMs] Bound for this call (default DEFAULT_CLI_TIMEOUT_MS).
 * @property {Record<string, string>} [env] Extra environment for this call only.
 */

/**
 * @typedef {import('./process').ProcessResult & { args: string[] }} CliResult
 */

/**
 * @typedef {object} CredentialFixture
 * @property {string} id Fixed id, referenced from nodes as `credentials: { <type>: { id, name } }`.
 * @property {string} name
 * @property {string} type Credential type name, e.g. `cometApi`.
 * @property {Record<string, any>} data Plain text; n8n encrypts it with the folder's key on import.
 */

/**
 * @typedef {object} WorkflowNode
 * @property {string} [id] Filled in when missing (stable: derived from workflow id and node name).
 * @property {string} name
 * @property {string} type
 * @property {number} typeVersion
 * @property {[number, number]} position
 * @property {Record<string, any>} parameters
 * @property {Record<string, { id: string, name: string }>} [credentials]
 * @property {string} [webhookId] Filled in for Webhook nodes when missing.
 */

/**
 * @typedef {object} WorkflowFixture
 * @property {string} id Fixed id (letters, digits, _ or -, up to 36 characters).
 * @property {string} name
 * @property {WorkflowNode[]} nodes
 * @property {Record<string, any>} connections
 * @property {Record<string, any>} [settings]
 * @property {Record<string, any>} [pinData]
 */

/**
 * @typedef {object} ExecuteResult
 * @property {number | null} exitCode 0 when the execution succeeded, 1 when it failed (see crashedAtExit).
 * @property {N8nRun} run The parsed execution: see nodeOutput / nodeError / executionError.
 * @property {NodeJS.Signals | null} signal Signal that ended the CLI process, if any.
 * @property {boolean} crashedAtExit The process died by a signal (seen: SIGSEGV on 1.123.81, rarely)
 *   after printing the complete execution; exitCode is then the one n8n was exiting with
 *   (0 for status success, else 1).
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} durationMs Wall time of the whole CLI call (start-up included).
 */

/** Bound for one CLI call: a call takes 3-10 s (the first one on a folder runs the DB migrations). */
const DEFAULT_CLI_TIMEOUT_MS = 180_000;

/**
 * Runs `n8n <args>` of the folder's host version (on the host's Node) against the folder (cwd = the folder, so no stray
 * .env is read). Calls are serialized within the process. Resolves whatever the exit code; rejects
 * on timeout with the captured logs.
 * @param {N8nUserFolder} folder
 * @param {string[]} args
 * @param {CliOptions} [options]
 * @returns {Promise<CliResult>}
 */
async function runN8nCli(folder, args, options = {}) {
	const command = n8nCommand(folder.version, args);
	return await sequential(async () => {
		const result = await runProcess(command.command, command.args, {
			cwd: folder.root,
			env: { ...folder.env, ...(options.env || {}) },
			timeoutMs: options.timeoutMs || DEFAULT_CLI_TIMEOUT_MS,
			label: `n8n ${folder.version} ${args.join(' ')}`,
		});
		return { ...result, args };
	});
}

/**
 * @param {CliResult} result
 * @param {N8nUserFolder} folder
 * @param {RegExp} expected a line proving success (the import/update commands also exit 0 on some failures)
 */
function assertCliSuccess(result, folder, expected) {
	const found = expected.test(result.stdout + result.stderr);
	if (result.exitCode !== 0 || !found) {
		throw new HarnessError(
			`n8n ${folder.version} ${result.args.join(' ')} failed (exit code ${result.exitCode}` +
				`${result.signal ? `, signal ${result.signal}` : ''}${found ? '' : `, no output matching ${expected}`})\n` +
				formatLogs(result.stdout, result.stderr),
		);
	}
}

let inputCounter = 0;
/**
 * @param {N8nUserFolder} folder
 * @param {string} kind
 * @param {unknown} content
 */
function writeInput(folder, kind, content) {
	const dir = path.join(folder.root, 'harness-inputs');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${kind}-${++inputCounter}.json`);
	fs.writeFileSync(file, JSON.stringify(content, null, 2));
	return file;
}

/**
 * Imports credentials with `n8n import:credentials --input=<file>` (owned by the instance owner's
 * project; plain-text `data` is encrypted on import). Same input shape on 1.x and 2.x.
 * @param {N8nUserFolder} folder
 * @param {CredentialFixture[]} credentials
 * @param {CliOptions} [options]
 * @returns {Promise<CliResult>}
 */
async function importCredentials(folder, credentials, options = {}) {
	if (!Array.isArray(credentials) || credentials.length === 0) {
		throw new HarnessError('importCredentials: give an array of credentials');
	}
	for (const credential of credentials) {
		if (!credential.id || !credential.name || !credential.type || typeof credential.data !== 'object') {
			throw new HarnessError('importCredentials: every credential needs id, name, type and a data object');
		}
	}
	const now = new Date().toISOString();
	const file = writeInput(
		folder,
		'credentials',
		credentials.map((credential) => ({ createdAt: now, updatedAt: now, ...credential })),
	);
	const result = await runN8nCli(folder, ['import:credentials', `--input=${file}`], options);
	assertCliSuccess(result, folder, /Successfully imported \d+ credential/);
	return result;
}

/** @param {string} seed */
function stableUuid(seed) {
	const hex = createHash('sha256').update(seed).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The workflow as written to the import file. Both hosts accept the same shape: `id` kept,
 * `active: false` (both import inactive/unpublished whatever the file says), node ids and Webhook
 * `webhookId`s filled in (stable), `settings.executionOrder: 'v1'` unless given. `versionId` is
 * not needed: both hosts assign a new one on import.
 * @param {WorkflowFixture} workflow
 * @returns {Record<string, any>}
 */
function normalizeWorkflow(workflow) {
	if (!workflow || typeof workflow.id !== 'string' || !/^[A-Za-z0-9_-]{1,36}$/.test(workflow.id)) {
		throw new HarnessError(
			`importWorkflow: a workflow needs a fixed id of 1-36 letters/digits, got ${JSON.stringify(workflow && workflow.id)}`,
		);
	}
	if (!Array.isArray(workflow.nodes) || typeof workflow.connections !== 'object') {
		throw new HarnessError(`importWorkflow: workflow ${workflow.id} needs nodes and connections`);
	}
	const names = new Set();
	for (const node of workflow.nodes) {
		if (names.has(node.name)) throw new HarnessError(`importWorkflow: duplicate node name "${node.name}" in ${workflow.id}`);
		names.add(node.name);
	}
	const now = new Date().toISOString();
	return {
		createdAt: now,
		updatedAt: now,
		settings: { executionOrder: 'v1' },
		pinData: {},
		...workflow,
		active: false,
		nodes: workflow.nodes.map((node) => ({
			...node,
			id: node.id || stableUuid(`${workflow.id}:${node.name}`),
			...(node.type === 'n8n-nodes-base.webhook' && !node.webhookId
				? { webhookId: stableUuid(`${workflow.id}:${node.name}:webhook`) }
				: {}),
		})),
	};
}

/**
 * Imports one workflow, or several in one CLI call, with `n8n import:workflow --input=<file>`.
 * They are imported inactive / unpublished: see activateWorkflow for webhooks.
 * @param {N8nUserFolder} folder
 * @param {WorkflowFixture | WorkflowFixture[]} workflow
 * @param {CliOptions} [options]
 * @returns {Promise<CliResult>}
 */
async function importWorkflow(folder, workflow, options = {}) {
	const workflows = Array.isArray(workflow) ? workflow : [workflow];
	if (workflows.length === 0) throw new HarnessError('importWorkflow: no workflow given');
	const file = writeInput(folder, `workflow-${workflows[0].id}`, workflows.map(normalizeWorkflow));
	const result = await runN8nCli(folder, ['import:workflow', `--input=${file}`], options);
	assertCliSuccess(result, folder, /Successfully imported \d+ workflow/);
	return result;
}

/**
 * Makes an imported workflow's triggers (webhooks) live at the next `n8n start`:
 * 2.x `n8n publish:workflow --id=<id>`; 1.x `n8n update:workflow --id=<id> --active=true`.
 * Run it before startN8n (a running n8n does not pick the change up); startN8n's `activate` does.
 * @param {N8nUserFolder} folder
 * @param {string} workflowId
 * @param {CliOptions} [options]
 * @returns {Promise<CliResult>}
 */
async function activateWorkflow(folder, workflowId, options = {}) {
	const modern = folder.major >= 2;
	const args = modern
		? ['publish:workflow', `--id=${workflowId}`]
		: ['update:workflow', `--id=${workflowId}`, '--active=true'];
	const result = await runN8nCli(folder, args, options);
	assertCliSuccess(result, folder, modern ? /Publishing workflow with ID/ : /Activating workflow with ID/);
	return result;
}

/**
 * Runs an imported workflow from its Manual Trigger: `n8n execute --id=<id> --rawOutput`.
 * Resolves for successful and for failed executions (exitCode 0 / 1, `run` parsed either way);
 * rejects with the logs when no execution JSON was printed (unknown id, crash) or on timeout.
 * @param {N8nUserFolder} folder
 * @param {string} workflowId
 * @param {CliOptions} [options]
 * @returns {Promise<ExecuteResult>}
 */
async function executeWorkflow(folder, workflowId, options = {}) {
	const result = await runN8nCli(folder, ['execute', `--id=${workflowId}`, '--rawOutput'], options);
	return interpretExecuteResult(folder, workflowId, result);
}

/**
 * Turns the finished `n8n execute` process into an ExecuteResult (see executeWorkflow); exported
 * for tests of the harness itself.
 * @param {{ version: string, package?: import('./user-folder').InstalledPackage }} folder
 * @param {string} workflowId
 * @param {CliResult} result
 * @returns {ExecuteResult}
 */
function interpretExecuteResult(folder, workflowId, result) {
	let run;
	try {
		run = parseExecuteOutput(result.stdout);
	} catch (error) {
		throw new HarnessError(`${/** @type {Error} */ (error).message}\n${formatLogs(result.stdout, result.stderr)}`);
	}
	if (!run) {
		const output = result.stdout + result.stderr;
		const unknownType = /Unrecognized node type: (\S+)/.exec(output);
		const hint = unknownType
			? `\nHint: ${unknownType[1]} is not loaded. ${
					folder.package
						? `Installed package: ${folder.package.name} in ${folder.package.dir}; check its package.json "n8n" entries and the type name.`
						: 'No package is installed in this folder: pass tarball or packageDir to createN8nUserFolder (after `npm run build`).'
				}`
			: '';
		throw new HarnessError(
			`n8n ${folder.version} execute --id=${workflowId} printed no execution JSON (exit code ${result.exitCode})${hint}\n` +
				formatLogs(result.stdout, result.stderr),
		);
	}
	// n8n prints the execution, then shuts down and exits 0/1. 1.123.x occasionally dies with SIGSEGV
	// during that shutdown (native teardown): the execution itself is complete, so report the exit
	// code n8n was about to return instead of failing the test on a host crash unrelated to the node.
	let exitCode = result.exitCode;
	const crashedAtExit = exitCode === null && result.signal !== null && typeof run.status === 'string';
	if (crashedAtExit) {
		exitCode = run.status === 'success' && !run.data.resultData.error ? 0 : 1;
		process.stderr.write(
			`[e2e harness] n8n ${folder.version} execute --id=${workflowId} died with ${result.signal} after printing ` +
				`the complete execution (status ${run.status}); reporting exit code ${exitCode}\n`,
		);
	}
	return {
		exitCode,
		signal: result.signal,
		crashedAtExit,
		run,
		stdout: result.stdout,
		stderr: result.stderr,
		durationMs: result.durationMs,
	};
}

module.exports = {
	DEFAULT_CLI_TIMEOUT_MS,
	runN8nCli,
	importCredentials,
	normalizeWorkflow,
	importWorkflow,
	activateWorkflow,
	executeWorkflow,
	interpretExecuteResult,
};
