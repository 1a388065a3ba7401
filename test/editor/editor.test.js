'use strict';

/**
 * The node as a person meets it: in a real browser (Debian's chromium via playwright-core), in the
 * editor of the newest n8n 2.x host, with the package installed from its `npm pack` tarball the way
 * the Community Nodes panel installs it, against the CometAPI stand-in on 127.0.0.1.
 * Screenshots of the main steps go to EDITOR_SCREENSHOTS_DIR (default out/editor-screenshots;
 * `npm run docs:screenshots` writes docs/images/). See test/editor/README.md.
 */
jest.setTimeout(180_000);

const path = require('node:path');

const { REPO_ROOT, createTimings, linearWorkflow, manualTrigger } = require('../../tools/n8n-harness');
const { startStandIn } = require('../../tools/stand-in');
const sora = require('../../tools/sora-fixtures');
const { launchBrowser } = require('./lib/browser');
const { editorHostVersion, signIn, startEditorHost } = require('./lib/n8n-editor');
const ui = require('./lib/editor-pages');

const SCREENSHOTS = path.resolve(REPO_ROOT, process.env.EDITOR_SCREENSHOTS_DIR || 'out/editor-screenshots');
const NODE_NAME = 'Sora Video (CometAPI)';
const SORA_NODE = 'Create a video';
const VERSION = editorHostVersion();

/** What each model takes, from the README and api-facts.md (not from the node's own code). */
const PORTRAIT_AND_LANDSCAPE = ['720x1280', '1280x720'];
const PRO_SIZES = [...PORTRAIT_AND_LANDSCAPE, '1024x1792', '1792x1024', '1080x1920', '1920x1080'];
const OFFICIAL_SECONDS = ['4', '8', '12', '16', '20'];
const MODELS = [
	{ id: 'sora-2', seconds: OFFICIAL_SECONDS, sizes: PORTRAIT_AND_LANDSCAPE, characters: false },
	{ id: 'sora-2-pro', seconds: OFFICIAL_SECONDS, sizes: PRO_SIZES, characters: false },
	{ id: 'sora-2-all', seconds: ['10', '15'], sizes: PORTRAIT_AND_LANDSCAPE, characters: true },
	{ id: 'sora-2-pro-all', seconds: ['10', '15', '25'], sizes: PRO_SIZES, characters: true },
];
const CHARACTER_OPTIONS = ['Character Video URL', 'Character Timestamps', 'Storyboard'];
const CREATIVE_OPTIONS = ['Reference Image Field', 'Reference Image URL', ...CHARACTER_OPTIONS];
const PLUMBING_OPTIONS = /^(Poll Interval|Timeout|Retries|Parallel Requests|Download Video)/;

/**
 * Whether a Model option stands for a model id, whether the list names it "Sora 2 Pro All
 * (CometAPI)" or "sora-2-pro-all".
 * @param {string} id
 */
const namesModel = (id) => (/** @type {string} */ text) => {
	const lower = text.toLowerCase();
	const words = lower.replace(/\(.*?\)/g, '').replace(/[-\s]+/g, ' ').trim();
	return words === id.replace(/-/g, ' ') || new RegExp(`(^|[^\\w-])${id}($|[^\\w-])`).test(lower);
};
const numbersIn = (/** @type {string[]} */ texts) => texts.map((t) => (/\d+/.exec(t) || [''])[0]);
const sizesIn = (/** @type {string[]} */ texts) => texts.map((t) => (/\d+x\d+/.exec(t) || [''])[0]);

const timings = createTimings();
/** @type {Awaited<ReturnType<typeof startStandIn>>} */
let standIn;
/** @type {Awaited<ReturnType<typeof startEditorHost>>} */
let host;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
const apiKey = sora.newApiKey();
/** @type {Record<string, string>} workflow ids by purpose, created through the editor's REST API */
const workflows = {};

