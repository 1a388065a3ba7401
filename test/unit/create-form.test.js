// The Create form per model, evaluated with n8n-workflow's own display rules and defaults
// (NodeHelpers.displayParameter / getNodeParameters, as the editor and the Workflow constructor
// do): version 3 generates its fields from the catalogue; versions 1 and 2 keep their Sora form.
const { NodeHelpers } = require('n8n-workflow');
const { SoraVideo } = require('../../nodes/SoraVideo/SoraVideo.node');
const { VIDEO_MODELS, takesDuration } = require('../../nodes/SoraVideo/utils/models');
const { FACTS, NAMES } = require('../support/model-facts');

const { description } = new SoraVideo();
const CREATE_FIELDS = ['model', 'prompt', 'seconds', 'size', 'resolution', 'aspectRatio', 'waitForCompletion', 'binaryPropertyName', 'options'];
const FRAME_FIELDS = ['seconds', 'size', 'resolution', 'aspectRatio'];
const REFERENCE_OPTIONS = ['referenceImageBinaryProperty', 'referenceImageUrl'];
const CASTING_OPTIONS = ['characterUrl', 'characterTimestamps', 'storyboard'];
const EXPRESSION = '={{ $json.model }}';

/** The Create panel of a node of `typeVersion` with `parameters`: the stored values with n8n's defaults, the fields shown, the options offered. */
function createForm(parameters, typeVersion = 3) {
	const node = { typeVersion, parameters: { resource: 'video', operation: 'create', ...parameters } };
	const values = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
	const shown = description.properties.filter((p) => CREATE_FIELDS.includes(p.name) && NodeHelpers.displayParameter(values, p, node, description));
	const options = shown.find((p) => p.name === 'options').options;
	const offered = options.filter((option) => NodeHelpers.displayParameterPath(values, option, 'options', node, description));
	return {
		values,
		names: shown.map((p) => p.name),
		/** The one field of that name the panel shows. */
		field(name) {
			const fields = shown.filter((p) => p.name === name);
			expect(fields).toHaveLength(1);
			return fields[0];
		},
		/** Every field of that name the panel shows. */
		fields: (name) => shown.filter((p) => p.name === name),
		offered: [...new Set(offered.map((option) => option.name))],
		option: (name) => offered.find((option) => option.name === name),
	};
}

const optionValues = (field) => field.options.map((option) => option.value);
const list = (values, fallback) => ({ type: 'options', values, default: fallback });
const freeText = (fallback = '') => ({ type: 'string', values: undefined, default: fallback });
/** A field as a test compares it: its type, the values of its list, its default. */
const shape = (field) => ({ type: field.type, values: field.options && optionValues(field), default: field.default });

describe('version 3: one model of each family', () => {
	const FORMS = {
		'sora-2': { seconds: list(['4', '8', '12', '16', '20'], '4'), size: list(['720x1280', '1280x720'], '1280x720') },
		'sora-2-all': { seconds: list(['10', '15'], '10'), size: list(['720x1280', '1280x720'], '1280x720') },
		'veo3.1-fast': { seconds: list(['4', '6', '8'], '4'), size: list(['1280x720', '720x1280', '1920x1080', '3840x2160'], '1280x720') },
		'doubao-seedance-2-0': {
			seconds: list(FACTS['doubao-seedance-2-0'].durations, '5'),
			size: list(['16:9', '21:9', '4:3', '1:1', '3:4', '9:16'], '16:9'),
			resolution: list(['480p', '720p'], '720p'),
		},
		'wan2.6': {
			seconds: list(['5', '10', '15'], '5'),
			size: list(['1920x1080', '1080x1920', '1440x1440', '1280x720', '720x1280', '1088x832', '832x1088', '1632x1248', '1248x1632'], '1920x1080'),
		},
		viduq3: { seconds: list(FACTS.viduq3.durations, '5'), size: list(['1280x720', '640x352', '960x528', '1920x1080'], '1280x720') },
		'happyhorse-1.0': {
			seconds: list(FACTS['happyhorse-1.0'].durations, '5'),
			size: list(['1920x1080', '1080x1920', '1440x1440', '1280x720', '720x1280'], '1920x1080'),
		},
		'omni-fast': { seconds: freeText('4'), resolution: list(['720p', '1080p'], '720p'), aspectRatio: list(['16:9', '9:16', '1:1'], '16:9') },
	};

	test.each(Object.entries(FORMS))('%s shows exactly its own fields, lists and defaults', (model, expected) => {
		const form = createForm({ model });
		const frameFields = Object.keys(expected);
		expect(form.names).toEqual(CREATE_FIELDS.filter((name) => !FRAME_FIELDS.includes(name) || frameFields.includes(name)));
		for (const name of frameFields) expect([name, shape(form.field(name))]).toEqual([name, expected[name]]);
		// what n8n stores for a new node of this model: the defaults, and nothing for fields not shown
		expect(Object.keys(form.values).filter((key) => FRAME_FIELDS.includes(key))).toEqual(frameFields);
	});

	test('Omni has no Size but Resolution and Aspect Ratio; Seedance has Resolution but no Aspect Ratio', () => {
		const omni = createForm({ model: 'omni-fast' });
		expect(omni.fields('size')).toEqual([]);
		expect(omni.names).toEqual(expect.arrayContaining(['resolution', 'aspectRatio']));
		const seedance = createForm({ model: 'doubao-seedance-1-5-pro' });
		expect(shape(seedance.field('resolution'))).toEqual(list(['480p', '720p', '1080p'], '720p'));
		expect(seedance.fields('aspectRatio')).toEqual([]);
	});

	test('a size list made of ratio labels says an expression can set an exact WIDTHxHEIGHT', () => {
		expect(createForm({ model: 'doubao-seedance-2-0' }).field('size').description).toMatch(/exact WIDTHxHEIGHT/);
		expect(createForm({ model: 'wan2.6' }).field('size').description).toMatch(/Width x height in pixels/);
	});
});

