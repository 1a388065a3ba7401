/**
 * Seeded fault injection through a real n8n: ONE execution of a Sora Video "create and wait" node with
 * 50 items (On Error: Continue), against the CometAPI stand-in answering with 5xx, dropped connections
 * (also after a paid create was accepted: "fate unknown"), 429 bursts with Retry-After, truncated
 * downloads and slow answers. The fault decisions depend only on the seed and the arrival order of the
 * requests; the node runs items concurrently, so the order (and which request gets which fault) can
 * differ from run to run. The test therefore checks invariants, never exact counts:
 *   - 50 output items, in input order, each pairedItem pointing back to its input;
 *   - each item is either completed with its MP4 (bytes equal the fixture) or a clear error that says
 *     what happened, with `videoId` whenever the node knew of a job;
 *   - exactly one create request per item and never two paid requests for one prompt;
 *   - every job the stand-in created is completed-and-downloaded or explained by its item's error;
 *   - retries stay within the node's policy (Retry-After honoured, backoff after 5xx/drops, at most
 *     4 retries of a safe request, never a retry of a paid one), also for a download that broke off;
 *   - the faults logged are exactly those the seeded generator decides for the logged request order.
 * It prints a table of the faults injected and how the items came through.
 *
 * Per host: a run with the standard faults; on the first host also a "harsh" run where, once every
 * create was answered, status checks and downloads fail much more often (lost track, failed downloads).
 *
 * FAULTS_SEED=<n> picks another seed; FAULTS_HOSTS=2.8.4 limits the hosts (default: all of hosts.json);
 * FAULTS_HARSH_ALL=1 runs the harsh run on every host.
 */
const { executeWorkflow, hostVersions, nodeOutput, readBinary } = require('../../tools/n8n-harness');
const { fixtures, mulberry32 } = require('../../tools/stand-in');
const { CREDENTIAL_REF, batchWorkflow, createAndWaitNode, useHostFolder, useSoraSuite } = require('./lib/sora-e2e');

// jest 29 ignores `testTimeout` inside a `projects` entry
jest.setTimeout(600_000);

const SEED = Number(process.env.FAULTS_SEED || 20251006);
const ITEMS = 50;
const RENDER_MS = 1500;
const POLL_S = 0.3;
const FAULTS = {
	seed: SEED,
	rate5xx: 0.1,
	statuses5xx: [500, 502, 503],
	rateDrop: 0.05,
	dropAfterCreate: true,
	errorAfterCreate: false,
	burst429: 0.02,
	burstLength: 3,
	retryAfterS: 1,
	slowMs: 150,
	rateTruncate: 0.1,
	fileHost: false,
};
const HOSTS = process.env.FAULTS_HOSTS ? process.env.FAULTS_HOSTS.split(',').map((v) => v.trim()) : hostVersions();

/** Second run: after every create was answered, status checks and downloads fail much more often. */
const HARSH = { ...FAULTS, seed: SEED + 1, rate5xx: 0.4, rateDrop: 0.12, burst429: 0.03, rateTruncate: 0.3 };

/** @param {string} label unique prompts per run and item */
const promptsFor = (label) =>
	Array.from({ length: ITEMS }, (_, i) => `Fault run ${label} ${SEED} item ${String(i).padStart(2, '0')}: a lighthouse in a storm, take ${i + 1}`);

/**
 * Manual -> Edit Fields (one item with 50 prompts) -> Split Out -> Create (wait + download, continue on error).
 * @param {string} id @param {string} label
 */
function faultWorkflow(id, label) {
	const create = createAndWaitNode('Create', CREDENTIAL_REF, { size: '720x1280', options: { pollInterval: POLL_S, timeout: 90 } });
	return batchWorkflow(id, `sora e2e: 50 items under seeded faults (${label})`, promptsFor(label), {
		...create,
		onError: 'continueRegularOutput',
	});
}

const FATE_UNKNOWN = 'create: connection dropped, fate unknown (paid, not repeated)';

// --- the stand-in's log --------------------------------------------------------------------------

