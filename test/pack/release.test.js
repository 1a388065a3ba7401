/**
 * The release guards: `npm run release` (version, CHANGELOG section, tag) and what stops an
 * `npm publish` outside GitHub Actions. Publishing is tried for real against a registry stand-in
 * on 127.0.0.1, from this folder with its own .npmrc, as a developer's laptop would.
 */
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const { releaseProblems } = require('../../scripts/release');

const ROOT = path.resolve(__dirname, '../..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const RELEASED = '## [1.2.3] - 2026-12-01\n\n### Added\n\n- something\n';

// each `npm publish` takes a few seconds
jest.setTimeout(60_000);

describe('npm run release', () => {
	test('a version with a dated CHANGELOG section and its v-tag is ready', () => {
		expect(releaseProblems({ version: '1.2.3', changelog: RELEASED, tag: 'v1.2.3' })).toEqual([]);
		expect(releaseProblems({ version: '1.2.3', changelog: RELEASED })).toEqual([]);
	});

	test('a tag that is not v<version> is refused, naming both', () => {
		expect(releaseProblems({ version: '1.2.3', changelog: RELEASED, tag: 'v1.2.4' })).toEqual([
			'tag "v1.2.4" is not v1.2.3 (package.json\'s version)',
		]);
		expect(releaseProblems({ version: '1.2.3', changelog: RELEASED, tag: '1.2.3' })).toHaveLength(1);
	});

	test('a version still under [Unreleased], or without a date, is refused', () => {
		const unreleased = '## [Unreleased]\n\n### Added\n\n- something\n\n## [1.2.2] - 2026-11-01\n';
		const problem = 'CHANGELOG.md has no "## [1.2.3] - YYYY-MM-DD" section';
		expect(releaseProblems({ version: '1.2.3', changelog: unreleased })).toEqual([problem]);
		expect(releaseProblems({ version: '1.2.3', changelog: '## [1.2.3]\n' })).toEqual([problem]);
		expect(releaseProblems({ version: '1.2.3', changelog: '## [1.2.30] - 2026-11-01\n' })).toEqual([problem]);
	});

	test('a version that is not semver is refused', () => {
		expect(releaseProblems({ version: '1.2', changelog: '## [1.2] - 2026-11-01\n' })).toEqual([
			'package.json version "1.2" is not semver (X.Y.Z)',
		]);
	});

	test('in the publish workflow it checks the pushed tag against this package.json and CHANGELOG.md', async () => {
		const run = (tag) => promisify(execFile)('node', ['scripts/release.js', '--tag', tag], { cwd: ROOT });
		await expect(run(`v${PKG.version}`)).resolves.toMatchObject({
			stdout: `Tag v${PKG.version} matches package.json ${PKG.version}; CHANGELOG.md has its section.\n`,
		});
		await expect(run('v99.0.0')).rejects.toMatchObject({
			code: 1,
			stderr: expect.stringContaining(`tag "v99.0.0" is not v${PKG.version}`),
		});
	});
});

describe('npm publish outside GitHub Actions', () => {
	/** @type {http.Server} */
	let registry;
	/** @type {string[]} */
	let uploads;
	let home;
	let userconfig;

	beforeAll(async () => {
		registry = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => {
				if (req.method === 'PUT') uploads.push(req.url);
				res.writeHead(req.method === 'PUT' ? 200 : 404, { 'content-type': 'application/json' });
				res.end(req.method === 'PUT' ? '{"ok":true}' : '{"error":"not_found"}');
			});
		});
		await new Promise((resolve) => registry.listen(0, '127.0.0.1', resolve));
		home = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-publish-home-'));
		userconfig = path.join(home, '.npmrc');
		fs.writeFileSync(userconfig, `//127.0.0.1:${registry.address().port}/:_authToken=a-logged-in-laptop\n`);
	});

	beforeEach(() => {
		uploads = [];
	});

	afterAll(async () => {
		await new Promise((resolve) => registry.close(resolve));
		fs.rmSync(home, { recursive: true, force: true });
	});

	/**
	 * `npm publish` in this folder with a clean environment: no CI variables, so npm sees a laptop.
	 * @param {string[]} args @param {Record<string, string>} [env]
	 * @returns {Promise<{ code: number | null, output: string }>}
	 */
	function publish(args, env = {}) {
		const registryUrl = `http://127.0.0.1:${registry.address().port}/`;
		const child = spawn(
			'npm',
			['publish', `--registry=${registryUrl}`, `--userconfig=${userconfig}`, '--update-notifier=false', ...args],
			{ cwd: ROOT, env: { PATH: process.env.PATH, HOME: home, ...env } },
		);
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
	}

	test('is refused before anything is uploaded: provenance can only be signed in CI', async () => {
		const result = await publish([]);
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('Automatic provenance generation not supported for provider: null');
		expect(uploads).toEqual([]);
	});

	test('with lifecycle scripts on, prepublishOnly (n8n-node prerelease) refuses it first', async () => {
		const result = await publish(['--ignore-scripts=false']);
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('n8n-node prerelease');
		expect(result.output).toContain('Run `npm run release` to publish the package');
		expect(result.output).not.toContain('provenance');
		expect(uploads).toEqual([]);
	});

	test("with the publish workflow's RELEASE_MODE but not in GitHub Actions, provenance still refuses it", async () => {
		const result = await publish(['--ignore-scripts=false'], { RELEASE_MODE: 'true' });
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('n8n-node prerelease');
		expect(result.output).toContain('Automatic provenance generation not supported');
		expect(uploads).toEqual([]);
	});

	test('goes through only when provenance is switched off explicitly', async () => {
		const result = await publish(['--provenance=false']);
		expect(result.output).toContain(`+ ${PKG.name}@${PKG.version}`);
		expect(result.code).toBe(0);
		expect(uploads).toEqual([`/${PKG.name}`]);
	});
});
