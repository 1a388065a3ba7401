/**
 * What `npm install n8n-nodes-cometapi-sora` would unpack: the `npm pack` tarball of this work
 * tree (run after `npm run build`; `npm test` does). The end-to-end suites install the same kind of
 * tarball into n8n; this file checks its contents.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { packPackage } = require('../../tools/n8n-harness/package');

const ROOT = path.resolve(__dirname, '../..');
// measured 2026-12-01 (0.2.0): 40.1 kB packed, 140 kB unpacked, 45 files; budget 64 / 256 KiB.
// 0.3.0, 2026-12-04: 72.9 kB packed, 261.5 kB unpacked, 78 files: the model catalogue and per-model
// form of eight families, a third node version's schemas, and a README that is now the user guide
// (its deep-dive measurements moved to docs/, outside the package). Decided: budget 88 / 320 KiB.
const BUDGET = { packedBytes: 88 * 1024, unpackedBytes: 320 * 1024 };
const TOP_LEVEL = ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'package.json'];
// the only modules compiled node code may load at run time: n8n provides n8n-workflow, Node crypto
const RUNTIME_MODULES = ['n8n-workflow', 'crypto', 'node:crypto'];

/** @type {{ tarball: string, dir: string, files: string[], packedBytes: number, unpackedBytes: number, pkg: any }} */
let pack;

/** @param {string} dir @returns {string[]} paths relative to dir, with '/' */
function listFiles(dir) {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
		.sort();
}

/** Unpacks the tarball where the packed node code can load the host's n8n-workflow (a peer dependency). */
function unpack(tarball) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-pack-test-'));
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return dir;
}

/** @param {string} dir */
function provideN8nWorkflow(dir) {
	fs.mkdirSync(path.join(dir, 'node_modules'));
	fs.symlinkSync(path.join(ROOT, 'node_modules', 'n8n-workflow'), path.join(dir, 'node_modules', 'n8n-workflow'), 'dir');
}

/** `require('x')` targets in a compiled file */
function requiredModules(source) {
	return [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
}

/** The `file:` icons of a node or credential description, as paths inside the tarball. */
function iconFiles(description, jsFile) {
	const icons = typeof description.icon === 'string' ? [description.icon] : Object.values(description.icon || {});
	return icons.map((icon) => {
		expect(icon).toMatch(/^file:/);
		return path.posix.join(path.posix.dirname(jsFile), icon.slice('file:'.length));
	});
}

/** @param {string} jsFile path inside the tarball @returns {any} an instance of the class the file exports */
function loadPacked(jsFile) {
	const exported = Object.values(require(path.join(pack.dir, jsFile)));
	expect(exported).toHaveLength(1);
	const Class = /** @type {any} */ (exported[0]);
	return new Class();
}

beforeAll(() => {
	if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	const { tarball } = packPackage(ROOT);
	const dir = unpack(tarball);
	const files = listFiles(dir);
	const unpackedBytes = files.reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0);
	const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	pack = { tarball, dir, files, packedBytes: fs.statSync(tarball).size, unpackedBytes, pkg };
	provideN8nWorkflow(dir);
	console.log(
		`${path.basename(tarball)}: ${pack.packedBytes} B packed (budget ${BUDGET.packedBytes}), ` +
			`${unpackedBytes} B unpacked (budget ${BUDGET.unpackedBytes}), ${files.length} files`,
	);
});

afterAll(() => {
	if (pack) fs.rmSync(pack.dir, { recursive: true, force: true });
});

test('holds only dist/, package.json, README.md, LICENSE and CHANGELOG.md', () => {
	const topLevel = [...new Set(pack.files.map((file) => file.split('/')[0]))].sort();
	expect(topLevel).toEqual(TOP_LEVEL);
});

test('holds every file of the package.json n8n block, and nothing points outside the tarball', () => {
	const { credentials, nodes } = pack.pkg.n8n;
	expect(nodes.length).toBeGreaterThan(0);
	expect(credentials.length).toBeGreaterThan(0);
	expect([...nodes, ...credentials].filter((file) => !pack.files.includes(file))).toEqual([]);
	expect(pack.pkg.main).toBeUndefined();
	expect(pack.pkg.bin).toBeUndefined();
});

