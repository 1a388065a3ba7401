'use strict';

/**
 * The previous release of the node, built from git into a temp folder and renamed, so the bench can
 * install it beside the current build and measure a fixed poll (the 0.1.0 wait sleeps exactly one
 * Poll Interval between status checks) in the same run. The node code itself keeps no switch for it.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '../..');
/** The last commit of the 0.1.0 node (fixed-interval polling) before the poll schedule. */
const BASELINE_REF = 'd209399';
const BASELINE_NAME = 'n8n-nodes-cometapi-sora-fixed-poll';
const BASELINE_TYPE = `${BASELINE_NAME}.soraVideo`;
/** What building the package needs from the tree at that commit. */
const BUILD_INPUTS = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'gulpfile.js', 'nodes', 'credentials', 'icons'];

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Builds `ref` with this checkout's node_modules into a temp folder; returns the folder (a package
 * named `name`, ready for packPackage) and the commit it came from.
 * @param {string} ref
 * @param {string} [name] the package name (default: the one at that commit)
 */
function buildCommit(ref, name) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-bench-baseline-'));
	const commit = run('git', ['-C', REPO_ROOT, 'rev-parse', '--short', ref]).trim();
	const archive = path.join(dir, 'src.tar');
	run('git', ['-C', REPO_ROOT, 'archive', '--format=tar', `--output=${archive}`, commit, ...BUILD_INPUTS]);
	run('tar', ['-xf', archive, '-C', dir]);
	fs.rmSync(archive);
	fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	run(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], dir);
	run(path.join(REPO_ROOT, 'node_modules/.bin/gulp'), ['build:assets'], dir);
	const pkgFile = path.join(dir, 'package.json');
	const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
	const { scripts, devDependencies, ...kept } = pkg;
	const packageName = name || pkg.name;
	fs.writeFileSync(pkgFile, JSON.stringify({ ...kept, name: packageName, files: ['dist'] }, null, 2));
	fs.unlinkSync(path.join(dir, 'node_modules'));
	return { dir, commit, name: packageName, type: `${packageName}.soraVideo`, version: pkg.version };
}

/** The previous release, renamed so it installs beside the current build. */
const buildBaseline = () => buildCommit(BASELINE_REF, BASELINE_NAME);

module.exports = { buildBaseline, buildCommit, BASELINE_REF, BASELINE_NAME, BASELINE_TYPE };
