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
 * The newest 2.x host in hosts.json (EDITOR_N8N_VERSION picks another installed one).
 * @returns {string}
 */
function editorHostVersion() {
	if (process.env.EDITOR_N8N_VERSION) return process.env.EDITOR_N8N_VERSION;
	const newest = hostVersions()
		.filter((v) => hostMajor(v) === 2)
		.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))[0];
	if (!newest) throw new Error('tools/n8n-harness/hosts.json lists no n8n 2.x host for the editor suite');
	return newest;
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

/** @param {string} baseUrl */
async function setUpOwner(baseUrl) {
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
		signal: AbortSignal.timeout(30_000),
	});
	if (!response.ok) {
		throw new Error(`owner setup failed: HTTP ${response.status} ${await response.text()}`);
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

module.exports = { editorHostVersion, startEditorHost, signIn, QUIET_EDITOR_ENV };
