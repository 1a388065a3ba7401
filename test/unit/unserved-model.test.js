// A model the API does not serve (a retired Sora model, say) fails once, clearly: the paid request
// is sent once (a 503 "model_not_found" is an answer, not a refusal to wait out), and the error names
// the model, says this account or relay does not serve it, that nothing was paid, and which video
// models GET /v1/models lists (the known ones first).
const { Readable } = require('node:stream');
const nock = require('nock');
const { runNode } = require('../support/run-node');
const { API, API_KEY, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();

const NO_CHANNEL = {
	error: {
		message: 'No available channel for model sora-2 under group default (request id: x)',
		type: 'new_api_error',
		code: 'model_not_found',
	},
};
const NO_CHANNEL_CHINESE = { error: { message: '当前分组 default 下对于模型 sora-2 无可用渠道 (request id: y)', type: 'new_api_error' } };
const OPENAI_NOT_FOUND = {
	error: {
		message: 'The model `sora-2` does not exist or you do not have access to it.',
		type: 'invalid_request_error',
		param: null,
		code: 'model_not_found',
	},
};
const LISTED = ['gpt-4o', 'kling-video-v2', 'wan2.6', 'text-embedding-3-small', 'doubao-seedance-2-0', 'omni-moderation-latest', 'veo3.1-fast'];
const SERVED = 'Video models it serves: veo3.1-fast, doubao-seedance-2-0, wan2.6, kling-video-v2. Choose one of them as Model.';
const NOT_SERVED = /^The model sora-2 is not served by this CometAPI account or relay \(/;

/** An API whose `path` answers every POST with `status` and `body`, counted; GET /v1/models answers `models`, counted. */
function unservedApi(path, status, body, models = [200, { object: 'list', data: LISTED.map((id) => ({ id, object: 'model' })) }]) {
	const sent = { posts: 0, modelLists: 0 };
	nock(API)
		.post(path)
		.times(20)
		.reply(() => {
			sent.posts++;
			return [status, body];
		})
		.get('/v1/models')
		.times(5)
		.matchHeader('authorization', `Bearer ${API_KEY}`)
		.reply(() => {
			sent.modelLists++;
			return models;
		});
	return sent;
}

const create = (items, continueOnFail = false) =>
	runNode({ parameters: { operation: 'create', model: 'sora-2', prompt: 'a cat', waitForCompletion: false }, items, continueOnFail, typeVersion: 3 });

describe('Create with a model the API does not serve', () => {
	test.each([
		['503 model_not_found ("No available channel ...", new-api)', 503, NO_CHANNEL],
		['503 in Chinese, without a code', 503, NO_CHANNEL_CHINESE],
		['404 model_not_found (OpenAI)', 404, OPENAI_NOT_FOUND],
	])('%s: sent once, fails naming the model and what the account serves', async (_, status, body) => {
		const sent = unservedApi('/v1/videos', status, body);
		const started = Date.now();
		const { error } = await create();
		expect(sent.posts).toBe(1);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error.message).toMatch(NOT_SERVED);
		expect(error.message).toContain(body.error.message);
		expect(error.description).toBe(`Nothing was started and nothing was paid for. ${SERVED}`);
		expect(error.context.itemIndex).toBe(0);
		expect(sent.modelLists).toBe(1);
		expect(unexpected).toEqual([]);
	});

	test('the list uses model_type where the answer has one', async () => {
		const data = [
			{ id: 'runway-gen4', model_type: 'video' },
			{ id: 'sora-2-hd', model_type: 'chat' },
			{ id: 'happyhorse-1.0', model_type: 'video' },
			{ id: 'gpt-4o', model_type: 'chat' },
		];
		unservedApi('/v1/videos', 503, NO_CHANNEL, [200, { object: 'list', data }]);
		const { error } = await create();
		expect(error.description).toBe(
			'Nothing was started and nothing was paid for. Video models it serves: happyhorse-1.0, runway-gen4. Choose one of them as Model.',
		);
	});

	test('when GET /v1/models fails, the error says the list could not be read', async () => {
		const sent = unservedApi('/v1/videos', 503, NO_CHANNEL, [500, { error: { message: 'down' } }]);
		const { error } = await create();
		expect([sent.posts, sent.modelLists]).toEqual([1, 1]);
		expect(error.message).toMatch(NOT_SERVED);
		expect(error.description).toBe(
			'Nothing was started and nothing was paid for. The list of models this account serves could not be read (GET /v1/models).',
		);
	});

	test('when the account lists no video model, the error says so', async () => {
		unservedApi('/v1/videos', 503, NO_CHANNEL, [200, { object: 'list', data: [{ id: 'gpt-4o' }] }]);
		const { error } = await create();
		expect(error.description).toBe('Nothing was started and nothing was paid for. It lists no video models.');
	});

	test('a batch of three items: each create sent once, GET /v1/models read once', async () => {
		const sent = unservedApi('/v1/videos', 503, NO_CHANNEL);
		const { items } = await create([{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }], true);
		expect(sent.posts).toBe(3);
		expect(sent.modelLists).toBe(1);
		expect(items).toHaveLength(3);
		items.forEach((item, index) => {
			expect(item.json.error).toMatch(NOT_SERVED);
			expect(item.pairedItem).toEqual({ item: index });
		});
	});

	test('a plain 503 without model_not_found is still a refusal and is sent again', async () => {
		const sent = { posts: 0 };
		nock(API)
			.post('/v1/videos')
			.times(2)
			.reply(() => {
				sent.posts++;
				return sent.posts === 1
					? [503, { error: { message: 'No available channel, try again', type: 'new_api_error' } }, { 'retry-after-ms': '10' }]
					: [200, { id: 'video_1', object: 'video', model: 'sora-2', status: 'queued' }];
			});
		const { error, items } = await create();
		expect(error).toBeUndefined();
		expect(sent.posts).toBe(2);
		expect(items[0].json.id).toBe('video_1');
	});
});

test('a remix of a video whose model is retired fails once the same way', async () => {
	nock(API).get('/v1/videos/video_src').reply(200, { id: 'video_src', object: 'video', model: 'sora-2', status: 'completed' });
	const sent = unservedApi('/v1/videos/video_src/remix', 503, NO_CHANNEL);
	const { error } = await runNode({ parameters: { operation: 'remix', videoId: 'video_src', prompt: 'at night', waitForCompletion: false }, typeVersion: 3 });
	expect(sent.posts).toBe(1);
	expect(error.message).toMatch(NOT_SERVED);
	expect(error.description).toBe(`Nothing was started and nothing was paid for. ${SERVED}`);
	expect(unexpected).toEqual([]);
});

test('chat with a retired model fails once the same way', async () => {
	const sent = unservedApi('/v1/chat/completions', 503, NO_CHANNEL);
	const { error } = await runNode({ parameters: { operation: 'chat', model: 'sora-2', prompt: 'a cat' }, typeVersion: 3 });
	expect(sent.posts).toBe(1);
	expect(error.message).toMatch(NOT_SERVED);
	expect(error.description).toBe(`Nothing was started and nothing was paid for. ${SERVED}`);
	expect(unexpected).toEqual([]);
});

test('chat with a served model is not affected: no model list is read', async () => {
	const sse = `data: ${JSON.stringify({ id: 'c1', model: 'sora-2', choices: [{ index: 0, delta: { content: 'no link' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
	nock(API).post('/v1/chat/completions').reply(200, () => Readable.from([sse]), { 'content-type': 'text/event-stream' });
	const { error } = await runNode({ parameters: { operation: 'chat', model: 'sora-2', prompt: 'a cat' }, typeVersion: 3 });
	expect(error.message).not.toMatch(NOT_SERVED);
	expect(unexpected).toEqual([]);
});
