'use strict';

/**
 * What a person does in the n8n editor, as Playwright steps. Selectors are the data-test-ids,
 * roles and texts the editor itself renders, checked against the editor bundles of n8n 2.41.1 and
 * 1.123.81 (n8n-editor-ui/dist). `editorPages(version)` gives the steps for one host: the same
 * steps, with the few places where 1.x's editor differs from 2.x's (`EDITORS`).
 */
const fs = require('node:fs');
const path = require('node:path');

const { hostMajor } = require('../../../tools/n8n-harness');

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */

/** How long a step may wait for the editor (as the suite's default timeout). */
const STEP_MS = 20_000;
/** What a dropdown shows while its options load from the server. */
const LOADING = /^Loading options/;

/** First line of a label or option text (labels also hold their Fixed/Expression toggle). */
const firstLine = (/** @type {string} */ text) => text.split('\n')[0].trim();

/**
 * Opens a workflow and waits until its canvas shows its nodes.
 * @param {Page} page
 * @param {string} baseUrl
 * @param {string} workflowId
 */
async function openWorkflow(page, baseUrl, workflowId) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
	await page.getByTestId('canvas-node').first().waitFor();
}

/**
 * Opens the node picker from the + after the last node ("What happens next?").
 * @param {Page} page
 */
async function openNodePickerAfterLastNode(page) {
	await page.getByTestId('canvas-handle-plus').last().click();
	const picker = page.getByTestId('node-creator');
	await picker.getByText('What happens next?').waitFor();
	return picker;
}

/**
 * Types into the picker's search and returns the names it lists once the list has settled.
 * @param {Page} page
 * @param {string} query
 * @returns {Promise<string[]>}
 */
async function searchNodePicker(page, query) {
	const picker = page.getByTestId('node-creator');
	await page.getByTestId('node-creator-search-bar').fill(query);
	const items = picker.getByTestId('node-creator-item-name');
	// the list re-renders per keystroke: read it until two reads agree
	let previous = '';
	for (let i = 0; i < 20; i++) {
		await page.waitForTimeout(150);
		const names = (await items.allInnerTexts()).map(firstLine);
		const current = JSON.stringify(names);
		if (current === previous) return names;
		previous = current;
	}
	return JSON.parse(previous);
}

/**
 * The actions a node's panel in the picker lists (not the search results it slides in over).
 * @param {Page} page
 */
const pickerActions = (page) =>
	page.getByTestId('node-creator').locator('[data-test-id="item-iterator-item"][data-keyboard-nav-type="action"]');

/**
 * The names of the actions the picker lists for the chosen node, in display order.
 * @param {Page} page
 * @returns {Promise<string[]>}
 */
async function pickerActionNames(page) {
	const actions = pickerActions(page);
	await actions.first().waitFor();
	return (await actions.allInnerTexts()).map(firstLine);
}

/**
 * The description the picker shows under a node's name in the list it shows now.
 * @param {Page} page
 * @param {string} nodeName
 */
const pickerItemDescription = (page, nodeName) =>
	page
		.getByTestId('node-creator')
		.getByTestId('item-iterator-item')
		.filter({ hasText: nodeName })
		.first()
		.getByTestId('node-creator-item-description')
		.innerText();

/**
 * @param {Page} page
 * @param {string} text
 */
async function clickPickerItem(page, text) {
	await page.getByTestId('node-creator').getByTestId('item-iterator-item').filter({ hasText: text }).first().click();
}

/**
 * Opens a canvas node's details view (double click, as a person does).
 * @param {Page} page
 * @param {string} nodeName
 */
async function openNode(page, nodeName) {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	const ndv = page.getByTestId('ndv');
	await ndv.getByTestId('node-parameters').waitFor();
	return ndv;
}

/**
 * The labels of the parameters the open node panel shows, top to bottom.
 * @param {Locator} ndv
 * @returns {Promise<string[]>}
 */
async function visibleParameterLabels(ndv) {
	const labels = ndv.getByTestId('node-parameters').getByTestId('input-label').filter({ visible: true });
	return (await labels.allInnerTexts()).map(firstLine).filter(Boolean);
}

/**
 * Opens a dropdown and waits for its options (a list loaded from the server may take a moment).
 * Throws with what the dropdown says instead (e.g. "No data") when it offers none.
 * @param {Page} page
 * @param {Locator} dropdown
 * @returns {Promise<{ options: Locator, texts: string[] }>}
 */
