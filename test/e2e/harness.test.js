/**
 * Self-test of the e2e harness against every pinned n8n host (test/e2e/hosts.json), with
 * built-in nodes plus a generated probe community package. Install the hosts first:
 * scripts/install-n8n-hosts.sh
 */
const {
	createN8nUserFolder,
	executeWorkflow,
	executionError,
	hostVersions,
	importCredentials,
	importWorkflow,
	installedN8nVersion,
	interpretExecuteResult,
	n8nBin,
	nodeError,
	nodeOutput,
	parseExecuteOutput,
	readBinary,
	startN8n,
} = require('./harness');
const { createTimings } = require('./harness/timings');
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
const { PROBE_NODE_TYPE, writeProbePackage } = require('./fixtures/probe-package');

// jest 29 ignores `testTimeout` inside a `projects` entry, so set it here (each step is bounded
// by the harness itself: 180 s per CLI call, 120 s for n8n start).
jest.setTimeout(600_000);

const timings = createTimings();
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
	/** @param {Partial<import('./harness/cli').CliResult>} patch */
	const cliResult = (patch) => ({ exitCode: 0, signal: null, stdout, stderr: '', durationMs: 1, args: [], ...patch });

	it('parses the execution JSON that follows the log lines', () => {
		expect(parseExecuteOutput(stdout)).toEqual(run);
		expect(parseExecuteOutput('only logs\n')).toBeUndefined();
	});

	it('reports the exit code n8n was returning when it crashes after printing the execution', () => {
		const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
		try {
			const crashed = interpretExecuteResult({ version: 'x' }, 'wf', cliResult({ exitCode: null, signal: 'SIGSEGV' }));
			expect(crashed).toMatchObject({ exitCode: 0, crashedAtExit: true, signal: 'SIGSEGV' });
			expect(nodeOutput(crashed.run, 'Manual')).toEqual([{ json: { a: 1 } }]);
		} finally {
			spy.mockRestore();
		}
		expect(interpretExecuteResult({ version: 'x' }, 'wf', cliResult({}))).toMatchObject({ exitCode: 0, crashedAtExit: false });
		expect(() => interpretExecuteResult({ version: 'x' }, 'wf', cliResult({ exitCode: 1, stdout: 'Unrecognized node type: a.b\n' }))).toThrow(
			/printed no execution JSON[\s\S]*Hint: a\.b is not loaded/,
		);
	});
});

describe.each(hostVersions())('n8n %s', (version) => {
	it('is installed (else run scripts/install-n8n-hosts.sh)', () => {
		expect(() => n8nBin(version)).not.toThrow();
		expect(installedN8nVersion(version)).toBe(version);
	});

	describe.each(/** @type {const} */ (['default', 'filesystem']))('binary mode %s', (binaryMode) => {
		/** @type {import('./harness/user-folder').N8nUserFolder} */
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
			const binary = /** @type {import('./harness/run-data').N8nBinaryData} */ (files[0].binary && files[0].binary.data);
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
			expect(nodeOutput(result.run, 'Probe')).toEqual([
				expect.objectContaining({
					json: {
						text: 'probe says hi',
						apiKey: probeCredential.data.apiKey,
						baseUrl: probeCredential.data.baseUrl,
						nodeType: PROBE_NODE_TYPE,
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
