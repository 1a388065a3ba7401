'use strict';

/**
 * Debian's chromium driven by playwright-core (never a downloaded browser), headless, with a
 * fresh profile per launch and no way out of 127.0.0.1.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium, selectors } = require('playwright-core');

const CHROMIUM = process.env.EDITOR_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
/** n8n marks its elements with data-test-id (Playwright's default is data-testid). */
selectors.setTestIdAttribute('data-test-id');

const LOCAL_URL = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\//;

/**
 * @typedef {object} Browser
 * @property {import('playwright-core').BrowserContext} context
 * @property {import('playwright-core').Page} page
 * @property {string[]} blocked Requests to anything but 127.0.0.1 that were refused.
 * @property {() => Promise<void>} close Closes chromium and deletes its profile.
 */

/**
 * @param {{ viewport?: { width: number, height: number } }} [options]
 * @returns {Promise<Browser>}
 */
async function launchBrowser(options = {}) {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set EDITOR_CHROMIUM`);
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-editor-chromium-'));
	let context;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: options.viewport || { width: 1440, height: 900 },
			deviceScaleFactor: 1,
			locale: 'en-US',
			timezoneId: 'UTC',
			timeout: 60_000,
		});
	} catch (error) {
		fs.rmSync(profile, { recursive: true, force: true });
		throw error;
	}
	/** @type {string[]} */
	const blocked = [];
	// only what leaves 127.0.0.1 is intercepted (routing every editor asset would slow each page)
	await context.route(
		(url) => /^(https?|wss?):$/.test(url.protocol) && !LOCAL_URL.test(url.href),
		(route) => {
			blocked.push(route.request().url());
			return route.abort('blockedbyclient');
		},
	);
	const page = context.pages()[0] || (await context.newPage());
	// leaving a workflow with unsaved changes asks "leave the page?": say yes, as a person would
	page.on('dialog', (dialog) => dialog.accept().catch(() => undefined));
	return {
		context,
		page,
		blocked,
		async close() {
			await context.close().catch(() => undefined);
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

module.exports = { launchBrowser };
