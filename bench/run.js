#!/usr/bin/env node
/**
 * Benchmark: the Sora Video (CometAPI) node against n8n's own OpenAI node (Video > Generate) in real
 * n8n hosts, both talking to the local CometAPI stand-in, plus memory and throughput of big
 * downloads. `npm run bench` = `npm run build && node bench/run.js`. See bench/README.md.
 *
 *   node bench/run.js [--quick] [--hosts=2.41.1,1.123.81] [--render-ms=6000] [--ns=1,5,20]
 *                     [--big-ns=100,200] [--long-renders-s=30,60] [--sizes=50,200,500]
 *                     [--builtin-n20=auto|run|extrapolate] [--no-overlap] [--budget-s=720]
 *                     [--skip-batch] [--skip-big] [--skip-long] [--skip-memory] [--strict] [--out=bench/results]
 */
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const harness = require('../tools/n8n-harness');
const { startStandIn } = require('../tools/stand-in');
const procs = require('./lib/procs');
const wf = require('./lib/workflows');
const report = require('./lib/report');
const { buildBaseline, buildCommit } = require('./lib/baseline');
const { installTarballCached, packPackage } = require('../tools/n8n-harness/package');

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
	/** @type {Record<string, string | boolean>} */
	const a = {};
	for (const arg of argv) {
		const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
		if (!m) throw new Error(`unknown argument ${arg} (see bench/README.md)`);
		a[m[1]] = m[2] === undefined ? true : m[2];
	}
	const quick = a.quick === true;
	const list = (v, fallback) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : fallback);
	const config = {
		quick,
		hosts: list(a.hosts, harness.hostVersions()),
		renderMs: Number(a['render-ms'] || (quick ? 2500 : 6000)),
		ns: list(a.ns, quick ? ['1', '3'] : ['1', '5', '20']).map(Number),
		bigNs: a['skip-big'] === true ? [] : list(a['big-ns'], quick ? ['12'] : ['100', '200']).map(Number),
		longRendersMs: a['skip-long'] === true ? [] : list(a['long-renders-s'], quick ? ['8'] : ['30', '60']).map((x) => Number(x) * 1000),
		longN: Number(a['long-n'] || (quick ? 2 : 5)),
		createLatencyMs: [500, 2000],
		parallelRequests: defaultParallelRequests(),
		sizesMb: list(a.sizes, quick ? ['5', '20'] : ['50', '200', '500']).map(Number),
		builtinN20: String(a['builtin-n20'] || 'auto'),
		overlap: a['no-overlap'] !== true,
		budgetS: Number(a['budget-s'] || 720),
		batch: a['skip-batch'] !== true,
		memory: a['skip-memory'] !== true,
		strict: a.strict === true,
		packageRef: typeof a['package-ref'] === 'string' ? a['package-ref'] : null,
		out: path.resolve(REPO_ROOT, typeof a.out === 'string' ? a.out : quick ? 'bench/results-quick' : 'bench/results'),
		sampleMs: 50,
		memoryHost: harness.newestHost(),
		memoryBuiltin: a['skip-memory-builtin'] !== true,
		concurrencyCheck: a['skip-concurrency-check'] !== true,
		slowMs: 300,
		fastPollS: 1,
	};
	if (!['auto', 'run', 'extrapolate'].includes(config.builtinN20)) throw new Error('--builtin-n20 must be auto, run or extrapolate');
	return config;
}

const BIG_N = (config) => Math.max(...config.ns);

/** Parallel Requests' default, read from the node's source (written once there). */
function defaultParallelRequests() {
	const source = fs.readFileSync(path.join(REPO_ROOT, 'nodes/SoraVideo/actions/run/limits.ts'), 'utf8');
	const parallel = Number((/parallelRequests: \{[^}]*default: (\d+)/.exec(source) || [])[1]);
	if (!Number.isInteger(parallel)) throw new Error('bench: the default of Parallel Requests was not found in actions/run/limits.ts');
	return parallel;
}
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const benchStarted = Date.now();
const stamp = () => `[${((Date.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s]`;
/** @param {string} message */
const say = (message) => process.stderr.write(`${stamp()} ${message}\n`);

const sh = (cmd, args) => {
	try {
		return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	} catch {
		return '';
	}
};
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