async function openDropdown(page, dropdown) {
	// the input itself: a list loaded from the server opens only on a click there
	const input = dropdown.locator('input').first();
	await input.click();
	// only this dropdown's list (another one may still be fading out)
	const list = page.locator(`#${await input.getAttribute('aria-controls')}`);
	const options = list.locator('.el-select-dropdown__item').filter({ visible: true });
	const empty = list.locator('.el-select-dropdown__empty').filter({ visible: true });
	await options.first().or(empty.first()).waitFor();
	if (!(await options.count())) {
		const said = await empty.first().innerText();
		await closeDropdown(page, options);
		throw new Error(`the dropdown offers no options; it says: ${JSON.stringify(said)}`);
	}
	return { options, texts: (await options.allInnerTexts()).map(firstLine) };
}

/**
 * The texts of the options a dropdown offers (opens it, reads, closes it).
 * @param {Page} page
 * @param {Locator} dropdown
 * @returns {Promise<string[]>}
 */
async function dropdownOptions(page, dropdown) {
	const { options, texts } = await openDropdown(page, dropdown);
	await closeDropdown(page, options);
	return texts;
}

/**
 * Escape closes an open dropdown (the select handles it; the panel stays open).
 * @param {Page} page
 * @param {Locator} options
 */
async function closeDropdown(page, options) {
	await page.keyboard.press('Escape');
	await options.first().waitFor({ state: 'hidden' }).catch(() => undefined);
}

/**
 * @param {Locator} ndv
 * @param {string} name parameter name, e.g. `model`
 */
const parameterInput = (ndv, name) => ndv.getByTestId(`parameter-input-${name}`);

/**
 * What a parameter shows: its dropdown's text (e.g. "4 Seconds") or what its field holds; null
 * when the panel does not show the parameter.
 * @param {Locator} ndv
 * @param {string} name
 * @returns {Promise<string | null>}
 */
async function parameterValue(ndv, name) {
	const field = parameterInput(ndv, name);
	if (!(await field.count())) return null;
	const input = field.locator('input, textarea').first();
	// a list loaded from the server says so until its answer is in
	for (const deadline = Date.now() + STEP_MS; ; ) {
		const value = await input.inputValue();
		if (!LOADING.test(value) || Date.now() > deadline) return value;
		await ndv.page().waitForTimeout(200);
	}
}

/**
 * Waits until a form field shows a value, e.g. the default the form puts there once it is ready.
 * @param {Locator} input
 */
async function waitForValue(input) {
	for (const deadline = Date.now() + STEP_MS; !(await input.inputValue()); ) {
		if (Date.now() > deadline) throw new Error(`the field still shows nothing after ${STEP_MS} ms`);
		await input.page().waitForTimeout(50);
	}
}

/**
 * Whether a parameter is a dropdown rather than a free field.
 * @param {Locator} ndv
 * @param {string} name
 */
const isDropdown = async (ndv, name) => (await parameterInput(ndv, name).locator('.el-select').count()) > 0;

/**
 * Whether the editor marks a parameter's value as a problem (red frame and warning sign).
 * @param {Locator} ndv
 * @param {string} name
 */
const isMarkedAsProblem = async (ndv, name) =>
	((await parameterInput(ndv, name).getAttribute('class')) || '').split(/\s+/).includes('has-issues');

/**
 * The floating list an open dropdown shows its options in.
 * @param {Locator} options the dropdown's visible options
 */
const dropdownList = (options) => options.first().locator('xpath=ancestor::*[@role="tooltip"][1]');

/**
 * The line of the panel's Settings tab that names the node's version, e.g. "CometAPI Video node
 * version 3 (Latest)"; back on the Parameters tab afterwards.
 * @param {Locator} ndv
 */
async function nodeVersionLine(ndv) {
	await ndv.getByTestId('tab-settings').click();
	const text = await ndv.getByText(/node version \d/).innerText();
	await ndv.getByTestId('tab-params').click();
	await ndv.getByTestId('node-parameters').waitFor();
	return text.trim();
}

/**
 * Picks the dropdown option whose text satisfies `matches`.
 * @param {Page} page
 * @param {Locator} dropdown
 * @param {(text: string) => boolean} matches
 */
async function chooseOption(page, dropdown, matches) {
	const { options, texts } = await openDropdown(page, dropdown);
	const index = texts.findIndex(matches);
	if (index < 0) {
		await closeDropdown(page, options);
		throw new Error(`no matching option among ${JSON.stringify(texts)}`);
	}
	await options.nth(index).click();
	return texts[index];
}

