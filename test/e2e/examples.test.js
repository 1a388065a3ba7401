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
 * The webhook example runs through `n8n start` and a real HTTP POST.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { executeWorkflow, hostVersions, nodeError, nodeOutput, readBinary, runN8nCli, startN8n } = require('../../tools/n8n-harness');
const { fixtures } = require('../../tools/stand-in');
const e2e = require('./lib/sora-e2e');
const { CREDENTIAL_REF, EXAMPLES_DIR, NODE_TYPE, fastPolling, findNode, loadExample, paidOf, requestsSince } = e2e;

// jest 29 ignores `testTimeout` inside a `projects` entry
jest.setTimeout(600_000);

const POLL = 0.25;
const suite = e2e.useSoraSuite({ timingsTitle: 'Sora examples e2e timings', standIn: { renderMs: 1200, chatDelayMs: 30 } });
const { apiKey, timed } = suite;
/** @type {Awaited<ReturnType<typeof import('../../tools/stand-in').startStandIn>>} */
let standIn;
beforeAll(() => {
	standIn = suite.standIn;
});

// agent-long-render runs in agent.test.js, with the stand-in language model
const EXAMPLES = ['text-to-video', 'scheduled-content-pipeline', 'webhook-generation', 'long-render-wait-loop', 'agent-long-render'];
/** The node version each example's video nodes use: the agent picks among every family (version 3), the others are Sora's. */
const exampleNodeVersion = (/** @type {string} */ name) => (name === 'agent-long-render' ? 3 : 1);

describe('the example files (no host needed)', () => {
	it.each(EXAMPLES)('%s.json is an importable workflow using the Sora node and the CometAPI credential', (name) => {
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
			expect(node.typeVersion).toBe(exampleNodeVersion(name));
			expect(node.credentials).toEqual({ cometApi: CREDENTIAL_REF });
			expect(node.parameters.resource).toBe('video');
			// user-sensible defaults: never a test poll interval
			if (node.parameters.options && node.parameters.options.pollInterval !== undefined) {
				expect(node.parameters.options.pollInterval).toBeGreaterThanOrEqual(5);
			}
		}
	});
});

