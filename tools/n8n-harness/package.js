'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { HarnessError } = require('./errors');

/**
 * A package as `npm pack` wrote it.
 * @typedef {object} PackedPackage
 * @property {string} tarball absolute path of the .tgz
 * @property {string} name
 * @property {string} version
 */

/**
 * @typedef {object} InstalledPackage
 * @property {string} name
 * @property {string} version
 * @property {string} dir `<userFolder>/.n8n/nodes/node_modules/<name>`
 */

/**
 * The npm arguments of n8n's Community Nodes installer (CommunityPackagesService.downloadPackage,
 * the same on 1.123.x and 2.41.x), plus `--offline`: the tests never reach a registry, and a
 * package without dependencies needs none.
 */
const N8N_INSTALL_ARGS = [
	'install',
	'--audit=false',
	'--fund=false',
	'--bin-links=false',
	'--install-strategy=shallow',
	'--ignore-scripts=true',
	'--package-lock=false',
	'--offline',
];

/** @param {string} command @param {string[]} args @param {string} cwd */
function run(command, args, cwd) {
	try {
		return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
	} catch (error) {
		const e = /** @type {any} */ (error);
		throw new HarnessError(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout || ''}\n${e.stderr || ''}`);
	}
}

/** Scratch folder of this process, removed when it exits. */
let scratch;
function scratchDir() {
	if (!scratch) {
		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-harness-packages-'));
		const dir = scratch;
		process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
	}
	return scratch;
}

/** @type {Map<string, PackedPackage>} */
const packed = new Map();

/**
 * `npm pack` of a package folder, once per process and folder (later calls return the same
 * tarball, so a rebuild of the folder mid-run does not change what the hosts load). Lifecycle
 * scripts are not run: the caller builds first. The tarball holds what `npm publish` would upload.
 * @param {string} packageDir
 * @returns {PackedPackage}
 */
function packPackage(packageDir) {
	const dir = path.resolve(packageDir);
	const known = packed.get(dir);
	if (known) return known;
	const destination = fs.mkdtempSync(path.join(scratchDir(), 'pack-'));
	const [result] = JSON.parse(
		run('npm', ['pack', '--json', '--ignore-scripts', `--pack-destination=${destination}`], dir),
	);
	const pack = { tarball: path.join(destination, result.filename), name: result.name, version: result.version };
	packed.set(dir, pack);
	return pack;
}

/**
 * Checks what n8n needs to load a package: an `n8n-nodes-*` name and the files of its `n8n` block.
 * @param {Record<string, any>} pkg the package.json
 * @param {string} dir where it was unpacked
 */
function assertLoadable(pkg, dir) {
	if (typeof pkg.name !== 'string' || !/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name)) {
		throw new HarnessError(
			`package name "${pkg.name}" does not start with n8n-nodes- (or @scope/n8n-nodes-): n8n would not load it`,
		);
	}
	const n8nField = pkg.n8n || {};
	const declared = [...(n8nField.nodes || []), ...(n8nField.credentials || [])];
	if (declared.length === 0) throw new HarnessError(`${pkg.name} declares no n8n.nodes / n8n.credentials`);
	const missing = declared.filter((file) => !fs.existsSync(path.join(dir, file)));
	if (missing.length > 0) {
		throw new HarnessError(`the tarball of ${pkg.name} lacks ${missing.join(', ')}: was it built before \`npm pack\`?`);
	}
}

/**
 * Installs a tarball into `<n8nDir>/nodes` the way n8n's Community Nodes installer does: unpack it
 * into `nodes/node_modules/<name>`, drop devDependencies, peerDependencies and optionalDependencies
 * from its package.json (so a peer `n8n-workflow` is never installed next to it, where it would
 * shadow the host's own), run n8n's `npm install` in the package folder, and record the package
 * in `nodes/package.json`. Every n8n command loads `n8n-nodes-*` folders from
 * `nodes/node_modules` at start-up (the `installed_packages` DB rows only drive the UI).
 * @param {string} tarball
 * @param {string} n8nDir
 * @returns {InstalledPackage}
 */
function installTarball(tarball, n8nDir) {
	const nodesDir = path.join(n8nDir, 'nodes');
	const unpacked = fs.mkdtempSync(path.join(scratchDir(), 'unpack-'));
	run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], unpacked);
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(
		fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'),
	);
	assertLoadable(pkg, unpacked);

	const target = path.join(nodesDir, 'node_modules', pkg.name);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.cpSync(unpacked, target, { recursive: true });
	fs.rmSync(unpacked, { recursive: true, force: true });
	fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(pkg, null, 2));
	run('npm', N8N_INSTALL_ARGS, target);

	const manifestPath = path.join(nodesDir, 'package.json');
	const manifest = fs.existsSync(manifestPath)
		? JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	manifest.dependencies = { ...(manifest.dependencies || {}), [pkg.name]: pkg.version };
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	return { name: pkg.name, version: pkg.version, dir: target };
}

/** @type {Map<string, { nodesDir: string, installed: InstalledPackage }>} */
const templates = new Map();

/**
 * Installs a tarball into a user folder's `.n8n` fast: the real install (installTarball) runs once
 * per process and tarball into a template, which is then copied.
 * @param {string} tarball
 * @param {string} n8nDir
 * @returns {InstalledPackage}
 */
function installTarballCached(tarball, n8nDir) {
	let template = templates.get(tarball);
	if (!template) {
		const templateN8nDir = fs.mkdtempSync(path.join(scratchDir(), 'template-'));
		const installed = installTarball(tarball, templateN8nDir);
		template = { nodesDir: path.join(templateN8nDir, 'nodes'), installed };
		templates.set(tarball, template);
	}
	fs.cpSync(template.nodesDir, path.join(n8nDir, 'nodes'), { recursive: true });
	const { name, version } = template.installed;
	return { name, version, dir: path.join(n8nDir, 'nodes', 'node_modules', name) };
}

module.exports = { N8N_INSTALL_ARGS, packPackage, installTarball, installTarballCached };
