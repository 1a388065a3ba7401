'use strict';

/**
 * A real n8n with its editor UI on 127.0.0.1 for the browser suite: a fresh user folder with the
 * package's `npm pack` tarball installed by the harness the way the Community Nodes panel does,
 * credentials and workflows imported through the n8n CLI, `n8n start`, and the owner account set
 * up through the REST API (what the setup page posts).
 */
const {
	createN8nUserFolder,
	hostMajor,
	hostVersions,
	importCredentials,
	importWorkflow,
	linearWorkflow,
	startN8n,
} = require('../../../tools/n8n-harness');

/** Keeps the editor quiet and offline: no banners, surveys, templates, telemetry or AI panels. */
const QUIET_EDITOR_ENV = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
	N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_AI_ENABLED: 'false',
	N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
	EXTERNAL_FRONTEND_HOOKS_URLS: '',
};

const OWNER = {
	email: 'owner@sora-editor.test',
	firstName: 'Editor',
	lastName: 'Test',
	password: 'Sora-editor-test-1',
};

/**
 * @typedef {object} EditorHost
 * @property {string} baseUrl
 * @property {typeof OWNER} owner
 * @property {import('../../../tools/n8n-harness/user-folder').N8nUserFolder} folder
 * @property {() => string} log The server's output so far.
 * @property {() => Promise<void>} stop Stops n8n and deletes its user folder.
 */

/**
 * The hosts whose editors the suite checks: every host in hosts.json, in its order
 * (EDITOR_N8N_VERSION: only that installed one).
 * @returns {string[]}
 */
function editorHostVersions() {
	return process.env.EDITOR_N8N_VERSION ? [process.env.EDITOR_N8N_VERSION] : hostVersions();
}

/**
 * The host the README's editor pictures come from: the newest 2.x in hosts.json.
 * @returns {string | undefined}
 */
function screenshotHostVersion() {
	return hostVersions()
		.filter((v) => hostMajor(v) === 2)
		.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))[0];
}

/**
 * @param {{ version: string, tarball: string, credentials?: any[], workflows?: any[] }} options
 * @returns {Promise<EditorHost>}
 */
async function startEditorHost(options) {
	const folder = await createN8nUserFolder({
		version: options.version,
		tarball: options.tarball,
		binaryMode: 'filesystem',
		env: QUIET_EDITOR_ENV,
	});
	try {
		if (options.credentials?.length) await importCredentials(folder, options.credentials);
		if (options.workflows?.length) await importWorkflow(folder, options.workflows);
		const server = await startN8n(folder);
		await setUpOwner(server.baseUrl);
		return { baseUrl: server.baseUrl, owner: OWNER, folder, log: server.log, stop: () => folder.cleanup() };
	} catch (error) {
		await folder.cleanup();
		throw error;
	}
}

/** How long n8n 1.x may take to mount its REST API after its readiness check says ready. */
const REST_API_MOUNT_MS = 60_000;

/**
 * Posts what the setup page posts. n8n 1.x answers its readiness check once the database is
 * migrated and mounts the REST API a few seconds later; until then the route answers 404.
 * @param {string} baseUrl
 */
async function setUpOwner(baseUrl) {
	for (const deadline = Date.now() + REST_API_MOUNT_MS; ; ) {
		const response = await fetch(`${baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
			signal: AbortSignal.timeout(30_000),
		});
		if (response.ok) return;
		if (response.status !== 404 || Date.now() > deadline) {
			throw new Error(`owner setup failed: HTTP ${response.status} ${await response.text()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/**
 * Signs the browser in through the REST API, so the session cookie lands in its context.
 * @param {import('playwright-core').BrowserContext} context
 * @param {EditorHost} host
 */
async function signIn(context, host) {
	const response = await context.request.post(`${host.baseUrl}/rest/login`, {
		data: { emailOrLdapLoginId: host.owner.email, password: host.owner.password },
		timeout: 30_000,
	});
	if (!response.ok()) throw new Error(`sign-in failed: HTTP ${response.status()} ${await response.text()}`);
}

/**
 * The newest version of a node type as the host's editor knows it (what the picker adds).
 * @param {import('playwright-core').BrowserContext} context signed in
 * @param {EditorHost} host
 * @param {string} nodeType
 * @returns {Promise<number>}
 */
async function latestNodeVersion(context, host, nodeType) {
	const response = await context.request.get(`${host.baseUrl}/types/nodes.json`);
	const type = (await response.json()).find((/** @type {any} */ t) => t.name === nodeType);
	if (!type) throw new Error(`${nodeType} is not loaded by this n8n:\n${host.log().slice(-3000)}`);
	return Array.isArray(type.version) ? Math.max(...type.version) : type.version;
}

/**
 * Saves a workflow of nodes in a row through the editor's REST API, as the editor does.
 * @param {import('playwright-core').BrowserContext} context signed in
 * @param {EditorHost} host
 * @param {string} name
 * @param {any[]} nodes
 * @returns {Promise<string>} the id the server gave it
 */
async function createWorkflow(context, host, name, nodes) {
	// the server picks the workflow id; nodes need their own ids, as the editor gives them
	const workflow = linearWorkflow('', name, nodes);
	const response = await context.request.post(`${host.baseUrl}/rest/workflows`, {
		data: {
			name,
			active: false,
			settings: { executionOrder: 'v1' },
			connections: workflow.connections,
			nodes: workflow.nodes.map((node, i) => ({ id: `node-${i}`, ...node })),
		},
	});
	if (!response.ok()) throw new Error(`creating workflow "${name}": HTTP ${response.status()} ${await response.text()}`);
	return (await response.json()).data.id;
}

module.exports = {
	editorHostVersions,
	screenshotHostVersion,
	startEditorHost,
	signIn,
	latestNodeVersion,
	createWorkflow,
	QUIET_EDITOR_ENV,
};
