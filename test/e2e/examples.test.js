/**
 * The importable example workflows in examples/, run in real n8n hosts (test/e2e/hosts.json)
 * against the local CometAPI stand-in. The examples keep user-sensible settings; at load time the
 * test only
 *   - points the `CometAPI` credential (id cometapi-demo) at the stand-in (importCredentials),
 *   - sets short poll intervals / wait amounts and stand-in prompt markers such as [render:N],
 *   - replaces the Schedule Trigger by a Manual Trigger of the same name: `n8n execute --id` starts
 *     only at a Manual Trigger (or Execute Workflow Trigger); with a Schedule Trigger both hosts
 *     refuse with "Missing node to start execution" (exit code 1), which the test checks first,
 *   - points the scheduled pipeline's output folder at a temp folder and allows it with
 *     N8N_RESTRICT_FILE_ACCESS_TO (2.x allows only ~/.n8n-files by default).
 * The two examples that hand unfinished renders to a new execution of themselves (long-render-wait-loop,
 * webhook-generation) run through `n8n start`: `n8n execute` ends with the first execution. The test
 * swaps the long-render example's Manual Trigger for a Webhook and shortens its waits (the Wait stays
 * in memory here; test/e2e/long-renders.test.js parks it and restarts n8n).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { executeWorkflow, hostVersions, nodeOutput, readBinary, readExecutions, runN8nCli, startN8n } = require('../../tools/n8n-harness');
const { fixtures } = require('../../tools/stand-in');
const e2e = require('./lib/sora-e2e');
const lr = require('./lib/long-renders');
const { CREDENTIAL_REF, EXAMPLES_DIR, NODE_TYPE, fastPolling, findNode, loadExample, paidOf, requestsSince, sha256 } = e2e;

// jest 29 ignores `testTimeout` inside a `projects` entry
jest.setTimeout(600_000);

const POLL = 0.25;
/** The hand-over examples at test speed: the Wait stays in memory (under 65 s), and two rounds at most. */
const FAST_HAND_OVER = { createTimeoutS: 1.5, checkTimeoutS: 1.5, waitS: 0.5, pollIntervalS: POLL, rounds: 2 };
const LOOP_PATH = 'long-render-example';
const HOOK_PATH = 'cometapi-video';
/** One prompt per exit of the long-render example. */
const LOOP_PROMPTS = {
	atOnce: '[render:600] ready within Start Render',
	later: '[render:4000] ready in a later execution',
	moderated: '[fail] [render:600] blocked by moderation',
	error: '[error] [render:2500] ends in an error',
	stuck: '[never] never finishes',
};
const suite = e2e.useSoraSuite({ timingsTitle: 'Sora examples e2e timings', standIn: { renderMs: 1200, chatDelayMs: 30 } });
const { apiKey, timed } = suite;
/** @type {Awaited<ReturnType<typeof import('../../tools/stand-in').startStandIn>>} */
let standIn;
beforeAll(() => {
	standIn = suite.standIn;
});

// agent-long-render runs in agent.test.js, with the stand-in language model
const EXAMPLES = ['text-to-video', 'scheduled-content-pipeline', 'webhook-generation', 'long-render-wait-loop', 'agent-long-render'];
/** Every example is saved at the node's current version. */
const CURRENT_NODE_VERSION = 3;

