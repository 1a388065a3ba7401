'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { HarnessError } = require('./errors');

/**
 * Binary data as it appears in an item (`item.binary[<property>]`).
 * @typedef {object} N8nBinaryData
 * @property {string} data base64 bytes in `default` mode; the mode name (e.g. "filesystem-v2") otherwise
 * @property {string} mimeType
 * @property {string} [fileName]
 * @property {string} [fileExtension]
 * @property {string} [fileType]
 * @property {string} [fileSize]
 * @property {number} [bytes]
 * @property {string} [id] `<mode>:<fileId>` when the bytes are stored outside the item
 */

/**
 * @typedef {object} N8nItem
 * @property {Record<string, any>} json
 * @property {Record<string, N8nBinaryData>} [binary]
 * @property {any} [pairedItem]
 * @property {any} [error]
 */

/**
 * Serialized error of a node or of an execution.
 * @typedef {{ message: string, description?: string | null, name?: string, stack?: string,
 *   httpCode?: string | null, node?: { name: string, type: string }, [key: string]: any }} N8nError
 */

/**
 * One run of one node: `runData[<node name>][runIndex]`.
 * @typedef {object} N8nTaskData
 * @property {number} startTime
 * @property {number} executionTime
 * @property {string} [executionStatus]
 * @property {{ main?: Array<N8nItem[] | null> }} [data]
 * @property {N8nError} [error]
 */

/**
 * The execution printed by `n8n execute --rawOutput` (a serialized IRun).
 * @typedef {{ data: { resultData: { runData: Record<string, N8nTaskData[]>, error?: N8nError,
 *   lastNodeExecuted?: string } }, mode?: string, status?: string, finished?: boolean,
 *   startedAt?: string, stoppedAt?: string, [key: string]: any }} N8nRun
 */

/**
 * Extracts the execution JSON from `n8n execute` stdout: log lines come first; the JSON starts at
 * the first line that is exactly `{` and ends at the next line that is exactly `}` (it is printed
 * with 2-space indentation, so nested braces are never alone on a line). Undefined when absent.
 * @param {string} stdout
 * @returns {N8nRun | undefined}
 */
function parseExecuteOutput(stdout) {
	const lines = stdout.split(/\r?\n/);
	const start = lines.indexOf('{');
	if (start === -1) return undefined;
	const end = lines.indexOf('}', start + 1);
	if (end === -1) throw new HarnessError('the execution JSON printed by `n8n execute` is not terminated (no line "}")');
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch (error) {
		throw new HarnessError(`the execution JSON printed by \`n8n execute\` does not parse: ${/** @type {Error} */ (error).message}`);
	}
}

/**
 * @param {N8nRun} run
 * @param {string} nodeName
 * @param {number} runIndex
 * @returns {N8nTaskData}
 */
function taskData(run, nodeName, runIndex) {
	const runData = (run && run.data && run.data.resultData && run.data.resultData.runData) || {};
	const runs = runData[nodeName];
	if (!runs) {
		const ran = Object.keys(runData);
		const failure = executionError(run);
		throw new HarnessError(
			`node "${nodeName}" did not run. Nodes that ran: ${ran.length ? ran.map((n) => `"${n}"`).join(', ') : 'none'}` +
				(failure ? `. Execution error: ${failure.message}` : ''),
		);
	}
	const task = runs[runIndex];
	if (!task) throw new HarnessError(`node "${nodeName}" has ${runs.length} run(s), no run ${runIndex}`);
	return task;
}

/**
 * Output items of a node: `data.resultData.runData[<node>][runIndex].data.main[outputIndex]`.
 * Throws (with the node's error message) when the node failed or did not run.
 * @param {N8nRun} run
 * @param {string} nodeName
 * @param {{ runIndex?: number, outputIndex?: number }} [options]
 * @returns {N8nItem[]}
 */