describe.each(hostVersions())('n8n %s', (version) => {
	const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-e2e-videos-'));

	const textToVideo = loadExample('text-to-video', 'soraExText000001');
	fastPolling(textToVideo, POLL);
	findNode(textToVideo, 'Sora Video').parameters.prompt += ' [render:1200]';

	const scheduledAsIs = loadExample('scheduled-content-pipeline', 'soraExSchedRaw01');
	const scheduled = loadExample('scheduled-content-pipeline', 'soraExSched00001');
	e2e.replaceWithManualTrigger(scheduled, 'Every Day at 09:00');
	fastPolling(scheduled, POLL);
	const scheduledPrompts = ['[render:1000] clouds over a ridge', '[render:1400] coffee pouring', '[render:1200] a paper boat'];
	for (const assignment of findNode(scheduled, 'Prompts').parameters.assignments.assignments) {
		if (assignment.name === 'outputFolder') assignment.value = outputDir;
		if (assignment.name === 'prompts') assignment.value = JSON.stringify(scheduledPrompts);
	}

	/** @param {string} id @param {string} prompt */
	const waitLoop = (id, prompt) => {
		const workflow = loadExample('long-render-wait-loop', id);
		findNode(workflow, 'Wait 30 Seconds').parameters.amount = 0.4;
		findNode(workflow, 'Start Render').parameters.prompt = prompt;
		return workflow;
	};
	const loop = waitLoop('soraExLoop000001', '[render:2000] a train along a coastal cliff');
	const loopFailing = waitLoop('soraExLoopFail01', '[fail] [render:800] a train the moderation blocks');

	const webhook = loadExample('webhook-generation', 'soraExHook000001');
	fastPolling(webhook, POLL);

	const folder = e2e.useHostFolder(suite, version, {
		workflows: [textToVideo, scheduledAsIs, scheduled, loop, loopFailing, webhook],
	});
	afterAll(() => {
		fs.rmSync(outputDir, { recursive: true, force: true });
	});

	it('text-to-video: the Manual Trigger run makes one video and attaches the MP4', async () => {
		const mark = standIn.requests.length;
		const result = await timed(version, 'execute text-to-video', () => executeWorkflow(folder, textToVideo.id));
		expect(result.exitCode).toBe(0);
		const items = nodeOutput(result.run, 'Sora Video');
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.json).toMatchObject({ status: 'completed', model: 'sora-2', seconds: '4', size: '1280x720' });
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
		const videos = nodeOutput(result.run, 'Sora Video');
		expect(videos.map((i) => standIn.jobs.get(i.json.id).prompt)).toEqual(scheduledPrompts);
		expect(videos.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const written = nodeOutput(result.run, 'Write Video File');
		expect(written.map((i) => i.json.fileName)).toEqual(videos.map((i) => path.join(outputDir, `${i.json.id}.mp4`)));
		for (const item of videos) {
			expect(fs.readFileSync(path.join(outputDir, `${item.json.id}.mp4`)).equals(fixtures.video)).toBe(true);
		}
		expect(paidOf(requestsSince(standIn, mark))).toHaveLength(3);
	});

	it('long-render-wait-loop: Wait -> Retrieve -> IF loops until completed, then downloads', async () => {
		const mark = standIn.requests.length;
		const result = await timed(version, 'execute wait loop (2 s render)', () => executeWorkflow(folder, loop.id));
		expect(result.exitCode).toBe(0);
		const requests = requestsSince(standIn, mark);
		const paid = paidOf(requests);
		expect(paid).toHaveLength(1);
		const videoId = paid[0].jobId;
		const [started] = nodeOutput(result.run, 'Start Render');
		expect(started.json).toMatchObject({ id: videoId, status: 'queued', model: 'sora-2-pro', seconds: '12', size: '1792x1024' });
		const checks = result.run.data.resultData.runData['Check Status'];
		expect(checks.length).toBeGreaterThanOrEqual(3);
		const statuses = checks.map((_, runIndex) => nodeOutput(result.run, 'Check Status', { runIndex })[0].json.status);
		expect(statuses[statuses.length - 1]).toBe('completed');
		expect(statuses.slice(0, -1).every((s) => s === 'queued' || s === 'in_progress')).toBe(true);
		expect(result.run.data.resultData.runData['Wait 30 Seconds']).toHaveLength(checks.length);
		expect(result.run.data.resultData.runData['Stop and Error']).toBeUndefined();
		const [downloaded] = nodeOutput(result.run, 'Download Video');
		expect(downloaded.json).toMatchObject({ id: videoId, variant: 'video', fileName: `${videoId}.mp4`, mimeType: 'video/mp4' });
		expect(readBinary(folder, downloaded.binary.data).equals(fixtures.video)).toBe(true);
		// one status request per loop pass, nothing else polled the job
		expect(requests.filter((r) => r.path === `/v1/videos/${videoId}`)).toHaveLength(checks.length);
	});

	it('long-render-wait-loop: a failed render leaves the loop through Stop and Error with the reason', async () => {
		const mark = standIn.requests.length;
		const result = await timed(version, 'execute wait loop, failing render', () => executeWorkflow(folder, loopFailing.id));
		expect(result.exitCode).toBe(1);
		const [paid] = paidOf(requestsSince(standIn, mark));
		const error = nodeError(result.run, 'Stop and Error');
		expect(error.message).toBe(`Video ${paid.jobId} failed: Your request was blocked by our moderation system.`);
		expect(result.run.data.resultData.runData['Download Video']).toBeUndefined();
	});

	describe('webhook-generation through n8n start', () => {
		/** @type {import('../../tools/n8n-harness/server').RunningN8n} */
		let server;

		beforeAll(async () => {
			if (!folder) throw new Error('no n8n user folder: see the first error');
			server = await timed(version, 'activate + n8n start until webhook live', () =>
				startN8n(folder, { activate: [webhook.id], webhook: { path: 'sora-video', method: 'POST' } }),
			);
		});
		afterAll(async () => {
			if (server) await timed(version, 'stop n8n', () => server.stop());
		});

		it('answers a POST {prompt} with the finished MP4', async () => {
			const mark = standIn.requests.length;
			const started = Date.now();
			const response = await fetch(server.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ prompt: '[render:1200] a lighthouse in a storm' }),
				signal: AbortSignal.timeout(60_000),
			});
			const body = Buffer.from(await response.arrayBuffer());
			suite.timings.add(version, 'webhook POST -> MP4 round trip', Date.now() - started);
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^video\/mp4/);
			expect(body.equals(fixtures.video)).toBe(true);
			const paid = paidOf(requestsSince(standIn, mark));
			expect(paid).toHaveLength(1);
			expect(paid[0].bodySummary.fields.prompt).toBe('[render:1200] a lighthouse in a storm');
			expect(response.headers.get('content-disposition')).toContain(`${paid[0].jobId}.mp4`);
			expect(server.log()).not.toContain(apiKey);
		});

		it('answers a failed render with HTTP 502 and {error, videoId} from the error output (the id taken from the message)', async () => {
			const mark = standIn.requests.length;
			const response = await fetch(server.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ prompt: '[fail] [render:800] a render the moderation blocks' }),
				signal: AbortSignal.timeout(60_000),
			});
			const text = await response.text();
			const paid = paidOf(requestsSince(standIn, mark));
			expect(paid).toHaveLength(1);
			// shows what came back instead, when it is not the error branch's answer
			expect(`HTTP ${response.status} ${response.headers.get('content-type')} ${text.slice(0, 400)}`).toMatch(/^HTTP 502 application\/json/);
			const json = JSON.parse(text);
			expect(json.videoId).toBe(paid[0].jobId);
			expect(json.error).toContain('Your request was blocked by our moderation system.');
			expect(text).not.toContain(apiKey);
		});
	});
});