describe('the example files (no host needed)', () => {
	it.each(EXAMPLES)('%s.json is an importable workflow using the CometAPI Video node and the CometAPI credential', (name) => {
		const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${name}.json`), 'utf8'));
		expect(typeof workflow.name).toBe('string');
		expect(workflow.settings).toMatchObject({ executionOrder: 'v1' });
		const names = new Set(workflow.nodes.map((/** @type {any} */ n) => n.name));
		expect(names.size).toBe(workflow.nodes.length);
		for (const node of workflow.nodes) {
			expect(node).toEqual(expect.objectContaining({ id: expect.any(String), type: expect.any(String), typeVersion: expect.any(Number) }));
			expect(node.position).toHaveLength(2);
		}
		for (const [from, byType] of Object.entries(workflow.connections)) {
			expect(names.has(from)).toBe(true);
			for (const output of Object.values(/** @type {any} */ (byType)).flat()) {
				for (const target of output) expect(names.has(target.node)).toBe(true);
			}
		}
		const soraNodes = workflow.nodes.filter((/** @type {any} */ n) => n.type === NODE_TYPE || n.type === `${NODE_TYPE}Tool`);
		expect(soraNodes.length).toBeGreaterThan(0);
		for (const node of soraNodes) {
			expect(node.typeVersion).toBe(CURRENT_NODE_VERSION);
			expect(node.credentials).toEqual({ cometApi: CREDENTIAL_REF });
			expect(node.parameters.resource).toBe('video');
			// user-sensible defaults: never a test poll interval
			if (node.parameters.options && node.parameters.options.pollInterval !== undefined) {
				expect(node.parameters.options.pollInterval).toBeGreaterThanOrEqual(5);
			}
		}
	});
});

describe.each(['long-render-wait-loop', 'webhook-generation'])('%s.json: the hand-over pattern (no host needed)', (name) => {
	const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${name}.json`), 'utf8'));
	const nodesOfType = (/** @type {string} */ type) => workflow.nodes.filter((/** @type {any} */ n) => n.type === type);
	const outputs = (/** @type {string} */ node) => (workflow.connections[node] || { main: [] }).main.map((/** @type {any[]} */ o) => o.map((c) => c.node));
	const waits = nodesOfType('n8n-nodes-base.wait');
	const waitingVideoNodes = nodesOfType(NODE_TYPE).filter((/** @type {any} */ n) => n.parameters.waitForCompletion);

	it('waits more than 65 s between checks, so n8n always parks the execution in its database', () => {
		expect(waits.length).toBeGreaterThan(0);
		for (const wait of waits) {
			expect(wait.parameters).toMatchObject({ resume: 'timeInterval', unit: 'seconds' });
			expect(wait.parameters.amount).toBeGreaterThan(65);
		}
	});

	it('hands each unfinished video to a new execution of this workflow, without waiting for it', () => {
		const handOvers = nodesOfType('n8n-nodes-base.executeWorkflow');
		expect(handOvers.length).toBeGreaterThanOrEqual(2);
		for (const node of handOvers) {
			expect(node.parameters).toMatchObject({ mode: 'each', options: { waitForSubWorkflow: false } });
			expect(node.parameters.workflowId).toEqual({ __rl: true, mode: 'id', value: '={{ $workflow.id }}' });
			expect(node.parameters.workflowInputs.value).toMatchObject({ videoId: '={{ $json.id }}' });
		}
		expect(nodesOfType('n8n-nodes-base.executeWorkflowTrigger')).toHaveLength(1);
	});

	it('every wait for a render ends in an exit: finished, unfinished (handed on or given up after a capped number of rounds), or failed', () => {
		expect(waitingVideoNodes.length).toBeGreaterThan(0);
		for (const node of waitingVideoNodes) {
			expect(node.onError).toBe('continueErrorOutput');
			expect(node.parameters.options).toMatchObject({ onTimeout: 'outputJob' });
			const [success, failure] = outputs(node.name);
			expect(success).toHaveLength(1);
			expect(failure).toHaveLength(1);
		}
		const [rounds] = nodesOfType('n8n-nodes-base.if').filter((/** @type {any} */ n) => n.name === 'Rounds Left?');
		const [condition] = rounds.parameters.conditions.conditions;
		expect(condition.operator).toEqual({ type: 'number', operation: 'lt' });
		expect(condition.rightValue).toBe(20);
		const [more, none] = outputs('Rounds Left?');
		expect(more).toEqual([waits[0].name]);
		expect(none).toHaveLength(1);
	});

	it('no execution lasts longer than n8n Cloud allows (300 s): a check and a Wait fit with room for the download', () => {
		const longestCheck = Math.max(...waitingVideoNodes.map((/** @type {any} */ n) => n.parameters.options.timeout));
		expect(longestCheck + Math.max(...waits.map((/** @type {any} */ w) => w.parameters.amount))).toBeLessThanOrEqual(240);
	});
});

