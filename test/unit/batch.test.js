const nock = require('nock');
const { runNode, readBinary } = require('../support/run-node');
const { API, API_KEY, MP4, video, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();

/** A fake API in which job N renders for renderMs[N]; it tracks requests in flight. */
function renderFarm(renderMs, { failing = [] } = {}) {
	const jobs = new Map();
	const stats = { creates: 0, polls: {}, inFlightCreates: 0, maxInFlightCreates: 0 };
	const scope = nock(API)
		.persist()
		.post('/v1/videos')
		.delay(50)
		.reply((_uri, body) => {
			const n = Number(/item-(\d+)/.exec(body)[1]);
			const id = `video_${n}`;
			jobs.set(id, { n, done: Date.now() + renderMs[n] });
			stats.creates++;
			return [200, video(id)];
		})
		.get(/\/v1\/videos\/video_\d+$/)
		.reply((uri) => {
			const id = uri.split('/').pop();
			stats.polls[id] = (stats.polls[id] ?? 0) + 1;
			const job = jobs.get(id);
			if (Date.now() < job.done) return [200, video(id, { status: 'in_progress', progress: 50 })];
			if (failing.includes(job.n)) return [200, video(id, { status: 'failed', error: { message: `job ${job.n} broke` } })];
			return [200, video(id, { status: 'completed', progress: 100 })];
		})
		.get(/\/v1\/videos\/video_\d+\/content/)
		.reply((uri) => [200, Buffer.concat([MP4, Buffer.from(uri.split('/')[3])]), { 'content-type': 'video/mp4' }]);
	scope.on('request', (req) => {
		if (req.method !== 'POST') return;
		stats.inFlightCreates++;
		stats.maxInFlightCreates = Math.max(stats.maxInFlightCreates, stats.inFlightCreates);
	});
	scope.on('replied', (req) => {
		if (req.method === 'POST') stats.inFlightCreates--;
	});
	return { stats, scope };
}

const items = (n) => Array.from({ length: n }, (_, i) => ({ json: { prompt: `item-${i}` } }));
const parameters = (options = {}) => ({
	operation: 'create',
	prompt: '={{ $json.prompt }}',
	options: { pollInterval: 0.2, ...options },
});

describe('a batch of items', () => {
	test('renders side by side: wall time is the slowest job, not the sum; output in input order', async () => {
		const renderMs = [1200, 300, 800, 500, 1000, 200, 700, 400];
		const { stats } = renderFarm(renderMs);
		const started = Date.now();
		const result = await runNode({ parameters: parameters(), items: items(renderMs.length) });
		const elapsed = Date.now() - started;
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual(renderMs.map((_, i) => `video_${i}`));
		expect(result.items.map((item) => item.pairedItem)).toEqual(renderMs.map((_, i) => ({ item: i })));
		for (const [i, item] of result.items.entries()) {
			expect((await readBinary(item.binary.data)).toString('latin1')).toContain(`video_${i}`);
		}
		// the sum of render times is 5.1 s; the slowest one is 1.2 s
		expect(elapsed).toBeLessThan(1200 + 1000);
		expect(stats.creates).toBe(renderMs.length);
		// the poll budget: at most ceil(render / interval) + 1 status requests per job
		for (const [i, ms] of renderMs.entries()) {
			expect(stats.polls[`video_${i}`]).toBeLessThanOrEqual(Math.ceil(ms / 200) + 1);
		}
	});

	test('paid requests in flight never exceed the Parallel Requests option', async () => {
		const { stats } = renderFarm(new Array(6).fill(100));
		const result = await runNode({ parameters: parameters({ parallelRequests: 2, download: false }), items: items(6) });
		expect(result.error).toBeUndefined();
		expect(stats.creates).toBe(6);
		expect(stats.maxInFlightCreates).toBe(2);
	});

	test('a large batch of status checks keeps at most 16 requests open', async () => {
		let open = 0;
		let maxOpen = 0;
		const scope = nock(API)
			.persist()
			.get(/\/v1\/videos\/video_\d+$/)
			.delay(30)
			.reply((uri) => [200, video(uri.split('/').pop(), { status: 'completed' })]);
		scope.on('request', () => {
			open++;
			maxOpen = Math.max(maxOpen, open);
		});
		scope.on('replied', () => open--);
		const many = Array.from({ length: 60 }, (_, i) => ({ json: { id: `video_${i}` } }));
		const result = await runNode({ parameters: { operation: 'retrieve', videoId: '={{ $json.id }}' }, items: many });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual(many.map((item) => item.json.id));
		expect(maxOpen).toBe(16);
	});

	test('one failed job does not stall or lose the others (Continue On Fail)', async () => {
		renderFarm([300, 200, 300], { failing: [1] });
		const result = await runNode({ parameters: parameters(), items: items(3), continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id ?? item.json.videoId)).toEqual(['video_0', 'video_1', 'video_2']);
		expect(result.items[1].json).toEqual({
			error: 'Video video_1 failed: job 1 broke',
			description: 'The provider ended the job without a video. Change the prompt or reference and create a new one.',
			videoId: 'video_1',
		});
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[0].binary.data.fileName).toBe('video_0.mp4');
		expect(result.items[2].binary.data.fileName).toBe('video_2.mp4');
	});

	test('with the error output on, the failed item goes there and its message names the video', async () => {
		renderFarm([300, 200, 300], { failing: [1] });
		const result = await runNode({ parameters: parameters(), items: items(3), onError: 'continueErrorOutput' });
		expect(result.error).toBeUndefined();
		const [success, failure] = result.outputs;
		expect(success.map((item) => [item.json.id, item.pairedItem])).toEqual([
			['video_0', { item: 0 }],
			['video_2', { item: 2 }],
		]);
		expect(failure.map((item) => [item.json, item.pairedItem])).toEqual([
			[{ error: 'Video video_1 failed: job 1 broke' }, { item: 1 }],
		]);
	});

	test('without Continue On Fail the error names the failed job and the videos the other items paid for', async () => {
		renderFarm([300, 200, 300], { failing: [1] });
		const result = await runNode({ parameters: parameters(), items: items(3) });
		expect(result.error.message).toBe('Video video_1 failed: job 1 broke');
		expect(result.error.description).toContain('Videos of the other items in this run: item 0: video_0, item 2: video_2.');
	});
});

