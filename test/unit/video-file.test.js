// The finished file arrives for every family: the key-protected content route where the model has
// one, otherwise (Seedance) or when the route has no file for the job, the job's `video_url`,
// streamed without the key unless it is on the credential's own origin, with the same naming and
// leading-bytes check. Then the Download operation by id, which looks for a video_url once.
const nock = require('nock');
const { runNode, readBinary } = require('../support/run-node');
const { API, API_KEY, FILES, MP4, trackUnexpectedRequests } = require('../support/api');
const { task } = require('../support/families');

const unexpected = trackUnexpectedRequests();
const SIGNED = '/tos/task_s.mp4?X-Tos-Expires=3600&X-Tos-Signature=abc';
const MP4_HEADERS = { 'content-type': 'video/mp4', 'content-length': String(MP4.length) };

/** Retrieve with wait (and download) of a job that is already finished as `job`. */
async function fetchFinished(job, options = {}) {
	nock(API).get(`/v1/videos/${job.id}`).reply(200, job);
	return await runNode({
		parameters: { operation: 'retrieve', videoId: job.id, waitForCompletion: true, binaryPropertyName: 'clip', options: { pollInterval: 0.1, ...options } },
		typeVersion: 3,
	});
}

/** A file host answering `path` once, recording the Authorization header it got. */
function fileHost(origin, path, reply = [200, MP4, MP4_HEADERS]) {
	const seen = { authorization: 'not called' };
	const scope = nock(origin)
		.get(path)
		.reply(function () {
			seen.authorization = this.req.headers.authorization;
			return reply;
		});
	return { scope, seen };
}

async function expectVideoBinary(item, id) {
	expect(item.binary.clip).toMatchObject({ fileName: `${id}.mp4`, mimeType: 'video/mp4' });
	expect((await readBinary(item.binary.clip)).equals(MP4)).toBe(true);
}

