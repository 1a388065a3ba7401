/**
 * Self-test of the e2e harness against every pinned n8n host (tools/n8n-harness/hosts.json), with
 * built-in nodes plus a generated probe community package. Install the hosts first:
 * scripts/install-n8n-hosts.sh
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const harness = require('../../tools/n8n-harness');

const {
	createN8nUserFolder,
	executeWorkflow,
	executionError,
	hostSpecs,
	importCredentials,
	importWorkflow,
	nodeError,
	nodeOutput,
	readBinary,
	startN8n,
} = harness;
const {
	dataWorkflow,
	failingWorkflow,
	probeCredential,
	probeWorkflow,
	SET_OUTPUT,
	STOP_MESSAGE,
	WEBHOOK_PATH,
	webhookWorkflow,
} = require('./fixtures/harness-workflows');
const { PROBE_NODE_TYPE, PROBE_PACKAGE_NAME, writeProbePackage } = require('./fixtures/probe-package');

// jest 29 ignores `testTimeout` inside a `projects` entry, so set it here (each step is bounded
// by the harness itself: 180 s per CLI call, 120 s for n8n start).
jest.setTimeout(600_000);

const timings = harness.createTimings();
const { timed } = timings;

const probePackage = writeProbePackage();

afterAll(() => {
	probePackage.cleanup();
	timings.report('e2e harness timings', { totals: false });
});

describe('harness output parsing (no host needed)', () => {
	const run = {
		data: {
			resultData: {
				runData: { Manual: [{ startTime: 1, executionTime: 1, data: { main: [[{ json: { a: 1 } }]] } }] },
			},
		},
		status: 'success',
		finished: true,
	};
	const stdout = `n8n Task Broker ready on 127.0.0.1, port 5679\n{ "not": "json" start }\n${JSON.stringify(run, null, 2)}\n`;
	/** @param {Partial<import('../../tools/n8n-harness/cli').CliResult>} patch */
	const cliResult = (patch) => ({ exitCode: 0, signal: null, stdout, stderr: '', durationMs: 1, args: [], ...patch });

	it('parses the execution JSON that follows the log lines', () => {
		expect(harness.parseExecuteOutput(stdout)).toEqual(run);
		expect(harness.parseExecuteOutput('only logs\n')).toBeUndefined();
	});

	it('reports the exit code n8n was returning when it crashes after printing the execution', () => {
		const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
		try {
			const crashed = harness.interpretExecuteResult({ version: 'x' }, 'wf', cliResult({ exitCode: null, signal: 'SIGSEGV' }));
			expect(crashed).toMatchObject({ exitCode: 0, crashedAtExit: true, signal: 'SIGSEGV' });
			expect(nodeOutput(crashed.run, 'Manual')).toEqual([{ json: { a: 1 } }]);
		} finally {
			spy.mockRestore();
		}
		expect(harness.interpretExecuteResult({ version: 'x' }, 'wf', cliResult({}))).toMatchObject({ exitCode: 0, crashedAtExit: false });
		expect(() => harness.interpretExecuteResult({ version: 'x' }, 'wf', cliResult({ exitCode: 1, stdout: 'Unrecognized node type: a.b\n' }))).toThrow(
			/printed no execution JSON[\s\S]*Hint: a\.b is not loaded/,
		);
	});
});

describe('installing a package from its tarball (no host needed)', () => {
	/** @type {string} */
	let n8nDir;
	/** @type {import('../../tools/n8n-harness/package').InstalledPackage} */
	let installed;
	beforeAll(() => {
		n8nDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-install-'));
		installed = harness.installTarball(harness.packPackage(probePackage.dir).tarball, n8nDir);
	});
	afterAll(() => fs.rmSync(n8nDir, { recursive: true, force: true }));

	it('packs once per folder and unpacks where n8n loads community packages', () => {
		expect(harness.packPackage(probePackage.dir)).toBe(harness.packPackage(probePackage.dir));
		expect(installed).toEqual({ name: PROBE_PACKAGE_NAME, version: '0.0.1', dir: path.join(n8nDir, 'nodes', 'node_modules', PROBE_PACKAGE_NAME) });
		expect(fs.existsSync(path.join(installed.dir, 'dist', 'nodes', 'HarnessProbe', 'HarnessProbe.node.js'))).toBe(true);
		expect(JSON.parse(fs.readFileSync(path.join(n8nDir, 'nodes', 'package.json'), 'utf8')).dependencies).toEqual({
			[PROBE_PACKAGE_NAME]: '0.0.1',
		});
	});

	it("drops dev and peer dependencies as n8n's installer does, so no n8n-workflow lands next to the package", () => {
		const pkg = JSON.parse(fs.readFileSync(path.join(installed.dir, 'package.json'), 'utf8'));
		expect(pkg).not.toHaveProperty('peerDependencies');
		expect(pkg).not.toHaveProperty('devDependencies');
		expect(fs.existsSync(path.join(installed.dir, 'node_modules', 'n8n-workflow'))).toBe(false);
		expect(fs.existsSync(path.join(n8nDir, 'nodes', 'node_modules', 'n8n-workflow'))).toBe(false);
	});

	it('refuses a tarball whose n8n block names missing files', () => {
		const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-broken-'));
		try {
			const pkg = JSON.parse(fs.readFileSync(path.join(probePackage.dir, 'package.json'), 'utf8'));
			fs.writeFileSync(path.join(broken, 'package.json'), JSON.stringify({ ...pkg, n8n: { nodes: ['dist/missing.node.js'] } }));
			expect(() => harness.installTarball(harness.packPackage(broken).tarball, broken)).toThrow(/lacks dist\/missing\.node\.js/);
		} finally {
			fs.rmSync(broken, { recursive: true, force: true });
		}
	});
});

