'use strict';

/** Workflows and credentials of the bench (the harness imports them with fixed ids). */

const { linearWorkflow, manualTrigger } = require('../../tools/n8n-harness');
const sora = require('../../tools/sora-fixtures');

const OUR_TYPE = sora.NODE_TYPE;
const BUILTIN_TYPE = '@n8n/n8n-nodes-langchain.openAi';
/** The OpenAI node's newest version (defaultVersion) on both hosts; its Video > Generate exists from 2.0. */
const BUILTIN_TYPE_VERSION = 2.1;

const OUR_NODE = 'Sora Video (CometAPI)';
const BUILTIN_NODE = 'OpenAI Video Generate';

const COMET_CREDENTIAL = { id: 'benchcomet', name: 'CometAPI (bench stand-in)' };
const OPENAI_CREDENTIAL = { id: 'benchopenai', name: 'OpenAI (bench stand-in)' };

/** @param {{ apiKey: string, baseUrl: string }} standIn */
const cometCredential = (standIn) => sora.cometCredential(standIn, COMET_CREDENTIAL);

/**
 * The built-in node's `openAiApi` credential: `url` is its Base URL (default
 * https://api.openai.com/v1); the node appends `/videos...` to it.
 * @param {{ apiKey: string, baseUrl: string }} standIn
 */
function openAiCredential(standIn) {
	return {
		...OPENAI_CREDENTIAL,
		type: 'openAiApi',
		data: { apiKey: standIn.apiKey, organizationId: '', url: `${standIn.baseUrl}/v1`, header: false },
	};
}

/**
 * Our node, Create with Wait for Completion, every other setting at its default unless `options` says.
 * @param {Record<string, any>} options the node's Options collection (`{}` = all defaults)
 */
const ourNode = (options) => sora.createAndWaitNode(OUR_NODE, COMET_CREDENTIAL, { options });

/** n8n's OpenAI node, Video > Generate, all options at their defaults (poll every 10 s, wait up to 300 s). */
function builtinNode() {
	return {
		name: BUILTIN_NODE,
		type: BUILTIN_TYPE,
		typeVersion: BUILTIN_TYPE_VERSION,
		parameters: {
			resource: 'video',
			operation: 'generate',
			modelId: { __rl: true, value: 'sora-2', mode: 'id' },
			prompt: '={{ $json.prompt }}',
			seconds: 4,
			size: '1280x720',
			options: {},
		},
		credentials: { openAiApi: { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name } },
	};
}

/**
 * @param {string} tag marks the run's jobs in the stand-in (prompts are logged)
 * @param {number} n
 */
function prompts(tag, n) {
	return Array.from({ length: n }, (_, i) => `[${tag}] item ${i + 1}: a paper airplane glides across a sunlit desk`);
}

/** A Wait node (time interval, in seconds; under 65 s n8n waits in-process). */
function waitNode(name, seconds) {
	return { name, type: 'n8n-nodes-base.wait', typeVersion: 1.1, parameters: { resume: 'timeInterval', amount: seconds, unit: 'seconds' } };
}

/**
 * Manual Trigger -> Wait -> Edit Fields: the idle baseline of the memory measurement. The wait keeps
 * the CLI alive as long as a download run, so n8n's task runner (started with every 2.x CLI call and
 * still growing for about a second after it starts) is as warm as in the runs it is compared with.
 * @param {string} id
 * @param {number} waitSeconds
 */
function idleWorkflow(id, waitSeconds) {
	return linearWorkflow(id, 'bench: idle baseline', [
		manualTrigger(),
		waitNode('Wait', waitSeconds),
		{
			name: 'Edit Fields',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { assignments: { assignments: [{ id: 'a1', name: 'hello', value: 'world', type: 'string' }] }, options: {} },
		},
	]);
}

/**
 * Manual Trigger -> Wait (warm-up, see idleWorkflow) -> the video node with one fixed prompt.
 * @param {string} id
 * @param {string} name
 * @param {number} warmUpSeconds
 * @param {Record<string, any>} videoNode
 */
function downloadWorkflow(id, name, warmUpSeconds, videoNode) {
	const node = { ...videoNode, parameters: { ...videoNode.parameters, prompt: `[${id}] one big video` } };
	return linearWorkflow(id, name, [manualTrigger(), waitNode('Warm-up', warmUpSeconds), node]);
}

module.exports = {
	OUR_TYPE,
	BUILTIN_TYPE,
	BUILTIN_TYPE_VERSION,
	OUR_NODE,
	BUILTIN_NODE,
	cometCredential,
	openAiCredential,
	batchWorkflow: sora.batchWorkflow,
	ourNode,
	builtinNode,
	prompts,
	idleWorkflow,
	downloadWorkflow,
};
