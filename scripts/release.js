#!/usr/bin/env node
'use strict';
// `npm run release`: checks that a version is ready to be tagged, and (with --tag, in the publish
// workflow) that the pushed tag is that version. Publishing itself happens only in GitHub Actions
// (.github/workflows/publish.yml), where npm can sign a provenance statement.
//
//   npm run release                    local: version, CHANGELOG section, clean tree, tag unused
//   npm run release -- --tag v1.2.3    CI: the same checks against the pushed tag

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

/** @param {string} changelog @param {string} version */
function hasReleasedSection(changelog, version) {
	const escaped = version.replace(/[.+-]/g, '\\$&');
	return new RegExp(`^## \\[${escaped}\\] - \\d{4}-\\d{2}-\\d{2}\\s*$`, 'm').test(changelog);
}

/**
 * What stops `version` from being released under `tag`; empty when nothing does.
 * @param {{ version: string, changelog: string, tag?: string }} release
 * @returns {string[]}
 */
function releaseProblems({ version, changelog, tag }) {
	const problems = [];
	if (!SEMVER.test(version)) problems.push(`package.json version "${version}" is not semver (X.Y.Z)`);
	if (!hasReleasedSection(changelog, version)) {
		problems.push(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section`);
	}
	if (tag !== undefined && tag !== `v${version}`) {
		problems.push(`tag "${tag}" is not v${version} (package.json's version)`);
	}
	return problems;
}

/** @param {string[]} args */
function git(args) {
	return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** @param {string} version */
function localProblems(version) {
	const problems = [];
	if (git(['status', '--porcelain']) !== '') problems.push('the work tree has uncommitted changes');
	if (git(['tag', '--list', `v${version}`]) !== '') problems.push(`tag v${version} exists already`);
	return problems;
}

function main() {
	const tagIndex = process.argv.indexOf('--tag');
	const tag = tagIndex === -1 ? undefined : process.argv[tagIndex + 1] || '';
	const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
	const problems = releaseProblems({ version, changelog, tag });
	if (tag === undefined) problems.push(...localProblems(version));

	if (problems.length > 0) {
		console.error(`Not ready to release ${version}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		process.exitCode = 1;
		return;
	}
	if (tag !== undefined) {
		console.log(`Tag ${tag} matches package.json ${version}; CHANGELOG.md has its section.`);
		return;
	}
	console.log(
		[
			`${version} is ready. Tag and push; the Publish workflow checks, builds and publishes it with provenance:`,
			`  git tag -a v${version} -m "v${version}"`,
			`  git push origin HEAD v${version}`,
		].join('\n'),
	);
}

if (require.main === module) main();

module.exports = { releaseProblems };