function machineInfo(hosts) {
	return {
		date: new Date().toISOString(),
		nproc: os.cpus().length,
		cpuModel: (os.cpus()[0] || {}).model || '',
		memTotalMB: Math.round(os.totalmem() / MB),
		memAvailableMBAtStart: Math.round(Number((/MemAvailable:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8')) || [0, 0])[1]) / 1024),
		kernel: os.release(),
		node: process.version,
		n8n: Object.fromEntries(hosts.filter(harness.isHostInstalled).map((v) => [v, harness.installedN8nVersion(v)])),
		uptimeAtStart: sh('uptime', []),
	};
}

/**
 * Copies package.json + dist/ to a private folder, so a rebuild of the checkout during the run
 * (others work in it) cannot change what the hosts load; records what was measured.
 */
function stagePackage(packageRef) {
	if (packageRef) return stageCommit(packageRef);
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const missing = [...pkg.n8n.nodes, ...pkg.n8n.credentials].filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
	if (missing.length) throw new Error(`the package is not built (missing ${missing.join(', ')}): run \`npm run build\` or \`npm run bench\``);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-bench-package-'));
	fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
	fs.cpSync(path.join(REPO_ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
	const builtAt = fs.statSync(path.join(REPO_ROOT, pkg.n8n.nodes[0])).mtime.toISOString();
	const commit = sh('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD']);
	const dirty = sh('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--', 'nodes', 'credentials']).split('\n').filter(Boolean).length;
	return { dir, name: pkg.name, version: pkg.version, distSha256: distHash(dir), builtAt, commit, uncommittedNodeFiles: dirty };
}

/** sha256 over the .js files of a package's dist/, to tell builds apart. */
function distHash(dir) {
	const hash = createHash('sha256');
	const walk = (d) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
			const full = path.join(d, e.name);
			if (e.isDirectory()) walk(full);
			else if (/\.js$/.test(e.name)) hash.update(e.name).update(fs.readFileSync(full));
		}
	};
	walk(path.join(dir, 'dist'));
	return hash.digest('hex').slice(0, 16);
}

/** `--package-ref`: a commit built on its own (so others' uncommitted edits in the checkout are not measured). */
function stageCommit(ref) {
	const built = buildCommit(ref);
	return { dir: built.dir, name: built.name, version: built.version, distSha256: distHash(built.dir), builtAt: new Date().toISOString(), commit: built.commit, uncommittedNodeFiles: 0 };
}

/** Whether a host's OpenAI node has the Video > Generate operation at all. */
function builtinHasVideo(version) {
	const file = path.join(
		harness.hostDir(version),
		'node_modules/@n8n/n8n-nodes-langchain/dist/nodes/vendors/OpenAi/v2/actions/video/generate.operation.js',
	);
	return fs.existsSync(file);
}

/**
 * A fresh filesystem-mode user folder with the package, the credentials for `standIn` and the workflows.
 * @param {string} version
 * @param {{ apiKey: string, baseUrl: string }} standIn
 * @param {any[]} workflows
 */
async function prepareFolder(version, standIn, workflows, packageDir) {
	const folder = await harness.createN8nUserFolder({ version, binaryMode: 'filesystem', packageDir });
	if (baseline) installBeside(folder, baseline.dir);
	await harness.importCredentials(folder, [wf.cometCredential(standIn), wf.openAiCredential(standIn)]);
	await harness.importWorkflow(folder, workflows);
	return folder;
}

/** @type {ReturnType<typeof buildBaseline> | null} the 0.1.0 build (fixed poll), installed beside ours */
let baseline = null;

/** Installs a second package into a user folder and keeps both in n8n's nodes/package.json. */
function installBeside(folder, packageDir) {
	const manifestPath = path.join(folder.n8nDir, 'nodes', 'package.json');
	const before = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	installTarballCached(packPackage(packageDir).tarball, folder.n8nDir);
	const after = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	after.dependencies = { ...before.dependencies, ...after.dependencies };
	fs.writeFileSync(manifestPath, JSON.stringify(after, null, 2));
}

async function newStandIn(options) {
	const apiKey = `sk-bench-${randomBytes(8).toString('hex')}`;
	const s = await startStandIn({ apiKey, ...options });
	return Object.assign(s, { apiKey });
}

// ---------------------------------------------------------------------------------------------
// Batch runs
// ---------------------------------------------------------------------------------------------

/** Most requests of a list that were open at the same moment (from arrival time and duration). */
function maxConcurrent(records) {
	const events = [];
	for (const r of records) {
		events.push([r.time, 1]);
		events.push([r.time + (r.durationMs || 0), -1]);
	}
	// a request that ends in the same millisecond another starts does not overlap it
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let open = 0;
	let max = records.length ? 1 : 0; // (an answer within the same millisecond still was one open request)
	for (const [, d] of events) {
		open += d;
		max = Math.max(max, open);
	}
	return max;
}

/**
 * What one batch execution did, from n8n's runData and the stand-in's request log.
 * @param {any} standIn
 * @param {any} result execute() result
 * @param {{ node: string, n: number, renderMs: number, pollIntervalS: number }} spec
 */
function analyzeBatch(standIn, result, spec) {
	const task = result.run.data.resultData.runData[spec.node];
	const row = {
		ok: false,
		error: '',
		exitCode: result.exitCode,
		cliMs: result.durationMs,
		wallMs: null,
		nodeStart: null,
		items: 0,
		fileNames: [],
		jobs: 0,
		paidRequests: 0,
		statusPerJob: { min: null, max: null, mean: null },
		contentPerJob: { min: null, max: null },
		non2xx: 0,
		downloadSpanMs: null,
		lastCompletionToEndMs: null,
		createSpanMs: null,
	};
	if (!task || !task[0]) {
		row.error = `node "${spec.node}" did not run`;
		return row;
	}
	row.wallMs = task[0].executionTime;
	row.nodeStart = task[0].startTime;
	let items = [];
	try {
		items = harness.nodeOutput(result.run, spec.node);
	} catch (error) {
		row.error = /** @type {Error} */ (error).message.slice(0, 400);
	}
	row.items = items.length;
	row.fileNames = items.map((item) => (item.binary && item.binary.data ? item.binary.data.fileName : null));

	const api = standIn.requests.filter((r) => r.server === 'api');
	const creates = api.filter((r) => r.method === 'POST' && r.path === '/v1/videos');
	row.paidRequests = standIn.paidRequests().length;
	const jobIds = creates.map((r) => r.jobId).filter(Boolean);
	row.jobs = jobIds.length;
	row.non2xx = api.filter((r) => typeof r.status !== 'number' || r.status >= 300).length;
	const statusCounts = jobIds.map((id) => api.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`).length);
	const contentCounts = jobIds.map((id) => api.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}/content`).length);
	if (statusCounts.length) {
		row.statusPerJob = {
			min: Math.min(...statusCounts),
			max: Math.max(...statusCounts),
			mean: statusCounts.reduce((a, b) => a + b, 0) / statusCounts.length,
		};
		row.contentPerJob = { min: Math.min(...contentCounts), max: Math.max(...contentCounts) };
	}
	const contents = api.filter((r) => r.method === 'GET' && /\/content$/.test(r.path));
	if (contents.length) {
		row.downloadSpanMs = Math.max(...contents.map((r) => r.time + (r.durationMs || 0))) - Math.min(...contents.map((r) => r.time));
	}
	row.maxOpenCreates = maxConcurrent(creates);
	row.maxOpenDownloads = maxConcurrent(contents);
	row.maxOpenRequests = maxConcurrent(api);
	if (creates.length) row.createSpanMs = Math.max(...creates.map((r) => r.time + (r.durationMs || 0))) - Math.min(...creates.map((r) => r.time));
	const completions = jobIds.map((id) => {
		const job = standIn.jobs.get(id);
		return job ? job.createdMs + job.renderMs : 0;
	});
	if (completions.length && row.wallMs !== null) row.lastCompletionToEndMs = row.nodeStart + row.wallMs - Math.max(...completions);
	row.doneToStoredMs = doneToStored(standIn, jobIds, contents);
	row.firstJobChecksMs = firstJobChecks(standIn, jobIds[0], api);
	row.statusTotal = statusCounts.reduce((a, b) => a + b, 0);
	row.statusPerSecond = row.wallMs ? row.statusTotal / (row.wallMs / 1000) : null;
	row.peakOpenRequests = standIn.peakOpenRequests;
	row.createMeanMs = creates.length ? creates.reduce((a, r) => a + (r.durationMs || 0), 0) / creates.length : null;
	if (result.samples && result.samples.length) {
		row.peakRssMB = Math.max(...result.samples.map((x) => x.rss)) / MB;
		row.rssSamples = result.samples.length;
	}
	row.ok = !row.error && result.exitCode === 0 && row.items === spec.n && row.fileNames.every(Boolean);
	if (!row.ok && !row.error) row.error = `exit code ${result.exitCode}, ${row.items}/${spec.n} items with a file`;
	return row;
}

