// Long renders (issue 18): a wait that runs out hands the unfinished job on instead of failing,
// waits end before the workflow's own timeout, new nodes' defaults stay under n8n Cloud's 300 s,
// and a stopped execution never hides a job that was paid for.
const nock = require('nock');
const { NodeHelpers } = require('n8n-workflow');
const { SoraVideo } = require('../../nodes/SoraVideo/SoraVideo.node');
const { readRequestPolicy } = require('../../nodes/SoraVideo/actions/run/limits');
const { InputScope } = require('../../nodes/SoraVideo/transport/scope');
const { runNode, readBinary } = require('../support/run-node');
const { API, MP4, video, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();
const { description } = new SoraVideo();
const running = (id, progress = 42) => video(id, { status: 'in_progress', progress });

/** Answers every status check of `id` with a job that never finishes; counts the checks. */
function neverFinishes(scope, id) {
	const seen = { checks: 0 };
	scope
		.get(`/v1/videos/${id}`)
		.times(100)
		.reply(() => {
			seen.checks++;
			return [200, running(id)];
		});
	return seen;
}

describe('On Timeout: Output the Unfinished Job', () => {
	test('Create hands the unfinished job on: its Video object, no binary, no error', async () => {
		const scope = nock(API).post('/v1/videos').reply(200, video('video_long'));
		neverFinishes(scope, 'video_long');
		const { items, error } = await runNode({
			typeVersion: 3,
			parameters: { operation: 'create', model: 'veo3.1-fast', prompt: 'a long shot', options: { pollInterval: 0.2, timeout: 1, onTimeout: 'outputJob' } },
		});
		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: running('video_long'), pairedItem: { item: 0 } }]);
		expect(unexpected).toEqual([]);
	});

	test('Retrieve with wait does the same, and a later Retrieve with wait delivers the file', async () => {
		const scope = nock(API);
		neverFinishes(scope, 'task_1');
		const first = await runNode({
			typeVersion: 3,
			parameters: { operation: 'retrieve', videoId: 'task_1', waitForCompletion: true, options: { pollInterval: 0.2, timeout: 1, onTimeout: 'outputJob' } },
		});
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({ id: 'task_1', status: 'in_progress', progress: 42 });
		expect(first.items[0].binary).toBeUndefined();
		nock.cleanAll();

		nock(API)
			.get('/v1/videos/task_1')
			.reply(200, video('task_1', { status: 'completed', progress: 100 }))
			.get('/v1/videos/task_1/content')
			.query({ variant: 'video' })
			.reply(200, MP4, { 'content-type': 'video/mp4' });
		const second = await runNode({
			typeVersion: 3,
			parameters: { operation: 'retrieve', videoId: 'task_1', waitForCompletion: true, options: { onTimeout: 'outputJob' } },
		});
		expect(second.error).toBeUndefined();
		expect((await readBinary(second.items[0].binary.data)).equals(MP4)).toBe(true);
	});

	test('a failed job still fails the item, naming the id and the reason (only a time-out is handed on)', async () => {
		nock(API)
			.post('/v1/videos')
			.reply(200, video('video_f'))
			.get('/v1/videos/video_f')
			.reply(200, video('video_f', { status: 'failed', error: { code: 'moderation_blocked', message: 'blocked' } }));
		const { error } = await runNode({
			typeVersion: 3,
			parameters: { operation: 'create', model: 'sora-2', prompt: 'x', options: { pollInterval: 0.1, onTimeout: 'outputJob' } },
		});
		expect(error.message).toBe('Video video_f failed: blocked (moderation_blocked)');
	});

	test('the default is to fail the item as before, naming the option that hands it on', async () => {
		const scope = nock(API).post('/v1/videos').reply(200, video('video_t'));
		neverFinishes(scope, 'video_t');
		const { error } = await runNode({
			typeVersion: 3,
			parameters: { operation: 'create', model: 'veo3.1-fast', prompt: 'x', options: { pollInterval: 0.2, timeout: 1 } },
		});
		expect(error.message).toBe('Video video_t was not finished after 1 s: last status "in_progress", 42% done');
		expect(error.description).toContain('Continue with Retrieve with wait, video id video_t.');
		expect(error.description).toContain('On Timeout to Output the Unfinished Job');
	});

	test('an On Timeout value that is neither is refused before anything is paid', async () => {
		const { error } = await runNode({
			typeVersion: 3,
			parameters: { operation: 'create', model: 'veo3.1-fast', prompt: 'x', options: { onTimeout: '={{ "later" }}' } },
		});
		expect(error.message).toBe('Item 0, field "On Timeout": "later" is not one of error, outputJob');
		expect(unexpected).toEqual([]);
	});
});

