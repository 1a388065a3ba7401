// Remix exists only for Sora 2: the source video is looked up first (free), and a video of a family
// without remix is refused before the paid POST .../remix. A model the catalogue does not know goes ahead.
const nock = require('nock');
const { runNode } = require('../support/run-node');
const { API, video, trackUnexpectedRequests } = require('../support/api');
const { task } = require('../support/families');

const unexpected = trackUnexpectedRequests();

const remix = (videoId) =>
	runNode({ parameters: { operation: 'remix', videoId, prompt: 'the same scene at night', waitForCompletion: false }, typeVersion: 3 });

/** The source look-up answers `source`; the remix, if sent, is recorded. */
function remixApi(id, source) {
	const remixes = [];
	const scope = nock(API).get(`/v1/videos/${id}`).reply(200, source);
	scope.post(`/v1/videos/${id}/remix`).reply((_uri, body) => {
		remixes.push(body);
		return [200, video('video_new', { remixed_from_video_id: id })];
	});
	return { scope, remixes };
}

describe('a source of a family without remix is refused before the remix is sent', () => {
	test.each([
		['task_seed', 'doubao-seedance-2-0'],
		['task_veo', 'veo3.1-fast'],
		['task_wan', 'wan2.6'],
		['task_omni', 'omni-fast'],
		['video_all', 'sora-2-pro-all'],
	])('%s, made with %s', async (id, model) => {
		const { scope, remixes } = remixApi(id, task(id, model, { status: 'completed', progress: 100 }));
		const { error } = await remix(id);
		expect(error.message).toBe(
			`Item 0, field "Video ID": video ${id} was made with ${model}, which cannot be remixed; Remix takes videos of sora-2 and sora-2-pro`,
		);
		expect(error.description).toMatch(/^Nothing was paid for\./);
		expect(error.context.itemIndex).toBe(0);
		expect(remixes).toEqual([]);
		expect(scope.pendingMocks()).toEqual([`POST ${API}:443/v1/videos/${id}/remix`]);
	});

	test('the model is recognised whatever its case', async () => {
		const { remixes } = remixApi('task_veo', task('task_veo', 'VEO3.1', { status: 'completed' }));
		const { error } = await remix('task_veo');
		expect(error.message).toMatch(/was made with veo3\.1, which cannot be remixed/);
		expect(remixes).toEqual([]);
	});
});

describe('sources that go ahead', () => {
	test.each([
		['a sora-2 video', 'video_src', 'sora-2'],
		['a sora-2-pro video', 'video_pro', 'sora-2-pro'],
		['a video of a model the catalogue does not know', 'task_kling', 'kling-video-v2'],
		["a video whose echoed model is the provider's own id", 'task_veo4k', 'veo_3_1-4K'],
	])('%s is remixed: the look-up, then one remix with the prompt', async (_, id, model) => {
		const { scope, remixes } = remixApi(id, video(id, { model, status: 'completed', progress: 100 }));
		const { items, error } = await remix(id);
		expect(error).toBeUndefined();
		expect(remixes).toEqual([{ prompt: 'the same scene at night' }]);
		expect(items[0].json).toMatchObject({ id: 'video_new', remixed_from_video_id: id });
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a source without a model goes ahead', async () => {
		const { scope, remixes } = remixApi('video_src', { id: 'video_src', object: 'video', status: 'completed' });
		const { error } = await remix('video_src');
		expect(error).toBeUndefined();
		expect(remixes).toHaveLength(1);
		scope.done();
	});
});

test('a failed look-up (404) fails without a remix', async () => {
	const lookup = nock(API).get('/v1/videos/video_gone').reply(404, { error: { message: 'Video not found', type: 'invalid_request_error' } });
	const { error } = await remix('video_gone');
	expect(error.message).toBe('Remix video failed (video video_gone): Video not found');
	expect(error.httpCode).toBe('404');
	lookup.done();
	// no interceptor for the remix: a POST would be listed
	expect(unexpected).toEqual([]);
});