describe.each(hostSpecs())('n8n $n8n', ({ n8n: version, node }) => {
	it('is installed (else run scripts/install-n8n-hosts.sh), with the Node it needs', () => {
		expect(harness.installedN8nVersion(version)).toBe(version);
		const binary = harness.hostNode(version);
		expect(binary).toEqual(node ? expect.stringContaining(`node-${node}`) : process.execPath);
		expect(harness.n8nCommand(version, ['--version'])).toEqual({ command: binary, args: [harness.n8nBin(version), '--version'] });
	});

	describe.each(/** @type {const} */ (['default', 'filesystem']))('binary mode %s', (binaryMode) => {
		/** @type {import('../../tools/n8n-harness/user-folder').N8nUserFolder} */
		let folder;
		// the probe package, the failing and the webhook workflow run once per host, in the first folder
		const full = binaryMode === 'default';

		beforeAll(async () => {
			folder = await createN8nUserFolder({
				version,
				binaryMode,
				packageDir: full ? probePackage.dir : undefined,
			});
			const workflows = full ? [dataWorkflow, failingWorkflow, probeWorkflow, webhookWorkflow] : [dataWorkflow];
			// the first CLI call on a fresh folder also creates the database (migrations)
			if (full) {
				await timed(version, 'import:credentials (first call: migrations)', () =>
					importCredentials(folder, [probeCredential]),
				);
				await timed(version, `import:workflow x${workflows.length}`, () => importWorkflow(folder, workflows));
			} else {
				await timed(version, 'import:workflow x1 (first call: migrations)', () => importWorkflow(folder, workflows));
			}
		});
		afterAll(async () => {
			if (folder) await folder.cleanup();
		});

		it('executes Manual -> Edit Fields -> Convert to File and reads the file bytes', async () => {
			const result = await timed(version, `execute set + convert to file [${binaryMode}]`, () =>
				executeWorkflow(folder, dataWorkflow.id),
			);
			expect(result.exitCode).toBe(0);
			expect(result.run.status).toBe('success');
			expect(executionError(result.run)).toBeUndefined();

			const fields = nodeOutput(result.run, 'Edit Fields');
			expect(fields).toHaveLength(1);
			expect(fields[0].json).toEqual(SET_OUTPUT);

			const files = nodeOutput(result.run, 'Convert to File');
			expect(files).toHaveLength(1);
			const binary = /** @type {import('../../tools/n8n-harness/run-data').N8nBinaryData} */ (files[0].binary && files[0].binary.data);
			expect(binary).toMatchObject({ mimeType: 'application/json', fileName: 'fields.json' });
			if (binaryMode === 'filesystem') {
				// filesystem-v2:workflows/<workflowId>/executions/<executionId>/binary_data/<uuid>
				expect(binary.id).toMatch(new RegExp(`^filesystem-v2:workflows/${dataWorkflow.id}/executions/\\d+/binary_data/`));
			} else {
				expect(binary.id).toBeUndefined();
			}
			expect(readBinary(folder, binary).toString('utf8')).toBe(JSON.stringify([SET_OUTPUT]));
		});

		if (!full) return;

		it('loads the community package from .n8n/nodes and decrypts its imported credential', async () => {
			const result = await timed(version, 'execute probe (community package)', () =>
				executeWorkflow(folder, probeWorkflow.id),
			);
			expect(result.exitCode).toBe(0);
			expect(folder.env.PATH.split(path.delimiter)[0]).toBe(path.dirname(harness.hostNode(version)));
			expect(nodeOutput(result.run, 'Probe')).toEqual([
				expect.objectContaining({
					json: {
						text: 'probe says hi',
						apiKey: probeCredential.data.apiKey,
						baseUrl: probeCredential.data.baseUrl,
						nodeType: PROBE_NODE_TYPE,
						// nodes run in n8n's main process: the host's own Node, first on the folder's PATH
						nodeVersion: node ? expect.stringMatching(new RegExp(`^v${node}\\.`)) : process.version,
					},
				}),
			]);
		});

		it('reports a failing workflow with exit code 1 and a readable error', async () => {
			const result = await timed(version, 'execute stop-and-error', () => executeWorkflow(folder, failingWorkflow.id));
			expect(result.exitCode).toBe(1);
			expect(result.run.status).toBe('error');
			expect(nodeError(result.run, 'Stop and Error')).toMatchObject({ message: STOP_MESSAGE });
			expect(executionError(result.run)).toMatchObject({ message: STOP_MESSAGE });
			expect(() => nodeOutput(result.run, 'Stop and Error')).toThrow(STOP_MESSAGE);
		});

		it('serves a webhook workflow with n8n start', async () => {
			const server = await timed(version, 'activate + n8n start until webhook live', () =>
				startN8n(folder, { activate: [webhookWorkflow.id], webhook: { path: WEBHOOK_PATH, method: 'POST' } }),
			);
			timings.add(version, '  of which n8n start until webhook live', server.startupMs);
			try {
				const started = Date.now();
				const response = await fetch(`${server.url}?q=42`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ message: 'ping' }),
					signal: AbortSignal.timeout(30_000),
				});
				timings.add(version, 'webhook request round trip', Date.now() - started);
				expect(response.status).toBe(201);
				expect(await response.json()).toEqual({ echo: 'ping', query: '42', via: 'n8n' });
			} finally {
				await timed(version, 'stop n8n', () => server.stop());
			}
		});
	});
});
