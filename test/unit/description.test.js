// What the editor shows: where the node is found, the action list, the subtitle, which Create
// options each model offers (evaluated with n8n-workflow's own display rules, as the editor
// does), the notices, and the output schemas the editor serves to map fields before a run.
const fs = require('node:fs');
const path = require('node:path');
const { Readable } = require('node:stream');
const nock = require('nock');
const { NodeHelpers, Workflow } = require('n8n-workflow');
const { SoraVideo } = require('../../nodes/SoraVideo/SoraVideo.node');
const codex = require('../../nodes/SoraVideo/SoraVideo.node.json');
const { FIRST_MODELS } = require('../../nodes/SoraVideo/utils/models');
const { NODE_TYPE, runNode } = require('../support/run-node');
const { API, FILES, MP4, video, trackUnexpectedRequests } = require('../support/api');

const { description } = new SoraVideo();
const SCHEMAS = path.join(__dirname, '../../nodes/SoraVideo/__schema__/v1.0.0/video');
const CASTING_OPTIONS = ['characterUrl', 'characterTimestamps', 'storyboard'];

function nodeWith(parameters, typeVersion = 2) {
	return {
		id: 'sora',
		name: 'Sora Video',
		type: NODE_TYPE,
		typeVersion,
		position: [0, 0],
		parameters: { resource: 'video', ...parameters },
	};
}

function property(name, parameters, typeVersion = 2) {
	const node = nodeWith(parameters, typeVersion);
	return description.properties.find(
		(p) => p.name === name && NodeHelpers.displayParameter(node.parameters, p, node, description),
	);
}

/** What the editor's "Add Option" list of Create offers, in its order. */
function offeredOptions(parameters, typeVersion = 2) {
	const node = nodeWith({ operation: 'create', ...parameters }, typeVersion);
	const collection = property('options', node.parameters, typeVersion);
	const shown = collection.options.filter((option) =>
		NodeHelpers.displayParameterPath(node.parameters, option, 'options', node, description),
	);
	return [...new Set(shown.map((option) => option.name))];
}

const OPERATIONS = property('operation', {}).options;

describe('the node picker', () => {
	// n8n 2.41's node creator (packages/frontend/editor-ui, useViewStacks): outside the AI view its
	// search keeps a node of the AI category only when its AI subcategories include "Root Nodes"
	const keptByMainSearch = (c) => !c.categories.includes('AI') || c.subcategories.AI.includes('Root Nodes');

	test('the main search keeps the node, as it keeps n8n\'s own OpenAI and Gemini nodes', () => {
		expect(keptByMainSearch(codex)).toBe(true);
		expect(codex.subcategories.AI).toEqual(['Agents', 'Miscellaneous', 'Root Nodes']);
	});

	test.each(['sora', 'video', 'text to video'])('"%s" matches its name or an alias', (term) => {
		const words = [description.displayName, ...codex.alias].map((w) => w.toLowerCase());
		expect(words.some((w) => w.includes(term))).toBe(true);
	});

	test('the codex names the node type n8n loads', () => {
		expect(codex.node).toBe(NODE_TYPE);
	});
});

describe('the action list', () => {
	test('Create comes first and the chat format last; the stored values are the same seven', () => {
		expect(OPERATIONS.map((o) => o.value)).toEqual(['create', 'remix', 'retrieve', 'download', 'list', 'delete', 'chat']);
		expect(property('operation', {}).default).toBe('create');
	});

	test('the chat operation is named for what it does', () => {
		const chat = OPERATIONS.find((o) => o.value === 'chat');
		expect(chat.name).toBe('Generate in Chat Mode');
		expect(chat.action).toBe('Generate a video in chat mode');
	});

	test('every action has a sentence-case action text and a description', () => {
		for (const operation of OPERATIONS) {
			expect(operation.action).toMatch(/^[A-Z][a-z]+ [a-z ]+$/);
			expect(operation.description.length).toBeGreaterThan(10);
		}
	});
});

describe('the canvas subtitle', () => {
	const nodeTypes = {
		getByName: () => new SoraVideo(),
		getByNameAndVersion: () => new SoraVideo(),
		getKnownTypes: () => ({}),
	};
	function subtitleOf(parameters) {
		const node = nodeWith(parameters);
		const workflow = new Workflow({ id: 'unit', nodes: [node], connections: {}, nodeTypes, active: false });
		return workflow.expression.getSimpleParameterValue(node, description.subtitle, 'internal', {});
	}

	test.each([
		['create', 'Create video'],
		['remix', 'Remix video'],
		['retrieve', 'Retrieve video'],
		['download', 'Download video'],
		['list', 'List videos'],
		['delete', 'Delete video'],
		['chat', 'Generate video in chat mode'],
	])('%s reads "%s"', (operation, text) => {
		expect(subtitleOf({ operation })).toBe(text);
	});

	test('every operation has its own subtitle', () => {
		const texts = OPERATIONS.map((o) => subtitleOf({ operation: o.value }));
		expect(new Set(texts).size).toBe(OPERATIONS.length);
		expect(texts).not.toContain('Custom API call');
	});

	test("n8n's Custom API Call, as operation or as resource, reads \"Custom API call\"", () => {
		expect(subtitleOf({ operation: '__CUSTOM_API_CALL__' })).toBe('Custom API call');
		expect(subtitleOf({ resource: '__CUSTOM_API_CALL__', operation: 'create' })).toBe('Custom API call');
	});
});