describe('version 3: every catalogue model gets its own lists, with defaults it accepts', () => {
	test.each(VIDEO_MODELS.map((m) => [m.name, m]))('%s', (name, model) => {
		const form = createForm({ model: name });
		const seconds = form.field('seconds');
		if (model.durations) {
			expect(seconds.type).toBe('options');
			expect(optionValues(seconds).every((value) => takesDuration(model.durations, value))).toBe(true);
			expect(takesDuration(model.durations, form.values.seconds)).toBe(true);
		} else {
			expect(seconds.type).toBe('string');
		}
		if (FACTS[name].durations) expect(optionValues(seconds)).toEqual(FACTS[name].durations);
		if (FACTS[name].defaultSeconds) expect(form.values.seconds).toBe(FACTS[name].defaultSeconds);
		for (const [field, choices] of [
			['size', model.sizes],
			['resolution', model.resolutions],
			['aspectRatio', model.aspectRatios],
		]) {
			if (!choices) {
				expect([field, form.fields(field)]).toEqual([field, []]);
				continue;
			}
			expect([field, optionValues(form.field(field))]).toEqual([field, choices.values]);
			expect(choices.values).toContain(form.values[field]);
		}
	});
});

describe('version 3: a model the catalogue does not know', () => {
	test.each([
		['a model from the account list', 'kling-video-v2'],
		["next month's model", 'veo4-preview'],
	])('%s gets free-form Duration, Size, Resolution and Aspect Ratio, all empty', (_, model) => {
		const form = createForm({ model });
		for (const name of FRAME_FIELDS) {
			expect([name, shape(form.field(name))]).toEqual([name, freeText()]);
			expect(form.values[name]).toBe('');
		}
	});

	test('a model set by an expression gets the free-form fields too, and n8n stores them empty', () => {
		const form = createForm({ model: EXPRESSION });
		for (const name of FRAME_FIELDS) {
			expect(form.fields(name).some((field) => field.type === 'string' && field.default === '')).toBe(true);
			expect([name, form.values[name]]).toEqual([name, '']);
		}
	});
});

describe('version 3: which options each model offers', () => {
	const takesReferences = NAMES.filter((name) => FACTS[name].references !== 0);
	const textOnly = NAMES.filter((name) => FACTS[name].references === 0);

	test('the facts file has models of both kinds', () => {
		expect(textOnly).toEqual(expect.arrayContaining(['wan2.6', 'doubao-seedance-1-5-pro', 'omni-fast']));
		expect(takesReferences).toEqual(expect.arrayContaining(['sora-2', 'veo3.1-fast', 'doubao-seedance-2-0']));
	});

	test.each(textOnly)('%s (text to video only) offers no reference image', (model) => {
		const { offered } = createForm({ model });
		for (const name of REFERENCE_OPTIONS) expect(offered).not.toContain(name);
		expect(offered).toContain('pollInterval');
	});

	test.each(takesReferences)('%s offers a reference image field and URL', (model) => {
		const { offered } = createForm({ model });
		for (const name of REFERENCE_OPTIONS) expect(offered).toContain(name);
	});

	test.each(NAMES)('%s offers character and storyboard options only if it is an -all model', (model) => {
		const { offered } = createForm({ model });
		const casting = CASTING_OPTIONS.filter((name) => offered.includes(name));
		expect(casting).toEqual(FACTS[model].castsCharacters ? CASTING_OPTIONS : []);
	});

	test.each([
		['an unknown model', 'veo4-preview'],
		['a model set by an expression', EXPRESSION],
	])('%s offers every creative option', (_, model) => {
		const { offered } = createForm({ model });
		expect(offered).toEqual(expect.arrayContaining([...REFERENCE_OPTIONS, ...CASTING_OPTIONS]));
	});

	test('the reference options say how to give several: fields comma-separated, URLs one per line', () => {
		const form = createForm({ model: 'doubao-seedance-2-0' });
		expect(form.option('referenceImageBinaryProperty').description).toMatch(/separated by commas, in order/);
		expect(form.option('referenceImageUrl').description).toMatch(/one URL per line, in order/);
		expect(form.option('referenceImageUrl').typeOptions).toEqual({ rows: 2 });
	});
});

