'use strict';

/**
 * The two hand-over examples (examples/long-render-wait-loop.json, examples/webhook-generation.json)
 * prepared for real n8n runs, a callback receiver on 127.0.0.1, and what their stored executions
 * say per video: where it was delivered, how often, how long each execution held n8n. Used by
 * examples.test.js (fast renders), long-renders.test.js (restarts) and test/queue (a worker killed).
 */
const http = require('node:http');

const { findNode, loadExample, sha256 } = require('./sora-e2e');

const LONG_RENDER = 'long-render-wait-loop';
const WEBHOOK = 'webhook-generation';
const EXECUTED_BY = 'When Executed by Another Workflow';
/** Exits of the long-render example: the placeholder the user replaces, and the two that name a lost video. */
const DELIVER = 'Store the Video';
const FAILED = 'Render Failed';
const GAVE_UP = 'Gave Up';
const PARKED_GAP_MS = 60_000;

/**
 * How long each part of the pattern waits, in seconds; `rounds` caps the hand-overs. Unset fields
 * keep the example's own values.
 * @typedef {{ createTimeoutS?: number, checkTimeoutS?: number, waitS?: number, pollIntervalS?: number,
 *   rounds?: number, executionTimeoutS?: number }} Timing
 */

/** @param {any} workflow @param {Timing} timing */
function applyTiming(workflow, timing) {
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.wait' && timing.waitS !== undefined) node.parameters.amount = timing.waitS;
		if (node.name === 'Rounds Left?' && timing.rounds !== undefined) node.parameters.conditions.conditions[0].rightValue = timing.rounds;
		if (!node.type.startsWith('n8n-nodes-cometapi-sora.')) continue;
		const timeout = node.parameters.operation === 'create' ? timing.createTimeoutS : timing.checkTimeoutS;
		const options = { ...node.parameters.options };
		if (timeout !== undefined) options.timeout = timeout;
		if (timing.pollIntervalS !== undefined) options.pollInterval = timing.pollIntervalS;
		node.parameters.options = options;
	}
	if (timing.executionTimeoutS !== undefined) workflow.settings = { ...workflow.settings, executionTimeout: timing.executionTimeoutS };
	return workflow;
}

/**
 * examples/long-render-wait-loop.json started by a POST to `path` (a Webhook that answers at once
 * replaces the Manual Trigger, under the same name: `n8n start` has no other way in), with these
 * prompts and timing.
 * @param {string} id @param {{ path: string, prompts: string[], timing: Timing }} options
 */
function longRenderWorkflow(id, { path, prompts, timing }) {
	const workflow = loadExample(LONG_RENDER, id);
	const trigger = workflow.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.manualTrigger');
	Object.assign(trigger, { type: 'n8n-nodes-base.webhook', typeVersion: 2, parameters: { httpMethod: 'POST', path, options: {} } });
	findNode(workflow, 'Prompts').parameters.assignments.assignments[0].value = JSON.stringify(prompts);
	return applyTiming(workflow, timing);
}

/** examples/webhook-generation.json with this timing. @param {string} id @param {Timing} timing */
function webhookWorkflow(id, timing) {
	return applyTiming(loadExample(WEBHOOK, id), timing);
}

/** @param {string} url @param {unknown} body */
async function postJson(url, body) {
	const started = Date.now();
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await response.text();
	return { status: response.status, text, json: safeJson(text), ms: Date.now() - started };
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * postJson, sent again while the webhook answers 404: a freshly published workflow's webhook may
 * not be registered yet for a few seconds (2.41.1). A 404 starts no execution.
 * @param {string} url @param {unknown} body
 */
async function postWhenLive(url, body) {
	const started = Date.now();
	for (;;) {
		const answer = await postJson(url, body);
		if (answer.status !== 404 || Date.now() - started > 30_000) return answer;
		await sleep(500);
	}
}

/**
 * Checks every half second until `check` returns something truthy, and returns that.
 * @template T
 * @param {() => T | undefined | false} check @param {number} timeoutMs @param {() => string} what said on time-out
 * @returns {Promise<T>}
 */
async function until(check, timeoutMs, what) {
	const started = Date.now();
	for (;;) {
		const value = check();
		if (value) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`not reached after ${timeoutMs / 1000} s: ${what()}`);
		await sleep(500);
	}
}

/** @param {string} text */
function safeJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * @typedef {object} Callback
 * @property {number} time ms since epoch, when the body was complete
 * @property {string} method
 * @property {string} url path and query as received
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {Buffer} body
 * @property {string} sha256
 */

/**
 * An HTTP server on 127.0.0.1 standing in for the caller's app: records every request and answers 204.
 * @returns {Promise<{ url: (path?: string) => string, received: Callback[], close: () => Promise<void> }>}
 */
