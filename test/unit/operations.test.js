const nock = require('nock');
const { runNode, readBinary } = require('../support/run-node');
const { API, FILES, MP4, video, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();

describe('Remix', () => {
	test('posts the prompt as JSON, waits for the new job and downloads it', async () => {
		let sentBody;
		const scope = nock(API)
			.post('/v1/videos/video_src/remix', (body) => {
				sentBody = body;
				return true;
			})
			.reply(200, video('video_new', { remixed_from_video_id: 'video_src' }))
			.get('/v1/videos/video_new')
			.reply(200, video('video_new', { status: 'completed', progress: 100, remixed_from_video_id: 'video_src' }))
			.get('/v1/videos/video_new/content')
			.query({ variant: 'video' })
			.reply(200, MP4, { 'content-type': 'video/mp4' });
		const { items, error } = await runNode({
			parameters: { operation: 'remix', videoId: 'video_src', prompt: 'at night', options: { pollInterval: 0.1 } },
		});
		expect(error).toBeUndefined();
		expect(sentBody).toEqual({ prompt: 'at night' });
		expect(items[0].json).toMatchObject({ id: 'video_new', status: 'completed', remixed_from_video_id: 'video_src' });
		expect(items[0].binary.data.fileName).toBe('video_new.mp4');
		expect((await readBinary(items[0].binary.data)).equals(MP4)).toBe(true);
		scope.done();
	});

	test('remixing an unfinished source is the API error with the source video id', async () => {
		const scope = nock(API)
			.post('/v1/videos/video_src/remix')
			.reply(400, { error: { message: 'Source video is not completed', type: 'invalid_request_error', code: 'video_not_ready' } });
		const { error } = await runNode({ parameters: { operation: 'remix', videoId: 'video_src', prompt: 'x' } });
		expect(error.message).toBe('Remix video failed (video video_src): Source video is not completed');
		expect(error.description).toContain('HTTP 400, code video_not_ready.');
		expect(error.httpCode).toBe('400');
		scope.done();
		expect(unexpected).toEqual([]);
	});
});

describe('Retrieve', () => {
	test('returns the Video object as the API gave it', async () => {
		const answer = video('video_1', { status: 'in_progress', progress: 55, extra_field: 'kept' });
		const scope = nock(API).get('/v1/videos/video_1').reply(200, answer);
		const { items, error } = await runNode({ parameters: { operation: 'retrieve', videoId: ' video_1 ' } });
		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: answer, pairedItem: { item: 0 } }]);
		scope.done();
	});

	test('an unknown id is a 404 error naming it, after no retries', async () => {
		const scope = nock(API)
			.get('/v1/videos/video_gone')
			.reply(404, { error: { message: 'Video not found', type: 'invalid_request_error' } });
		const { error } = await runNode({ parameters: { operation: 'retrieve', videoId: 'video_gone' } });
		expect(error.message).toBe('Retrieve video failed (video video_gone): Video not found');
		expect(error.description).toContain('check the video ID');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('retrieve is retried after a 503 (safe to repeat)', async () => {
		const scope = nock(API)
			.get('/v1/videos/video_1')
			.reply(503, { error: { message: 'busy' } }, { 'retry-after-ms': '20' })
			.get('/v1/videos/video_1')
			.reply(200, video('video_1'));
		const { items, error } = await runNode({ parameters: { operation: 'retrieve', videoId: 'video_1' } });
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe('video_1');
		scope.done();
	});
});

