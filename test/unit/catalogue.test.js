// The model catalogue (nodes/SoraVideo/utils/models.ts) against the facts file: the expected
// table (test/support/model-facts.js) is written from the documents, not from the code.
const {
	VIDEO_MODELS,
	DEFAULT_MODEL,
	describeDurations,
	durationValues,
	isVideoModel,
	modelNamed,
	takesDuration,
} = require('../../nodes/SoraVideo/utils/models');
const { FACTS, NAMES, documented } = require('../support/model-facts');

const sorted = (values) => [...values].sort();
const model = (name) => VIDEO_MODELS.find((m) => m.name === name);

describe('every model of the facts file, in its family', () => {
	test('the catalogue holds exactly the models the facts file lists', () => {
		expect(sorted(VIDEO_MODELS.map((m) => m.name))).toEqual(sorted(NAMES));
	});

	test('models of one family share a family, and no two families share one', () => {
		const familyOf = Object.fromEntries(VIDEO_MODELS.map((m) => [m.name, m.family]));
		for (const a of NAMES) {
			for (const b of NAMES) {
				expect([a, b, familyOf[a] === familyOf[b]]).toEqual([a, b, FACTS[a].family === FACTS[b].family]);
			}
		}
	});

	test.each([
		['veo3.1', /veo/i],
		['doubao-seedance-2-0', /seedance/i],
		['wan2.6', /wan/i],
		['viduq3', /vidu/i],
		['happyhorse-1.0', /happyhorse/i],
		['omni-fast', /omni/i],
		['sora-2', /sora/i],
		['sora-2-all', /sora/i],
	])("%s's family is named %s", (name, pattern) => {
		expect(model(name).family).toMatch(pattern);
	});

	test('each model has a label and a description for the model list', () => {
		for (const m of VIDEO_MODELS) {
			expect(m.label.length).toBeGreaterThan(2);
			expect(m.description.length).toBeGreaterThan(10);
		}
	});

	test('the default model for new nodes is the one CometAPI calls its default choice for short clips', () => {
		expect(DEFAULT_MODEL).toBe('veo3.1-fast');
		expect(modelNamed(DEFAULT_MODEL)).toBeDefined();
	});
});

describe('per model, what the facts file documents', () => {
	test.each(documented('durations'))('%s takes the durations %j', (name, durations) => {
		expect(durationValues(model(name).durations)).toEqual(durations);
	});

	test('omni-fast documents no range: any duration passes, starting from 4', () => {
		expect(model('omni-fast').durations).toBeUndefined();
		expect(model('omni-fast').defaultSeconds).toBe('4');
	});

	test.each(documented('defaultSeconds'))('%s starts at %s seconds', (name, value) => {
		expect(model(name).defaultSeconds).toBe(value);
	});

	test.each(documented('sizes'))('%s offers exactly the sizes %j', (name, sizes) => {
		expect(sorted(model(name).sizes.values)).toEqual(sorted(sizes));
	});

	test.each(documented('offersSize'))('%s offers the documented size %s', (name, size) => {
		expect(model(name).sizes.values).toContain(size);
	});

	test.each(documented('defaultSize'))('%s defaults to size %s', (name, size) => {
		expect(model(name).sizes.default).toBe(size);
	});

	test.each(NAMES.map((name) => [name, FACTS[name].pixelSizes === true]))('%s takes any exact WxH besides its list: %s', (name, any) => {
		expect(Boolean(model(name).anyPixelSize)).toBe(any);
	});

	test.each(documented('noSize'))('%s takes no size at all', (name) => {
		expect(model(name).sizes).toBeUndefined();
	});

	test.each(NAMES.map((name) => [name, FACTS[name].resolutions]))('%s offers the resolutions %j', (name, resolutions) => {
		expect(model(name).resolutions?.values).toEqual(resolutions);
	});

	test.each(documented('defaultResolution'))('%s defaults to resolution %s', (name, value) => {
		expect(model(name).resolutions.default).toBe(value);
	});

	test.each(NAMES.map((name) => [name, FACTS[name].aspectRatios]))('%s offers the aspect ratios %j', (name, ratios) => {
		expect(model(name).aspectRatios?.values).toEqual(ratios);
	});

	test.each(documented('defaultAspectRatio'))('%s defaults to aspect ratio %s', (name, value) => {
		expect(model(name).aspectRatios.default).toBe(value);
	});

	test.each(documented('references'))('%s takes at most %i reference images', (name, count) => {
		expect(model(name).maxReferences).toBe(count);
	});

	test.each(documented('referenceMatchesSize'))('%s needs the reference at the video size: %s', (name, matches) => {
		expect(model(name).referenceMatchesSize).toBe(matches);
	});

	test.each(documented('remix'))('%s can be remixed: %s', (name, remix) => {
		expect(model(name).remix).toBe(remix);
	});

	test.each(documented('file'))('%s fetches its file first from %s', (name, route) => {
		expect(model(name).file).toBe(route);
	});

	test.each(documented('price'))('%s costs %p US$ per second', (name, price) => {
		expect(model(name).pricePerSecond).toBe(price);
	});

	test('only the -all models cast characters', () => {
		const casting = VIDEO_MODELS.filter((m) => m.castsCharacters).map((m) => m.name);
		expect(sorted(casting)).toEqual(sorted(documented('castsCharacters').map(([name]) => name)));
	});

	test('every default a model starts with is one it takes', () => {
		for (const m of VIDEO_MODELS) {
			if (m.durations) expect([m.name, takesDuration(m.durations, m.defaultSeconds)]).toEqual([m.name, true]);
			for (const list of [m.sizes, m.resolutions, m.aspectRatios].filter(Boolean)) {
				expect(list.values).toContain(list.default);
			}
		}
	});
});