test('holds the output schema n8n serves the editor for every version and operation of the node', () => {
	for (const file of pack.pkg.n8n.nodes) {
		const { description } = loadPacked(file);
		const operations = description.properties.find((p) => p.name === 'operation').options.map((o) => o.value);
		const schemaDir = `${path.posix.dirname(file)}/__schema__`;
		const wanted = [description.version]
			.flat()
			// the editor asks for /schemas/<type>/<version as x.y.z>/<resource>/<operation>.json
			.map((version) => String(version).split('.').concat(['0', '0']).slice(0, 3).join('.'))
			.flatMap((version) => operations.map((operation) => `${schemaDir}/v${version}/video/${operation}.json`));
		expect(wanted.length).toBeGreaterThanOrEqual(operations.length);
		expect(wanted.filter((schema) => !pack.files.includes(schema))).toEqual([]);
	}
});

test('holds the icons the node and credential descriptions name, and the node codex', () => {
	const { credentials, nodes } = pack.pkg.n8n;
	const wanted = [];
	for (const file of nodes) {
		wanted.push(...iconFiles(loadPacked(file).description, file), file.replace(/\.js$/, '.json'));
	}
	for (const file of credentials) wanted.push(...iconFiles(loadPacked(file), file));
	expect(wanted.length).toBeGreaterThanOrEqual(nodes.length * 3 + credentials.length);
	expect(wanted.filter((file) => !pack.files.includes(file))).toEqual([]);
});

test('holds compiled code and assets only: no sources, maps, build info, tests or fixtures', () => {
	const unwanted = pack.files.filter(
		(file) =>
			/\.(ts|mts|cts|map|tsbuildinfo|tgz|log)$/.test(file) ||
			/(^|\/)(test|tests|__tests__|fixtures?|node_modules|coverage|out)\//.test(file) ||
			/\.(test|spec)\.js$/.test(file) ||
			(file.startsWith('dist/') && !/\.(js|json|svg|png)$/.test(file)),
	);
	expect(unwanted).toEqual([]);
});

test('compiled code loads only n8n-workflow, Node crypto and its own files', () => {
	const jsFiles = pack.files.filter((file) => file.endsWith('.js'));
	const problems = [];
	for (const file of jsFiles) {
		for (const target of requiredModules(fs.readFileSync(path.join(pack.dir, file), 'utf8'))) {
			if (!target.startsWith('.')) {
				if (!RUNTIME_MODULES.includes(target)) problems.push(`${file}: require('${target}')`);
				continue;
			}
			const resolved = path.posix.join(path.posix.dirname(file), target);
			const exists = ['', '.js', '.json', '/index.js'].some((ext) => pack.files.includes(resolved + ext));
			if (!exists) problems.push(`${file}: require('${target}') is not in the tarball`);
		}
	}
	expect(jsFiles.length).toBeGreaterThan(10);
	expect(problems).toEqual([]);
	expect(pack.pkg.dependencies).toBeUndefined();
	expect(Object.keys(pack.pkg.peerDependencies)).toEqual(['n8n-workflow']);
});

test('its package.json says what n8n verification checks: name, keyword, MIT, repository = homepage', () => {
	const { name, keywords, license, repository, homepage } = pack.pkg;
	expect(name).toMatch(/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-/);
	expect(keywords).toContain('n8n-community-node-package');
	expect(license).toBe('MIT');
	expect(fs.readFileSync(path.join(pack.dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
	expect(repository.type).toBe('git');
	expect(repository.url).toBe(`git+${homepage}.git`);
	expect(homepage).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
});

test(`stays within its size budget`, () => {
	expect(pack.packedBytes).toBeLessThanOrEqual(BUDGET.packedBytes);
	expect(pack.unpackedBytes).toBeLessThanOrEqual(BUDGET.unpackedBytes);
});
