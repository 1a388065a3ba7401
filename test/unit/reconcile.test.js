// Reconciliation: a create or remix whose answer was lost is looked for in the video list and
// adopted, never sent again blindly.
const nock = require('nock');
const { runNode, readBinary } = require('../support/run-node');
const { API, MP4, video, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();
// a search waits 2 s for a just-started job to show in the list; these lists answer at once
require('../../nodes/SoraVideo/actions/run/ledger').LEDGER_TIMING.settleMs = 20;
jest.setTimeout(20_000);
const PROMPT = 'A red kite over the dunes at dawn';
/** The error a socket closed after the body was sent gives (nock needs an Error instance). */
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const nowS = () => Math.floor(Date.now() / 1000);
const listed = (id, fields = {}) => video(id, { prompt: PROMPT, created_at: nowS(), ...fields });
const page = (data, has_more = false) => ({ object: 'list', data, has_more, last_id: data.length ? data[data.length - 1].id : null });

/** POST /v1/videos answering `replies` in order ('reset' = the connection closes after the body was sent). */
function creates(scope, replies) {
	const seen = { posts: 0 };
	for (const reply of replies) {
		const interceptor = scope.post('/v1/videos', () => {
			seen.posts++;
			return true;
		});
		if (reply === 'reset') interceptor.replyWithError(reset());
		else interceptor.reply(...reply);
	}
	return seen;
}

const listQuery = (query) => query.order === 'desc' && Number(query.limit) > 0;
const createParams = (options = {}, extra = {}) => ({
	operation: 'create',
	prompt: PROMPT,
	model: 'sora-2',
	seconds: '4',
	size: '1280x720',
	waitForCompletion: false,
	options,
	...extra,
});

describe('a create whose answer was lost', () => {
	test('is adopted from the list when a matching job started after the send, then waited for and downloaded', async () => {
		const scope = nock(API);
		const seen = creates(scope, ['reset']);
		scope
			.get('/v1/videos')
			.query(listQuery)
			.reply(() => [200, page([listed('video_new')])])
			.get('/v1/videos/video_new')
			.reply(200, video('video_new', { status: 'completed', progress: 100, prompt: PROMPT }))
			.get('/v1/videos/video_new/content')
			.query({ variant: 'video' })
			.reply(200, MP4, { 'content-type': 'video/mp4' });
		const { items, error } = await runNode({
			parameters: createParams({ pollInterval: 0.1 }, { waitForCompletion: true }),
		});
		expect(error).toBeUndefined();
		expect(seen.posts).toBe(1);
		expect(items[0].json).toMatchObject({ id: 'video_new', status: 'completed', recovered: true });
		expect(items[0].json.recoveryNote).toContain('found in the video list');
		expect((await readBinary(items[0].binary.data)).equals(MP4)).toBe(true);
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a 502 with no matching job and the re-send option off: the item fails naming what to look for', async () => {
		const scope = nock(API);
		const seen = creates(scope, [[502, { error: { message: 'Bad gateway' } }]]);
		scope
			.get('/v1/videos')
			.query(listQuery)
			.reply(() => [200, page([listed('video_other', { prompt: 'something else' }), listed('video_old', { created_at: nowS() - 600 })])]);
		const started = Date.now();
		const { error } = await runNode({ parameters: createParams() });
		expect(seen.posts).toBe(1);
		expect(error.message).toBe('Create video failed: Bad gateway; no job for it shows in the video list');
		expect(error.description).toContain('so it was not sent again');
		expect(error.description).toContain(`Look with the List operation for a video with the prompt "${PROMPT}", model sora-2, 4 s, 1280x720, created after `);
		const after = /created after (\S+)\./.exec(error.description)[1];
		// the window opens a little before the send (clock skew), never later
		expect(Date.parse(after)).toBeLessThanOrEqual(started);
		expect(Date.parse(after)).toBeGreaterThan(started - 5 * 60_000);
		expect(error.description).toContain('turn on the Send Again When No Job Is Found option');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('no matching job and the re-send option on: sent exactly once more', async () => {
		const scope = nock(API);
		const seen = creates(scope, ['reset', [200, video('video_2')]]);
		scope.get('/v1/videos').query(listQuery).reply(200, page([]));
		const { items, error } = await runNode({ parameters: createParams({ resendIfNoJobFound: true }) });
		expect(error).toBeUndefined();
		expect(seen.posts).toBe(2);
		expect(items[0].json.id).toBe('video_2');
		expect(items[0].json.recovered).toBeUndefined();
		scope.done();
	});

	test('a lost re-send is looked up again: found after the second re-send', async () => {
		const scope = nock(API);
		const seen = creates(scope, ['reset', 'reset', 'reset']);
		scope.get('/v1/videos').query(listQuery).times(2).reply(200, page([]));
		scope.get('/v1/videos').query(listQuery).reply(200, page([listed('video_3')]));
		const { items, error } = await runNode({ parameters: createParams({ resendIfNoJobFound: true }) });
		expect(error).toBeUndefined();
		expect(seen.posts).toBe(3);
		expect(items[0].json).toMatchObject({ id: 'video_3', recovered: true });
		scope.done();
	});

	test('every re-send is lost too: three re-sends at most, then the item fails', async () => {
		const scope = nock(API);
		const seen = creates(scope, ['reset', 'reset', 'reset', 'reset']);
		scope.get('/v1/videos').query(listQuery).times(4).reply(200, page([]));
		const { error } = await runNode({ parameters: createParams({ resendIfNoJobFound: true }) });
		expect(seen.posts).toBe(4);
		expect(error.message).toMatch(/^Create video failed: .*; no job for it shows in the video list$/);
		expect(error.description).toContain('It was already sent 3 more times, each time after the list showed no job');
		expect(error.description).not.toContain('turn on');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('the list cannot be read: the item fails, nothing is sent again even with the option on', async () => {
		const scope = nock(API);
		const seen = creates(scope, ['reset']);
		scope.get('/v1/videos').query(listQuery).reply(500, { error: { message: 'list broken' } });
		const { error } = await runNode({ parameters: createParams({ resendIfNoJobFound: true, maxRetries: 0 }) });
		expect(seen.posts).toBe(1);
		expect(error.message).toMatch(/; the video list could not be read to look for the job \(List videos failed: list broken\)$/);
		expect(error.description).toContain(`prompt "${PROMPT}"`);
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a list refused more often than Retries per Request allows is read again until it shows the job', async () => {
		const scope = nock(API);
		const seen = creates(scope, ['reset']);
		const reads = { refused: 0 };
		scope
			.get('/v1/videos')
			.query(listQuery)
			.times(4)
			.reply(() => {
				reads.refused++;
				return [429, { error: { message: 'Rate limit reached for requests' } }, { 'retry-after': '0' }];
			})
			.get('/v1/videos')
			.query(listQuery)
			.reply(200, page([listed('video_found')]));
		const { items, error } = await runNode({ parameters: createParams({ maxRetries: 1 }) });
		expect(error).toBeUndefined();
		expect(reads.refused).toBe(4);
		expect(seen.posts).toBe(1);
		expect(items[0].json).toMatchObject({ id: 'video_found', recovered: true });
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a list that keeps refusing is waited out for Max Wait for Refusals, then the item fails saying what to look for', async () => {
		const scope = nock(API);
		const seen = creates(scope, ['reset']);
		const readAt = [];
		scope
			.get('/v1/videos')
			.query(listQuery)
			.times(20)
			.reply(() => {
				readAt.push(Date.now());
				return [503, { error: { message: 'The engine is currently overloaded' } }, { 'retry-after': '0.4' }];
			});
		const { error } = await runNode({ parameters: createParams({ maxRetries: 0, maxRefusalWait: 2, resendIfNoJobFound: true }) });
		expect(seen.posts).toBe(1);
		// read at once, then every 0.4 s while the next pause fits in 2 s
		expect(readAt.length).toBeGreaterThanOrEqual(4);
		expect(readAt.length).toBeLessThanOrEqual(6);
		expect(readAt[readAt.length - 1] - readAt[0]).toBeLessThanOrEqual(2000);
		expect(error.message).toMatch(/; the video list could not be read to look for the job \(List videos failed: The engine is currently overloaded \(refused \d+ times in \d s\)\)$/);
		expect(error.message).not.toContain('nothing was paid');
		expect(error.description).toContain(`prompt "${PROMPT}"`);
		expect(error.description).toContain('If there is none, run the item again.');
		nock.cleanAll();
		expect(unexpected).toEqual([]);
	});

	test('a job that shows no prompt (CometAPI shape) is not adopted, and blocks the re-send', async () => {
		const scope = nock(API);
		const seen = creates(scope, ['reset']);
		const promptless = video('video_comet', { created_at: nowS() });
		scope.get('/v1/videos').query(listQuery).reply(200, page([promptless]));
		const { error } = await runNode({ parameters: createParams({ resendIfNoJobFound: true }) });
		expect(seen.posts).toBe(1);
		expect(error.message).toMatch(/; the video list does not show clearly whether a job was started$/);
		expect(error.description).toContain('may be it (their prompt or time is not shown): video_comet.');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a job from before the send, or with other seconds or size, is not adopted', async () => {
		const scope = nock(API);
		creates(scope, ['reset']);
		scope
			.get('/v1/videos')
			.query(listQuery)
			.reply(() => [
				200,
				page([listed('video_8s', { seconds: '8' }), listed('video_portrait', { size: '720x1280' }), listed('video_old', { created_at: nowS() - 3600 })]),
			]);
		const { error } = await runNode({ parameters: createParams() });
		expect(error.message).toMatch(/; no job for it shows in the video list$/);
		scope.done();
	});

	test('a 500 that says the request was invalid is not looked for', async () => {
		const scope = nock(API);
		const seen = creates(scope, [[500, { error: { message: 'bad field', code: 'invalid_request' } }]]);
		const { error } = await runNode({ parameters: createParams({ resendIfNoJobFound: true }) });
		expect(seen.posts).toBe(1);
		expect(error.message).toBe('Create video failed: bad field');
		scope.done();
		expect(unexpected).toEqual([]);
	});
});

describe('identical items in one batch', () => {
	const twoItems = [{ json: {} }, { json: {} }];

	test('two lost answers adopt two different jobs', async () => {
		const scope = nock(API);
		creates(scope, ['reset', 'reset']);
		scope
			.get('/v1/videos')
			.query(listQuery)
			.times(2)
			.reply(() => [200, page([listed('video_b'), listed('video_a')])]);
		const { items, error } = await runNode({ parameters: createParams(), items: twoItems, continueOnFail: true });
		expect(error).toBeUndefined();
		const ids = items.map((item) => item.json.id);
		expect(ids.sort()).toEqual(['video_a', 'video_b']);
		expect(items.every((item) => item.json.recovered === true)).toBe(true);
		scope.done();
	});

	test("a lost answer never adopts the job another item's create was answered with", async () => {
		const scope = nock(API);
		// the first create to arrive is answered late, after the other's search would have listed
		// its job: the search waits for identical creates in flight, so it sees the job as claimed
		scope
			.post('/v1/videos')
			.delay(3000)
			.reply(200, video('video_a'))
			.post('/v1/videos')
			.reply(502, { error: { message: 'Bad gateway' } });
		scope
			.get('/v1/videos')
			.query(listQuery)
			.reply(() => [200, page([listed('video_a')])]);
		const { items, error } = await runNode({ parameters: createParams(), items: twoItems, continueOnFail: true });
		expect(error).toBeUndefined();
		const ok = items.filter((item) => !item.json.error);
		const failed = items.filter((item) => item.json.error);
		expect(ok.map((item) => item.json.id)).toEqual(['video_a']);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toBe('Create video failed: Bad gateway; no job for it shows in the video list');
		scope.done();
	});
});

describe('a remix whose answer was lost', () => {
	test('is adopted by its source video and prompt', async () => {
		const scope = nock(API)
			.post('/v1/videos/video_src/remix')
			.replyWithError(reset())
			.get('/v1/videos')
			.query(listQuery)
			.reply(() => [
				200,
				page([
					listed('video_r2', { prompt: 'at night', remixed_from_video_id: 'video_other' }),
					listed('video_r1', { prompt: 'at night', remixed_from_video_id: 'video_src' }),
				]),
			]);
		const { items, error } = await runNode({
			parameters: { operation: 'remix', videoId: 'video_src', prompt: 'at night', waitForCompletion: false },
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: 'video_r1', recovered: true });
		scope.done();
		expect(unexpected).toEqual([]);
	});
});