function nodeOutput(run, nodeName, { runIndex = 0, outputIndex = 0 } = {}) {
	const task = taskData(run, nodeName, runIndex);
	if (task.error) {
		const { message, description } = task.error;
		throw new HarnessError(`node "${nodeName}" failed: ${message}${description ? ` (${description})` : ''}`);
	}
	const outputs = (task.data && task.data.main) || [];
	return outputs[outputIndex] || [];
}

/**
 * The error a node failed with (`runData[<node>][runIndex].error`); undefined if it succeeded.
 * Throws if the node did not run.
 * @param {N8nRun} run
 * @param {string} nodeName
 * @param {number} [runIndex]
 * @returns {N8nError | undefined}
 */
function nodeError(run, nodeName, runIndex = 0) {
	return taskData(run, nodeName, runIndex).error;
}

/**
 * The error that ended the execution (`data.resultData.error`); undefined if it succeeded.
 * @param {N8nRun} run
 * @returns {N8nError | undefined}
 */
function executionError(run) {
	return (run && run.data && run.data.resultData && run.data.resultData.error) || undefined;
}

/**
 * Names of the nodes that ran.
 * @param {N8nRun} run
 * @returns {string[]}
 */
function nodesThatRan(run) {
	return Object.keys((run && run.data && run.data.resultData && run.data.resultData.runData) || {});
}

/**
 * Folders that may hold filesystem-mode binary data, most specific first:
 * 2.x `<userFolder>/.n8n/storage`, 1.x `<userFolder>/.n8n/binaryData`, or the env overrides.
 * @param {import('./user-folder').N8nUserFolder} folder
 * @returns {string[]}
 */
function binaryDataRoots(folder) {
	return [
		folder.env.N8N_BINARY_DATA_STORAGE_PATH,
		folder.env.N8N_STORAGE_PATH,
		path.join(folder.n8nDir, 'storage'),
		path.join(folder.n8nDir, 'binaryData'),
	].filter(Boolean);
}

/**
 * @param {string} dir
 * @param {string} baseName
 * @param {number} [depth]
 * @returns {string | undefined}
 */
function findFile(dir, baseName, depth = 0) {
	if (depth > 12 || !fs.existsSync(dir)) return undefined;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isFile() && entry.name === baseName) return full;
		if (entry.isDirectory()) {
			const found = findFile(full, baseName, depth + 1);
			if (found) return found;
		}
	}
	return undefined;
}

/**
 * The bytes of a binary property in either mode: inline base64 (`default`), or the file named by
 * its id, `filesystem-v2:workflows/<workflowId>/executions/<executionId>/binary_data/<uuid>` on
 * both hosts (resolved against the storage folders; other `filesystem*:` ids are searched by name).
 * @param {import('./user-folder').N8nUserFolder} folder
 * @param {N8nBinaryData} binaryData
 * @returns {Buffer}
 */
function readBinary(folder, binaryData) {
	if (!binaryData || typeof binaryData !== 'object') throw new HarnessError('readBinary: no binary data given');
	if (!binaryData.id) return Buffer.from(binaryData.data, 'base64');

	const colon = binaryData.id.indexOf(':');
	const mode = colon === -1 ? '' : binaryData.id.slice(0, colon);
	const fileId = binaryData.id.slice(colon + 1);
	if (!mode.startsWith('filesystem')) {
		throw new HarnessError(`readBinary: binary data mode "${mode}" (id ${binaryData.id}) is not supported`);
	}
	const roots = binaryDataRoots(folder);
	for (const root of roots) {
		const candidate = path.resolve(root, fileId);
		if (candidate.startsWith(path.resolve(root) + path.sep) && fs.existsSync(candidate)) {
			return fs.readFileSync(candidate);
		}
	}
	const baseName = path.basename(fileId);
	for (const root of [...roots, folder.n8nDir]) {
		const found = findFile(root, baseName);
		if (found) return fs.readFileSync(found);
	}
	throw new HarnessError(`readBinary: no file for ${binaryData.id} under ${roots.join(', ')}`);
}

module.exports = {
	parseExecuteOutput,
	nodeOutput,
	nodeError,
	executionError,
	nodesThatRan,
	binaryDataRoots,
	readBinary,
};