async function startCallbackReceiver() {
	/** @type {Callback[]} */
	const received = [];
	const server = http.createServer((req, res) => {
		const chunks = /** @type {Buffer[]} */ ([]);
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			received.push({ time: Date.now(), method: req.method || '', url: req.url || '', headers: req.headers, body, sha256: sha256(body) });
			res.writeHead(204).end();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: (path = '/videos') => `http://127.0.0.1:${port}${path}`,
		received,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/**
 * Everything the receiver got, as one text, to search for a leaked key.
 * @param {Callback[]} received
 */
function receivedText(received) {
	return received.map((r) => `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.body.toString('latin1')}`).join('\n');
}

/** @typedef {import('../../../tools/n8n-harness/executions').StoredExecution} StoredExecution */

/** @param {StoredExecution} execution */
const runDataOf = (execution) => (execution.data && execution.data.resultData.runData) || {};

/**
 * The items a node output (first output) in one execution, over all its runs.
 * @param {StoredExecution} execution @param {string} node
 */
function itemsOf(execution, node) {
	return (runDataOf(execution)[node] || []).flatMap((task) => (task.data && task.data.main && task.data.main[0]) || []);
}

/**
 * The time one execution held n8n: from its first node's start to its last node's end, without
 * the gaps where it was parked in the database (a Wait of more than 65 s).
 * @param {StoredExecution} execution
 */
function heldMs(execution) {
	const tasks = Object.values(runDataOf(execution))
		.flat()
		.map((t) => [t.startTime, t.startTime + (t.executionTime || 0)])
		.sort((a, b) => a[0] - b[0]);
	if (tasks.length === 0) return 0;
	let held = 0;
	let [start, end] = tasks[0];
	for (const [s, e] of tasks.slice(1)) {
		if (s - end >= PARKED_GAP_MS) {
			held += end - start;
			start = s;
		}
		end = Math.max(end, e);
	}
	return held + (end - start);
}

/** From an execution's first node's start to its last node's end, parked time included. @param {StoredExecution} execution */
function spanMs(execution) {
	const tasks = Object.values(runDataOf(execution)).flat();
	if (tasks.length === 0) return 0;
	return Math.max(...tasks.map((t) => t.startTime + (t.executionTime || 0))) - Math.min(...tasks.map((t) => t.startTime));
}

/**
 * The executions that handled one video: the one whose `startNode` output names it, and every
 * execution handed the video id at When Executed by Another Workflow.
 * @param {StoredExecution[]} executions @param {string} videoId @param {string} startNode
 */
function executionsOfVideo(executions, videoId, startNode) {
	return executions.filter(
		(e) =>
			itemsOf(e, startNode).some((i) => i.json.id === videoId) ||
			itemsOf(e, EXECUTED_BY).some((i) => i.json.videoId === videoId),
	);
}

/**
 * What the stored executions say about each video: deliveries (runs of the `deliver` node for it:
 * its items name the video, or, for a node whose output is an HTTP answer, the execution was handed
 * only this video), the executions that handled it and the time they held n8n, parked time excluded.
 * @param {StoredExecution[]} executions
 * @param {string[]} videoIds
 * @param {{ startNode: string, deliver: string }} nodes
 */
function videoReport(executions, videoIds, { startNode, deliver }) {
	return videoIds.map((videoId) => {
		const handled = executionsOfVideo(executions, videoId, startNode);
		const deliveries = handled.flatMap((e) => {
			const handedThis = itemsOf(e, EXECUTED_BY).some((i) => i.json.videoId === videoId);
			return (runDataOf(e)[deliver] || [])
				.filter((task) => handedThis || ((task.data && task.data.main && task.data.main[0]) || []).some((i) => i.json.id === videoId))
				.map((task) => ({ executionId: e.id, time: task.startTime }));
		});
		return {
			videoId,
			deliveries,
			executions: handled.map((e) => e.id),
			rounds: Math.max(0, ...handled.flatMap((e) => itemsOf(e, EXECUTED_BY).map((i) => Number(i.json.round)))),
			heldS: handled.reduce((sum, e) => sum + heldMs(e), 0) / 1000,
			parkedS: handled.reduce((sum, e) => sum + spanMs(e) - heldMs(e), 0) / 1000,
		};
	});
}

/**
 * When the stand-in finished a job (its completion is fixed at create + render time).
 * @param {{ jobs: Map<string, any> }} standIn @param {string} videoId
 */
function completedAt(standIn, videoId) {
	const job = standIn.jobs.get(videoId);
	return job.createdMs + job.renderMs;
}

/** @param {number} ms */
const seconds = (ms) => Math.round(ms / 100) / 10;

/**
 * One video's numbers as the tests print them: executions and rounds it took, the time they held
 * n8n and were parked, and how long after the stand-in finished the render it was delivered.
 * @param {{ jobs: Map<string, any> }} standIn
 * @param {ReturnType<typeof videoReport>[number]} video
 * @param {number[]} [deliveredAt] delivery times, when another clock than the deliver node's start counts (a callback's arrival)
 */
function videoNumbers(standIn, video, deliveredAt = video.deliveries.map((d) => d.time)) {
	return {
		videoId: video.videoId,
		renderS: standIn.jobs.get(video.videoId).renderMs / 1000,
		executions: video.executions.length,
		rounds: video.rounds,
		heldS: seconds(video.heldS * 1000),
		parkedS: seconds(video.parkedS * 1000),
		deliveries: deliveredAt.length,
		deliveredAfterCompletionS: deliveredAt.map((t) => seconds(t - completedAt(standIn, video.videoId))),
	};
}

module.exports = {
	LONG_RENDER,
	WEBHOOK,
	EXECUTED_BY,
	DELIVER,
	FAILED,
	GAVE_UP,
	longRenderWorkflow,
	webhookWorkflow,
	postJson,
	postWhenLive,
	until,
	sleep,
	startCallbackReceiver,
	receivedText,
	runDataOf,
	itemsOf,
	heldMs,
	spanMs,
	videoReport,
	completedAt,
	seconds,
	videoNumbers,
};