describe('the Model field', () => {
	test.each([
		[3, 'veo3.1-fast'],
		[2, 'sora-2'],
		[1, 'sora-2'],
	])('version %i: a list loaded from the account, new nodes start with %s', (typeVersion, fallback) => {
		const form = createForm({}, typeVersion);
		const model = form.field('model');
		expect(model.type).toBe('options');
		expect(model.typeOptions).toEqual({ loadOptionsMethod: 'videoModels' });
		expect(model.default).toBe(fallback);
		expect(form.values.model).toBe(fallback);
	});

	test('the version 3 default model gets its own fields', () => {
		const form = createForm({}, 3);
		expect(shape(form.field('seconds'))).toEqual(list(['4', '6', '8'], '4'));
		expect(form.values).toMatchObject({ model: 'veo3.1-fast', seconds: '4', size: '1280x720' });
	});
});

describe('versions 1 and 2 show what they showed before', () => {
	const SORA_SIZES = ['720x1280', '1280x720'];
	const SORA_PRO_SIZES = [...SORA_SIZES, '1024x1792', '1792x1024', '1080x1920', '1920x1080'];
	const FORM_V1_V2 = ['model', 'prompt', 'seconds', 'size', 'waitForCompletion', 'binaryPropertyName', 'options'];

	describe.each([1, 2])('version %i', (typeVersion) => {
		test.each([
			['sora-2', list(['4', '8', '12', '16', '20'], '4'), list(SORA_SIZES, '1280x720')],
			['sora-2-pro', list(['4', '8', '12', '16', '20'], '4'), list(SORA_PRO_SIZES, '1280x720')],
			['sora-2-all', list(['10', '15'], '10'), list(SORA_SIZES, '1280x720')],
			['sora-2-pro-all', list(['10', '15', '25'], '10'), list(SORA_PRO_SIZES, '1280x720')],
		])('%s: its Sora lists', (model, seconds, size) => {
			const form = createForm({ model }, typeVersion);
			expect(form.names).toEqual(FORM_V1_V2);
			expect(shape(form.field('seconds'))).toEqual(seconds);
			expect(shape(form.field('size'))).toEqual(size);
		});

		test.each(['veo3.1-fast', 'doubao-seedance-2-0', 'omni-fast', 'wan2.6'])(
			'%s is a free-form model there: empty Duration and Size, no Resolution or Aspect Ratio',
			(model) => {
				const form = createForm({ model }, typeVersion);
				expect(form.names).toEqual(FORM_V1_V2);
				expect(shape(form.field('seconds'))).toEqual(freeText());
				expect(shape(form.field('size'))).toEqual(freeText());
				expect(form.values).not.toHaveProperty('resolution');
				expect(form.values).not.toHaveProperty('aspectRatio');
			},
		);

		test('the reference options keep their one-image wording', () => {
			const form = createForm({ model: 'sora-2' }, typeVersion);
			expect(form.option('referenceImageBinaryProperty').description).toBe(
				'Name of an input binary field holding an image to start from (PNG, JPEG or WebP, ideally the size of the video)',
			);
			expect(form.option('referenceImageUrl').description).toBe(
				'An image to start from, fetched by the node (without your API key) and uploaded',
			);
			expect(form.option('referenceImageUrl').typeOptions).toBeUndefined();
		});

		test('a text-only model of another family still offers the reference options', () => {
			const { offered } = createForm({ model: 'wan2.6' }, typeVersion);
			for (const name of REFERENCE_OPTIONS) expect(offered).toContain(name);
		});
	});

	test('version 1 offers the character and storyboard options for every model; version 2 hides them for sora-2 and sora-2-pro', () => {
		for (const model of ['sora-2', 'sora-2-pro', 'sora-2-all', 'veo3.1-fast']) {
			expect(createForm({ model }, 1).offered).toEqual(expect.arrayContaining(CASTING_OPTIONS));
		}
		for (const model of ['sora-2', 'sora-2-pro']) {
			expect(createForm({ model }, 2).offered.filter((name) => CASTING_OPTIONS.includes(name))).toEqual([]);
		}
		expect(createForm({ model: 'sora-2-all' }, 2).offered).toEqual(expect.arrayContaining(CASTING_OPTIONS));
	});
});