describe.each(hostVersions())('n8n %s', (version) => {
	const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-e2e-videos-'));

	const textToVideo = loadExample('text-to-video', 'soraExText000001');
	fastPolling(textToVideo, POLL);
	findNode(textToVideo, 'CometAPI Video').parameters.prompt += ' [render:1200]';

	const scheduledAsIs = loadExample('scheduled-content-pipeline', 'soraExSchedRaw01');
	const scheduled = loadExample('scheduled-content-pipeline', 'soraExSched00001');
	e2e.replaceWithManualTrigger(scheduled, 'Every Day at 09:00');
	fastPolling(scheduled, POLL);
	const scheduledPrompts = ['[render:1000] clouds over a ridge', '[render:1400] coffee pouring', '[render:1200] a paper boat'];
	for (const assignment of findNode(scheduled, 'Prompts').parameters.assignments.assignments) {
		if (assignment.name === 'outputFolder') assignment.value = outputDir;
		if (assignment.name === 'prompts') assignment.value = JSON.stringify(scheduledPrompts);
	}

	const loop = lr.longRenderWorkflow('soraExLoop000001', { path: LOOP_PATH, prompts: Object.values(LOOP_PROMPTS), timing: FAST_HAND_OVER });
	const webhook = lr.webhookWorkflow('soraExHook000001', FAST_HAND_OVER);

	const folder = e2e.useHostFolder(suite, version, {
		workflows: [textToVideo, scheduledAsIs, scheduled, loop, webhook],
	});
	afterAll(() => {
		fs.rmSync(outputDir, { recursive: true, force: true });
	});

	it('text-to-video: the Manual Trigger run makes one video and attaches the MP4', async () => {
		const mark = standIn.requests.length;
		const result = await timed(version, 'execute text-to-video', () => executeWorkflow(folder, textToVideo.id));
		expect(result.exitCode).toBe(0);
		const items = nodeOutput(result.run, 'CometAPI Video');
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.json).toMatchObject({ status: 'completed', model: 'veo3.1-fast' });
		expect(standIn.jobs.get(item.json.id)).toMatchObject({ model: 'veo3.1-fast', seconds: '4', size: '1280x720' });
		expect(item.binary && item.binary.data).toMatchObject({ fileName: `${item.json.id}.mp4`, mimeType: 'video/mp4' });
		expect(readBinary(folder, item.binary.data).equals(fixtures.video)).toBe(true);
		expect(paidOf(requestsSince(standIn, mark)).map((r) => r.jobId)).toEqual([item.json.id]);
		expect(result.stdout + result.stderr).not.toContain(apiKey);
	});

	it('scheduled-content-pipeline: `n8n execute` cannot start at a Schedule Trigger (why the test swaps it)', async () => {
		const cli = await timed(version, 'execute scheduled example as is (refused)', () =>
			runN8nCli(folder, ['execute', `--id=${scheduledAsIs.id}`, '--rawOutput']),
		);
		expect(cli.exitCode).toBe(1);
		expect(cli.stdout + cli.stderr).toContain('Missing node to start execution');
	});

	it('scheduled-content-pipeline: one video per prompt, each written to <folder>/<id>.mp4', async () => {
		const mark = standIn.requests.length;
		const result = await timed(version, 'execute scheduled pipeline (3 prompts)', () =>
			executeWorkflow(folder, scheduled.id, { env: { N8N_RESTRICT_FILE_ACCESS_TO: outputDir } }),
		);
		expect(result.exitCode).toBe(0);
		const videos = nodeOutput(result.run, 'CometAPI Video');
		expect(videos.map((i) => standIn.jobs.get(i.json.id).prompt)).toEqual(scheduledPrompts);
		expect(videos.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const written = nodeOutput(result.run, 'Write Video File');
		expect(written.map((i) => i.json.fileName)).toEqual(videos.map((i) => path.join(outputDir, `${i.json.id}.mp4`)));
		for (const item of videos) {
			expect(fs.readFileSync(path.join(outputDir, `${item.json.id}.mp4`)).equals(fixtures.video)).toBe(true);
		}
		expect(paidOf(requestsSince(standIn, mark))).toHaveLength(3);
	});

	describe('the hand-over examples through n8n start', () => {
		/** @type {import('../../tools/n8n-harness/server').RunningN8n} */
		let server;
		/** @type {Awaited<ReturnType<typeof lr.startCallbackReceiver>>} */
		let receiver;

		beforeAll(async () => {
			if (!folder) throw new Error('no n8n user folder: see the first error');
			receiver = await lr.startCallbackReceiver();
			server = await timed(version, 'publish x2 + n8n start until webhook live', () =>
				startN8n(folder, { activate: [loop.id, webhook.id], webhook: { path: HOOK_PATH, method: 'POST' } }),
			);
		});
		afterAll(async () => {
			if (server) await timed(version, 'stop n8n', () => server.stop());
			if (receiver) await receiver.close();
		});

		const post = (/** @type {string} */ path, /** @type {unknown} */ body) => lr.postWhenLive(server.webhookUrl(path), body);
		/** Waits until n8n has finished every execution of a workflow (and at least `count`). */
		const settled = (/** @type {string} */ workflowId, /** @type {number} */ count) =>
			lr.until(
				() => {
					const executions = readExecutions(folder, workflowId);
					return executions.length >= count && executions.every((e) => !['new', 'running', 'waiting'].includes(e.status)) && executions;
				},
				120_000,
				() => `the executions of ${workflowId}: ${readExecutions(folder, workflowId).map((e) => `${e.id} ${e.status}`).join(', ')}`,
			);

		it('long-render-wait-loop: each video leaves by one exit: stored once (at once, or in a later execution), failed with its reason, or given up after the rounds', async () => {
			const mark = standIn.requests.length;
			const started = await post(LOOP_PATH, {});
			expect(started.status).toBe(200);
			// at least: the entry, one execution for the later video, one for the error, one per round for the stuck one
			const executions = await timed(version, 'long-render loop, every exit', () => settled(loop.id, 1 + 1 + 1 + FAST_HAND_OVER.rounds));
			expect(executions.map((e) => `${e.mode} ${e.status}`).filter((s) => !s.endsWith(' success'))).toEqual([]);

			const paid = paidOf(requestsSince(standIn, mark));
			const videoOf = (/** @type {keyof typeof LOOP_PROMPTS} */ key) => paid.find((r) => r.bodySummary.fields.prompt === LOOP_PROMPTS[key]).jobId;
			expect(paid.map((r) => r.bodySummary.fields.prompt).sort()).toEqual(Object.values(LOOP_PROMPTS).sort());
			const stored = executions.flatMap((e) => lr.itemsOf(e, lr.DELIVER));
			expect(stored.map((i) => i.json.id).sort()).toEqual([videoOf('atOnce'), videoOf('later')].sort());
			for (const item of stored) {
				expect(item.json.status).toBe('completed');
				expect(readBinary(folder, item.binary.data).equals(fixtures.video)).toBe(true);
			}
			const [entry] = executions;
			expect(lr.itemsOf(entry, lr.DELIVER).map((i) => i.json.id)).toEqual([videoOf('atOnce')]);
			const report = lr.videoReport(executions, [videoOf('later'), videoOf('stuck')], { startNode: 'Start Render', deliver: lr.DELIVER });
			expect(report[0].rounds).toBeGreaterThanOrEqual(1);
			expect(report[1]).toMatchObject({ rounds: FAST_HAND_OVER.rounds, deliveries: [] });

			const failed = executions.flatMap((e) => lr.itemsOf(e, lr.FAILED)).map((i) => i.json);
			expect(failed).toEqual(
				expect.arrayContaining([
					{ videoId: videoOf('moderated'), reason: `Video ${videoOf('moderated')} failed: Your request was blocked by our moderation system. (moderation_blocked)` },
					{ videoId: videoOf('error'), reason: `Video ${videoOf('error')} failed: The upstream task ended with an error.` },
				]),
			);
			expect(failed).toHaveLength(2);
			const gaveUp = executions.flatMap((e) => lr.itemsOf(e, lr.GAVE_UP)).map((i) => i.json);
			expect(gaveUp).toEqual([
				{
					videoId: videoOf('stuck'),
					lastStatus: 'in_progress',
					reason: `Still not finished after ${FAST_HAND_OVER.rounds} rounds. The job goes on at the provider: Retrieve it later with this video id.`,
				},
			]);
			expect(server.log()).not.toContain(suite.apiKey);
		});

		it('webhook-generation: answers 202 {id, status} at once, then POSTs the MP4 to the callbackUrl, once', async () => {
			const mark = standIn.requests.length;
			const prompt = '[render:3000] a lighthouse in a storm';
			const answer = await post(HOOK_PATH, { prompt, callbackUrl: receiver.url('/videos?token=caller-secret') });
			suite.timings.add(version, 'webhook POST -> 202', answer.ms);
			expect(`${answer.status} ${answer.text}`).toMatch(/^202 /);
			expect(answer.ms).toBeLessThan(1000);
			const [paid] = paidOf(requestsSince(standIn, mark));
			expect(answer.json).toEqual({ id: paid.jobId, status: 'queued' });
			expect(paid.bodySummary.fields).toMatchObject({ prompt, model: 'veo3.1-fast' });

			const executions = await settled(webhook.id, 2);
			const callbacks = receiver.received.filter((r) => r.headers['x-video-id'] === paid.jobId);
			expect(callbacks).toHaveLength(1);
			expect(callbacks[0]).toMatchObject({ method: 'POST', url: '/videos?token=caller-secret', sha256: sha256(fixtures.video) });
			expect(callbacks[0].headers['content-type']).toBe('video/mp4');
			const served = requestsSince(standIn, mark).filter((r) => r.path === `/v1/videos/${paid.jobId}/content` && r.status === 200);
			expect(served.map((r) => r.bytesSent)).toEqual([fixtures.video.length]);
			expect(lr.videoReport(executions, [paid.jobId], { startNode: 'Start Render', deliver: 'Send Video to Callback' })[0].deliveries).toHaveLength(1);
			expect(lr.receivedText(receiver.received)).not.toContain(suite.apiKey);
			expect(server.log()).not.toContain(suite.apiKey);
		});

		it('webhook-generation: a render that fails is reported to the callbackUrl as JSON {id, status: failed, error}', async () => {
			const mark = standIn.requests.length;
			const answer = await post(HOOK_PATH, { prompt: '[fail] [render:800] a render the moderation blocks', callbackUrl: receiver.url('/failures') });
			expect(answer.status).toBe(202);
			const [paid] = paidOf(requestsSince(standIn, mark));
			await lr.until(() => receiver.received.some((r) => r.url === '/failures'), 60_000, () => 'a failure notice at the callback');
			await settled(webhook.id, 1);
			const notices = receiver.received.filter((r) => r.url === '/failures');
			expect(notices).toHaveLength(1);
			expect(notices[0].headers).toMatchObject({ 'content-type': expect.stringMatching(/^application\/json/), 'x-video-id': paid.jobId });
			expect(JSON.parse(notices[0].body.toString('utf8'))).toEqual({
				id: paid.jobId,
				status: 'failed',
				error: `Video ${paid.jobId} failed: Your request was blocked by our moderation system. (moderation_blocked)`,
			});
			expect(lr.receivedText(notices)).not.toContain(suite.apiKey);
		});

		it('webhook-generation: a request without callbackUrl gets 400 and a refused create 502 {error}; neither starts a job', async () => {
			const mark = standIn.requests.length;
			const missing = await post(HOOK_PATH, { prompt: '[render:800] nowhere to deliver' });
			expect(missing.status).toBe(400);
			expect(missing.json.error).toMatch(/callbackUrl/);
			const refused = await post(HOOK_PATH, { prompt: '[status:400] a prompt the API refuses', callbackUrl: receiver.url('/refused') });
			expect(refused.status).toBe(502);
			expect(refused.json.error).toMatch(/^Create video failed/);
			const requests = requestsSince(standIn, mark);
			expect(requests.filter((r) => r.jobId)).toEqual([]);
			expect(requests.filter((r) => r.paidRoute).map((r) => r.bodySummary.fields.prompt)).toEqual(['[status:400] a prompt the API refuses']);
			expect(receiver.received.filter((r) => r.url === '/refused')).toEqual([]);
		});
	});
});