/** The newest version of the node type as the host's editor knows it (what the picker adds). */
async function latestNodeVersion() {
	const response = await browser.context.request.get(`${host.baseUrl}/types/nodes.json`);
	const type = (await response.json()).find((/** @type {any} */ t) => t.name === sora.NODE_TYPE);
	if (!type) throw new Error(`${sora.NODE_TYPE} is not loaded by n8n ${VERSION}:\n${host.log().slice(-3000)}`);
	return Array.isArray(type.version) ? Math.max(...type.version) : type.version;
}

/**
 * @param {string} name
 * @param {any[]} nodes
 */
async function createWorkflow(name, nodes) {
	// the server picks the workflow id; nodes need their own ids, as the editor gives them
	const workflow = linearWorkflow('', name, nodes);
	const response = await browser.context.request.post(`${host.baseUrl}/rest/workflows`, {
		data: {
			name,
			active: false,
			settings: { executionOrder: 'v1' },
			connections: workflow.connections,
			nodes: workflow.nodes.map((node, i) => ({ id: `node-${i}`, ...node })),
		},
	});
	if (!response.ok()) throw new Error(`creating workflow "${name}": HTTP ${response.status()} ${await response.text()}`);
	return (await response.json()).data.id;
}

/** @param {number} typeVersion @param {Record<string, any>} parameters */
const soraNode = (typeVersion, parameters = {}) => ({
	name: SORA_NODE,
	type: sora.NODE_TYPE,
	typeVersion,
	parameters: { resource: 'video', operation: 'create', ...parameters },
	credentials: { cometApi: sora.CREDENTIAL_REF },
});
const trigger = manualTrigger('When clicking ‘Execute workflow’');

beforeAll(async () => {
	// EDITOR_TARBALL: check another build, e.g. a released version (`npm pack n8n-nodes-cometapi-sora@x`)
	const tarball =
		process.env.EDITOR_TARBALL || (await timings.timed(VERSION, 'build and npm pack', async () => sora.packedPackage()));
	standIn = await startStandIn({ apiKey, renderMs: 1500 });
	host = await timings.timed(VERSION, 'start n8n with the editor, owner set-up', () =>
		startEditorHost({
			version: VERSION,
			tarball,
			credentials: [sora.cometCredential({ apiKey, baseUrl: standIn.baseUrl })],
		}),
	);
	browser = await timings.timed(VERSION, 'launch chromium and sign in', async () => {
		const launched = await launchBrowser();
		await signIn(launched.context, host);
		return launched;
	});
	page = browser.page;
	page.setDefaultTimeout(20_000);
	page.setDefaultNavigationTimeout(60_000);
	const version = await latestNodeVersion();
	const setSora = soraNode(version, { model: 'sora-2' });
	Object.assign(workflows, {
		picker: await createWorkflow('Find the node', [trigger]),
		actions: await createWorkflow('Add the node', [trigger]),
		models: await createWorkflow('Create per model', [trigger, setSora]),
		expression: await createWorkflow('Model by expression', [trigger, setSora]),
		run: await createWorkflow('Create from the editor', [
			trigger,
			soraNode(version, {
				model: 'sora-2',
				prompt: 'A paper airplane glides across a sunlit desk',
				options: { pollInterval: 0.2 },
			}),
		]),
		schema: await createWorkflow('Map the output', [
			trigger,
			setSora,
			{ name: 'Edit Fields', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: {} },
		]),
	});
}, 600_000);

afterAll(async () => {
	const refused = [...new Set((browser?.blocked || []).map((url) => new URL(url).host))];
	console.log(`requests the browser was refused (not 127.0.0.1): ${browser?.blocked.length ?? 0} ${JSON.stringify(refused)}`);
	await browser?.close();
	await host?.stop();
	await standIn?.close();
	timings.report('editor suite timings');
});

/** Runs a step and records its time. @template T @param {string} step @param {() => Promise<T>} fn */
const timed = (step, fn) => timings.timed(VERSION, step, fn);

/**
 * A screenshot of the panel with its Options list open.
 * @param {import('playwright-core').Locator} ndv
 * @param {string} name
 */
