// Create's Model list, loaded by the editor through the credential: the known Sora models first,
// then the video models the account's GET /v1/models lists, and the known four when that fails.
const nock = require('nock');
const { loadOptions } = require('../support/run-node');
const { API, API_KEY, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();

const KNOWN = ['sora-2', 'sora-2-pro', 'sora-2-all', 'sora-2-pro-all'];
const values = (options) => options.map((option) => option.value);

function modelsAnswer(ids) {
	return { object: 'list', data: ids.map((id) => ({ id, object: 'model', owned_by: 'cometapi' })) };
}

afterEach(() => expect(unexpected).toEqual([]));

test("the account's video models follow the four known ones, each once, in name order; other models are left out", async () => {
	const api = nock(API)
		.get('/v1/models')
		.matchHeader('authorization', `Bearer ${API_KEY}`)
		.reply(
			200,
			modelsAnswer([
				'gpt-4o',
				'veo3-video',
				'sora-2',
				'SORA-2-PRO',
				'sora-2-hd',
				'kling-video-v2',
				'sora-2-hd',
				'text-embedding-3-small',
				' sora-2-all ',
			]),
		);
	const options = await loadOptions('videoModels');
	expect(values(options)).toEqual([...KNOWN, 'kling-video-v2', 'sora-2-hd', 'veo3-video']);
	expect(options.slice(0, 4).map((option) => option.name)).toEqual([
		'Sora 2',
		'Sora 2 Pro',
		'Sora 2 All (CometAPI)',
		'Sora 2 Pro All (CometAPI)',
	]);
	expect(options[4]).toEqual({
		name: 'kling-video-v2',
		value: 'kling-video-v2',
		description: 'Listed by your CometAPI account',
	});
	expect(api.isDone()).toBe(true);
});

test('the known four stay first even when the account does not list them', async () => {
	nock(API).get('/v1/models').reply(200, modelsAnswer(['wan-video-2']));
	expect(values(await loadOptions('videoModels'))).toEqual([...KNOWN, 'wan-video-2']);
});

test('a relay that answers with a bare array is understood', async () => {
	nock(API).get('/v1/models').reply(200, [{ id: 'sora-2-2025-10-06' }, { id: 42 }, {}]);
	expect(values(await loadOptions('videoModels'))).toEqual([...KNOWN, 'sora-2-2025-10-06']);
});

test('the credential Base URL is used as given, with /v1 or a trailing slash', async () => {
	const relay = nock('http://relay.example.test:8080').get('/v1/models').reply(200, modelsAnswer(['sora-3']));
	const options = await loadOptions('videoModels', {
		credentials: { apiKey: API_KEY, baseUrl: 'http://relay.example.test:8080/v1/' },
	});
	expect(values(options)).toEqual([...KNOWN, 'sora-3']);
	expect(relay.isDone()).toBe(true);
});

describe('falls back to the four known models', () => {
	test.each([
		// n8n itself sends a request answered 401 once more after re-reading the credential
		['a 401 for a wrong key', () => nock(API).get('/v1/models').times(2).reply(401, { error: { message: 'bad key' } })],
		['a 500', () => nock(API).get('/v1/models').reply(500, 'upstream down')],
		['an answer that is not JSON', () => nock(API).get('/v1/models').reply(200, '<html>login</html>')],
		['an answer without a model list', () => nock(API).get('/v1/models').reply(200, { data: 'none' })],
	])('on %s', async (_, reply) => {
		const api = reply();
		expect(values(await loadOptions('videoModels'))).toEqual(KNOWN);
		expect(api.isDone()).toBe(true);
	});

	test('on a refused connection (nothing listens on the Base URL)', async () => {
		nock.enableNetConnect('127.0.0.1:9');
		const options = await loadOptions('videoModels', { credentials: { apiKey: API_KEY, baseUrl: 'http://127.0.0.1:9' } });
		nock.disableNetConnect();
		expect(values(options)).toEqual(KNOWN);
		// the one request went to the real socket, past nock
		expect(unexpected.splice(0)).toEqual(['GET http://127.0.0.1:9/v1/models']);
	});

	test('when the node has no credential yet, without any request', async () => {
		expect(values(await loadOptions('videoModels', { credentials: null }))).toEqual(KNOWN);
	});

	test('on a redirect, which is not followed, so the key never leaves the credential origin', async () => {
		nock(API).get('/v1/models').reply(302, '', { location: 'https://elsewhere.example.test/v1/models' });
		expect(values(await loadOptions('videoModels'))).toEqual(KNOWN);
	});
});