describe('after a wait', () => {
	test('Veo: the content route, with the key; its video_url is not used', async () => {
		const job = task('task_v', 'veo3.1-fast', { status: 'completed', progress: 100, video_url: `${FILES}/veo/task_v.mp4` });
		const content = nock(API)
			.get('/v1/videos/task_v/content')
			.query({ variant: 'video' })
			.matchHeader('authorization', `Bearer ${API_KEY}`)
			.reply(200, MP4, MP4_HEADERS);
		const { items, error } = await fetchFinished(job);
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual(job);
		await expectVideoBinary(items[0], 'task_v');
		content.done();
		expect(unexpected).toEqual([]);
	});

	test('Seedance: the signed video_url on another host, without the key; /content is never asked', async () => {
		const job = task('task_s', 'doubao-seedance-2-0', { status: 'SUCCESS', progress: 100, video_url: `${FILES}${SIGNED}` });
		const { scope, seen } = fileHost(FILES, SIGNED);
		const { items, error } = await fetchFinished(job);
		expect(error).toBeUndefined();
		expect(seen.authorization).toBeUndefined();
		expect(items[0].json).toEqual(job);
		await expectVideoBinary(items[0], 'task_s');
		scope.done();
		// no interceptor for /content: a request there would be listed
		expect(unexpected).toEqual([]);
	});

	test('Seedance created and waited for: from create to the file through video_url', async () => {
		const api = nock(API)
			.post('/v1/videos')
			.reply(200, task('task_s', 'doubao-seedance-2-0-fast', { status: 'SUBMITTED' }))
			.get('/v1/videos/task_s')
			.reply(200, task('task_s', 'doubao-seedance-2-0-fast', { status: 'IN_PROGRESS', progress: 45 }))
			.get('/v1/videos/task_s')
			.reply(200, task('task_s', 'doubao-seedance-2-0-fast', { status: 'SUCCESS', progress: 100, video_url: `${FILES}${SIGNED}` }));
		const { scope, seen } = fileHost(FILES, SIGNED);
		const { items, error } = await runNode({
			parameters: { operation: 'create', model: 'doubao-seedance-2-0-fast', prompt: 'x', binaryPropertyName: 'clip', options: { pollInterval: 0.1 } },
			typeVersion: 3,
		});
		expect(error).toBeUndefined();
		expect(seen.authorization).toBeUndefined();
		await expectVideoBinary(items[0], 'task_s');
		api.done();
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test.each([
		[404, { error: { message: 'content not found', type: 'invalid_request_error' } }],
		[400, { error: { message: 'this task has no content to proxy', type: 'new_api_error' } }],
	])('a content route that answers %i "no content" falls back to the job video_url', async (status, body) => {
		const job = task('task_w', 'wan2.6', { status: 'completed', progress: 100, video_url: `${FILES}/wan/task_w.mp4` });
		const content = nock(API).get('/v1/videos/task_w/content').query({ variant: 'video' }).reply(status, body);
		const { scope, seen } = fileHost(FILES, '/wan/task_w.mp4');
		const { items, error } = await fetchFinished(job);
		expect(error).toBeUndefined();
		expect(seen.authorization).toBeUndefined();
		await expectVideoBinary(items[0], 'task_w');
		content.done();
		scope.done();
	});

	test('a content route with no file and no video_url keeps its own error', async () => {
		const job = task('task_w', 'wan2.6', { status: 'completed', progress: 100 });
		nock(API).get('/v1/videos/task_w/content').query({ variant: 'video' }).reply(404, { error: { message: 'content not found' } });
		const { error } = await fetchFinished(job);
		expect(error.message).toBe('Download video failed (video task_w): content not found');
		expect(error.context.videoId).toBe('task_w');
		expect(unexpected).toEqual([]);
	});

	test("a video_url on the credential's own origin gets the key", async () => {
		const job = task('task_s', 'doubao-seedance-2-0', { status: 'SUCCESS', video_url: `${API}/v1/files/task_s.mp4` });
		const { scope, seen } = fileHost(API, '/v1/files/task_s.mp4');
		const { items, error } = await fetchFinished(job);
		expect(error).toBeUndefined();
		expect(seen.authorization).toBe(`Bearer ${API_KEY}`);
		await expectVideoBinary(items[0], 'task_s');
		scope.done();
	});

	test.each([
		['text/html', 'text/html'],
		['video/mp4', 'other content, labelled video/mp4'],
	])('an HTML page behind a video_url (labelled %s) is refused by its leading bytes', async (contentType, got) => {
		const job = task('task_s', 'doubao-seedance-2-0', { status: 'SUCCESS', video_url: `${FILES}${SIGNED}` });
		fileHost(FILES, SIGNED, [200, '<!doctype html><title>Sign in</title>', { 'content-type': contentType }]);
		const { error } = await fetchFinished(job);
		expect(error.message).toBe(`Download video failed: expected a video/mp4 file but got ${got}`);
		expect(error.description).toContain('Sign in');
		expect(error.context.videoId).toBe('task_s');
	});

	test('an expired signed URL (403) fails at once, naming the video id and how to get a new link', async () => {
		const job = task('task_s', 'doubao-seedance-2-0', { status: 'SUCCESS', video_url: `${FILES}${SIGNED}` });
		const expired = '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';
		const { scope } = fileHost(FILES, SIGNED, [403, expired, { 'content-type': 'application/xml' }]);
		const { error } = await fetchFinished(job);
		expect(error.message).toMatch(/^Download video failed \(video task_s\): .*Request has expired/);
		expect(error.message).not.toContain(API_KEY);
		expect(error.description).toContain('HTTP 403');
		expect(error.description).toContain('Continue with Retrieve with wait, video id task_s.');
		// the file host never saw the key: the hint must not send the user to check key or plan
		expect(error.description).not.toMatch(/API key|CometAPI plan/);
		expect(error.context.videoId).toBe('task_s');
		// one request: a 403 is not tried again
		scope.done();
		expect(unexpected).toEqual([]);
	});
});

describe('the Download operation, by id', () => {
	const download = (variant = 'video') =>
		runNode({ parameters: { operation: 'download', videoId: 'task_s', variant, binaryPropertyName: 'clip' }, typeVersion: 3 });
	const contentAnswers = (status, body) => nock(API).get('/v1/videos/task_s/content').query(true).reply(status, body);

	test('content 404: one look at the job, then its video_url is streamed without the key', async () => {
		const content = contentAnswers(404, { error: { message: 'content not found' } });
		const retrieve = nock(API)
			.get('/v1/videos/task_s')
			.reply(200, task('task_s', 'doubao-seedance-2-0', { status: 'SUCCESS', video_url: `${FILES}${SIGNED}` }));
		const { scope, seen } = fileHost(FILES, SIGNED);
		const { items, error } = await download();
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ id: 'task_s', variant: 'video', fileName: 'task_s.mp4', mimeType: 'video/mp4', fileSize: MP4.length });
		await expectVideoBinary(items[0], 'task_s');
		expect(seen.authorization).toBeUndefined();
		content.done();
		retrieve.done();
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('the look at the job is not retried: a 503 there keeps the content route error', async () => {
		contentAnswers(404, { error: { message: 'content not found' } });
		let lookups = 0;
		nock(API)
			.get('/v1/videos/task_s')
			.times(5)
			.reply(() => {
				lookups++;
				return [503, { error: { message: 'busy' } }];
			});
		const { error } = await download();
		expect(error.message).toBe('Download video failed (video task_s): content not found');
		expect(lookups).toBe(1);
	});

	test('content 400 on an unfinished job keeps the content route error, even if the job shows a link', async () => {
		contentAnswers(400, { error: { message: 'Task is not completed yet', type: 'invalid_request_error' } });
		const retrieve = nock(API)
			.get('/v1/videos/task_s')
			.reply(200, task('task_s', 'doubao-seedance-2-0', { status: 'IN_PROGRESS', progress: 40, video_url: `${FILES}${SIGNED}` }));
		const { error } = await download();
		expect(error.message).toBe('Download video failed (video task_s): Task is not completed yet');
		expect(error.httpCode).toBe('400');
		retrieve.done();
		expect(unexpected).toEqual([]);
	});

	test('the thumbnail variant never falls back to the video_url', async () => {
		const content = contentAnswers(404, { error: { message: 'no thumbnail for this task' } });
		const { error } = await download('thumbnail');
		expect(error.message).toBe('Download thumbnail failed (video task_s): no thumbnail for this task');
		content.done();
		// no look at the job, no file host
		expect(unexpected).toEqual([]);
	});
});