describe('cancelling the execution', () => {
	test('ends a wait at once and sends nothing more', async () => {
		let polls = 0;
		nock(API)
			.post('/v1/videos')
			.reply(200, video('video_1'))
			.get('/v1/videos/video_1')
			.times(50)
			.reply(() => {
				polls++;
				return [200, video('video_1', { status: 'in_progress' })];
			});
		let execution;
		const started = Date.now();
		const pending = runNode({
			parameters: { operation: 'create', prompt: 'x', options: { pollInterval: 2 } },
			onStart: (running) => {
				execution = running;
			},
		});
		await new Promise((resolve) => setTimeout(resolve, 2500));
		const pollsAtCancel = polls;
		const cancelledAt = Date.now();
		execution.cancel();
		await pending.catch(() => undefined);
		const stoppedAfter = Date.now() - cancelledAt;
		await new Promise((resolve) => setTimeout(resolve, 2500));
		// the poll schedule looks early while it learns the progress rate (1 s apart here, then 2 s)
		expect(pollsAtCancel).toBeGreaterThanOrEqual(1);
		expect(polls).toBe(pollsAtCancel);
		expect(stoppedAfter).toBeLessThan(1000);
		expect(Date.now() - started).toBeLessThan(6000);
	}, 10000);
});

describe('the API key', () => {
	test('never appears in outputs or error messages, even when the provider echoes it', async () => {
		nock(API)
			.post('/v1/videos')
			.reply(401, { error: { message: `Incorrect API key provided: ${API_KEY}`, type: 'invalid_request_error' } });
		const failed = await runNode({ parameters: { operation: 'create', prompt: 'x' }, continueOnFail: true });
		expect(failed.items[0].json.error).toBe('Create video failed: Incorrect API key provided: [redacted]');
		expect(JSON.stringify(failed.run)).not.toContain(API_KEY);

		nock(API)
			.post('/v1/videos')
			.reply(401, { error: { message: `bad key ${API_KEY}`, type: `denied_${API_KEY}`, code: `key_${API_KEY}`, param: API_KEY } });
		const thrown = await runNode({ parameters: { operation: 'create', prompt: 'x' } });
		expect(thrown.error.message).toBe('Create video failed: bad key [redacted]');
		expect(JSON.stringify(thrown.run)).not.toContain(API_KEY);
		expect(JSON.stringify({ ...thrown.error, message: thrown.error.message, stack: thrown.error.stack })).not.toContain(API_KEY);
		expect(unexpected).toEqual([]);
	});
});