/**
 * From each job's completion at the stand-in (created + render time) to the end of its file's
 * download, which is when the file is in n8n's binary store: median and max over the jobs.
 */
function doneToStored(standIn, jobIds, contents) {
	const gaps = [];
	for (const id of jobIds) {
		const job = standIn.jobs.get(id);
		const download = contents.find((r) => r.path === `/v1/videos/${id}/content` && r.status === 200);
		if (job && download) gaps.push(download.time + (download.durationMs || 0) - (job.createdMs + job.renderMs));
	}
	gaps.sort((a, b) => a - b);
	return gaps.length ? { median: gaps[Math.floor((gaps.length - 1) / 2)], max: gaps[gaps.length - 1], jobs: gaps.length } : null;
}

/** When the first job's status checks arrived, in ms after its creation (its render time last). */
function firstJobChecks(standIn, id, api) {
	const job = id && standIn.jobs.get(id);
	if (!job) return null;
	const checks = api.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`).map((r) => r.time - job.createdMs);
	return { checks, renderMs: job.renderMs };
}

/**
 * Runs one batch workflow and analyzes it. The stand-in is reset first (one run per stand-in at a time).
 */
async function runBatch(folder, standIn, spec) {
	standIn.setOptions({ progressMode: spec.mode, createLatencyMs: spec.createLatencyMs || 0 });
	standIn.reset();
	const load = loadavg();
	const name = `${folder.version} ${spec.label}, ${spec.mode} progress, ${spec.renderMs / 1000} s renders, N=${spec.n}`;
	say(`  ${name}: running`);
	let row;
	try {
		const result = await procs.execute(folder, spec.workflowId, { timeoutMs: spec.timeoutMs, sampleMs: spec.sampleMs });
		row = analyzeBatch(standIn, result, spec);
	} catch (error) {
		row = { ok: false, error: /** @type {Error} */ (error).message.slice(0, 600), wallMs: null };
	}
	const out = {
		host: folder.version,
		node: spec.kind,
		label: spec.label,
		setting: spec.setting,
		mode: spec.mode,
		renderMs: spec.renderMs,
		n: spec.n,
		pollIntervalS: spec.pollIntervalS,
		createLatencyMs: spec.createLatencyMs || 0,
		group: spec.group,
		measured: 'measured',
		loadBefore: load,
		loadAfter: loadavg(),
		...row,
	};
	say(`  ${name}: ${out.ok ? `${(out.wallMs / 1000).toFixed(2)} s, status requests/job ≤ ${out.statusPerJob.max}` : `FAILED: ${out.error}`}`);
	return out;
}

/** <= 16 characters (1.x). */
function batchWorkflowId(spec) {
	return `b${spec.kind[0]}${spec.setting}${spec.mode[0]}${Math.round(spec.renderMs / 100)}x${spec.n}`;
}

/** The node settings the batch runs compare; `fixed` is the 0.1.0 build (see lib/baseline.js). */
const SETTINGS = {
	d: { kind: 'ours', label: 'ours (defaults: poll schedule, Poll Interval 10 s)', pollIntervalS: 10, options: {} },
	f: { kind: 'ours', label: 'ours (Poll Interval 1 s)', pollIntervalS: 1, options: { pollInterval: 1 } },
	x10: { kind: 'fixed', label: 'fixed poll every 10 s (0.1.0, defaults)', pollIntervalS: 10, options: {} },
	x1: { kind: 'fixed', label: 'fixed poll every 1 s (0.1.0, Poll Interval 1 s)', pollIntervalS: 1, options: { pollInterval: 1 } },
};

/** A batch spec: one setting, progress mode, render time and N. */
function batchSpec(setting, mode, renderMs, n, extra = {}) {
	const spec = { ...SETTINGS[setting], setting, mode, renderMs, n, group: 'batch', ...extra };
	spec.workflowId = batchWorkflowId(spec);
	spec.node = wf.OUR_NODE;
	spec.timeoutMs = 180_000 + n * 2000;
	return spec;
}

function batchWorkflow(spec) {
	const node = wf.ourNode(spec.options);
	if (spec.kind === 'fixed') node.type = baseline.type;
	return wf.batchWorkflow(spec.workflowId, `bench: ${spec.label} ${spec.mode} ${spec.renderMs} ms N=${spec.n}`, wf.prompts(spec.workflowId, spec.n), node);
}

/**
 * Our node's 6 s batches on one host. On the first host every N at the defaults (the poll schedule),
 * beside a fixed 10 s and a fixed 1 s poll (the 0.1.0 build), the largest N also with uneven
 * progress; then N = 100 and 200 with creates that take 0.5-2 s (memory sampled). Fixed polls do not
 * read progress, so their uneven rows would repeat the linear ones. Other hosts: the largest N only.
 * With `concurrencyCheck`, one more run in which the stand-in delays every API answer by 300 ms, so
 * that the node's bounds on open requests show in the request log (with instant answers the n8n
 * process itself is the bottleneck and requests rarely overlap).
 */
function batchSpecs(config, fullSet) {
	const bigN = BIG_N(config);
	const r = config.renderMs;
	if (!fullSet) return [batchSpec('d', 'linear', r, bigN), batchSpec('d', 'uneven', r, bigN), batchSpec('x10', 'linear', r, bigN)];
	const specs = [];
	for (const n of config.ns) specs.push(batchSpec('d', 'linear', r, n), batchSpec('x10', 'linear', r, n), batchSpec('x1', 'linear', r, n));
	specs.push(batchSpec('d', 'uneven', r, bigN));
	for (const n of config.bigNs) {
		specs.push(batchSpec('d', 'linear', r, n, { group: 'big', createLatencyMs: config.createLatencyMs, sampleMs: 100 }));
	}
	return specs;
}

async function ourBatches(version, config, standIn, packageDir, fullSet, concurrencyCheck) {
	const specs = batchSpecs(config, fullSet);
	const check = { ...batchSpec('f', 'linear', config.renderMs, BIG_N(config)), group: 'check', label: `ours (Poll Interval 1 s), every API answer delayed ${config.slowMs} ms` };
	check.workflowId = 'bcheck';
	const all = concurrencyCheck ? [...specs, check] : specs;
	say(`${version}: preparing a user folder for our node`);
	const folder = await prepareFolder(version, standIn, all.map(batchWorkflow), packageDir);
	const rows = [];
	let checkRow = null;
	try {
		for (const spec of specs) rows.push(await runBatch(folder, standIn, spec));
		if (concurrencyCheck) {
			standIn.setOptions({ faults: { slowMs: config.slowMs } });
			try {
				checkRow = { ...(await runBatch(folder, standIn, check)), slowMs: config.slowMs };
			} finally {
				standIn.setOptions({ faults: { slowMs: 0 } });
			}
		}
	} finally {
		await folder.cleanup();
	}
	return { rows, checkRow };
}

/**
 * 30 s and 60 s renders on the first host, one background stream per render time (their own
 * stand-in and user folder): the defaults with linear and uneven progress, a fixed 10 s and a
 * fixed 1 s poll. They are almost all sleeping, like the built-in node's runs.
 */
async function prepareLongStream(version, config, renderMs, packageDir) {
	const n = config.longN;
	const specs = [batchSpec('d', 'linear', renderMs, n), batchSpec('d', 'uneven', renderMs, n), batchSpec('x10', 'linear', renderMs, n), batchSpec('x1', 'linear', renderMs, n)];
	for (const spec of specs) spec.group = 'long';
	return await prepareStream(version, specs, { renderMs }, packageDir, specs.map(batchWorkflow));
}

/**
 * One stream of runs on its own stand-in and user folder (the built-in node's runs are sleeps of
 * 10 s, so streams run side by side with everything else; see README). Resolves once the folder
 * is ready, with `run()` to start the runs.
 */
async function prepareStream(version, specs, standInOptions, packageDir, workflows) {
	const standIn = await newStandIn(standInOptions);
	say(`${version}: preparing a user folder for ${specs[0].label} ... (${specs.length} runs)`);
	let folder;
	try {
		folder = await prepareFolder(version, standIn, workflows, packageDir);
	} catch (error) {
		await standIn.close();
		throw error;
	}
	return {
		async run() {
			const rows = [];
			try {
				for (const spec of specs) rows.push(await runBatch(folder, standIn, spec));
			} finally {
				await folder.cleanup();
				await standIn.close();
			}
			return rows;
		},
	};
}

async function prepareBuiltinStream(version, config, ns, packageDir) {
	const specs = ns.map((n) => ({
		kind: 'builtin',
		setting: 'd',
		label: 'built-in OpenAI (defaults: poll 10 s)',
		pollIntervalS: 10,
		mode: 'linear',
		renderMs: config.renderMs,
		group: 'batch',
		n,
		workflowId: `bbuiltin${n}`,
		node: wf.BUILTIN_NODE,
		timeoutMs: 60_000 + n * 40_000,
	}));
	const workflows = specs.map((s) => wf.batchWorkflow(s.workflowId, `bench: ${s.label} N=${s.n}`, wf.prompts(s.workflowId, s.n), wf.builtinNode()));
	return await prepareStream(version, specs, { renderMs: config.renderMs }, packageDir, workflows);
}

async function builtinStream(version, config, ns, packageDir) {
	return await (await prepareBuiltinStream(version, config, ns, packageDir)).run();
}

/** A result row of the built-in OpenAI node on `version`, with what was measured or derived. */
function builtinRow(version, result) {
	return {
		host: version,
		node: 'builtin',
		label: 'built-in OpenAI (defaults: poll 10 s)',
		setting: 'd',
		mode: 'linear',
		group: 'batch',
		...result,
	};
}

function notAvailableRow(version, n) {
	return builtinRow(version, {
		n,
		measured: 'not available',
		ok: false,
		error: `n8n ${version}'s OpenAI node has no Video > Generate operation`,
		wallMs: null,
	});
}