async function screenshotWithOptionsOpen(ndv, name) {
	const adder = ndv.getByTestId('collection-parameter-add').first();
	await adder.click();
	await page.getByTestId('collection-parameter-option').filter({ visible: true }).first().waitFor();
	await ui.screenshot(ndv, SCREENSHOTS, name);
	await page.keyboard.press('Escape');
}

/**
 * The Create panel of a workflow's Sora node; reused while it is open (loading a workflow takes
 * 5-15 s on a busy 2-core machine), opened otherwise.
 * @param {string} workflowId
 */
async function createPanel(workflowId) {
	const ndv = page.getByTestId('ndv');
	// the URL gains the node's id while its panel is open
	const open = page.url().includes(`/workflow/${workflowId}`) && (await ndv.getByTestId('node-parameters').isVisible());
	if (open) return ndv;
	await ui.openWorkflow(page, host.baseUrl, workflowId);
	return ui.openNode(page, SORA_NODE);
}

describe(`in the n8n ${VERSION} editor`, () => {
	test('the main node picker ("What happens next?") finds the node by "sora", "video" and "text to video"', () =>
		timed('picker search', async () => {
			await ui.openWorkflow(page, host.baseUrl, workflows.picker);
			const picker = await ui.openNodePickerAfterLastNode(page);
			/** @type {Record<string, string[]>} */
			const found = {};
			for (const query of ['sora', 'video', 'text to video']) {
				found[query] = await ui.searchNodePicker(page, query);
				if (query === 'sora') await ui.screenshot(picker, SCREENSHOTS, 'editor-picker-search');
			}
			expect({
				sora: found.sora.includes(NODE_NAME),
				video: found.video.includes(NODE_NAME),
				'text to video': found['text to video'].includes(NODE_NAME),
			}).toEqual({ sora: true, video: true, 'text to video': true });
		}));

	test('its action list starts with Create, and Create adds the node with the Create panel open', () =>
		timed('action list', async () => {
			await ui.openWorkflow(page, host.baseUrl, workflows.actions);
			const picker = await ui.openNodePickerAfterLastNode(page);
			const names = await ui.searchNodePicker(page, 'sora');
			expect(names).toContain(NODE_NAME);
			await ui.clickPickerItem(page, NODE_NAME);
			const actions = await ui.pickerActionNames(page);
			await ui.screenshot(picker, SCREENSHOTS, 'editor-actions');
			expect(actions[0]).toMatch(/^Create\b/);
			await ui.pickerActions(page).first().click();
			const ndv = page.getByTestId('ndv');
			await ndv.getByTestId('node-parameters').waitFor();
			expect(await ui.parameterInput(ndv, 'operation').locator('input').inputValue()).toBe('Create');
		}));

	test('the canvas subtitle reads as words, not "create: video"', () =>
		timed('subtitle', async () => {
			await ui.openWorkflow(page, host.baseUrl, workflows.models);
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${SORA_NODE}"]`);
			const lines = (await node.innerText()).split('\n').map((l) => l.trim()).filter(Boolean);
			const subtitle = lines[lines.indexOf(SORA_NODE) + 1] || '';
			expect(subtitle).not.toBe('');
			expect(subtitle).not.toMatch(/^[a-z_]+: [a-z]+$/); // "<operation value>: <resource value>"
			expect(subtitle).not.toMatch(/__CUSTOM_API_CALL__/);
		}));

	describe.each(MODELS)('Create with model $id', (model) => {
		test(`offers only the durations, sizes and options ${model.id} takes`, () =>
			timed(`panel for ${model.id}`, async () => {
				const ndv = await createPanel(workflows.models);
				const chosen = await ui.chooseOption(page, ui.parameterInput(ndv, 'model'), namesModel(model.id));
				expect(namesModel(model.id)(await ui.parameterInput(ndv, 'model').locator('input').inputValue())).toBe(true);

				const seconds = await ui.dropdownOptions(page, ui.parameterInput(ndv, 'seconds'));
				const sizes = await ui.dropdownOptions(page, ui.parameterInput(ndv, 'size'));
				const options = Object.values(await ui.collectionOptions(page, ndv)).flat();
				if (model.id === 'sora-2' || model.id === 'sora-2-pro-all') {
					await screenshotWithOptionsOpen(ndv, `editor-create-${model.id}`);
				}
				expect({ chosen, seconds: numbersIn(seconds), sizes: sizesIn(sizes) }).toEqual({
					chosen: expect.any(String),
					seconds: model.seconds,
					sizes: model.sizes,
				});
				for (const name of CHARACTER_OPTIONS) {
					expect({ option: name, offered: options.includes(name) }).toEqual({ option: name, offered: model.characters });
				}
			}));
	});

	test('creative options come before the waiting and retry plumbing', () =>
		timed('option grouping', async () => {
			const ndv = await createPanel(workflows.models);
			await ui.chooseOption(page, ui.parameterInput(ndv, 'model'), namesModel('sora-2-pro-all'));
			const collections = Object.values(await ui.collectionOptions(page, ndv));
			const creativeHome = collections.findIndex((list) => list.includes('Storyboard'));
			expect(creativeHome).toBeGreaterThanOrEqual(0);
			const list = collections[creativeHome];
			const lastCreative = Math.max(...CREATIVE_OPTIONS.map((name) => list.indexOf(name)));
			const firstPlumbing = list.findIndex((name) => PLUMBING_OPTIONS.test(name));
			expect({ list, plumbingAfterCreative: firstPlumbing === -1 || firstPlumbing > lastCreative }).toEqual({
				list,
				plumbingAfterCreative: true,
			});
		}));

	test('the Create panel says what a run costs, how long it holds the execution and when to use the Wait-node loop', () =>
		timed('notice', async () => {
			const ndv = await createPanel(workflows.models);
			const text = await ndv.getByTestId('node-parameters').innerText();
			expect(text).toMatch(/cost|paid|charge|billed/i);
			expect(text).toMatch(/minutes?/i);
			expect(text).toMatch(/Wait node/i);
		}));

	test("the Model list comes from the credential's GET /v1/models, the four Sora models first", () =>
		timed('live model list', async () => {
			const before = standIn.requests.length;
			await ui.openWorkflow(page, host.baseUrl, workflows.models); // a fresh panel loads the list anew
			const ndv = await ui.openNode(page, SORA_NODE);
			const offered = await ui.dropdownOptions(page, ui.parameterInput(ndv, 'model'));
			const modelCalls = standIn.requests.slice(before).filter((r) => r.method === 'GET' && r.path === '/v1/models');
			expect(modelCalls.length).toBeGreaterThan(0);
			expect(modelCalls.every((r) => r.headers.authorization === `Bearer ${apiKey}`)).toBe(true);
			expect(MODELS.map((m, i) => namesModel(m.id)(offered[i] || ''))).toEqual([true, true, true, true]);
			const listed = (await (await fetch(`${standIn.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } })).json()).data.map(
				(/** @type {{ id: string }} */ m) => m.id,
			);
			const extra = listed.filter((id) => !MODELS.some((m) => m.id === id));
			expect(extra.some((id) => offered.some(namesModel(id)))).toBe(true);
		}));

	test('with the model set by an expression, duration, size and every creative option stay reachable', () =>
		timed('model by expression', async () => {
			const ndv = await createPanel(workflows.expression);
			await ui.setExpression(page, ndv, 'model', '{{ $json.model }}');
			const labels = await ui.visibleParameterLabels(ndv);
			const options = Object.values(await ui.collectionOptions(page, ndv)).flat();
			await screenshotWithOptionsOpen(ndv, 'editor-model-expression');
			expect(labels.some((l) => l.startsWith('Duration'))).toBe(true);
			expect(labels.some((l) => l.startsWith('Size'))).toBe(true);
			expect(options).toEqual(expect.arrayContaining(CREATIVE_OPTIONS));
		}));

	test('Create runs from the editor (Execute step) and the MP4 shows in the output panel\'s binary view', () =>
		timed('execute step', async () => {
			const ndv = await createPanel(workflows.run);
			const paidBefore = standIn.paidRequests().length;
			await ndv.getByTestId('node-execute-button').first().click();
			const output = ndv.getByTestId('output-panel');
			const card = output.getByTestId('ndv-binary-data_0');
			await output.getByTestId('radio-button-binary').waitFor({ timeout: 90_000 });
			if (!(await card.isVisible())) await output.getByTestId('radio-button-binary').click();
			await card.waitFor();
			await ui.screenshot(ndv, SCREENSHOTS, 'editor-output-binary');
			const text = await card.innerText();
			expect(text).toMatch(/File Name:\s*video_[\w-]+\.mp4/);
			expect(text).toMatch(/Mime Type:\s*video\/mp4/);
			expect(standIn.paidRequests().length - paidBefore).toBe(1);
			await card.getByTestId('ndv-view-binary-data').click();
			const video = page.locator('video');
			await video.waitFor();
			expect(await video.evaluate((v) => /** @type {HTMLVideoElement} */ (v).currentSrc || v.querySelector('source')?.src || '')).toMatch(
				/^(blob:|http:\/\/127\.0\.0\.1:\d+\/rest\/binary-data)/,
			);
		}));

	test("a downstream node sees Create's output fields (id, status) before anything has run", () =>
		timed('output schema preview', async () => {
			const schemaAnswers = [];
			const onResponse = (/** @type {import('playwright-core').Response} */ r) => {
				if (r.url().includes('/schemas/')) schemaAnswers.push(r.status());
			};
			page.on('response', onResponse);
			try {
				await ui.openWorkflow(page, host.baseUrl, workflows.schema);
				const ndv = await ui.openNode(page, 'Edit Fields');
				const input = ndv.getByTestId('ndv-input-panel');
				await ui.screenshot(ndv, SCREENSHOTS, 'editor-schema-preview');
				expect(schemaAnswers).toContain(200);
				const fields = (await input.getByTestId('run-data-schema-item').allInnerTexts()).map((t) => t.split('\n')[0].trim());
				expect(fields).toEqual(expect.arrayContaining(['id', 'status']));
			} finally {
				page.off('response', onResponse);
			}
		}));

	test("the credential's Test succeeds against the stand-in and fails clearly with a wrong key", () =>
		timed('credential test', async () => {
			await page.goto(`${host.baseUrl}/home/credentials`, { waitUntil: 'domcontentloaded' });
			await page.getByRole('button', { name: 'Create credential' }).click();
			await page.keyboard.insertText('CometAPI');
			await page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: 'CometAPI API' }).first().click();
			await page.getByRole('button', { name: 'Continue' }).click();
			const modal = page.getByTestId('credential-edit-dialog');
			const fill = (/** @type {string} */ name, /** @type {string} */ value) =>
				modal.getByTestId(`parameter-input-${name}`).locator('input').fill(value);

			await fill('apiKey', apiKey);
			await fill('baseUrl', standIn.baseUrl);
			await page.getByTestId('credential-save-button').click();
			await modal.getByTestId('credentials-config-container-test-success').waitFor();
			await ui.screenshot(page, SCREENSHOTS, 'editor-credential-ok');

			await fill('apiKey', 'sk-wrong-key');
			await page.getByTestId('credential-save-button').click();
			const failure = modal.getByText('Couldn’t connect with these settings');
			await failure.waitFor();
			await modal.getByText('More details').click();
			await page.waitForTimeout(300);
			await ui.screenshot(page, SCREENSHOTS, 'editor-credential-wrong-key');
			const shown = await modal.innerText();
			expect(shown).toMatch(/401|api key|unauthori[sz]ed/i);
			expect(await modal.getByTestId('credentials-config-container-test-success').isVisible()).toBe(false);
		}));
});