describe('Create options per model', () => {
	const casting = FIRST_MODELS.filter((m) => m.castsCharacters).map((m) => m.name);
	const nonCasting = FIRST_MODELS.filter((m) => !m.castsCharacters).map((m) => m.name);

	test('the catalogue has models of both kinds', () => {
		expect(casting).toEqual(['sora-2-all', 'sora-2-pro-all']);
		expect(nonCasting).toEqual(['sora-2', 'sora-2-pro']);
	});

	test.each(nonCasting)('%s offers no character or storyboard option', (model) => {
		const offered = offeredOptions({ model });
		for (const name of CASTING_OPTIONS) expect(offered).not.toContain(name);
		expect(offered).toContain('referenceImageUrl');
	});

	test.each([
		...casting.map((model) => [model, model]),
		['a model set by an expression', '={{ $json.model }}'],
		['a model the catalogue does not know (e.g. from the live list)', 'veo3-video'],
	])('%s offers character and storyboard options', (_, model) => {
		const offered = offeredOptions({ model });
		for (const name of CASTING_OPTIONS) expect(offered).toContain(name);
	});

	test('version 1 nodes keep offering them for every model, as before', () => {
		for (const model of [...nonCasting, ...casting]) {
			expect(offeredOptions({ model }, 1)).toEqual(offeredOptions({ model: 'sora-2-all' }, 2));
		}
	});

	test('creative options come first, then how the node waits, retries and downloads', () => {
		const offered = offeredOptions({ model: 'sora-2-all' });
		const creative = ['referenceImageBinaryProperty', 'referenceImageUrl', ...CASTING_OPTIONS];
		expect(offered.slice(0, creative.length)).toEqual(creative);
		expect(offered.slice(creative.length, creative.length + 6)).toEqual([
			'download',
			'pollInterval',
			'timeout',
			'onTimeout',
			'parallelRequests',
			'maxRetries',
		]);
	});

	test('the duration and size fields follow the model, with free-form fields for any other model', () => {
		const durations = (model) => property('seconds', { operation: 'create', model }).options?.map((o) => o.value);
		expect(durations('sora-2')).toEqual(['4', '8', '12', '16', '20']);
		expect(durations('sora-2-pro-all')).toEqual(['10', '15', '25']);
		expect(property('seconds', { operation: 'create', model: 'veo3-video' }).type).toBe('string');
		expect(property('size', { operation: 'create', model: 'veo3-video' }).type).toBe('string');
	});
});

describe('saved workflows keep their values', () => {
	function loaded(parameters, typeVersion) {
		const node = nodeWith({ operation: 'create', ...parameters }, typeVersion);
		return NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
	}
	const saved = {
		model: 'sora-2',
		prompt: 'a cat',
		seconds: '8',
		size: '720x1280',
		options: {
			characterUrl: 'https://cdn.example.test/cameo.mp4',
			characterTimestamps: '1,3',
			storyboard: { shots: [{ duration: 8, scene: 'a cat' }] },
			pollInterval: 5,
			timeout: 600,
		},
	};

	test('a version 1 node keeps every stored value, the model a plain string', () => {
		const parameters = loaded(saved, 1);
		expect(parameters).toMatchObject(saved);
	});

	test('version 2 drops only the options its model cannot use', () => {
		const { options, ...rest } = loaded(saved, 2);
		expect(rest).toMatchObject({ model: 'sora-2', prompt: 'a cat', seconds: '8', size: '720x1280' });
		expect(options).toEqual({ pollInterval: 5, timeout: 600 });
		expect(loaded({ ...saved, model: 'sora-2-all', seconds: '10' }, 2).options).toEqual(saved.options);
	});

	test('the Model list is loaded live, and the stored value is still the plain model name', () => {
		const model = property('model', { operation: 'create' });
		expect(model.type).toBe('options');
		expect(model.typeOptions.loadOptionsMethod).toBe('videoModels');
		expect(typeof new SoraVideo().methods.loadOptions.videoModels).toBe('function');
		expect(model.default).toBe('sora-2');
	});

	test('new nodes get version 3; versions 1 and 2 still load', () => {
		expect(description.version).toEqual([1, 2, 3]);
		expect(description.defaultVersion).toBe(3);
	});
});

