#!/usr/bin/env node
// `npm run scan`: the lint of `@n8n/scan-community-package` (what n8n runs to verify a community
// package), run offline with the scanner's own code and rule set. The scanner's CLI cannot run
// here: it downloads the published version, its provenance attestation and the attested GitHub
// commit. What it then does is two calls of its exported `analyzePackage`: one on the source
// checkout (SOURCE_FILE_PATTERNS) and one on the unpacked tarball (`**/*.js` and package.json).
// This script makes both calls, on a copy of this work tree and on a fresh `npm pack`.
//
//   node scripts/scan-locally.mjs [--source DIR] [--package DIR]
//
// --source / --package scan those folders instead (the tarball leg expects an unpacked package).
// The scanner is installed once into ~/.cache/n8n-nodes-cometapi-sora/scanner/<version>
// (SCANNER_DIR overrides). Exit code 1 on any finding or when a leg finds no files to lint.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCANNER = '@n8n/scan-community-package';
const SCANNER_VERSION = '0.32.0';
// analyzePackageByName's tarball leg (scanner/scanner.mjs): compiled JS and the published package.json
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function scannerDir() {
	return (
		process.env.SCANNER_DIR ||
		path.join(os.homedir(), '.cache', 'n8n-nodes-cometapi-sora', 'scanner', SCANNER_VERSION)
	);
}

/** Installs the pinned scanner (without install scripts) unless a complete install is there. */
function ensureScanner() {
	const dir = scannerDir();
	const done = path.join(dir, '.installed');
	if (fs.existsSync(done)) return dir;
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }));
	console.log(`installing ${SCANNER}@${SCANNER_VERSION} into ${dir}`);
	execFileSync(
		'npm',
		['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `${SCANNER}@${SCANNER_VERSION}`],
		{ cwd: dir, stdio: 'inherit' },
	);
	fs.writeFileSync(done, `${SCANNER}@${SCANNER_VERSION}\n`);
	return dir;
}

/** @param {string} prefix */
function scratch(prefix) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** The files of this work tree that git would commit (tracked or new, not ignored): the attested source. */
function copyWorkTree() {
	const dir = scratch('scan-source-');
	const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
		cwd: ROOT,
		encoding: 'utf8',
	})
		.split('\0')
		// regular files only: skips deleted files and a symlinked node_modules (not a directory to git)
		.filter((file) => file && fs.lstatSync(path.join(ROOT, file), { throwIfNoEntry: false })?.isFile());
	for (const file of files) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
	}
	return dir;
}

/** `npm pack` of this work tree (build first), unpacked. */
function unpackFreshTarball() {
	const { packPackage } = require(path.join(ROOT, 'tools', 'n8n-harness', 'package.js'));
	const { tarball } = packPackage(ROOT);
	const dir = scratch('scan-package-');
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return dir;
}

/** @param {string} flag */
function option(flag) {
	const index = process.argv.indexOf(flag);
	return index === -1 ? undefined : path.resolve(process.argv[index + 1]);
}

/**
 * @param {any} scanner the scanner module
 * @param {any} glob the scanner's fast-glob
 * @param {{ name: string, dir: string, patterns: string[] }} leg
 */
async function scanLeg(scanner, glob, { name, dir, patterns }) {
	const files = glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] });
	const result = await scanner.analyzePackage(dir, patterns);
	const verdict = files.length === 0 ? 'FAILED: nothing to lint' : result.passed ? '0 findings' : `FAILED: ${result.message}`;
	console.log(`${name}: ${files.length} files (${patterns.join(', ')}): ${verdict}`);
	if (result.details) console.log(result.details);
	return files.length > 0 && result.passed;
}

async function main() {
	// eslint-plugin-n8n-nodes-base changes its filename and trigger rules under NODE_ENV=test (for
	// its own tests; jest sets it): n8n's scanner never runs that way
	delete process.env.NODE_ENV;
	const dir = ensureScanner();
	const entry = path.join(dir, 'node_modules', SCANNER, 'scanner', 'scanner.mjs');
	const scanner = await import(pathToFileURL(entry).href);
	const glob = createRequire(entry)('fast-glob');
	const legs = [
		{ name: 'source', dir: option('--source') || copyWorkTree(), patterns: scanner.SOURCE_FILE_PATTERNS },
		{ name: 'tarball', dir: option('--package') || unpackFreshTarball(), patterns: TARBALL_PATTERNS },
	];
	console.log(`${SCANNER}@${SCANNER_VERSION} lint (provenance and download legs need the registry: not run)`);
	let passed = true;
	for (const leg of legs) passed = (await scanLeg(scanner, glob, leg)) && passed;
	process.exitCode = passed ? 0 : 1;
}

await main();
