/**
 * `npm run scan` (scripts/scan-locally.mjs): the lint n8n's verification scanner
 * (@n8n/scan-community-package) runs on the source and on the tarball, with the scanner's own
 * code and rules. The first test scans this package; the second proves the scan catches what n8n
 * rejects, on a small package that breaks the rules.
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const ROOT = path.resolve(__dirname, '../..');

// a first run installs the scanner (about 30 s)
jest.setTimeout(180_000);

/** @param {string[]} args @returns {Promise<{ code: number, output: string }>} */
async function scan(args = []) {
	try {
		const { stdout } = await promisify(execFile)('node', ['scripts/scan-locally.mjs', ...args], {
			cwd: ROOT,
			maxBuffer: 16 * 1024 * 1024,
		});
		return { code: 0, output: stdout };
	} catch (error) {
		return { code: error.code, output: `${error.stdout}${error.stderr}` };
	}
}

/** @param {string} dir @param {Record<string, string>} files */
function writeFiles(dir, files) {
	for (const [file, content] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.writeFileSync(path.join(dir, file), content);
	}
}

test('this package: the source and the packed tarball have zero findings', async () => {
	const { code, output } = await scan();
	console.log(output);
	expect(output).toMatch(/^source: [1-9]\d* files \(.*\): 0 findings$/m);
	expect(output).toMatch(/^tarball: [1-9]\d* files \(.*\): 0 findings$/m);
	expect(code).toBe(0);
});

test('a package that reads the environment and the file system, logs, and has a dependency fails', async () => {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-scan-bad-'));
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const badPackageJson = JSON.stringify({ ...pkg, dependencies: { axios: '1.18.0' } }, null, 2);
	const source = path.join(scratch, 'source');
	const tarball = path.join(scratch, 'package');
	writeFiles(source, {
		'package.json': badPackageJson,
		'nodes/Leaky/Leaky.ts': "import { readFileSync } from 'fs';\nexport const leak = () => readFileSync(process.env.KEY_FILE!);\n",
	});
	writeFiles(tarball, {
		'package.json': badPackageJson,
		'dist/nodes/Leaky/Leaky.js': 'console.log(require("fs").readFileSync("/etc/hostname"));\n',
	});
	try {
		const { code, output } = await scan(['--source', source, '--package', tarball]);
		expect(code).toBe(1);
		expect(output).toMatch(/^source: 2 files .*: FAILED: ESLint violations found$/m);
		expect(output).toMatch(/^tarball: 2 files .*: FAILED: ESLint violations found$/m);
		for (const rule of [
			'@n8n/community-nodes/no-restricted-imports',
			'@n8n/community-nodes/no-restricted-globals',
			'@n8n/community-nodes/no-runtime-dependencies',
			'no-console',
		]) {
			expect(output).toContain(rule);
		}
		expect(output).toContain(path.join(source, 'nodes/Leaky/Leaky.ts'));
		expect(output).toContain(path.join(tarball, 'dist/nodes/Leaky/Leaky.js'));
	} finally {
		fs.rmSync(scratch, { recursive: true, force: true });
	}
});