/** Linear fit through the measured built-in rows of a host (per-item cost and fixed cost). */
function extrapolate(rows, version, n) {
	const measured = rows.filter((r) => r.host === version && r.node === 'builtin' && r.measured === 'measured' && r.ok);
	if (measured.length === 0) return null;
	let perItem;
	let fixed;
	if (measured.length === 1) {
		perItem = measured[0].wallMs / measured[0].n;
		fixed = 0;
	} else {
		const xs = measured.map((r) => r.n);
		const ys = measured.map((r) => r.wallMs);
		const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
		const my = ys.reduce((a, b) => a + b, 0) / ys.length;
		const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
		perItem = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / sxx;
		fixed = my - perItem * mx;
	}
	return builtinRow(version, {
		renderMs: measured[0].renderMs,
		n,
		measured: 'extrapolated (linear)',
		basis: `from N=${measured.map((r) => r.n).join(', ')}: ${(fixed / 1000).toFixed(2)} s + ${(perItem / 1000).toFixed(2)} s per item`,
		ok: true,
		wallMs: Math.round(fixed + perItem * n),
		fileNames: [],
		statusPerJob: measured[0].statusPerJob,
	});
}

// ---------------------------------------------------------------------------------------------
// Memory and throughput
// ---------------------------------------------------------------------------------------------