describe("the workflow's own timeout", () => {
	test('ends the wait before it, so the node finishes and its output is kept', async () => {
		const scope = nock(API).post('/v1/videos').reply(200, video('video_w'));
		neverFinishes(scope, 'video_w');
		const started = Date.now();
		const { items, error } = await runNode({
			typeVersion: 3,
			// 2 s of workflow timeout: the wait ends a quarter earlier, long before its own 240 s
			settings: { executionTimeout: 2 },
			parameters: { operation: 'create', model: 'veo3.1-fast', prompt: 'x', options: { pollInterval: 0.2, onTimeout: 'outputJob' } },
		});
		const tookMs = Date.now() - started;
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: 'video_w', status: 'in_progress' });
		expect(tookMs).toBeGreaterThanOrEqual(1400);
		expect(tookMs).toBeLessThan(2000);
	});

	test('with On Timeout at its default, the error says the workflow timeout came first', async () => {
		const scope = nock(API).post('/v1/videos').reply(200, video('video_w2'));
		neverFinishes(scope, 'video_w2');
		const { error } = await runNode({
			typeVersion: 3,
			settings: { executionTimeout: 2 },
			parameters: { operation: 'create', model: 'veo3.1-fast', prompt: 'x', options: { pollInterval: 0.2 } },
		});
		expect(error.message).toBe('Video video_w2 was not finished after 1.5 s: last status "in_progress", 42% done');
		expect(error.description).toContain("The workflow's own timeout (Workflow Settings) would stop the execution next");
	});
});

describe('defaults that fit n8n Cloud (node version 3)', () => {
	function optionDefault(operation, name, typeVersion) {
		const node = { typeVersion, parameters: { resource: 'video', operation, waitForCompletion: true, model: 'veo3.1-fast' } };
		const options = description.properties.find(
			(p) => p.name === 'options' && NodeHelpers.displayParameter(node.parameters, p, node, description),
		);
		return options.options.find(
			(o) => o.name === name && NodeHelpers.displayParameterPath(node.parameters, o, 'options', node, description),
		)?.default;
	}

	test.each(['create', 'remix', 'retrieve'])('%s: Timeout 240 s from version 3, 1200 s before', (operation) => {
		expect(optionDefault(operation, 'timeout', 3)).toBe(240);
		expect(optionDefault(operation, 'timeout', 2)).toBe(1200);
		expect(optionDefault(operation, 'timeout', 1)).toBe(1200);
		expect(optionDefault(operation, 'onTimeout', 3)).toBe('error');
	});

	test.each(['create', 'remix'])('%s: Max Wait for Refusals 45 s from version 3, 300 s before', (operation) => {
		expect(optionDefault(operation, 'maxRefusalWait', 3)).toBe(45);
		expect(optionDefault(operation, 'maxRefusalWait', 2)).toBe(300);
	});

	test('the limits the node applies follow the same defaults', () => {
		const policy = (typeVersion, options) =>
			readRequestPolicy(new InputScope({ getNode: () => ({ name: 'Sora Video', typeVersion }) }, 0), options);
		expect(policy(3, {}).retry.maxRefusalWaitMs).toBe(45_000);
		expect(policy(2, {}).retry.maxRefusalWaitMs).toBe(300_000);
		expect(policy(3, { maxRefusalWait: 120 }).retry.maxRefusalWaitMs).toBe(120_000);
	});
});

describe('a stopped execution never hides a paid job', () => {
	/** Runs `parameters` and stops the execution `afterMs` later; returns the run n8n saved and the node's error. */
	async function stopAfter(afterMs, parameters, items) {
		let execution;
		const pending = runNode({ typeVersion: 3, parameters, items, onStart: (running) => (execution = running) });
		await new Promise((resolve) => setTimeout(resolve, afterMs));
		const stoppedAt = Date.now();
		execution.cancel();
		return { ...(await pending), stoppedAt };
	}

	test("the jobs a node waits for are in the execution's custom data, which n8n keeps when it stops the execution", async () => {
		const scope = nock(API)
			.post('/v1/videos')
			.reply(200, video('video_a'))
			.post('/v1/videos')
			.reply(200, video('video_b'));
		neverFinishes(scope, 'video_a');
		neverFinishes(scope, 'video_b');
		const { run } = await stopAfter(
			800,
			{ operation: 'create', model: 'veo3.1-fast', prompt: '={{ $json.prompt }}', options: { pollInterval: 0.2 } },
			[{ json: { prompt: 'one' } }, { json: { prompt: 'two' } }],
		);
		const recorded = run.data.resultData.metadata.Sora_Video_jobs.split(', ').sort();
		expect(recorded).toEqual(['#0 video_a', '#1 video_b']);
	});

	test('a create refused when the execution stops is not sent again, and nothing is recorded as paid', async () => {
		let execution;
		nock(API)
			.post('/v1/videos')
			.reply(429, { error: { message: 'slow down', code: 'rate_limit_exceeded' } }, { 'retry-after': '5' });
		const pending = runNode({
			typeVersion: 3,
			parameters: { operation: 'create', model: 'veo3.1-fast', prompt: 'x', options: { maxRefusalWait: 60 } },
			continueOnFail: true,
			onStart: (running) => (execution = running),
		});
		await new Promise((resolve) => setTimeout(resolve, 500));
		execution.cancel();
		const { run } = await pending;
		// the refusal pause ends at the stop: no second request, and nothing recorded as paid
		expect(run.data.resultData.metadata ?? {}).toEqual({});
		expect(unexpected).toEqual([]);
	});
});