describe('Download', () => {
	const WEBP = Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.from('thumbnail')]);
	const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('spritesheet')]);
	test.each([
		['video', 'video_1.mp4', 'video/mp4', MP4],
		['thumbnail', 'video_1.webp', 'image/webp', WEBP],
		['spritesheet', 'video_1.jpg', 'image/jpeg', JPEG],
	])('variant %s streams into binary as %s (%s)', async (variant, fileName, mimeType, bytes) => {
		const scope = nock(API)
			.get('/v1/videos/video_1/content')
			.query({ variant })
			.reply(200, bytes, { 'content-type': mimeType, 'content-length': String(bytes.length) });
		const { items, error } = await runNode({
			parameters: { operation: 'download', videoId: 'video_1', variant, binaryPropertyName: 'file' },
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ id: 'video_1', variant, fileName, mimeType, fileSize: bytes.length });
		expect(items[0].binary.file).toMatchObject({ fileName, mimeType });
		expect((await readBinary(items[0].binary.file)).equals(bytes)).toBe(true);
		scope.done();
	});

	test('a redirect to another host is followed without the API key', async () => {
		const api = nock(API)
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.reply(302, '', { location: `${FILES}/cdn/video_1.mp4?sig=abc` });
		let fileHostAuth = 'not called';
		const files = nock(FILES)
			.get('/cdn/video_1.mp4')
			.query({ sig: 'abc' })
			.reply(function () {
				fileHostAuth = this.req.headers.authorization;
				return [200, MP4, { 'content-type': 'video/mp4' }];
			});
		const { items, error } = await runNode({ parameters: { operation: 'download', videoId: 'video_1' } });
		expect(error).toBeUndefined();
		expect(fileHostAuth).toBeUndefined();
		expect((await readBinary(items[0].binary.data)).equals(MP4)).toBe(true);
		api.done();
		files.done();
	});

	test('a video that is not finished yet gives the API error with the video id', async () => {
		const scope = nock(API)
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.reply(400, { error: { message: 'Video is not ready yet', type: 'invalid_request_error' } });
		const { error } = await runNode({ parameters: { operation: 'download', videoId: 'video_1' } });
		expect(error.message).toBe('Download video failed (video video_1): Video is not ready yet');
		scope.done();
	});

	const shortBody = { 'content-type': 'video/mp4', 'content-length': String(MP4.length + 100) };

	test('a body shorter than its Content-Length is downloaded again from the start', async () => {
		const scope = nock(API)
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.reply(200, MP4, shortBody)
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.reply(200, MP4, { 'content-type': 'video/mp4', 'content-length': String(MP4.length) });
		const { items, error } = await runNode({ parameters: { operation: 'download', videoId: 'video_1' } });
		expect(error).toBeUndefined();
		expect((await readBinary(items[0].binary.data)).equals(MP4)).toBe(true);
		expect(items[0].json.fileSize).toBe(MP4.length);
		scope.done();
	});

	test('a body that stays short fails after the retry budget, naming the video', async () => {
		const scope = nock(API)
			.post('/v1/videos')
			.reply(200, video('video_1', { status: 'completed' }))
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.times(2) // the first try and the one retry the option allows
			.reply(200, MP4, shortBody);
		const started = Date.now();
		const { error } = await runNode({
			parameters: { operation: 'create', prompt: 'x', options: { maxRetries: 1 } },
		});
		// node's http client itself notices the missing bytes and aborts the body
		expect(error.message).toBe('Download video failed (video video_1): the transfer broke off (aborted)');
		expect(error.description).toContain('downloads are safe to repeat');
		expect(Date.now() - started).toBeGreaterThanOrEqual(450); // a backoff pause before the retry
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('an HTML page served as video/mp4 is refused by its leading bytes', async () => {
		const scope = nock(API)
			.get('/v1/videos/video_1/content')
			.query({ variant: 'video' })
			.reply(200, '<!doctype html><title>Access denied</title>', { 'content-type': 'video/mp4' });
		const { error } = await runNode({ parameters: { operation: 'download', videoId: 'video_1' } });
		expect(error.message).toBe('Download video failed: expected a video/mp4 file but got other content, labelled video/mp4');
		expect(error.description).toContain('Access denied');
		expect(error.context.videoId).toBe('video_1');
		scope.done();
	});
});

describe('List', () => {
	test('one item per video, with limit and order', async () => {
		const scope = nock(API)
			.get('/v1/videos')
			.query({ limit: '2', order: 'asc' })
			.reply(200, { object: 'list', data: [video('a'), video('b')], has_more: true, last_id: 'b' });
		const { items, error } = await runNode({ parameters: { operation: 'list', limit: 2, order: 'asc' } });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(['a', 'b']);
		expect(items.every((item) => item.pairedItem.item === 0)).toBe(true);
		scope.done();
	});

	test('Return All pages through with after/has_more', async () => {
		const scope = nock(API)
			.get('/v1/videos')
			.query({ limit: '100', order: 'desc' })
			.reply(200, { object: 'list', data: [video('c'), video('b')], has_more: true, last_id: 'b' })
			.get('/v1/videos')
			.query({ limit: '100', order: 'desc', after: 'b' })
			.reply(200, { object: 'list', data: [video('a')], has_more: false, last_id: 'a' });
		const { items, error } = await runNode({ parameters: { operation: 'list', returnAll: true } });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(['c', 'b', 'a']);
		scope.done();
		expect(unexpected).toEqual([]);
	});
});

describe('Delete', () => {
	test('outputs { id, deleted: true }', async () => {
		const scope = nock(API)
			.delete('/v1/videos/video_1')
			.reply(200, { id: 'video_1', object: 'video.deleted', deleted: true });
		const { items, error } = await runNode({ parameters: { operation: 'delete', videoId: 'video_1' } });
		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: { id: 'video_1', deleted: true }, pairedItem: { item: 0 } }]);
		scope.done();
	});

	test('a refused delete is an error naming the video', async () => {
		const scope = nock(API)
			.delete('/v1/videos/video_1')
			.reply(200, { id: 'video_1', object: 'video.deleted', deleted: false });
		const { error } = await runNode({ parameters: { operation: 'delete', videoId: 'video_1' } });
		expect(error.message).toBe('Delete video failed (video video_1): the API kept the video');
		scope.done();
	});
});

describe('Credential base URL', () => {
	test('a stored credential without baseUrl uses https://api.cometapi.com; a trailing /v1 is tolerated', async () => {
		const official = nock('https://api.cometapi.com').get('/v1/videos/video_1').reply(200, video('video_1'));
		const first = await runNode({
			parameters: { operation: 'retrieve', videoId: 'video_1' },
			credentials: { apiKey: 'sk-old-credential' },
		});
		expect(first.error).toBeUndefined();
		official.done();

		const relay = nock('https://relay.example.test').get('/v1/videos/video_1').reply(200, video('video_1'));
		const second = await runNode({
			parameters: { operation: 'retrieve', videoId: 'video_1' },
			credentials: { apiKey: 'sk-x', baseUrl: 'https://relay.example.test/v1/' },
		});
		expect(second.error).toBeUndefined();
		relay.done();
	});
});