/**
 * A plain loopback download in a child `node` (stream to /dev/null), as the throughput reference.
 * The child idles 400 ms first, so its RSS before the download can be sampled; the growth of a bare
 * Node stream download is the floor any Node-based downloader (n8n included) starts from.
 */
async function nodeLoopbackDownload(url, apiKey, sampleMs) {
	const script = `
const http = require('http'); const fs = require('fs');
setTimeout(() => {
  const t0 = process.hrtime.bigint(); const startedAt = Date.now();
  http.get(process.argv[1], { headers: { authorization: 'Bearer ' + process.argv[2] } }, (res) => {
    let bytes = 0; res.on('data', (c) => { bytes += c.length; });
    res.pipe(fs.createWriteStream('/dev/null')).on('finish', () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      process.stdout.write(JSON.stringify({ status: res.statusCode, bytes, ms, startedAt }));
    });
  }).on('error', (e) => { process.stdout.write(JSON.stringify({ error: e.message })); });
}, 400);`;
	const child = spawn(process.execPath, ['-e', script, url, apiKey], { stdio: ['ignore', 'pipe', 'inherit'] });
	const sampler = procs.startTreeSampler(/** @type {number} */ (child.pid), sampleMs);
	let out = '';
	child.stdout.on('data', (c) => (out += c));
	await new Promise((resolve) => child.on('close', resolve));
	sampler.stop();
	let result;
	try {
		result = JSON.parse(out);
	} catch {
		return { error: out || 'no output' };
	}
	const before = sampler.samples.filter((x) => x.t < result.startedAt);
	const idle = before.length ? before[before.length - 1].rss : null;
	const peak = peakOf(sampler.samples);
	result.idleRssMB = idle === null ? null : idle / MB;
	result.peakRssMB = peak ? peak.rss / MB : null;
	result.growthMB = idle === null || !peak ? null : (peak.rss - idle) / MB;
	return result;
}

function curlLoopbackDownload(url, apiKey) {
	return new Promise((resolve) => {
		const child = spawn('curl', ['-s', '-o', '/dev/null', '-H', `Authorization: Bearer ${apiKey}`, '-w', '%{http_code} %{size_download} %{time_total}', url], {
			stdio: ['ignore', 'pipe', 'ignore'],
		});
		let out = '';
		child.stdout.on('data', (c) => (out += c));
		child.on('error', () => resolve({ error: 'curl not available' }));
		child.on('close', () => {
			const [status, bytes, seconds] = out.trim().split(' ').map(Number);
			resolve(Number.isFinite(seconds) ? { status, bytes, ms: seconds * 1000 } : { error: out || 'no output' });
		});
	});
}

/** sha256 of a URL's body, streamed. */
function urlSha256(url, apiKey) {
	return new Promise((resolve, reject) => {
		http
			.get(url, { headers: { authorization: `Bearer ${apiKey}` } }, (res) => {
				const hash = createHash('sha256');
				res.on('data', (c) => hash.update(c));
				res.on('end', () => resolve(hash.digest('hex')));
				res.on('error', reject);
			})
			.on('error', reject);
	});
}