/** @param {any} r */
const isEligible = (r) => r.server === 'api' && r.path.startsWith('/v1/') && r.path !== '/v1/models';
/** @param {any} r */
const isCreate = (r) => r.method === 'POST' && r.path === '/v1/videos';
/** @param {any} r */
const kindOf = (r) => (isCreate(r) ? 'create' : /\/content$/.test(r.path) ? 'download' : /^\/v1\/videos\/[^/]+$/.test(r.path) && r.method === 'GET' ? 'poll' : 'other');
/** @param {any} r */
const answeredAt = (r) => r.time + (r.durationMs || 0);
/** @param {any} r */
const promptOf = (r) => (r.bodySummary && (r.bodySummary.fields || r.bodySummary.json || {}).prompt) || undefined;

/**
 * The fault decisions of the stand-in's generator (test/stand-in/index.js, decideFault) for the first
 * `count` eligible requests: replayed from the seed, independent of the run.
 * @param {typeof FAULTS} f @param {number} count
 */
function replayFaults(f, count) {
	const rnd = mulberry32(f.seed);
	let burstRemaining = 0;
	const out = [];
	for (let i = 0; i < count; i++) {
		const [rBurst, r5xx, rCode, rDrop, rTrunc] = [rnd(), rnd(), rnd(), rnd(), rnd()];
		const truncate = rTrunc < f.rateTruncate;
		if (burstRemaining > 0) {
			burstRemaining--;
			out.push({ kind: '429', status: 429, truncate });
		} else if (rBurst < f.burst429) {
			burstRemaining = Math.max(0, Math.floor(f.burstLength) - 1);
			out.push({ kind: '429', status: 429, truncate });
		} else if (r5xx < f.rate5xx) {
			const list = f.statuses5xx;
			out.push({ kind: '5xx', status: list[Math.min(list.length - 1, Math.floor(rCode * list.length))], truncate });
		} else if (rDrop < f.rateDrop) out.push({ kind: 'drop', status: 0, truncate });
		else out.push({ kind: 'none', status: 0, truncate });
	}
	return out;
}

/**
 * How each output item ended. Unknown error texts are 'UNEXPLAINED' and fail the test.
 * @param {any} json
 */
function classify(json) {
	if (!json.error) return json.status === 'completed' ? 'completed + MP4' : `UNEXPECTED status ${json.status}`;
	const e = String(json.error);
	const d = String(json.description || '');
	if (/^Create video failed: /.test(e)) {
		const http = /^HTTP (\d{3})/.exec(d);
		if (http) return `create refused: HTTP ${http[1]} (paid, not repeated)`;
		if (/connection/.test(e) && /List operation/.test(d)) return FATE_UNKNOWN;
	}
	if (/^Lost track of video video_\w+ while waiting: Retrieve video failed/.test(e)) return 'lost track: status checks failed after retries';
	if (/^Download video failed \(video video_\w+\)/.test(e)) return 'download failed after retries';
	if (/^Video video_\w+ was not finished after \d+ s/.test(e)) return 'timed out (the job goes on)';
	return 'UNEXPLAINED';
}

/** @type {string[][]} */
const reports = [];
afterAll(() => {
	for (const lines of reports) console.log(lines.join('\n'));
});

const suite = useSoraSuite({ standIn: { renderMs: RENDER_MS, faults: FAULTS } });
/** @type {Awaited<ReturnType<typeof import('../../tools/stand-in').startStandIn>>} */
let standIn;
beforeAll(() => {
	standIn = suite.standIn;
});

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The two runs per host. `harsh`: once every create has been answered (so the paid requests see the
 * standard faults), the faults switch to much higher rates, re-seeded, for the status checks and
 * downloads: some items then lose track of their job or fail their download after all retries.
 */
const SCENARIOS = [
	{ name: 'standard faults', workflowId: 'soraFaults000001', label: 'std', after: undefined },
	{ name: 'harsh faults on status checks and downloads', workflowId: 'soraFaults000002', label: 'harsh', after: HARSH },
];

