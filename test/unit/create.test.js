const nock = require('nock');
const { runNode, readBinary, storedBinary } = require('../support/run-node');
const { API, FILES, API_KEY, MP4, video, parseMultipart, trackUnexpectedRequests } = require('../support/api');
const { pngOfSize } = require('../support/images');

const unexpected = trackUnexpectedRequests();
const fast = { pollInterval: 0.1 };
// a reference image at the default Size (1280x720): the API takes no other
const FRAME = pngOfSize(1280, 720);

function captureCreate(scope, answer = video('video_1')) {
	const seen = {};
	scope.post('/v1/videos').reply(function (_uri, body) {
		seen.headers = this.req.headers;
		seen.form = parseMultipart(this.req.headers['content-type'], body);
		return [200, answer];
	});
	return seen;
}

/** Runs a create that does not wait and checks its create request was sent; returns the node's result and that request. */
async function createWithoutWaiting(parameters, items) {
	const scope = nock(API);
	const seen = captureCreate(scope);
	const result = await runNode({ parameters: { operation: 'create', ...parameters, waitForCompletion: false }, items });
	scope.done();
	return { ...result, seen };
}

describe('Create without waiting', () => {
	test('sends the multipart fields and returns the queued job as it is', async () => {
		const parameters = { model: 'sora-2-pro', prompt: '  A paper airplane glides across a desk  ', seconds: '8', size: '1792x1024' };
		const { items, error, seen } = await createWithoutWaiting(parameters);
		expect(error).toBeUndefined();
		expect(seen.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		// sent as given, the prompt trimmed
		expect(seen.form.fields).toEqual({ ...parameters, prompt: 'A paper airplane glides across a desk' });
		expect(seen.form.files).toEqual({});
		expect(items).toEqual([{ json: video('video_1'), pairedItem: { item: 0 } }]);
		expect(unexpected).toEqual([]);
	});

	test('uploads the reference image from an input binary field kept in the binary store', async () => {
		const binary = await storedBinary(FRAME, 'first-frame.png', 'image/png');
		expect(binary.id).toBeTruthy();
		const { error, seen } = await createWithoutWaiting(
			{ prompt: 'animate this', options: { referenceImageBinaryProperty: 'image' } },
			[{ json: {}, binary: { image: binary } }],
		);
		expect(error).toBeUndefined();
		const file = seen.form.files.input_reference;
		expect(file.fileName).toBe('first-frame.png');
		expect(file.contentType).toBe('image/png');
		expect(file.bytes.equals(FRAME)).toBe(true);
	});

	test('fetches a reference image URL without the API key, then uploads it', async () => {
		const files = nock(FILES)
			.get('/images/start.png')
			.reply(function () {
				expect(this.req.headers.authorization).toBeUndefined();
				return [200, FRAME, { 'content-type': 'image/png' }];
			});
		const { error, seen } = await createWithoutWaiting({
			prompt: 'animate this',
			options: { referenceImageUrl: `${FILES}/images/start.png` },
		});
		expect(error).toBeUndefined();
		expect(seen.form.files.input_reference.fileName).toBe('start.png');
		expect(seen.form.files.input_reference.bytes.equals(FRAME)).toBe(true);
		files.done();
	});

	test('a reference URL that returns a web page fails before the paid request', async () => {
		nock(FILES).get('/not-an-image').reply(200, '<html>login</html>', { 'content-type': 'text/html' });
		const { error } = await runNode({
			parameters: {
				operation: 'create',
				prompt: 'animate this',
				waitForCompletion: false,
				options: { referenceImageUrl: `${FILES}/not-an-image` },
			},
		});
		expect(error.message).toBe(
			`Item 0, field "Reference Image URL": ${FILES}/not-an-image is not an image (text/html)`,
		);
		expect(unexpected).toEqual([]);
	});

	test('self-developed model: character fields and the storyboard prompt format', async () => {
		const { error, seen } = await createWithoutWaiting({
			model: 'sora-2-all',
			seconds: '15',
			size: '720x1280',
			options: {
				characterUrl: 'https://cdn.example.test/cameo.mp4',
				characterTimestamps: '1, 3',
				storyboard: {
					shots: [
						{ duration: 7.5, scene: 'The plane takes off.' },
						{ duration: 7.5, scene: 'The plane lands.' },
					],
				},
			},
		});
		expect(error).toBeUndefined();
		expect(seen.form.fields).toEqual({
			model: 'sora-2-all',
			prompt: 'Shot 1:\nduration: 7.5sec\nScene: The plane takes off.\n\nShot 2:\nduration: 7.5sec\nScene: The plane lands.',
			seconds: '15',
			size: '720x1280',
			character_url: 'https://cdn.example.test/cameo.mp4',
			character_timestamps: '1,3',
		});
	});

	test('a model given by expression passes through with any seconds and size', async () => {
		const { error, seen } = await createWithoutWaiting({
			model: '={{ "sora-3-preview" }}',
			prompt: 'x',
			seconds: '7',
			size: '640x480',
		});
		expect(error).toBeUndefined();
		expect(seen.form.fields).toMatchObject({ model: 'sora-3-preview', seconds: '7', size: '640x480' });
	});
});

describe('Create and wait for completion', () => {
	test('polls queued -> in_progress -> completed, then streams the MP4 into binary', async () => {
		const scope = nock(API);
		captureCreate(scope);
		scope
			.get('/v1/videos/video_1')
			.reply(200, video('video_1', { status: 'in_progress', progress: 40 }))
			.get('/v1/videos/video_1')
			.reply(200, video('video_1', { status: 'completed', progress: 100, expires_at: 1760000000 }))
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.reply(200, MP4, { 'content-type': 'video/mp4', 'content-length': String(MP4.length) });
		const { items, error } = await runNode({
			parameters: { operation: 'create', prompt: 'x', binaryPropertyName: 'clip', options: fast },
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual(video('video_1', { status: 'completed', progress: 100, expires_at: 1760000000 }));
		const clip = items[0].binary.clip;
		expect(clip.fileName).toBe('video_1.mp4');
		expect(clip.mimeType).toBe('video/mp4');
		expect(clip.id).toMatch(/^filesystem/);
		expect((await readBinary(clip)).equals(MP4)).toBe(true);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('statuses compare case-insensitively and unknown words count as running', async () => {
		const scope = nock(API);
		captureCreate(scope);
		scope
			.get('/v1/videos/video_1')
			.reply(200, video('video_1', { status: 'RENDERING_FRAMES' }))
			.get('/v1/videos/video_1')
			.reply(200, video('video_1', { status: 'IN_PROGRESS', progress: 80 }))
			.get('/v1/videos/video_1')
			.reply(200, video('video_1', { status: 'Completed', progress: 100 }));
		const { items, error } = await runNode({
			parameters: { operation: 'create', prompt: 'x', options: { ...fast, download: false } },
		});
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('Completed');
		expect(items[0].binary).toBeUndefined();
		scope.done();
	});

	test('a failed job is an error naming the video id and the provider message; nothing is downloaded', async () => {
		const scope = nock(API);
		captureCreate(scope);
		scope.get('/v1/videos/video_1').reply(
			200,
			video('video_1', {
				status: 'failed',
				error: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' },
			}),
		);
		const { error } = await runNode({ parameters: { operation: 'create', prompt: 'x', options: fast } });
		expect(error.message).toBe(
			'Video video_1 failed: Your request was blocked by our moderation system. (moderation_blocked)',
		);
		expect(error.context.itemIndex).toBe(0);
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a time-out names the video id, its last status and progress, and how to continue', async () => {
		const scope = nock(API);
		captureCreate(scope);
		let polls = 0;
		scope
			.get('/v1/videos/video_1')
			.times(100)
			.reply(() => {
				polls++;
				return [200, video('video_1', { status: 'in_progress', progress: 42 })];
			});
		const started = Date.now();
		const { error } = await runNode({
			parameters: { operation: 'create', prompt: 'x', options: { pollInterval: 0.2, timeout: 1 } },
		});
		const elapsed = Date.now() - started;
		expect(error.message).toBe('Video video_1 was not finished after 1 s: last status "in_progress", 42% done');
		expect(error.description).toContain('Continue with Retrieve with wait, video id video_1.');
		expect(error.context.videoId).toBe('video_1');
		// one status request per interval: ceil(1 s / 0.2 s) = 5, and nothing after the deadline
		expect(polls).toBe(5);
		expect(elapsed).toBeGreaterThanOrEqual(1000);
		expect(elapsed).toBeLessThan(2500);
	});

	/** Creates and waits without downloading, answering the first status check with `firstAnswer`. */
	async function waitThroughTwoChecks(firstAnswer, finished) {
		const scope = nock(API);
		captureCreate(scope);
		const times = [];
		scope
			.get('/v1/videos/video_1')
			.reply(() => {
				times.push(Date.now());
				return firstAnswer;
			})
			.get('/v1/videos/video_1')
			.reply(() => {
				times.push(Date.now());
				return [200, finished];
			});
		const result = await runNode({
			parameters: { operation: 'create', prompt: 'x', options: { ...fast, download: false } },
		});
		scope.done();
		return { ...result, pauseMs: times[1] - times[0] };
	}

	test('a 429 with Retry-After while polling is waited out and the wait goes on', async () => {
		const { items, error, pauseMs } = await waitThroughTwoChecks(
			[429, { error: { message: 'slow down', type: 'rate_limit' } }, { 'retry-after': '1' }],
			video('video_1', { status: 'completed', progress: 100 }),
		);
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(pauseMs).toBeGreaterThanOrEqual(950);
	});

	test('the server hint openai-poll-after-ms stretches the next poll', async () => {
		const { error, pauseMs } = await waitThroughTwoChecks(
			[200, video('video_1', { status: 'in_progress' }), { 'openai-poll-after-ms': '600' }],
			video('video_1', { status: 'completed' }),
		);
		expect(error).toBeUndefined();
		expect(pauseMs).toBeGreaterThanOrEqual(580);
	});

	test('a job that is already completed when created is not polled at all', async () => {
		const scope = nock(API);
		captureCreate(scope, video('video_9', { status: 'completed', progress: 100 }));
		scope
			.get('/v1/videos/video_9/content')
			.query({ variant: 'video' })
			.reply(200, MP4, { 'content-type': 'video/mp4' });
		const { items, error } = await runNode({ parameters: { operation: 'create', prompt: 'x', options: fast } });
		expect(error).toBeUndefined();
		expect(items[0].binary.data.fileName).toBe('video_9.mp4');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('content answering with a JSON error instead of a video is an error naming the video', async () => {
		const scope = nock(API);
		captureCreate(scope, video('video_1', { status: 'completed' }));
		scope
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.reply(200, { error: { message: 'not ready' } }, { 'content-type': 'application/json' });
		const { error } = await runNode({ parameters: { operation: 'create', prompt: 'x', options: fast } });
		expect(error.message).toBe('Download video failed: expected a video/mp4 file but got application/json');
		expect(error.context.videoId).toBe('video_1');
		scope.done();
	});

	test('the paid create request is never repeated after a 500: the job is looked for instead', async () => {
		const scope = nock(API)
			.post('/v1/videos')
			.reply(500, { error: { message: 'upstream exploded', type: 'comet_api_error' } })
			.get('/v1/videos')
			.query({ order: 'desc', limit: 50 })
			.reply(200, { object: 'list', data: [], has_more: false });
		const { error } = await runNode({ parameters: { operation: 'create', prompt: 'x', options: fast } });
		expect(error.message).toBe('Create video failed: upstream exploded; no job for it shows in the video list');
		expect(error.description).toContain('so it was not sent again');
		scope.done();
		expect(unexpected).toEqual([]);
	});
});