function fileSha256(file) {
	return new Promise((resolve, reject) => {
		const hash = createHash('sha256');
		fs.createReadStream(file)
			.on('data', (c) => hash.update(c))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}

function peakOf(samples, from = -Infinity, to = Infinity) {
	let peak = null;
	for (const s of samples) if (s.t >= from && s.t <= to && (peak === null || s.rss > peak.rss)) peak = s;
	return peak;
}

function sampleGaps(samples) {
	const gaps = [];
	for (let i = 1; i < samples.length; i++) gaps.push(samples[i].t - samples[i - 1].t);
	gaps.sort((a, b) => a - b);
	return gaps.length ? { median: gaps[Math.floor(gaps.length / 2)], max: gaps[gaps.length - 1], count: samples.length } : { median: null, max: null, count: samples.length };
}

/** Downsamples an RSS series for results.json (every `everyMs`, keeping the peak). */
function thin(samples, t0, everyMs = 250) {
	const out = [];
	let last = -Infinity;
	const peak = peakOf(samples);
	for (const s of samples) {
		if (s.t - last >= everyMs || s === peak) {
			out.push([s.t - t0, Math.round(s.rss / MB)]);
			last = s.t;
		}
	}
	return out;
}

/**
 * Memory and throughput of big downloads: one item, filesystem binary mode, the tree's RSS sampled.
 * Every run first waits `warmUpS` in a Wait node, so n8n's task runner (started by every 2.x CLI
 * call) has finished growing before the download starts; the idle baseline waits as long as the
 * longest run lives.
 */
async function memoryBench(config, packageDir) {
	const version = config.memoryHost;
	if (!config.hosts.includes(version) || !harness.isHostInstalled(version)) {
		return { skipped: `host ${version} is not installed or not selected` };
	}
	const warmUpS = 3;
	const idleS = warmUpS + 2;
	const maxMb = Math.max(...config.sizesMb);
	// renders finish at once and our node polls every 0.1 s, so its time is nearly all download
	const standIn = await newStandIn({ renderMs: 0 });
	const ours = wf.ourNode({ pollInterval: 0.1 });
	const specs = [
		{ id: 'mTiny', label: 'tiny fixture video', mb: null, node: wf.OUR_NODE, workflow: wf.downloadWorkflow('mTiny', 'bench: tiny video', warmUpS, ours) },
		...config.sizesMb.map((mb) => ({ id: `mBig${mb}`, label: `${mb} MB`, mb, node: wf.OUR_NODE, workflow: wf.downloadWorkflow(`mBig${mb}`, `bench: ${mb} MB video`, warmUpS, ours) })),
		{
			id: 'mBuiltin',
			label: `${maxMb} MB, n8n OpenAI node (reference)`,
			mb: maxMb,
			reference: true,
			node: wf.BUILTIN_NODE,
			workflow: wf.downloadWorkflow('mBuiltin', `bench: ${maxMb} MB video, built-in node`, warmUpS, wf.builtinNode()),
		},
	].filter((spec) => !spec.reference || (config.memoryBuiltin && builtinHasVideo(version)));
	say(`${version}: preparing a user folder for the memory runs (filesystem binary mode)`);
	const folder = await prepareFolder(version, standIn, [wf.idleWorkflow('mIdle', idleS), ...specs.map((spec) => spec.workflow)], packageDir);
	const out = { host: version, binaryMode: 'filesystem', sampleMs: config.sampleMs, warmUpS, idleS, baselines: [], runs: [], loopback: [] };
	try {
		const runOne = async (id, videoBytes) => {
			standIn.reset();
			standIn.setOptions({ videoBytes });
			const load = loadavg();
			const result = await procs.execute(folder, id, { sampleMs: config.sampleMs, timeoutMs: 300_000 });
			return { result, load };
		};
		const baseline = async (label) => {
			const { result, load } = await runOne('mIdle', undefined);
			const peak = peakOf(result.samples);
			const mainPeak = result.samples.reduce((m, x) => Math.max(m, x.main), 0);
			const b = {
				label,
				exitCode: result.exitCode,
				peakRssMB: peak ? peak.rss / MB : null,
				mainPeakMB: mainPeak / MB,
				procsAtPeak: peak ? peak.procs : null,
				cliMs: result.durationMs,
				samples: sampleGaps(result.samples),
				load,
				series: thin(result.samples, result.startedAt),
			};
			say(`  idle baseline (${label}): peak RSS of the tree ${b.peakRssMB.toFixed(0)} MB (main process ${b.mainPeakMB.toFixed(0)} MB)`);
			out.baselines.push(b);
		};
		await baseline('1st, before');
		await baseline('2nd, before');

		for (const spec of specs) {
			const bytes = spec.mb === null ? undefined : spec.mb * MB;
			say(`  ${spec.label}: running`);
			const { result, load } = await runOne(spec.id, bytes);
			const run = { label: spec.label, mb: spec.mb, reference: !!spec.reference, bytes: bytes ?? null, load, exitCode: result.exitCode, cliMs: result.durationMs };
			const task = result.run.data.resultData.runData[spec.node];
			run.nodeMs = task && task[0] ? task[0].executionTime : null;
			let item;
			try {
				item = harness.nodeOutput(result.run, spec.node)[0];
			} catch (error) {
				run.error = /** @type {Error} */ (error).message.slice(0, 400);
			}
			const api = standIn.requests.filter((r) => r.server === 'api');
			run.statusRequests = api.filter((r) => r.method === 'GET' && /^\/v1\/videos\/[^/]+$/.test(r.path)).length;
			const content = api.find((r) => r.method === 'GET' && /\/content$/.test(r.path));
			run.download = content ? { ms: content.durationMs, bytesSent: content.bytesSent, status: content.status } : null;
			const peak = peakOf(result.samples);
			run.peakRssMB = peak ? peak.rss / MB : null;
			run.procsAtPeak = peak ? peak.procs : null;
			run.peakAtMs = peak ? peak.t - result.startedAt : null;
			run.mainPeakMB = result.samples.reduce((m, x) => Math.max(m, x.main), 0) / MB;
			if (content && content.durationMs !== null) {
				const end = content.time + content.durationMs + config.sampleMs;
				const before = result.samples.filter((x) => x.t <= content.time);
				const atStart = before.length ? before[before.length - 1] : null;
				const during = result.samples.filter((x) => x.t >= content.time && x.t <= end);
				run.rssAtDownloadStartMB = atStart ? atStart.rss / MB : null;
				run.mainAtDownloadStartMB = atStart ? atStart.main / MB : null;
				run.peakDuringDownloadMB = during.length ? Math.max(...during.map((x) => x.rss)) / MB : null;
				run.mainPeakDuringDownloadMB = during.length ? Math.max(...during.map((x) => x.main)) / MB : null;
				run.samplesDuringDownload = during.length;
				run.downloadWindowMs = [content.time - result.startedAt, end - config.sampleMs - result.startedAt];
			}
			run.samples = sampleGaps(result.samples);
			run.series = thin(result.samples, result.startedAt);
			if (item && item.binary && item.binary.data) {
				const b = item.binary.data;
				run.fileName = b.fileName;
				run.reportedBytes = b.bytes ?? null;
				const file = procs.binaryFile(folder, b);
				run.storedFile = file ? path.relative(folder.root, file) : null;
				run.storedBytes = file ? fs.statSync(file).size : null;
				if (file && bytes !== undefined) {
					const jobId = content ? decodeURIComponent(content.path.split('/')[3]) : '';
					const url = `${standIn.baseUrl}/v1/videos/${jobId}/content?variant=video`;
					if (!spec.reference) {
						run.loopbackNode = await nodeLoopbackDownload(url, standIn.apiKey, config.sampleMs);
						run.loopbackCurl = await curlLoopbackDownload(url, standIn.apiKey);
					}
					const [expected, actual] = await Promise.all([urlSha256(url, standIn.apiKey), fileSha256(file)]);
					run.sha256Matches = expected === actual;
				}
			}
			run.sizeOk = bytes === undefined ? run.storedBytes > 0 : run.storedBytes === bytes;
			say(
				`  ${run.label}: node ${run.nodeMs} ms, peak RSS ${run.peakRssMB ? run.peakRssMB.toFixed(0) : '?'} MB ` +
					`(at download start ${run.rssAtDownloadStartMB ? run.rssAtDownloadStartMB.toFixed(0) : '?'}, during ${run.peakDuringDownloadMB ? run.peakDuringDownloadMB.toFixed(0) : '?'}), ` +
					`stored ${run.storedBytes} bytes${run.sha256Matches === undefined ? '' : `, sha256 ${run.sha256Matches ? 'matches' : 'DIFFERS'}`}${run.error ? `, error ${run.error}` : ''}`,
			);
			out.runs.push(run);
			// the stored file is no longer needed: keep the disk free
			if (run.storedFile) fs.rmSync(path.join(folder.root, run.storedFile), { force: true });
		}
		await baseline('3rd, after');
	} finally {
		await folder.cleanup();
		await standIn.close();
	}
	const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
	const basePeak = median(out.baselines.map((b) => b.peakRssMB));
	const baseMain = median(out.baselines.map((b) => b.mainPeakMB));
	out.baselinePeakMB = basePeak;
	out.baselinePeakRangeMB = [Math.min(...out.baselines.map((b) => b.peakRssMB)), Math.max(...out.baselines.map((b) => b.peakRssMB))];
	out.baselineMainPeakMB = baseMain;
	const tiny = out.runs.find((r) => r.mb === null);
	for (const run of out.runs) {
		run.growthVsIdleMB = run.peakRssMB - basePeak;
		run.growthVsLowestIdleMB = run.peakRssMB - out.baselinePeakRangeMB[0];
		run.mainGrowthVsIdleMB = run.mainPeakMB - baseMain;
		run.growthVsTinyMB = tiny && run !== tiny ? run.peakRssMB - tiny.peakRssMB : null;
		run.growthDuringDownloadMB = run.peakDuringDownloadMB != null && run.rssAtDownloadStartMB != null ? run.peakDuringDownloadMB - run.rssAtDownloadStartMB : null;
		run.mainGrowthDuringDownloadMB =
			run.mainPeakDuringDownloadMB != null && run.mainAtDownloadStartMB != null ? run.mainPeakDuringDownloadMB - run.mainAtDownloadStartMB : null;
		if (run.bytes) {
			run.mbpsNode = run.nodeMs ? run.bytes / MB / (run.nodeMs / 1000) : null;
			run.mbpsDownloadRequest = run.download && run.download.ms ? run.bytes / MB / (run.download.ms / 1000) : null;
			run.mbpsLoopbackNode = run.loopbackNode && run.loopbackNode.ms ? run.loopbackNode.bytes / MB / (run.loopbackNode.ms / 1000) : null;
			run.mbpsLoopbackCurl = run.loopbackCurl && run.loopbackCurl.ms ? run.loopbackCurl.bytes / MB / (run.loopbackCurl.ms / 1000) : null;
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
	const config = parseArgs(process.argv.slice(2));
	const machine = machineInfo(config.hosts);
	say(`bench: hosts ${config.hosts.join(', ')}; render ${config.renderMs} ms; N ${config.ns.join(', ')}; sizes ${config.sizesMb.join(', ')} MB${config.quick ? ' (quick)' : ''}`);
	say(`load: ${machine.uptimeAtStart}`);
	const pkg = stagePackage(config.packageRef);
	say(`package ${pkg.name}@${pkg.version}, dist ${pkg.distSha256} (built ${pkg.builtAt}), staged in ${pkg.dir}`);
	if (config.batch) {
		baseline = buildBaseline();
		pkg.baseline = { name: baseline.name, version: baseline.version, commit: baseline.commit };
		say(`fixed-poll baseline: ${baseline.name} = the node at commit ${baseline.commit}, built in ${baseline.dir}`);
	}

	const installed = config.hosts.filter((v) => harness.isHostInstalled(v));
	const missingHosts = config.hosts.filter((v) => !installed.includes(v));
	for (const v of missingHosts) say(`host ${v} is not installed (scripts/install-n8n-hosts.sh ${v}); its rows are marked as such`);

	const bigN = BIG_N(config);
	/** @type {any[]} */
	const rows = [];
	const notes = [];
	try {
		/** @type {Promise<any[]>[]} */
		const background = [];
		/** @type {any} the delayed-answers run that shows the node's request bounds */
		let concurrency = null;
		/** Hosts whose big built-in run is decided at the end (sequential mode or extrapolate). */
		const decideLater = [];
		if (config.batch) {
			const smallNs = config.ns.filter((n) => n !== bigN);
			const withVideo = installed.filter((version) => builtinHasVideo(version));
			for (const version of installed.filter((v) => !withVideo.includes(v))) for (const n of config.ns) rows.push(notAvailableRow(version, n));
			/** @param {string} version @param {number[]} ns */
			const startStream = async (version, ns) => {
				const stream = await prepareBuiltinStream(version, config, ns, pkg.dir);
				background.push(
					stream.run().catch((error) => ns.map((n) => ({ ...notAvailableRow(version, n), measured: 'measured', error: String(error && error.message) }))),
				);
			};
			if (config.overlap) {
				// the long built-in runs first, so they end as early as possible; the short ones beside them
				for (const version of withVideo) {
					if (config.builtinN20 !== 'extrapolate') await startStream(version, [bigN]);
					else decideLater.push(version);
				}
				for (const version of withVideo) if (smallNs.length) await startStream(version, smallNs);
				for (const renderMs of installed.length ? config.longRendersMs : []) {
					const stream = await prepareLongStream(installed[0], config, renderMs, pkg.dir);
					background.push(stream.run().catch((error) => [{ host: installed[0], node: 'ours', group: 'long', renderMs, measured: 'measured', ok: false, error: String(error && error.message) }]));
				}
			} else {
				for (const version of withVideo) {
					if (smallNs.length) rows.push(...(await builtinStream(version, config, smallNs, pkg.dir)));
					decideLater.push(version);
				}
			}
			for (const [i, version] of installed.entries()) {
				const ours = await ourBatches(version, config, await sharedStandIn(config), pkg.dir, i === 0, i === 0 && config.concurrencyCheck).catch((error) => ({
					rows: [{ host: version, node: 'ours', setting: 'd', mode: 'linear', group: 'batch', n: bigN, label: 'our node', measured: 'measured', ok: false, error: String(error && error.message).slice(0, 600) }],
					checkRow: null,
				}));
				rows.push(...ours.rows);
				if (ours.checkRow) concurrency = ours.checkRow;
			}
		}
		const memory = config.memory ? await memoryBench(config, pkg.dir) : { skipped: '--skip-memory' };

		if (config.batch) {
			if (background.length) say('waiting for the built-in node runs that are still going');
			for (const r of await Promise.all(background)) rows.push(...r);
			for (const version of decideLater) {
				const projection = extrapolate(rows, version, bigN);
				let run = config.builtinN20 === 'run';
				if (config.builtinN20 === 'auto') {
					if (!projection) run = true;
					else {
						const projectedTotalS = (Date.now() - benchStarted + projection.wallMs + 15_000) / 1000;
						run = projectedTotalS <= config.budgetS;
						notes.push(
							`built-in N=${bigN} on ${version}: projected ${(projection.wallMs / 1000).toFixed(0)} s, bench total then ~${projectedTotalS.toFixed(0)} s ` +
								`(budget ${config.budgetS} s): ${run ? 'measured' : 'extrapolated'}`,
						);
					}
				}
				if (run) rows.push(...(await builtinStream(version, config, [bigN], pkg.dir)));
				else if (projection) rows.push(projection);
			}
		}
		for (const v of missingHosts) rows.push({ host: v, node: 'both', label: 'host not installed', n: null, measured: 'not installed', ok: false, error: `run scripts/install-n8n-hosts.sh ${v}` });

		if (sharedStandInPromise) await (await sharedStandInPromise).close();
		const totalS = (Date.now() - benchStarted) / 1000;
		machine.uptimeAtEnd = sh('uptime', []);
		const results = report.build({ config, machine, pkg, rows, memory, notes, totalS, concurrency });
		fs.mkdirSync(config.out, { recursive: true });
		fs.writeFileSync(path.join(config.out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
		fs.writeFileSync(path.join(config.out, 'results.md'), report.markdown(results));
		fs.writeFileSync(path.join(config.out, 'chart.svg'), report.svg(results));
		if (results.big.length) fs.writeFileSync(path.join(config.out, 'scale.svg'), report.scaleSvg(results));
		process.stdout.write(report.text(results));
		say(`wrote ${path.relative(REPO_ROOT, config.out)}/results.md, results.json, chart.svg, scale.svg; total ${totalS.toFixed(0)} s (${(totalS / 60).toFixed(1)} min)`);
		const errors = rows.filter((r) => r.measured === 'measured' && !r.ok).length + (memory.runs || []).filter((r) => r.error || !r.sizeOk).length;
		const failedTargets = results.targets.filter((t) => t.pass === false).length;
		process.exitCode = errors > 0 || (config.strict && failedTargets > 0) ? 1 : 0;
	} finally {
		fs.rmSync(pkg.dir, { recursive: true, force: true });
		if (baseline) fs.rmSync(baseline.dir, { recursive: true, force: true });
	}
}

/** @type {Promise<any> | undefined} */
let sharedStandInPromise;
/** The stand-in of our node's batch runs (one run at a time; reset before each). */
function sharedStandIn(config) {
	sharedStandInPromise = sharedStandInPromise || newStandIn({ renderMs: config.renderMs });
	return sharedStandInPromise;
}

main().catch((error) => {
	process.stderr.write(`${stamp()} bench failed: ${error && error.stack ? error.stack : error}\n`);
	process.exit(1);
});
