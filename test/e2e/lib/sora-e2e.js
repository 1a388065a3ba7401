'use strict';

/**
 * The shared set-up of the Sora Video e2e suites (test/e2e/*.test.js, test/queue): call
 * useSoraSuite() at the top of a test file and useHostFolder() inside each host's describe; plus
 * request-log queries. Uses jest's beforeAll/afterAll, so it is for test files only; the pieces
 * without jest live in tools/sora-fixtures.
 */
const { createHash } = require('node:crypto');

const { createN8nUserFolder, createTimings, importCredentials, importWorkflow } = require('../../../tools/n8n-harness');
const { startStandIn } = require('../../../tools/stand-in');
const sora = require('../../../tools/sora-fixtures');

/** @param {Buffer | string} bytes */
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * @typedef {object} SoraSuite
 * @property {string} apiKey unique to the file
 * @property {string} tarball the packed package (set in beforeAll)
 * @property {Awaited<ReturnType<typeof startStandIn>>} standIn the CometAPI stand-in (set in beforeAll)
 * @property {ReturnType<typeof createTimings>} timings
 * @property {ReturnType<typeof createTimings>['timed']} timed
 */

/**
 * Registers the file's set-up: pack the package once (tools/sora-fixtures packedPackage) and start
 * the CometAPI stand-in with a unique API key; afterwards stop it and print the timings.
 * @param {{ timingsTitle?: string, standIn?: Record<string, any> | false }} [options]
 *   `standIn: false` when the file brings its own servers
 * @returns {SoraSuite}
 */
function useSoraSuite(options = {}) {
	const timings = createTimings();
	const suite = /** @type {SoraSuite} */ ({ apiKey: sora.newApiKey(), timings, timed: timings.timed });
	beforeAll(async () => {
		suite.tarball = sora.packedPackage();
		if (options.standIn !== false) suite.standIn = await startStandIn({ apiKey: suite.apiKey, ...options.standIn });
	});
	afterAll(async () => {
		if (suite.standIn) await suite.standIn.close();
		if (options.timingsTitle) timings.report(options.timingsTitle);
	});
	return suite;
}

/**
 * Registers, for one host: a fresh user folder with the package installed from its tarball, the
 * credentials and the workflows imported (both may be functions, called once the suite's servers
 * run); cleaned up afterwards. The returned object is filled in with the folder's properties
 * in beforeAll, so tests use it as the folder.
 * @param {SoraSuite} suite
 * @param {string} version
 * @param {{ workflows: any[] | (() => any[]), credentials?: any[] | (() => any[]),
 *   binaryMode?: 'default' | 'filesystem' }} options credentials default: the CometAPI credential of the stand-in
 * @returns {import('../../../tools/n8n-harness/user-folder').N8nUserFolder}
 */
function useHostFolder(suite, version, options) {
	const folder = /** @type {any} */ ({});
	const resolve = (/** @type {any} */ value) => (typeof value === 'function' ? value() : value);
	beforeAll(async () => {
		if (!suite.tarball) throw new Error('set-up failed (build, pack or stand-in): see the first error');
		Object.assign(folder, await createN8nUserFolder({ version, binaryMode: options.binaryMode || 'filesystem', tarball: suite.tarball }));
		const credentials = resolve(options.credentials) || [sora.cometCredential({ apiKey: suite.apiKey, baseUrl: suite.standIn.baseUrl })];
		const workflows = resolve(options.workflows);
		await suite.timed(version, 'import:credentials (first call: migrations)', () => importCredentials(folder, credentials));
		await suite.timed(version, `import:workflow x${workflows.length}`, () => importWorkflow(folder, workflows));
	});
	afterAll(async () => {
		if (folder.cleanup) await folder.cleanup();
	});
	return folder;
}

/**
 * Requests logged by the stand-in since a mark (`standIn.requests.length` taken before).
 * @param {{ requests: any[] }} standIn
 * @param {number} mark
 */
function requestsSince(standIn, mark) {
	return standIn.requests.slice(mark);
}

/** @param {any[]} requests */
function paidOf(requests) {
	return requests.filter((r) => r.paid);
}

module.exports = {
	...sora,
	sha256,
	useSoraSuite,
	useHostFolder,
	requestsSince,
	paidOf,
};