describe('durations', () => {
	const RANGE = { min: 4, max: 15 };
	const LIST = { values: ['5', '10', '15'] };

	test('durationValues lists every whole second of a range, and a list as it is', () => {
		expect(durationValues(RANGE)).toEqual(['4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15']);
		expect(durationValues({ min: 1, max: 1 })).toEqual(['1']);
		expect(durationValues(LIST)).toEqual(['5', '10', '15']);
	});

	test.each([
		['4', true],
		['15', true],
		['9', true],
		['3', false],
		['16', false],
		['4.5', false],
		['', false],
		['ten', false],
	])('a 4-15 s range takes "%s": %s', (value, taken) => {
		expect(takesDuration(RANGE, value)).toBe(taken);
	});

	test.each([
		['10', true],
		['5', true],
		['7', false],
		['20', false],
		['10.0', false],
	])('the list 5, 10, 15 takes "%s": %s', (value, taken) => {
		expect(takesDuration(LIST, value)).toBe(taken);
	});

	test('describeDurations says a range as "from to" and a list by its values', () => {
		expect(describeDurations(RANGE)).toBe('4 to 15');
		expect(describeDurations(LIST)).toBe('5, 10, 15');
	});
});

describe('isVideoModel: which listed models count as video models', () => {
	test.each([
		'gpt-4o',
		'omni-moderation-latest',
		'text-embedding-3-small',
		'whisper-1',
		'claude-sonnet-4-5',
		'doubao-seedream-4-0',
	])('%s is not a video model', (id) => {
		expect(isVideoModel({ id })).toBe(false);
	});

	test.each([
		...NAMES,
		'VEO3.1-FAST',
		' wan2.6 ',
		'veo3-fast',
		'sora-2-hd',
		'kling-video-v2',
		'doubao-seedance-2-5',
		'seedance-2-5-260628',
		'viduq2',
		'happyhorse-1.1',
	])('%s is a video model by its name', (id) => {
		expect(isVideoModel({ id })).toBe(true);
	});

	test.each([
		[{ id: 'gpt-4o', model_type: 'video' }, true],
		[{ id: 'runway-gen4', model_type: 'Video' }, true],
		[{ id: 'sora-2', model_type: 'chat' }, false],
		[{ id: 'kling-video-v2', model_type: 'image' }, false],
		[{ id: 'veo3.1', model_type: null }, true],
		[{ id: 'gpt-4o', model_type: null }, false],
	])('model_type wins over the name: %j is video: %s', (listed, video) => {
		expect(isVideoModel(listed)).toBe(video);
	});

	test('modelNamed finds a model whatever its case and spaces, and nothing else', () => {
		expect(modelNamed(' Doubao-Seedance-2-0 ').name).toBe('doubao-seedance-2-0');
		expect(modelNamed('veo3.1-fast-preview')).toBeUndefined();
		expect(modelNamed('')).toBeUndefined();
	});
});
