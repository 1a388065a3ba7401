'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { HarnessError } = require('./errors');

/** Repository root (the folder holding package.json), resolved from this file. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

const HOSTS_JSON = path.join(__dirname, 'hosts.json');
const INSTALL_SCRIPT = 'scripts/install-n8n-hosts.sh';

/**
 * One n8n host the tests run on.
 * @typedef {object} HostSpec
 * @property {string} n8n n8n version, e.g. "2.41.1"
 * @property {string} [node] Node major the host needs (installed from the registry's `node@<major>`
 *   package next to the hosts); absent: the Node running the harness.
 */

/**
 * Folder holding one installed n8n per version: `$N8N_HOSTS_DIR`, else
 * ~/.cache/n8n-nodes-cometapi-sora/hosts (the default of scripts/install-n8n-hosts.sh).
 * @returns {string}
 */
function hostsDir() {
	return process.env.N8N_HOSTS_DIR || path.join(os.homedir(), '.cache', 'n8n-nodes-cometapi-sora', 'hosts');
}

/**
 * The hosts listed in tools/n8n-harness/hosts.json, in the order listed there.
 * @returns {HostSpec[]}
 */
function hostSpecs() {
	const raw = JSON.parse(fs.readFileSync(HOSTS_JSON, 'utf8'));
	const valid = (/** @type {any} */ h) =>
		h && /^\d+\.\d+\.\d+$/.test(h.n8n) && (h.node === undefined || /^\d+$/.test(h.node));
	if (!Array.isArray(raw) || !raw.every(valid)) {
		throw new HarnessError(`${HOSTS_JSON} must be a JSON array like [{ "n8n": "2.41.1", "node": "24" }, { "n8n": "1.123.81" }]`);
	}
	return raw;
}

/**
 * The n8n host versions from hosts.json, in the order listed there.
 * @returns {string[]}
 */
function hostVersions() {
	return hostSpecs().map((h) => h.n8n);
}

/**
 * The newest host in hosts.json (the one the demo, the queue-mode cluster and the editor use).
 * @returns {string}
 */
function newestHost() {
	const key = (/** @type {string} */ v) => v.split('.').map(Number);
	return hostVersions().reduce((a, b) => {
		const [x, y] = [key(a), key(b)];
		const i = x.findIndex((n, j) => n !== y[j]);
		return i === -1 || x[i] > y[i] ? a : b;
	});
}

/**
 * @param {string} version
 * @returns {HostSpec}
 */
function hostSpec(version) {
	return hostSpecs().find((h) => h.n8n === version) || { n8n: version };
}

/**
 * Major version number of a host version string ("2.41.1" -> 2).
 * @param {string} version
 * @returns {number}
 */
function hostMajor(version) {
	return Number(version.split('.')[0]);
}

/**
 * Folder a host version is installed into (it may not exist yet).
 * @param {string} version
 * @returns {string}
 */
function hostDir(version) {
	return path.join(hostsDir(), version);
}

/**
 * Folder of the Node a pinned major is installed into by the install script (`npm install node@<major>`).
 * @param {string} major
 */
function nodeDir(major) {
	return path.join(hostsDir(), `node-${major}`);
}

/**
 * The `node` binary a host runs on: its pinned Node (hosts.json `node`), else the Node running
 * the harness. Undefined when the pinned Node is not installed.
 * @param {string} version
 * @returns {string | undefined}
 */
function pinnedNodeBinary(version) {
	const { node } = hostSpec(version);
	if (!node) return process.execPath;
	const binary = path.join(nodeDir(node), 'node_modules', 'node', 'bin', 'node');
	return fs.existsSync(path.join(nodeDir(node), '.installed')) && fs.existsSync(binary) ? binary : undefined;
}

/**
 * Whether a host version is completely installed: its n8n (binary and the installer's `.installed`
 * marker) and the Node it needs.
 * @param {string} version
 * @returns {boolean}
 */
function isHostInstalled(version) {
	const dir = hostDir(version);
	return (
		fs.existsSync(path.join(dir, '.installed')) &&
		fs.existsSync(path.join(dir, 'node_modules', '.bin', 'n8n')) &&
		pinnedNodeBinary(version) !== undefined
	);
}

/** @param {string} version */
function assertHostInstalled(version) {
	if (isHostInstalled(version)) return;
	const { node } = hostSpec(version);
	throw new HarnessError(
		`n8n ${version}${node ? ` (on Node ${node})` : ''} is not installed in ${hostDir(version)}.\n` +
			`Install the hosts with:  ${INSTALL_SCRIPT}   (or: ${INSTALL_SCRIPT} ${version})\n` +
			'That takes about 5 minutes and 2 GB per version. N8N_HOSTS_DIR selects another cache folder ' +
			`(now ${hostsDir()}).`,
	);
}

/**
 * Path of the n8n CLI script of an installed host (the real file behind node_modules/.bin/n8n).
 * Throws a HarnessError that says how to install the host when it is missing.
 * @param {string} version
 * @returns {string}
 */
function n8nBin(version) {
	assertHostInstalled(version);
	return fs.realpathSync(path.join(hostDir(version), 'node_modules', '.bin', 'n8n'));
}

/**
 * The `node` binary a host runs on (see hosts.json); throws like n8nBin when it is not installed.
 * @param {string} version
 * @returns {string}
 */
function hostNode(version) {
	assertHostInstalled(version);
	return /** @type {string} */ (pinnedNodeBinary(version));
}

/**
 * How to start `n8n <args>` of a host: its Node running its CLI script. Spawn it with a user
 * folder's `env` (whose PATH starts with the host Node's folder, so n8n's task runners use it too).
 * @param {string} version
 * @param {string[]} args
 * @returns {{ command: string, args: string[] }}
 */
function n8nCommand(version, args) {
	return { command: hostNode(version), args: [n8nBin(version), ...args] };
}

/**
 * Version of the n8n package really installed for a host (from its package.json).
 * @param {string} version
 * @returns {string}
 */
function installedN8nVersion(version) {
	const pkg = path.join(hostDir(version), 'node_modules', 'n8n', 'package.json');
	return JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
}

module.exports = {
	REPO_ROOT,
	hostsDir,
	hostSpecs,
	hostVersions,
	newestHost,
	hostMajor,
	hostDir,
	isHostInstalled,
	n8nBin,
	hostNode,
	n8nCommand,
	installedN8nVersion,
};
