// Create's Model list in node version 3: every catalogue model, grouped by family with the four
// Sora models first, then the account's other video models (by model_type where the answer has
// one, else by name); the catalogue alone when no list can be read. Version 2 keeps its Sora list.
const nock = require('nock');
const { loadOptions } = require('../support/run-node');
const { API, trackUnexpectedRequests } = require('../support/api');
const { FACTS, NAMES } = require('../support/model-facts');

const unexpected = trackUnexpectedRequests();
afterEach(() => expect(unexpected).toEqual([]));

const SORA = ['sora-2', 'sora-2-pro', 'sora-2-all', 'sora-2-pro-all'];
/** The families in the order the issue names them: Sora first. */
const FAMILY_ORDER = ['Sora 2', 'Sora 2 self-developed', 'Veo 3.1', 'Seedance', 'Wan', 'Vidu', 'HappyHorse', 'Omni'];
const values = (options) => options.map((option) => option.value);
const listed = (data) => nock(API).get('/v1/models').reply(200, { object: 'list', data });
const modelList = (typeVersion) => loadOptions('videoModels', { typeVersion });

/** Checks that `options` start with every catalogue model, family after family, the Sora models first. */
function expectCatalogueFirst(options) {
	const known = values(options.slice(0, NAMES.length));
	expect([...known].sort()).toEqual([...NAMES].sort());
	expect(known.slice(0, 4).sort()).toEqual([...SORA].sort());
	const familyRanks = known.map((name) => FAMILY_ORDER.indexOf(FACTS[name].family));
	expect(familyRanks).toEqual([...familyRanks].sort((a, b) => a - b));
}

describe('version 3', () => {
	test("the catalogue by family, then the account's other video models by model_type, in name order", async () => {
		listed([
			{ id: 'runway-gen4', model_type: 'video' },
			{ id: 'gpt-4o', model_type: 'chat' },
			{ id: 'kling-v2-master', model_type: 'video' },
			// model_type wins over a name that looks like video
			{ id: 'sora_image', model_type: 'image' },
			{ id: 'veo3.1', model_type: 'video' },
			{ id: 'kling-v2-master', model_type: 'video' },
			{ id: 'Doubao-Seedance-2-0', model_type: 'video' },
		]);
		const options = await modelList(3);
		expectCatalogueFirst(options);
		expect(values(options.slice(NAMES.length))).toEqual(['kling-v2-master', 'runway-gen4']);
		expect(options[NAMES.length]).toEqual({ name: 'kling-v2-master', value: 'kling-v2-master', description: 'Listed by your CometAPI account' });
	});

	test('without model_type the name decides', async () => {
		listed([{ id: 'gpt-4o' }, { id: 'wan2.5-preview' }, { id: 'kling-video-v2' }, { id: 'text-embedding-3-small' }, { id: ' wan2.6 ' }, { id: 'omni-moderation-latest' }]);
		const options = await modelList(3);
		expectCatalogueFirst(options);
		expect(values(options.slice(NAMES.length))).toEqual(['kling-video-v2', 'wan2.5-preview']);
	});

	test('each catalogue model shows its label and description, its value the plain model name', async () => {
		listed([]);
		const options = await modelList(3);
		const seedance = options.find((option) => option.value === 'doubao-seedance-2-0');
		expect(seedance.name).toMatch(/Seedance 2\.0/);
		expect(seedance.description.length).toBeGreaterThan(10);
		expect(options.every((option) => typeof option.value === 'string')).toBe(true);
	});

	test.each([
		['a 500', () => nock(API).get('/v1/models').reply(500, 'down')],
		['an answer that is not JSON', () => nock(API).get('/v1/models').reply(200, '<html>login</html>')],
	])('falls back to the catalogue alone on %s', async (_, reply) => {
		const api = reply();
		const options = await modelList(3);
		expect(options).toHaveLength(NAMES.length);
		expectCatalogueFirst(options);
		expect(api.isDone()).toBe(true);
	});

	test('falls back to the catalogue alone without a credential, sending nothing', async () => {
		const options = await loadOptions('videoModels', { typeVersion: 3, credentials: null });
		expect(options).toHaveLength(NAMES.length);
	});
});

describe('version 2 keeps its list', () => {
	test('the four Sora models, then the video models the account lists; the other families only if listed', async () => {
		listed([{ id: 'gpt-4o' }, { id: 'veo3-video' }, { id: 'kling-video-v2' }]);
		expect(values(await modelList(2))).toEqual([...SORA, 'kling-video-v2', 'veo3-video']);
	});

	test('the four Sora models alone when no list can be read', async () => {
		nock(API).get('/v1/models').reply(500, 'down');
		expect(values(await modelList(2))).toEqual(SORA);
	});
});
