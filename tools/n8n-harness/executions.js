'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const { HarnessError } = require('./errors');
const { hostDir, hostNode } = require('./hosts');

/** @typedef {import('./user-folder').N8nUserFolder} N8nUserFolder */
/** @typedef {import('./run-data').N8nRun} N8nRun */

/**
 * One execution as n8n stored it (execution_entity + execution_data + execution_metadata).
 * @typedef {object} StoredExecution
 * @property {string} id
 * @property {string} workflowId
 * @property {string} status `new`, `running`, `waiting`, `success`, `error`, `canceled`, `crashed`
 * @property {string} mode `manual`, `webhook`, `trigger`, `integrated` (started by Execute Workflow), ...
 * @property {number | null} startedAt ms since epoch
 * @property {number | null} stoppedAt
 * @property {number | null} waitTill
 * @property {N8nRun['data'] | null} data the run data (`data.resultData.runData`), null before the first save
 * @property {Record<string, string>} customData the execution's custom data (`$execution.customData`)
 */

/** The columns every reader selects, in this order; `data` is n8n's `flatted` serialisation. */
const COLUMNS = [
	'e.id',
	'e."workflowId"',
	'e.status',
	'e.mode',
	'e."startedAt"',
	'e."stoppedAt"',
	'e."waitTill"',
	'd.data',
];
const FROM = 'from execution_entity e left join execution_data d on d."executionId" = e.id';

/**
 * SQLite keeps dates as `YYYY-MM-DD HH:MM:SS.SSS` in UTC, psql prints them with an offset (`+00`).
 * @param {string | null | undefined} value
 */
function toMs(value) {
	if (!value) return null;
	const iso = value.replace(' ', 'T');
	const offset = /[+-]\d\d(:?\d\d)?$/.exec(iso);
	const ms = Date.parse(offset ? (offset[1] ? iso : `${iso}:00`) : `${iso}Z`);
	if (Number.isNaN(ms)) throw new HarnessError(`unreadable date in the execution table: ${value}`);
	return ms;
}

/**
 * Builds StoredExecution records from rows of COLUMNS and `[executionId, key, value]` metadata rows.
 * @param {string} version the host whose `flatted` reads the data
 * @param {Array<Array<string | null>>} rows
 * @param {Array<Array<string>>} metadata
 * @returns {StoredExecution[]}
 */
function toStoredExecutions(version, rows, metadata) {
	const flatted = require(path.join(hostDir(version), 'node_modules', 'flatted'));
	return rows.map(([id, workflowId, status, mode, startedAt, stoppedAt, waitTill, data]) => ({
		id: String(id),
		workflowId: String(workflowId),
		status: String(status),
		mode: String(mode),
		startedAt: toMs(startedAt),
		stoppedAt: toMs(stoppedAt),
		waitTill: toMs(waitTill),
		data: data ? flatted.parse(data) : null,
		customData: Object.fromEntries(metadata.filter(([executionId]) => String(executionId) === String(id)).map(([, key, value]) => [key, value])),
	}));
}

/** Runs in the host's Node: its own sqlite3 module (built for that Node) reads the folder's database. */
const SQLITE_READER = `
const [modules, file, workflowId, columns, from] = process.argv.slice(1);
const sqlite3 = require(modules + '/sqlite3');
const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
const all = (sql, params) => new Promise((resolve, reject) => db.all(sql, params, (e, rows) => (e ? reject(e) : resolve(rows))));
(async () => {
	const rows = await all('select ' + columns + ' ' + from + ' where e."workflowId" = ? order by e.id', [workflowId]);
	const metadata = await all('select m."executionId", m.key, m.value from execution_metadata m join execution_entity e on e.id = m."executionId" where e."workflowId" = ?', [workflowId]);
	process.stdout.write(JSON.stringify({ rows: rows.map((r) => Object.values(r)), metadata: metadata.map((r) => Object.values(r)) }));
	db.close();
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

/**
 * The executions of one workflow stored in a user folder's SQLite database, oldest first. Works
 * while `n8n start` runs (n8n writes in WAL mode; this only reads) and after it stopped.
 * @param {N8nUserFolder} folder
 * @param {string} workflowId
 * @returns {StoredExecution[]}
 */
function readExecutions(folder, workflowId) {
	const file = path.join(folder.n8nDir, 'database.sqlite');
	const modules = path.join(hostDir(folder.version), 'node_modules');
	const result = spawnSync(hostNode(folder.version), ['-e', SQLITE_READER, modules, file, workflowId, COLUMNS.join(', '), FROM], {
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
		timeout: 60_000,
	});
	if (result.status !== 0) {
		throw new HarnessError(`reading the executions of ${workflowId} from ${file} failed (exit ${result.status}):\n${result.stderr}`);
	}
	const { rows, metadata } = JSON.parse(result.stdout);
	return toStoredExecutions(folder.version, rows, metadata);
}

module.exports = { EXECUTION_COLUMNS: COLUMNS, EXECUTIONS_FROM: FROM, readExecutions, toStoredExecutions };