describe.each(HOSTS)('n8n %s', (version) => {
	// the set-up calls send nothing to the stand-in
	const folder = useHostFolder(suite, version, { workflows: SCENARIOS.map((s) => faultWorkflow(s.workflowId, s.label)) });
	const setupMs = () => suite.timings.entries.filter((t) => t.version === version).reduce((sum, t) => sum + t.ms, 0);

	// the harsh run (about 30 s of backoff) on the first host only, to keep the file near 1.5 min
	const scenarios = version === HOSTS[0] || process.env.FAULTS_HARSH_ALL === '1' ? SCENARIOS : SCENARIOS.slice(0, 1);
	describe.each(scenarios)('50 items in one execution, $name', (scenario) => {
		const prompts = promptsFor(scenario.label);
		/** @type {import('../../tools/n8n-harness/cli').ExecuteResult} */
		let result;
		/** @type {any[]} */
		let items;
		/** @type {any[]} */
		let log;
		/** @type {Map<string, any>} prompt -> job */
		let jobByPrompt;
		/** @type {Array<{ from: number, faults: typeof FAULTS }>} fault settings by eligible-request index */
		let segments;
		let executeMs = 0;

		beforeAll(async () => {
			if (!folder.root) throw new Error('set-up of the host failed: see the first error');
			standIn.setOptions({ faults: FAULTS });
			standIn.reset(); // same seed, fresh log and jobs for every run
			segments = [{ from: 0, faults: FAULTS }];
			let finished = false;
			const watcher = (async () => {
				if (!scenario.after) return;
				while (!finished) {
					const creates = standIn.requests.filter(isCreate);
					if (creates.length === ITEMS && creates.every((r) => r.status !== null)) {
						// synchronous with the count: no request can arrive in between
						segments.push({ from: standIn.requests.filter(isEligible).length, faults: scenario.after });
						standIn.setOptions({ faults: scenario.after });
						return;
					}
					await sleep(5);
				}
			})();
			const t = Date.now();
			try {
				result = await executeWorkflow(folder, scenario.workflowId);
			} finally {
				finished = true;
				await watcher;
				executeMs = Date.now() - t;
				standIn.setOptions({ faults: FAULTS });
			}
			// let a request still in flight at the stand-in (none expected) settle into the log
			await sleep(200);
			log = standIn.requests.slice();
			jobByPrompt = new Map([...standIn.jobs.values()].map((job) => [job.prompt, job]));
			items = nodeOutput(result.run, 'Create');
		});
		afterAll(() => {
			if (log) reports.push(report(version, scenario, segments, log, items || [], { setupMs: setupMs(), executeMs }));
		});

		it('finishes the execution: every failure stays on its item', () => {
			expect(result.exitCode).toBe(0);
			expect(result.run.status).toBe('success');
			if (scenario.after) expect(segments).toHaveLength(2);
		});

		it('loses no item: 50 outputs in input order, each paired with its input', () => {
			expect(items).toHaveLength(ITEMS);
			items.forEach((item, i) => {
				expect(item.pairedItem).toEqual({ item: i });
				if (!item.json.error) expect(item.json.prompt).toBe(prompts[i]);
			});
		});

		it('ends every item completed with its MP4, or with an error that says what happened', () => {
			const unexplained = [];
			items.forEach((item, i) => {
				const cls = classify(item.json);
				if (cls === 'completed + MP4') {
					const job = jobByPrompt.get(prompts[i]);
					expect(job).toBeDefined();
					expect(item.json.id).toBe(job.id);
					expect(item.json.progress).toBe(100);
					expect(item.binary && item.binary.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${job.id}.mp4` });
					expect(readBinary(folder, item.binary.data).equals(fixtures.video)).toBe(true);
				} else if (cls === 'UNEXPLAINED' || cls.startsWith('UNEXPECTED')) {
					unexplained.push({ item: i, json: item.json });
				} else {
					expect(item.binary).toBeUndefined();
					expect(item.json.description).toEqual(expect.any(String));
				}
			});
			expect(unexplained).toEqual([]);
		});

		it('names the video in every error once the node knew of a job, and only then', () => {
			const wrong = [];
			items.forEach((item, i) => {
				if (!item.json.error) return;
				const job = jobByPrompt.get(prompts[i]);
				const create = log.find((r) => isCreate(r) && promptOf(r) === prompts[i]);
				if (create && create.status === 200) {
					if (item.json.videoId !== job.id || !item.json.error.includes(job.id)) wrong.push({ item: i, job: job.id, json: item.json });
				} else if (item.json.videoId !== undefined) {
					wrong.push({ item: i, unexpectedVideoId: item.json.videoId, json: item.json });
				}
			});
			expect(wrong).toEqual([]);
		});

		it('sends exactly one create per item and never two paid requests for one prompt', () => {
			const creates = log.filter(isCreate);
			expect(creates).toHaveLength(ITEMS);
			const sent = creates.map(promptOf).filter((p) => p !== undefined);
			expect(new Set(sent).size).toBe(sent.length);
			for (const p of sent) expect(prompts).toContain(p);
			const paid = log.filter((r) => r.paid);
			const paidPrompts = paid.map(promptOf);
			expect(new Set(paidPrompts).size).toBe(paid.length);
			// one job per paid request, and no other jobs
			expect(paid.every((r) => typeof r.jobId === 'string')).toBe(true);
			expect(standIn.jobs.size).toBe(paid.length);
			// a create with no body logged was dropped before the stand-in read it: its item must be
			// a "fate unknown" error
			const dropEarly = creates.filter((r) => promptOf(r) === undefined);
			expect(dropEarly.every((r) => r.status === 'dropped')).toBe(true);
			const silent = prompts.filter((p) => !sent.includes(p));
			expect(silent).toHaveLength(dropEarly.length);
			for (const p of silent) expect(classify(items[prompts.indexOf(p)].json)).toBe(FATE_UNKNOWN);
		});

		it('accounts for every job: completed and downloaded, or explained by its item', () => {
			const orphans = [];
			for (const job of standIn.jobs.values()) {
				const i = prompts.indexOf(job.prompt);
				expect(i).toBeGreaterThanOrEqual(0);
				const json = items[i].json;
				const create = log.find((r) => r.seq === job.requestSeq);
				if (create.status === 200) {
					const ok = (!json.error && json.id === job.id) || (json.error && json.videoId === job.id);
					if (!ok) orphans.push({ job: job.id, item: i, json });
					if (!json.error) {
						const downloads = log.filter((r) => r.path === `/v1/videos/${job.id}/content` && r.status === 200 && r.fault !== 'truncate');
						expect(downloads.length).toBeGreaterThanOrEqual(1);
					}
				} else {
					// dropped after the job was made: the node cannot know it; the item says to look with List
					expect(create.status).toBe('dropped');
					if (classify(json) !== FATE_UNKNOWN) orphans.push({ job: job.id, item: i, json });
				}
			}
			expect(orphans).toEqual([]);
		});

		it('follows the retry policy: Retry-After honoured, backoff after 5xx and drops, at most 4 retries', () => {
			const bySafeRequest = new Map();
			for (const r of log.filter(isEligible)) {
				if (isCreate(r)) continue;
				const key = `${r.method} ${r.path} ${JSON.stringify(r.query)}`;
				if (!bySafeRequest.has(key)) bySafeRequest.set(key, []);
				bySafeRequest.get(key).push(r);
			}
			const tooSoon = [];
			let longestRun = 0;
			for (const [key, list] of bySafeRequest) {
				let run = 0;
				list.forEach((r, idx) => {
					const failed = r.status === 429 || (typeof r.status === 'number' && r.status >= 500) || r.status === 'dropped';
					run = failed ? run + 1 : 0;
					longestRun = Math.max(longestRun, run);
					const next = list[idx + 1];
					if (!failed || !next) return;
					const gap = next.time - answeredAt(r);
					// Retry-After: 1 s; else the node's backoff: base 1 s, jittered down to half at most
					const min = r.status === 429 ? FAULTS.retryAfterS * 1000 : 500;
					if (gap < min - 60) tooSoon.push({ key, status: r.status, gapMs: gap, minMs: min });
				});
			}
			expect(tooSoon).toEqual([]);
			// 1 try + 4 retries: never 6 failures in a row on one request
			expect(longestRun).toBeLessThanOrEqual(5);
		});

		it('retries a download that broke off like any connection failure: with backoff, at most 4 retries', () => {
			// a truncated transfer is a connection failure of a safe request (api-facts: retry with
			// exponential backoff and jitter; the node's policy: up to 4 retries)
			const byDownload = new Map();
			for (const r of log.filter((x) => isEligible(x) && kindOf(x) === 'download')) {
				if (!byDownload.has(r.path)) byDownload.set(r.path, []);
				byDownload.get(r.path).push(r);
			}
			const immediate = [];
			const overBudget = [];
			for (const [path, list] of byDownload) {
				if (list.length > 5) overBudget.push({ path, attempts: list.length, statuses: list.map((r) => r.fault || r.status) });
				list.forEach((r, idx) => {
					const next = list[idx + 1];
					if (r.fault !== 'truncate' || !next) return;
					const gap = next.time - answeredAt(r);
					if (gap < 500 - 60) immediate.push({ path, gapMs: gap });
				});
			}
			expect({
				immediateRetries: immediate.length,
				immediateExamples: immediate.slice(0, 2),
				downloadsOverBudget: overBudget.length,
				overBudgetExamples: overBudget.slice(0, 2),
			}).toEqual({ immediateRetries: 0, immediateExamples: [], downloadsOverBudget: 0, overBudgetExamples: [] });
		});

		it('sees exactly the faults the seed decides for the logged request order', () => {
			const eligible = log.filter(isEligible);
			const decided = segments.flatMap((segment, s) => {
				const to = s + 1 < segments.length ? segments[s + 1].from : eligible.length;
				return replayFaults(segment.faults, to - segment.from);
			});
			const mismatches = [];
			eligible.forEach((r, i) => {
				const d = decided[i];
				const logged = r.fault === '429' ? '429' : r.fault === '5xx' ? '5xx' : r.fault === 'drop' ? 'drop' : 'none';
				const ok = logged === d.kind && (d.kind !== '5xx' || r.status === d.status) && (r.fault !== 'truncate' || d.truncate);
				if (!ok) mismatches.push({ seq: r.seq, path: r.path, logged: r.fault, status: r.status, decided: d });
			});
			expect(mismatches).toEqual([]);
			const kinds = new Set(eligible.map((r) => r.fault).filter(Boolean));
			expect([...kinds]).toEqual(expect.arrayContaining(['429', '5xx', 'drop']));
		});
	});
});

/**
 * The table printed after each run: faults injected (from the stand-in's log) and how the items ended.
 * @param {string} version @param {{ name: string }} scenario @param {Array<{ from: number, faults: any }>} segments
 * @param {any[]} log @param {any[]} items @param {{ setupMs: number, executeMs: number }} timing
 */
function report(version, scenario, segments, log, items, timing) {
	const eligible = log.filter(isEligible);
	const kinds = ['create', 'poll', 'download'];
	/** @param {string} label @param {(r: any) => boolean} pick */
	const row = (label, pick) => {
		const cells = kinds.map((k) => eligible.filter((r) => kindOf(r) === k && pick(r)).length);
		return `  ${label.padEnd(34)}${cells.map((c) => String(c).padStart(9)).join('')}${String(cells.reduce((a, b) => a + b, 0)).padStart(9)}`;
	};
	/** @param {number} s */
	const is5xx = (s) => (/** @type {any} */ r) => r.fault === '5xx' && r.status === s;
	const lines = [
		`Fault injection through n8n ${version}, ${scenario.name}: ${ITEMS} items in one execution ` +
			`(execute ${(timing.executeMs / 1000).toFixed(1)} s; host set-up ${(timing.setupMs / 1000).toFixed(1)} s)`,
		...segments.map((s, i) => `  faults from eligible request #${s.from}${i ? ' (after the last create was answered)' : ''}: ${JSON.stringify(s.faults)}`),
		`  ${'INJECTED (stand-in log)'.padEnd(34)}${[...kinds, 'all'].map((k) => k.padStart(9)).join('')}`,
		row('requests', () => true),
		row(`slow (+${FAULTS.slowMs} ms each)`, () => true),
		row('429 rate_limit (Retry-After 1 s)', (r) => r.fault === '429'),
		row('500 server_error', is5xx(500)),
		row('502 bad_response_status_code', is5xx(502)),
		row('503 service_unavailable', is5xx(503)),
		row('dropped before the handler', (r) => r.fault === 'drop' && !r.handled),
		row('dropped after the job was made', (r) => r.fault === 'drop' && r.handled),
		row('download truncated at 50%', (r) => r.fault === 'truncate'),
		row('answered 2xx in full', (r) => typeof r.status === 'number' && r.status < 300 && r.fault !== 'truncate'),
		'  SURVIVED (output items)',
	];
	const counts = new Map();
	const examples = new Map();
	for (const item of items) {
		const c = classify(item.json);
		counts.set(c, (counts.get(c) || 0) + 1);
		if (item.json.error && !examples.has(c)) examples.set(c, item.json);
	}
	for (const [c, n] of [...counts].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(4)}  ${c}`);
	for (const [c, json] of examples) {
		lines.push(`  e.g. ${c}:`, `        error: ${json.error}`, `        description: ${json.description || '-'}`);
		if (json.videoId) lines.push(`        videoId: ${json.videoId}`);
	}
	return lines;
}
