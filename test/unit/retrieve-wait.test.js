// Retrieve with Wait for Completion: resuming a paid job by its id, and the one way every wait
// error names to continue.
const nock = require('nock');
const { runNode, readBinary } = require('../support/run-node');
const { API, MP4, video, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();
const RESUME = (id) => `Continue with Retrieve with wait, video id ${id}.`;

/** Retrieves video_1 with a wait and the given options; returns the error the item ends in. */
async function failedWaitForVideo1(options) {
	const { error } = await runNode({
		parameters: { operation: 'retrieve', videoId: 'video_1', waitForCompletion: true, options },
	});
	return error;
}

describe('Retrieve with wait', () => {
	test('off by default: one status check, nothing downloaded (saved workflows behave as before)', async () => {
		const scope = nock(API).get('/v1/videos/video_1').reply(200, video('video_1', { status: 'in_progress', progress: 10 }));
		const { items, error } = await runNode({ parameters: { operation: 'retrieve', videoId: 'video_1' } });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ id: 'video_1', status: 'in_progress' });
		expect(items[0].binary).toBeUndefined();
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('waits for an existing job, then downloads its MP4 into the chosen field', async () => {
		const scope = nock(API)
			.get('/v1/videos/video_1')
			.reply(200, video('video_1', { status: 'in_progress', progress: 30 }))
			.get('/v1/videos/video_1')
			.reply(200, video('video_1', { status: 'in_progress', progress: 80 }))
			.get('/v1/videos/video_1')
			.reply(200, video('video_1', { status: 'completed', progress: 100 }))
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.reply(200, MP4, { 'content-type': 'video/mp4' });
		const { items, error } = await runNode({
			parameters: {
				operation: 'retrieve',
				videoId: 'video_1',
				waitForCompletion: true,
				binaryPropertyName: 'clip',
				options: { pollInterval: 0.1 },
			},
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: 'video_1', status: 'completed', progress: 100 });
		expect(items[0].binary.clip).toMatchObject({ fileName: 'video_1.mp4', mimeType: 'video/mp4' });
		expect((await readBinary(items[0].binary.clip)).equals(MP4)).toBe(true);
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('download off: the finished job without binary', async () => {
		const scope = nock(API).get('/v1/videos/video_1').reply(200, video('video_1', { status: 'completed', progress: 100 }));
		const { items, error } = await runNode({
			parameters: { operation: 'retrieve', videoId: 'video_1', waitForCompletion: true, options: { download: false } },
		});
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(items[0].binary).toBeUndefined();
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a time-out names Retrieve with wait and the video id', async () => {
		nock(API)
			.get('/v1/videos/video_1')
			.times(30)
			.reply(200, video('video_1', { status: 'in_progress', progress: 42 }));
		const error = await failedWaitForVideo1({ pollInterval: 0.2, timeout: 1 });
		expect(error.message).toBe('Video video_1 was not finished after 1 s: last status "in_progress", 42% done');
		expect(error.description).toContain(RESUME('video_1'));
		expect(error.context.videoId).toBe('video_1');
		nock.cleanAll();
	});

	test.each([
		[
			'lost status checks',
			(api) =>
				api
					.get('/v1/videos/video_1')
					.reply(200, video('video_1', { status: 'in_progress', progress: 5 }))
					.get('/v1/videos/video_1')
					.times(2)
					.reply(502, { error: { message: 'bad gateway' } }),
			{ pollInterval: 0.1, maxRetries: 1 },
			'Lost track of video video_1 while waiting: Retrieve video failed (video video_1): bad gateway',
		],
		[
			'a download that fails after completion',
			(api) =>
				api
					.get('/v1/videos/video_1')
					.reply(200, video('video_1', { status: 'completed', progress: 100 }))
					.get('/v1/videos/video_1/content')
					.query({ variant: 'video' })
					.times(2)
					.reply(500, { error: { message: 'storage hiccup' } }),
			{ maxRetries: 1 },
			'Download video failed (video video_1): storage hiccup',
		],
	])('%s: the error names Retrieve with wait and the video id', async (_, answers, options, message) => {
		const scope = answers(nock(API));
		const error = await failedWaitForVideo1(options);
		expect(error.message).toBe(message);
		expect(error.description).toContain(RESUME('video_1'));
		scope.done();
	});

	test('cancelling the wait names Retrieve with wait and the video id', async () => {
		nock(API)
			.get('/v1/videos/video_1')
			.times(20)
			.reply(200, video('video_1', { status: 'in_progress' }));
		let execution;
		const pending = runNode({
			parameters: { operation: 'retrieve', videoId: 'video_1', waitForCompletion: true, options: { pollInterval: 5 } },
			continueOnFail: true,
			onStart: (running) => {
				execution = running;
			},
		});
		await new Promise((resolve) => setTimeout(resolve, 700));
		execution.cancel();
		const { items } = await pending;
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({
			error: 'Stopped waiting for video video_1: the execution was cancelled',
			description: `The job goes on at the provider. ${RESUME('video_1')}`,
			videoId: 'video_1',
		});
		nock.cleanAll();
	});
});