/**
 * The names in the "Add option" list of the collection parameters of the open panel (which has
 * at least one), per collection label (e.g. `{ Options: [...] }`), in display order.
 * @param {EditorDialect} editor
 * @param {Page} page
 * @param {Locator} ndv
 * @returns {Promise<Record<string, string[]>>}
 */
async function collectionOptions(editor, page, ndv) {
	/** @type {Record<string, string[]>} */
	const result = {};
	const parameters = ndv.getByTestId('node-parameters');
	// a collection shows "Loading fields..." until its component has loaded (after a model change, too)
	await parameters.locator('.async-notice').first().waitFor({ state: 'hidden' });
	const adders = editor.collectionAdders(parameters).filter({ visible: true });
	await adders.first().waitFor();
	const count = await adders.count();
	for (let i = 0; i < count; i++) {
		const adder = adders.nth(i);
		const label = firstLine(
			await adder.evaluate(
				(el) =>
					/** @type {HTMLElement | null} */ (
						el.closest('[data-test-id="parameter-item"]')?.querySelector('[data-test-id="input-label"]')
					)?.innerText || '',
			),
		);
		const options = await openAddOptionList(page, adder);
		result[label] = (await options.allInnerTexts()).map(firstLine);
		await closeDropdown(page, options);
	}
	return result;
}

/**
 * Opens a collection's "Add option" list and returns its visible options.
 * @param {Page} page
 * @param {Locator} adder
 */
async function openAddOptionList(page, adder) {
	await adder.click();
	const options = page.getByTestId('collection-parameter-option').filter({ visible: true });
	await options.first().waitFor();
	return options;
}

/**
 * Opens the first "Add option" list of the open panel (its Options) and returns its options.
 * @param {EditorDialect} editor
 * @param {Page} page
 * @param {Locator} ndv
 */
const openFirstAddOptionList = (editor, page, ndv) =>
	openAddOptionList(page, editor.collectionAdders(ndv.getByTestId('node-parameters')).first());

/**
 * Switches a parameter to an expression and types it, the way a person does: hover, Expression,
 * replace the text.
 * @param {Page} page
 * @param {Locator} ndv
 * @param {string} name
 * @param {string} expression e.g. `{{ $json.model }}`
 */
async function setExpression(page, ndv, name, expression) {
	const toggle = ndv.getByTestId(`${name}-parameter-input-options-container`).getByTestId('radio-button-expression');
	const editor = ndv.getByTestId('inline-expression-editor-input');
	// the Fixed/Expression toggle fades in on hover and ignores clicks until it has
	for (let attempt = 0; !(await editor.isVisible()); attempt++) {
		if (attempt === 5) throw new Error(`could not switch "${name}" to an expression`);
		await parameterInput(ndv, name).hover();
		await toggle.waitFor();
		await page.waitForTimeout(300);
		await toggle.click();
		await editor.waitFor({ timeout: 2000 }).catch(() => undefined);
	}
	await editor.click();
	await page.keyboard.press('ControlOrMeta+A');
	await page.keyboard.press('Delete');
	// insertText: typing "{{" key by key would trigger the editor's auto-closing braces
	await page.keyboard.insertText(expression);
	await ndv.getByTestId('tab-params').click();
}

/**
 * An element's box once it has stopped moving (an opening list zooms in).
 * @param {Locator} locator
 */
async function settledBox(locator) {
	let previous = await locator.boundingBox();
	for (const deadline = Date.now() + STEP_MS; Date.now() < deadline; ) {
		await locator.page().waitForTimeout(100);
		const box = await locator.boundingBox();
		if (JSON.stringify(box) === JSON.stringify(previous)) return box;
		previous = box;
	}
	return previous;
}

/**
 * Closes the editor's notifications ("Node executed successfully", "Credential saved"), which
 * would cover a corner of a screenshot.
 * @param {Page} page
 */
async function closeNotifications(page) {
	for (const close of await page.locator('.el-notification__closeBtn').filter({ visible: true }).all()) {
		await close.click().catch(() => undefined); // it may have gone by itself meanwhile
	}
	await page.locator('.el-notification').filter({ visible: true }).first().waitFor({ state: 'hidden' });
}

