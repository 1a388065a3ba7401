'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { HarnessError } = require('./errors');

/** Repository root (the folder holding package.json), resolved from this file. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

const HOSTS_JSON = path.join(REPO_ROOT, 'test', 'e2e', 'hosts.json');
const INSTALL_SCRIPT = 'scripts/install-n8n-hosts.sh';

/**
 * Folder holding one installed n8n per version: `$N8N_HOSTS_DIR`, else
 * ~/.cache/n8n-nodes-cometapi-sora/hosts (the default of scripts/install-n8n-hosts.sh).
 * @returns {string}
 */
function hostsDir() {
	return process.env.N8N_HOSTS_DIR || path.join(os.homedir(), '.cache', 'n8n-nodes-cometapi-sora', 'hosts');
}

/**
 * The pinned n8n host versions from test/e2e/hosts.json, in the order listed there.
 * @returns {string[]}
 */
function hostVersions() {
	const raw = JSON.parse(fs.readFileSync(HOSTS_JSON, 'utf8'));
	if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string' || !/^\d+\.\d+\.\d+$/.test(v))) {
		throw new HarnessError(`${HOSTS_JSON} must be a JSON array of n8n versions like "2.8.4"`);
	}
	return raw;
}

/**
 * Major version number of a host version string ("2.8.4" -> 2).
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
 * Whether a host version is completely installed (binary present and the installer's `.installed` marker).
 * @param {string} version
 * @returns {boolean}
 */
function isHostInstalled(version) {
	const dir = hostDir(version);
	return fs.existsSync(path.join(dir, '.installed')) && fs.existsSync(path.join(dir, 'node_modules', '.bin', 'n8n'));
}

/**
 * Path of the n8n CLI script of an installed host (the real file behind node_modules/.bin/n8n;
 * the harness runs it with the current `node`). Throws a HarnessError that says how to install
 * the host when it is missing.
 * @param {string} version
 * @returns {string}
 */
function n8nBin(version) {
	if (!isHostInstalled(version)) {
		throw new HarnessError(
			`n8n ${version} is not installed in ${hostDir(version)}.\n` +
				`Install the pinned hosts with:  ${INSTALL_SCRIPT}   (or: ${INSTALL_SCRIPT} ${version})\n` +
				'That takes about 5 minutes and 2 GB per version. N8N_HOSTS_DIR selects another cache folder ' +
				`(now ${hostsDir()}).`,
		);
	}
	return fs.realpathSync(path.join(hostDir(version), 'node_modules', '.bin', 'n8n'));
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
	hostVersions,
	hostMajor,
	hostDir,
	isHostInstalled,
	n8nBin,
	installedN8nVersion,
};
