// What an AI Agent's model reads about the tool in node version 3: the families it can render with,
// which model to use when the user names none (one the catalogue knows, the form's default), and
// each description under 600 characters.
const { NodeHelpers } = require('n8n-workflow');
const { SoraVideo } = require('../../nodes/SoraVideo/SoraVideo.node');
const { DEFAULT_MODEL, modelNamed } = require('../../nodes/SoraVideo/utils/models');
const { NODE_TYPE } = require('../support/run-node');

const base = new SoraVideo().description;
// n8n's tool copy of the type: the same description under the name `<name>Tool`
const description = { ...base, name: `${base.name}Tool` };

/** The tool description n8n derives for a version 3 tool node with `parameters`. */
function toolText(parameters) {
	const node = { name: 'Video', type: `${NODE_TYPE}Tool`, typeVersion: 3, parameters: { resource: 'video', ...parameters } };
	node.parameters = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
	return NodeHelpers.getToolDescriptionForNode(node, { description });
}

const FAMILIES = [/veo/i, /seedance/i, /wan/i, /vidu/i, /happyhorse/i, /omni/i, /sora/i];
/** Words that look like the model ids of the families on /v1/videos. */
const MODEL_IDS = /\b(?:sora-2[\w-]*|veo[\w.-]*\w|doubao-seedance[\w-]*|wan\d[\w.]*\w|vidu\w+|happyhorse-[\d.]*\d|omni-\w+)/g;

describe.each([true, false])('Create, waiting for completion: %s', (waitForCompletion) => {
	const text = toolText({ operation: 'create', waitForCompletion });

	test.each(FAMILIES.map((family) => [family]))('names the family %s', (family) => {
		expect(text).toMatch(family);
	});

	test('says which model to use when the user names none: the form default, a model the node knows', () => {
		const [, model] = /Model: (\S+) unless the user names another/.exec(text) ?? [];
		expect(model).toBe(DEFAULT_MODEL);
		expect(modelNamed(model)).toBeDefined();
	});

	test('every model id it names is one the node knows', () => {
		const ids = text.match(MODEL_IDS);
		expect(ids.length).toBeGreaterThanOrEqual(FAMILIES.length);
		expect(ids.filter((id) => !modelNamed(id))).toEqual([]);
	});

	test('still says it is paid, and what it returns', () => {
		expect(text).toMatch(/paid render/);
		expect(text).toMatch(/Returns JSON: id, status/);
	});
});

test('Remix says that only Sora 2 videos can be remixed', () => {
	for (const waitForCompletion of [true, false]) {
		expect(toolText({ operation: 'remix', waitForCompletion })).toMatch(/Sora 2 video .*other models cannot be remixed/);
	}
});

test("Retrieve knows the families' other status words", () => {
	expect(toolText({ operation: 'retrieve' })).toMatch(/SUBMITTED, IN_PROGRESS, SUCCESS, FAILED/);
});

test.each([
	['create', { waitForCompletion: true }],
	['create', { waitForCompletion: false }],
	['remix', { waitForCompletion: true }],
	['remix', { waitForCompletion: false }],
	['retrieve', { waitForCompletion: true }],
	['retrieve', { waitForCompletion: false }],
	['download', {}],
	['list', {}],
	['delete', {}],
	['chat', {}],
])('%s %j: under 600 characters', (operation, parameters) => {
	const text = toolText({ operation, ...parameters });
	expect(text.length).toBeGreaterThan(50);
	expect(text.length).toBeLessThan(600);
});