/** @param {string} dir @param {string} name file name without .png */
function pngFile(dir, name) {
	fs.mkdirSync(dir, { recursive: true });
	return path.join(dir, `${name}.png`);
}

/** Room left around what a column screenshot shows. */
const COLUMN_MARGIN = 12;

/**
 * Saves a PNG of a column of the page for docs/images: from the top of `from` (default: the
 * column's own) down to the bottom of `until`, e.g. a list open below the column's fields.
 * @param {Page} page
 * @param {{ column: Locator, from?: Locator, until: Locator }} part
 * @param {string} dir
 * @param {string} name file name without .png
 */
async function screenshotColumn(page, { column, from, until }, dir, name) {
	await closeNotifications(page);
	const side = await column.boundingBox();
	const top = from ? await from.boundingBox() : side;
	const end = await settledBox(until);
	if (!side || !top || !end) throw new Error(`screenshot ${name}: the column, its start or its end is not on the page`);
	const left = Math.min(side.x, end.x);
	const right = Math.max(side.x + side.width, end.x + end.width);
	const y = from ? top.y - COLUMN_MARGIN : top.y;
	const clip = { x: left, y, width: right - left, height: end.y + end.height + COLUMN_MARGIN - y };
	const file = pngFile(dir, name);
	await page.screenshot({ path: file, clip, animations: 'disabled', caret: 'hide' });
	return file;
}

/**
 * Saves a PNG of the page (or of one element) for docs/images.
 * @param {Page | Locator} target
 * @param {string} dir
 * @param {string} name file name without .png
 */
async function screenshot(target, dir, name) {
	await closeNotifications('mouse' in target ? target : target.page()); // a Page has a mouse, a Locator belongs to a Page
	const file = pngFile(dir, name);
	await target.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
	return file;
}

/**
 * Where n8n 1.x's editor differs from 2.x's for these steps.
 * @typedef {object} EditorDialect
 * @property {(parameters: Locator) => Locator} collectionAdders the "Add option" controls of
 *   the collections in a panel's parameters
 * @property {(page: Page, nodeName: string) => Promise<string>} pickerDescription the node's
 *   description where the open "What happens next?" picker shows it
 */
/** @type {Record<1 | 2, EditorDialect>} */
const EDITORS = {
	2: {
		collectionAdders: (parameters) => parameters.getByTestId('collection-parameter-add'),
		// search results show their descriptions
		async pickerDescription(page, nodeName) {
			await searchNodePicker(page, nodeName);
			return pickerItemDescription(page, nodeName);
		},
	},
	1: {
		// "Add Option" is a select with no test id of its own
		collectionAdders: (parameters) => parameters.locator('.collection-parameter .add-option input'),
		// the main search and "Action in an app" hide descriptions (their subcategory is "*");
		// the AI panel lists its nodes with theirs
		async pickerDescription(page, nodeName) {
			await page.getByTestId('node-creator-search-bar').fill('');
			const picker = page.getByTestId('node-creator');
			await picker.getByTestId('item-iterator-item').filter({ has: page.getByText('AI', { exact: true }) }).first().click();
			await picker.getByTestId('item-iterator-item').filter({ hasText: nodeName }).first().waitFor();
			return pickerItemDescription(page, nodeName);
		},
	},
};

/** The steps that are the same on every host. */
const STEPS = {
	openWorkflow,
	openNodePickerAfterLastNode,
	searchNodePicker,
	pickerActions,
	pickerActionNames,
	clickPickerItem,
	openNode,
	visibleParameterLabels,
	openDropdown,
	closeDropdown,
	dropdownOptions,
	dropdownList,
	parameterInput,
	parameterValue,
	waitForValue,
	isDropdown,
	isMarkedAsProblem,
	chooseOption,
	setExpression,
	nodeVersionLine,
	settledBox,
	screenshot,
	screenshotColumn,
};

/**
 * The steps for one host's editor.
 * @param {string} version n8n version
 */
function editorPages(version) {
	const editor = EDITORS[hostMajor(version) >= 2 ? 2 : 1];
	return {
		...STEPS,
		/** @param {Page} page @param {Locator} ndv */
		collectionOptions: (page, ndv) => collectionOptions(editor, page, ndv),
		/** @param {Page} page @param {Locator} ndv */
		openFirstAddOptionList: (page, ndv) => openFirstAddOptionList(editor, page, ndv),
		pickerDescription: editor.pickerDescription,
	};
}

module.exports = { editorPages };
