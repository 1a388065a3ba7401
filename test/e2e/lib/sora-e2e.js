'use strict';

/**
 * Shared helpers of the Sora Video e2e tests (node.test.js, examples.test.js) and scripts/demo.js:
 * build-and-stage the package once per process, load the example workflows with test patches,
 * the CometAPI credential pointing at the stand-in, and request-log queries.
 * Plain CommonJS without jest, like the harness.
 */
const { execFileSync } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO_ROOT } = require('../harness');

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const NODE_TYPE = 'n8n-nodes-cometapi-sora.soraVideo';
/** The credential every example references. */
const CREDENTIAL_REF = { id: 'cometapi-demo', name: 'CometAPI' };

/** @param {Buffer | string} bytes */
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A unique API key per test file, so a leak is found by a plain substring search. */
function newApiKey() {
	return `sk-e2e-${randomBytes(12).toString('hex')}`;
}

/**
 * The `cometApi` credential as importCredentials wants it, with the id and name the examples use.
 * @param {{ apiKey: string, baseUrl: string }} data
 */
function cometCredential(data) {
	return { ...CREDENTIAL_REF, type: 'cometApi', data: { apiKey: data.apiKey, baseUrl: data.baseUrl } };
}

/**
 * Builds the package (`npm run build`) once per process and copies `package.json` + `dist/` to a
 * private staging folder, so a rebuild of the checkout during the run (others edit it too) cannot
 * change what the hosts load mid-suite. E2E_SKIP_BUILD=1 uses the existing dist/ as it is.
 * @returns {string} the staged package folder, for createN8nUserFolder({ packageDir })
 */
function preparePackage() {
	const marker = path.join(os.tmpdir(), `sora-e2e-package-${process.pid}`);
	if (fs.existsSync(path.join(marker, 'package.json'))) return marker;
	if (process.env.E2E_SKIP_BUILD !== '1') {
		const started = Date.now();
		try {
			execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'pipe', encoding: 'utf8' });
		} catch (error) {
			const e = /** @type {any} */ (error);
			throw new Error(`npm run build failed:\n${e.stdout || ''}\n${e.stderr || ''}`);
		}
		process.stderr.write(`[sora e2e] npm run build: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
	} else if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes'))) {
		throw new Error('E2E_SKIP_BUILD=1 but dist/ is missing: run `npm run build` first');
	}
	const staging = fs.mkdtempSync(`${marker}-tmp-`);
	fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(staging, 'package.json'));
	fs.cpSync(path.join(REPO_ROOT, 'dist'), path.join(staging, 'dist'), { recursive: true });
	fs.rmSync(marker, { recursive: true, force: true });
	fs.renameSync(staging, marker);
	// remove stagings of earlier (finished) processes
	for (const name of fs.readdirSync(os.tmpdir())) {
		const match = /^sora-e2e-package-(\d+)$/.exec(name);
		if (!match || Number(match[1]) === process.pid) continue;
		try {
			process.kill(Number(match[1]), 0);
		} catch {
			fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
		}
	}
	return marker;
}

/**
 * An example workflow from examples/<name>.json, deep-copied, with the fixed id the harness needs
 * (<= 16 characters: 1.x's `n8n execute` drops longer ids).
 * @param {string} name file name without .json
 * @param {string} id
 */
function loadExample(name, id) {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${name}.json`), 'utf8'));
	return { ...workflow, id, name: `${workflow.name} (e2e)` };
}

/**
 * @param {{ nodes: any[] }} workflow
 * @param {string} name
 */
function findNode(workflow, name) {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`no node "${name}" in workflow "${/** @type {any} */ (workflow).name}"`);
	return node;
}

/**
 * Replaces a trigger by a Manual Trigger of the same name (so connections stay valid): `n8n execute`
 * starts only at a Manual Trigger (or an Execute Workflow Trigger), on both hosts.
 * @param {{ nodes: any[] }} workflow
 * @param {string} name
 */
function replaceWithManualTrigger(workflow, name) {
	const node = findNode(workflow, name);
	node.type = 'n8n-nodes-base.manualTrigger';
	node.typeVersion = 1;
	node.parameters = {};
	delete node.webhookId;
}

/**
 * Short poll intervals for every Sora node that waits (examples keep user-sensible defaults).
 * @param {{ nodes: any[] }} workflow
 * @param {number} pollInterval seconds
 */
function fastPolling(workflow, pollInterval) {
	for (const node of workflow.nodes) {
		if (node.type !== NODE_TYPE) continue;
		const operation = node.parameters.operation || 'create';
		if (operation !== 'create' && operation !== 'remix') continue;
		node.parameters.options = { ...(node.parameters.options || {}), pollInterval };
	}
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

/**
 * Asserts that no request created a job twice: every paid request that created a job has its own
 * job id. Returns the job ids created.
 * @param {any[]} requests
 */
function createdJobIds(requests) {
	return paidOf(requests)
		.map((r) => r.jobId)
		.filter(Boolean);
}

module.exports = {
	EXAMPLES_DIR,
	NODE_TYPE,
	CREDENTIAL_REF,
	sha256,
	newApiKey,
	cometCredential,
	preparePackage,
	loadExample,
	findNode,
	replaceWithManualTrigger,
	fastPolling,
	requestsSince,
	paidOf,
	createdJobIds,
};
