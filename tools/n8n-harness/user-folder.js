'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { HarnessError } = require('./errors');
const { hostMajor, hostNode } = require('./hosts');
const { installTarballCached, packPackage } = require('./package');
const { freePort, sequential } = require('./process');

/**
 * `default`: binary data stays inline in the execution data as base64 (the 1.x default).
 * `filesystem`: the bytes are written under the user folder and items carry an id (the 2.x default).
 * @typedef {'default' | 'filesystem'} BinaryMode
 */

/**
 * @typedef {object} CreateN8nUserFolderOptions
 * @property {string} version Host version, one of hostVersions().
 * @property {BinaryMode} [binaryMode] N8N_DEFAULT_BINARY_DATA_MODE. Default 'default'.
 * @property {string} [tarball] An `npm pack` tarball to install the way the Community Nodes panel
 *   does (see package.js). Omit both this and packageDir for a host with built-in nodes only.
 * @property {string} [packageDir] A built package folder: packed once per process (packPackage),
 *   then installed like `tarball`.
 * @property {boolean} [runners] For 1.x hosts only: N8N_RUNNERS_ENABLED, off by default there. 2.x always
 *   runs the task runner and warns when the variable is set, so it is not passed there. Only the Code
 *   node needs the runner. Default true, so both hosts behave alike.
 * @property {Record<string, string>} [env] Extra environment for every CLI call on this folder (applied last).
 */

/** @typedef {import('./package').InstalledPackage} InstalledPackage */

/**
 * @typedef {object} N8nUserFolder
 * @property {string} version Host version used for every CLI call on this folder.
 * @property {number} major
 * @property {BinaryMode} binaryMode
 * @property {string} root N8N_USER_FOLDER (a fresh temp folder); n8n keeps its data in `<root>/.n8n`.
 * @property {string} n8nDir `<root>/.n8n`
 * @property {number} brokerPort N8N_RUNNERS_BROKER_PORT reserved for this folder.
 * @property {InstalledPackage | undefined} package The package installed into this folder, if any.
 * @property {Record<string, string>} env Complete environment for n8n CLI calls on this folder.
 * @property {() => Promise<void>} cleanup Stops every n8n server started on this folder, then deletes
 *   the folder (kept when N8N_E2E_KEEP=1).
 * @property {Array<() => Promise<void>>} onCleanup Stop hooks run by cleanup() (used by startN8n).
 */

/** Fixed key, so credentials encrypted by one CLI call can be read by the next. */
const N8N_TEST_ENCRYPTION_KEY = 'n8n-nodes-cometapi-sora-e2e-encryption-key';

/** Parent-environment variables that would change how the child n8n behaves. */
const INHERITED_BLOCKLIST = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_OPTIONS$|NODE_ENV$|E2E_TESTS$)/;

/**
 * Creates a fresh N8N_USER_FOLDER for one host version, optionally with a package installed as a
 * community package, and returns the environment for running the n8n CLI against it.
 * @param {CreateN8nUserFolderOptions} options
 * @returns {Promise<N8nUserFolder>}
 */
async function createN8nUserFolder(options) {
	const { version, binaryMode = 'default', runners = true } = options;
	if (binaryMode !== 'default' && binaryMode !== 'filesystem') {
		throw new HarnessError(`binaryMode must be 'default' or 'filesystem', got ${JSON.stringify(binaryMode)}`);
	}
	const node = hostNode(version); // fails early, with the install hint
	const major = hostMajor(version);

	const root = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${version}-`));
	const n8nDir = path.join(root, '.n8n');
	fs.mkdirSync(n8nDir, { recursive: true });

	/** @type {InstalledPackage | undefined} */
	let installed;
	try {
		const tarball = options.tarball || (options.packageDir && packPackage(options.packageDir).tarball);
		if (tarball) installed = installTarballCached(tarball, n8nDir);
	} catch (error) {
		fs.rmSync(root, { recursive: true, force: true });
		throw error;
	}

	const brokerPort = await freePort();
	/** @type {Record<string, string>} */
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value !== undefined && !INHERITED_BLOCKLIST.test(key)) env[key] = value;
	}
	Object.assign(env, {
		// the host's Node first, so every node n8n starts (task runners) runs on it too
		PATH: [path.dirname(node), env.PATH].filter(Boolean).join(path.delimiter),
		N8N_USER_FOLDER: root,
		N8N_ENCRYPTION_KEY: N8N_TEST_ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_LOG_LEVEL: 'info', // 'error' would also hide the execution JSON of `n8n execute`
		N8N_LOG_OUTPUT: 'console',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_DEFAULT_BINARY_DATA_MODE: binaryMode,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		// n8n writes its settings file with 0600 itself; enforcing costs nothing and silences a warning
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// never try to reinstall packages recorded in the DB from the registry
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		NO_COLOR: '1',
	});
	if (major < 2) {
		Object.assign(env, {
			// off by default on 1.x; 2.x always runs the runner and warns if the variable is set at all
			N8N_RUNNERS_ENABLED: String(runners),
			// 1.x warns at every CLI start that these defaults are deprecated: use 2.x's values
			DB_SQLITE_POOL_SIZE: '3',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false', // 1.x's default, set explicitly
			N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
		});
	}
	Object.assign(env, options.env || {});

	/** @type {Array<() => Promise<void>>} */
	const onCleanup = [];
	let cleaned = false;
	return {
		version,
		major,
		binaryMode,
		root,
		n8nDir,
		brokerPort,
		package: installed,
		env,
		onCleanup,
		async cleanup() {
			if (cleaned) return;
			cleaned = true;
			for (const stop of onCleanup.splice(0)) await stop().catch(() => undefined);
			// let CLI calls still queued or running (e.g. after a test timeout) finish first
			await sequential(async () => undefined);
			if (process.env.N8N_E2E_KEEP === '1') {
				process.stderr.write(`[e2e harness] N8N_E2E_KEEP=1: keeping ${root}\n`);
				return;
			}
			fs.rmSync(root, { recursive: true, force: true });
		},
	};
}

module.exports = { N8N_TEST_ENCRYPTION_KEY, createN8nUserFolder };
