// How the node speaks and holds its settings: errors name fields by the editor's labels, each
// operation's 404 has its own hint, the subtitle follows the Operation list, and the request
// limits come from one module (checked, never silently changed).
const nock = require('nock');
const { SoraVideo } = require('../../nodes/SoraVideo/SoraVideo.node');
const video = require('../../nodes/SoraVideo/actions/video');
const { fieldLabels } = require('../../nodes/SoraVideo/actions/run/field-labels');
const {
	readRequestPolicy,
	setsRequestLimits,
} = require('../../nodes/SoraVideo/actions/run/limits');
const { InputScope } = require('../../nodes/SoraVideo/transport/scope');
const { runNode } = require('../support/run-node');
const { API, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();
const { description } = new SoraVideo();
const OPERATIONS = description.properties.find((p) => p.name === 'operation').options;

describe("the editor's labels", () => {
	const labelOf = fieldLabels(video.description);

	test.each([
		['size', 'Size'],
		['seconds', 'Duration'],
		['videoId', 'Video ID'],
		['aspectRatio', 'Aspect Ratio'],
		['options.referenceImageUrl', 'Reference Image URL'],
		['options.onTimeout', 'On Timeout'],
		['options.storyboard.shots[0].scene', 'Storyboard › Shot 1 › Scene'],
		['options.storyboard.shots[2].duration', 'Storyboard › Shot 3 › Duration (Seconds)'],
	])('%s reads "%s"', (path, label) => {
		expect(labelOf(path)).toBe(label);
	});

	test('a path the description does not hold stays as it is', () => {
		expect(labelOf('options.nothing')).toBe('options.nothing');
	});

	test('a storyboard scene left empty is named as the editor shows it', async () => {
		const { error } = await runNode({
			typeVersion: 3,
			parameters: {
				operation: 'create',
				model: 'sora-2-all',
				seconds: '10',
				options: {
					storyboard: {
						shots: [
							{ duration: 5, scene: 'a' },
							{ duration: 5, scene: ' ' },
						],
					},
				},
			},
		});
		expect(error.message).toBe('Item 0, field "Storyboard › Shot 2 › Scene": is empty');
		expect(error.description).toBe('Give the Storyboard › Shot 2 › Scene field a value.');
		expect(unexpected).toEqual([]);
	});
});

describe("each operation's 404", () => {
	test.each([
		[
			'create',
			{ model: 'veo3.1-fast', prompt: 'x', waitForCompletion: false },
			'post',
			'/v1/videos',
			/Base URL of the CometAPI credential/,
		],
		['retrieve', { videoId: 'task_1' }, 'get', '/v1/videos/task_1', /check the video ID/],
		['delete', { videoId: 'task_1' }, 'delete', '/v1/videos/task_1', /check the video ID/],
		['list', { limit: 5 }, 'get', /\/v1\/videos\?.*/, /does not list videos/],
	])('%s has its own hint', async (operation, parameters, method, path, hint) => {
		nock(API)
			[method](path)
			.reply(404, { error: { message: 'Invalid URL' } });
		const { error } = await runNode({ typeVersion: 3, parameters: { operation, ...parameters } });
		expect(error.description).toMatch(hint);
		expect(error.description).toContain('HTTP 404');
		if (operation !== 'retrieve' && operation !== 'delete')
			expect(error.description).not.toMatch(/video ID/);
	});
});

describe('the canvas subtitle', () => {
	test("reads each operation's action from the Operation list, without its article", () => {
		const map = JSON.parse(/\((\{.*\})\)/.exec(description.subtitle)[1]);
		expect(map).toEqual(
			Object.fromEntries(OPERATIONS.map((o) => [o.value, o.action.replace(/ an? /, ' ')])),
		);
	});
});

describe('the request limits', () => {
	const scope = (typeVersion = 3) =>
		new InputScope(
			{ getNode: () => ({ name: 'Sora Video', typeVersion }) },
			0,
			fieldLabels(video.description),
		);

	test('an operation sets them when its description offers them', () => {
		const sets = Object.fromEntries(
			OPERATIONS.map((o) => [
				o.value,
				setsRequestLimits(video.operationNamed(o.value).description),
			]),
		);
		expect(sets).toEqual({
			create: true,
			remix: true,
			retrieve: true,
			download: false,
			list: false,
			delete: false,
			chat: false,
		});
	});

	test('a value out of range is refused, naming the option, not silently changed', () => {
		expect(() => readRequestPolicy(scope(), { parallelRequests: 80 })).toThrow(
			'Item 0, field "Parallel Requests": 80 is out of range (1 to 50)',
		);
		expect(() => readRequestPolicy(scope(), { maxRefusalWait: -1 })).toThrow(
			'Item 0, field "Max Wait for Refusals (Seconds)": -1 is out of range (0 to 3600)',
		);
	});

	test('counts are whole numbers', () => {
		expect(readRequestPolicy(scope(), { parallelRequests: 2.7, maxRetries: 1.5 })).toMatchObject({
			parallelRequests: 2,
			retry: { maxRetries: 1 },
		});
	});
});
