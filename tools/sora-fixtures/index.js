'use strict';

/**
 * This package's pieces for driving it in real n8n, shared by test/, bench/ and scripts/demo.js:
 * the package built and packed once per process, the CometAPI credential, the example workflows
 * with patches for fast runs, and the "prompt list -> Split Out -> video node" batch workflow.
 * Plain CommonJS without jest, like the harness.
 */
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT, linearWorkflow, manualTrigger, packPackage } = require('../n8n-harness');

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const NODE_TYPE = 'n8n-nodes-cometapi-sora.soraVideo';
/** The credential every example references. */
const CREDENTIAL_REF = { id: 'cometapi-demo', name: 'CometAPI' };

/** A unique API key per test file, so a leak is found by a plain substring search. */
function newApiKey() {
	return `sk-e2e-${randomBytes(12).toString('hex')}`;
}

/**
 * The `cometApi` credential as importCredentials wants it (by default with the id and name the
 * examples use).
 * @param {{ apiKey: string, baseUrl: string }} data
 * @param {{ id: string, name: string }} [ref]
 */
function cometCredential(data, ref = CREDENTIAL_REF) {
	return { ...ref, type: 'cometApi', data: { apiKey: data.apiKey, baseUrl: data.baseUrl } };
}

let packed;
/**
 * Builds the package (`npm run build`) and packs it (`npm pack`), once per process: every host in
 * the run installs that same tarball, which is what users get from the registry, and a rebuild of
 * the checkout mid-run (others edit it too) cannot change it. E2E_SKIP_BUILD=1 packs dist/ as it is.
 * @returns {string} the tarball, for createN8nUserFolder({ tarball })
 */
function packedPackage() {
	if (packed) return packed;
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
	packed = packPackage(REPO_ROOT).tarball;
	return packed;
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
 * Manual Trigger -> Edit Fields (one item with an array of prompts) -> Split Out (one item per
 * prompt, field `prompt`) -> the video node.
 * @param {string} id
 * @param {string} name
 * @param {string[]} prompts
 * @param {Record<string, any>} videoNode
 */
function batchWorkflow(id, name, prompts, videoNode) {
	return linearWorkflow(id, name, [
		manualTrigger(),
		{
			name: 'Prompts',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				assignments: { assignments: [{ id: 'p1', name: 'prompts', value: JSON.stringify(prompts), type: 'array' }] },
				options: {},
			},
		},
		{
			name: 'One Item per Prompt',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'prompts', include: 'noOtherFields', options: { destinationFieldName: 'prompt' } },
		},
		/** @type {any} */ (videoNode),
	]);
}

/**
 * The Sora node's Create with Wait for Completion on the item's `prompt`, every other setting at
 * its default unless `parameters` says.
 * @param {string} name
 * @param {{ id: string, name: string }} credential
 * @param {Record<string, any>} [parameters] e.g. `{ size: '720x1280', options: { pollInterval: 1 } }`
 */
function createAndWaitNode(name, credential, parameters = {}) {
	return {
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		parameters: {
			resource: 'video',
			operation: 'create',
			model: 'sora-2',
			prompt: '={{ $json.prompt }}',
			seconds: '4',
			size: '1280x720',
			waitForCompletion: true,
			binaryPropertyName: 'data',
			options: {},
			...parameters,
		},
		credentials: { cometApi: { id: credential.id, name: credential.name } },
	};
}

module.exports = {
	EXAMPLES_DIR,
	NODE_TYPE,
	CREDENTIAL_REF,
	newApiKey,
	cometCredential,
	packedPackage,
	loadExample,
	findNode,
	replaceWithManualTrigger,
	fastPolling,
	batchWorkflow,
	createAndWaitNode,
};