describe('notices', () => {
	test.each(['create', 'remix'])('%s says what a render costs and holds, and when to use the Wait-node loop', (operation) => {
		const notice = description.properties.find(
			(p) => p.type === 'notice' && NodeHelpers.displayParameter({ resource: 'video', operation }, p, nodeWith({ operation }), description),
		);
		expect(notice.displayName).toMatch(/paid render/);
		expect(notice.displayName).toMatch(/minutes/);
		expect(notice.displayName).toMatch(/queue-mode worker/);
		expect(notice.displayName).toMatch(/n8n Cloud after 300 s/);
		expect(notice.displayName).toMatch(/examples\/long-render-wait-loop\.json.*Wait node loop/);
	});
});

/** The parts of JSON Schema the editor reads: types (a list allows several), properties, required, items. */
function schemaProblems(schema, value, at = 'json') {
	const types = [schema.type].flat();
	const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
	if (!types.includes(actual)) return [`${at} is ${actual}, not ${types.join(' or ')}`];
	if (actual === 'object') {
		const missing = (schema.required ?? []).filter((key) => !(key in value)).map((key) => `${at}.${key} is missing`);
		const unknown = Object.keys(value).filter((key) => schema.properties && !(key in schema.properties));
		return [
			...missing,
			...unknown.map((key) => `${at}.${key} is not in the schema`),
			...Object.entries(value)
				.filter(([key]) => schema.properties?.[key])
				.flatMap(([key, v]) => schemaProblems(schema.properties[key], v, `${at}.${key}`)),
		];
	}
	if (actual === 'array' && schema.items) return value.flatMap((v, i) => schemaProblems(schema.items, v, `${at}[${i}]`));
	return [];
}

describe('output schemas', () => {
	const unexpected = trackUnexpectedRequests();
	afterEach(() => expect(unexpected).toEqual([]));

	test.each(OPERATIONS.map((o) => o.value))('%s ships a schema the editor accepts (an object with properties)', (operation) => {
		const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, `${operation}.json`), 'utf8'));
		expect(schema.type).toBe('object');
		expect(Object.keys(schema.properties).length).toBeGreaterThan(0);
	});

	const COMPLETED = video('video_1', {
		status: 'completed',
		progress: 100,
		created_at: 1760000000,
		completed_at: 1760000060,
		expires_at: 1760086400,
		prompt: 'a cat',
		error: null,
	});
	const RUNS = {
		create: () => {
			nock(API).post('/v1/videos').reply(200, video('video_1', { created_at: 1760000000, completed_at: null, expires_at: null }));
			return { prompt: 'a cat', waitForCompletion: false };
		},
		remix: () => {
			nock(API).post('/v1/videos/video_1/remix').reply(200, video('video_2', { remixed_from_video_id: 'video_1' }));
			return { videoId: 'video_1', prompt: 'at night', waitForCompletion: false };
		},
		retrieve: () => {
			nock(API).get('/v1/videos/video_1').reply(200, COMPLETED);
			return { videoId: 'video_1' };
		},
		download: () => {
			nock(API).get('/v1/videos/video_1/content').query({ variant: 'video' }).reply(200, MP4, { 'content-type': 'video/mp4' });
			return { videoId: 'video_1', variant: 'video' };
		},
		list: () => {
			nock(API).get('/v1/videos').query(true).reply(200, { object: 'list', data: [COMPLETED, video('video_2')], has_more: false });
			return { returnAll: false, limit: 10 };
		},
		delete: () => {
			nock(API).delete('/v1/videos/video_1').reply(200, { id: 'video_1', object: 'video.deleted', deleted: true });
			return { videoId: 'video_1' };
		},
		chat: () => {
			const link = `${FILES}/cdn/cat.mp4`;
			const text = `data: ${JSON.stringify({ id: 'chatcmpl-1', model: 'sora-2', choices: [{ index: 0, delta: { content: `[Watch](${link})` }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
			nock(API).post('/v1/chat/completions').reply(200, () => Readable.from([text]), { 'content-type': 'text/event-stream' });
			nock(FILES).get('/cdn/cat.mp4').reply(200, MP4, { 'content-type': 'video/mp4' });
			return { model: 'sora-2', prompt: 'a cat' };
		},
	};

	test('every operation has a run here', () => {
		expect(Object.keys(RUNS).sort()).toEqual(OPERATIONS.map((o) => o.value).sort());
	});

	test.each(Object.keys(RUNS))('what %s really outputs fits its schema', async (operation) => {
		const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, `${operation}.json`), 'utf8'));
		const { items, error } = await runNode({ parameters: { operation, ...RUNS[operation]() }, typeVersion: 2 });
		expect(error).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) expect(schemaProblems(schema, item.json)).toEqual([]);
	});

	test('the check finds what does not fit', () => {
		const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'create.json'), 'utf8'));
		expect(schemaProblems(schema, { id: 1, progress: 'x', extra: true })).toEqual([
			'json.status is missing',
			'json.extra is not in the schema',
			'json.id is number, not string',
			'json.progress is string, not number',
		]);
	});
});
