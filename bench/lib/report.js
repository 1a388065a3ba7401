'use strict';

/** Turns the bench's measurements into results.json, results.md, a text table and chart.svg. */

const s1 = (ms) => (ms === null || ms === undefined ? '—' : (ms / 1000).toFixed(1));
const s2 = (ms) => (ms === null || ms === undefined ? '—' : (ms / 1000).toFixed(2));
const f1 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(1));
const sg = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}`);
const f2 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(2));
const f0 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(0));

/** "video_…mp4 (20 distinct)" or `"data" ×20`. */
function summarizeNames(names) {
	if (!names || names.length === 0) return '—';
	const missing = names.filter((n) => !n).length;
	const present = names.filter(Boolean);
	const distinct = [...new Set(present)];
	let text;
	if (distinct.length === 1) text = `"${distinct[0]}" ×${present.length}`;
	else {
		const ex = distinct[0];
		const short = ex.length > 24 ? `${ex.slice(0, 12)}…${ex.slice(-8)}` : ex;
		text = `"${short}" (${distinct.length} distinct${distinct.length < present.length ? ` of ${present.length}` : ''})`;
	}
	return missing ? `${text}, ${missing} without a file` : text;
}

/** The status-request budget per job: ceil(render / Poll Interval) + 3. */
function statusLimit(renderMs, intervalS) {
	return Math.ceil(renderMs / (intervalS * 1000)) + 3;
}

const SETTING_ORDER = { builtin: 0, x10: 1, d: 2, x1: 3, f: 4 };
const settingKey = (r) => (r.node === 'builtin' ? 'builtin' : r.setting);

/** Ratios, budgets and comparisons of one batch row against the rows of the same run. */
function enrichBatchRow(r, rows, defaultRenderMs) {
	const row = { ...r, renderMs: r.renderMs || defaultRenderMs };
	if (!['ours', 'fixed', 'builtin'].includes(r.node)) return row;
	row.idealRatio = r.wallMs ? r.wallMs / row.renderMs : null;
	const interval = r.pollIntervalS || 10;
	row.statusLimit = statusLimit(row.renderMs, interval);
	const fixed1 = rows.find((x) => x.host === r.host && x.setting === 'x1' && (x.renderMs || defaultRenderMs) === row.renderMs && x.n === r.n && x.statusPerJob)
		|| rows.find((x) => x.host === r.host && x.setting === 'x1' && (x.renderMs || defaultRenderMs) === row.renderMs && x.statusPerJob);
	row.fixed1Max = fixed1 && fixed1.statusPerJob.max !== null ? fixed1.statusPerJob.max : null;
	const max = r.statusPerJob ? r.statusPerJob.max : null;
	row.statusOk = max === null || max === undefined ? null : max <= row.statusLimit && (row.fixed1Max === null || max <= row.fixed1Max);
	// shortest possible wall time of a fixed poll, before any request time
	if (r.node === 'fixed') row.pollFloorMs = Math.ceil(row.renderMs / (interval * 1000)) * interval * 1000;
	if (r.node === 'builtin') row.pollFloorMs = r.n * (Math.ceil(row.renderMs / (interval * 1000)) + 1) * interval * 1000;
	row.fileNamesSummary = summarizeNames(r.fileNames);
	const builtin = rows.find((b) => b.host === r.host && b.node === 'builtin' && b.n === r.n && b.wallMs && (b.renderMs || defaultRenderMs) === row.renderMs);
	if (r.node !== 'builtin' && r.wallMs && builtin) {
		row.builtinOverOurs = builtin.wallMs / r.wallMs;
		row.builtinBasis = builtin.measured;
	}
	if (r.group === 'big' && r.createMeanMs !== null && r.createMeanMs !== undefined) {
		row.boundMs = row.renderMs + Math.ceil(r.n / r.parallelRequests) * r.createMeanMs;
		row.boundRatio = r.wallMs ? r.wallMs / row.boundMs : null;
	}
	return row;
}

const rowOrder = (hostOrder) => (a, b) =>
	hostOrder(a.host) - hostOrder(b.host) ||
	(a.renderMs ?? 0) - (b.renderMs ?? 0) ||
	(a.n ?? 0) - (b.n ?? 0) ||
	String(a.mode).localeCompare(String(b.mode)) ||
	SETTING_ORDER[settingKey(a)] - SETTING_ORDER[settingKey(b)];

/** Memory growth per item of the big batches: vs the idle CLI, and the slope between the two largest N. */
function bigMemory(big, memory) {
	const idle = memory && memory.host && memory.baselinePeakMB ? memory : null;
	for (const r of big) {
		r.growthVsIdleMB = idle && r.host === idle.host && r.peakRssMB ? r.peakRssMB - idle.baselinePeakMB : null;
		r.growthPerItemMB = r.growthVsIdleMB === null ? null : r.growthVsIdleMB / r.n;
	}
	const measured = big.filter((r) => r.peakRssMB).sort((a, b) => a.n - b.n);
	if (measured.length < 2) return null;
	const [a, b] = [measured[0], measured[measured.length - 1]];
	return { fromN: a.n, toN: b.n, perItemMB: (b.peakRssMB - a.peakRssMB) / (b.n - a.n) };
}

function scheduleTargets(batch, host, bigN) {
	const targets = [];
	const at = (pred) => batch.filter((r) => r.host === host && pred(r));
	const others = (r) =>
		at((x) => x.renderMs === r.renderMs && x.n === r.n && x.mode === 'linear' && x !== r && x.wallMs)
			.map((x) => `${x.label} ${s2(x.wallMs)} s (${(x.wallMs / x.renderMs).toFixed(2)}×)`)
			.join('; ');
	for (const r of at((x) => x.node === 'ours' && x.setting === 'd' && x.group === 'batch' && x.n === bigN)) {
		targets.push({
			id: 'T1',
			host,
			description: `N=${bigN}, ${s1(r.renderMs)} s renders, ${r.mode} progress, defaults: wall time / one render ≤ 1.25`,
			value: r.idealRatio,
			limit: 1.25,
			unit: '×',
			pass: r.ok && r.idealRatio !== null ? r.idealRatio <= 1.25 : false,
			detail: `${s2(r.wallMs)} s / ${s1(r.renderMs)} s = ${f2(r.idealRatio)}×${others(r) ? `; beside it: ${others(r)}` : ''}`,
		});
	}
	for (const r of at((x) => x.node === 'ours' && x.setting === 'd' && x.group === 'long')) {
		const median = r.doneToStoredMs ? r.doneToStoredMs.median : null;
		const beside = at((x) => x.group === 'long' && x.renderMs === r.renderMs && x !== r && x.doneToStoredMs)
			.map((x) => `${x.label}${x.mode === 'linear' ? '' : ` (${x.mode})`} ${s2(x.doneToStoredMs.median)} s`)
			.join('; ');
		targets.push({
			id: 'T5',
			host,
			description: `${s1(r.renderMs)} s renders, ${r.mode} progress, defaults: median time from job completion to the file stored ≤ 1.5 s`,
			value: median,
			limit: 1500,
			unit: 'ms',
			pass: r.ok && median !== null ? median <= 1500 : false,
			detail: `median ${s2(median)} s, max ${s2(r.doneToStoredMs && r.doneToStoredMs.max)} s over ${r.n} jobs${beside ? `; beside it: ${beside}` : ''}`,
		});
	}
	const ours = at((x) => x.node === 'ours' && x.setting === 'd' && x.statusOk !== null && x.statusOk !== undefined);
	if (ours.length) {
		targets.push({
			id: 'T4',
			host,
			description: 'status requests per job ≤ ceil(render / Poll Interval) + 3 and ≤ a fixed 1 s poll (defaults, every row)',
			value: Math.max(...ours.map((r) => r.statusPerJob.max)),
			limit: null,
			unit: 'requests',
			pass: ours.every((r) => r.statusOk === true),
			detail: ours
				.map((r) => `${s1(r.renderMs)} s ${r.mode} N=${r.n}: max ${r.statusPerJob.max} ≤ ${r.statusLimit}${r.fixed1Max === null ? '' : `, fixed 1 s: ${r.fixed1Max}`}`)
				.join('; '),
		});
	}
	for (const r of at((x) => x.group === 'big')) {
		const lost = r.n - (r.items || 0);
		targets.push({
			id: 'T6',
			host,
			description: `N=${r.n}, creates answering in ${r.createLatencyMs.join('-')} ms: wall ≤ 1.3 × (one render + ceil(N / Parallel Requests) × mean create latency), no error, no item lost`,
			value: r.boundRatio,
			limit: 1.3,
			unit: '×',
			pass: r.ok && r.paidRequests === r.n && r.boundRatio !== null && r.boundRatio <= 1.3,
			detail: `${s2(r.wallMs)} s vs ${s1(r.renderMs)} s + ${Math.ceil(r.n / r.parallelRequests)} × ${s2(r.createMeanMs)} s = ${s2(r.boundMs)} s (${f2(r.boundRatio)}×); ${r.items}/${r.n} items with a file, ${r.paidRequests} paid requests, ${lost > 0 ? `${lost} lost` : 'none lost'}, ${r.non2xx} non-2xx`,
		});
		targets.push({
			id: 'T7',
			host,
			description: `N=${r.n}: memory growth of the n8n process tree ≤ 1 MB per item (filesystem binary mode)`,
			value: r.growthPerItemMB,
			limit: 1,
			unit: 'MB',
			pass: r.growthPerItemMB === null ? null : r.growthPerItemMB <= 1,
			detail:
				r.growthPerItemMB === null
					? 'no idle baseline of this host (memory runs skipped)'
					: `peak ${f0(r.peakRssMB)} MB − idle CLI ${f0(r.peakRssMB - r.growthVsIdleMB)} MB = ${sg(r.growthVsIdleMB)} MB / ${r.n} = ${f2(r.growthPerItemMB)} MB per item`,
		});
	}
	return targets;
}

/**
 * @param {{ config: any, machine: any, pkg: any, rows: any[], memory: any, notes: string[], totalS: number }} input
 */
function build(input) {
	const { config, machine, pkg, rows, memory, notes, totalS, concurrency } = input;
	const renderMs = config.renderMs;
	const bigN = Math.max(...config.ns);
	const hostOrder = (h) => (config.hosts.indexOf(h) === -1 ? 99 : config.hosts.indexOf(h));
	const withParallel = rows.map((r) => ({ ...r, parallelRequests: config.parallelRequests }));
	const all = withParallel.map((r) => enrichBatchRow(r, withParallel, renderMs)).sort(rowOrder(hostOrder));
	const batch = all.filter((r) => r.group !== 'big');
	const big = all.filter((r) => r.group === 'big');
	const bigSlope = bigMemory(big, memory);

	/** @type {any[]} */
	const targets = [];
	const hosts = [...new Set(batch.map((r) => r.host))];
	for (const host of hosts) {
		targets.push(...scheduleTargets(all, host, bigN));
		const ours = batch.find((r) => r.host === host && r.node === 'ours' && r.setting === 'd' && r.mode === 'linear' && r.n === bigN && r.renderMs === renderMs);
		const builtin = batch.find((r) => r.host === host && r.node === 'builtin' && r.n === bigN);
		if (ours) {
			const ratio = ours.wallMs && builtin && builtin.wallMs ? builtin.wallMs / ours.wallMs : null;
			targets.push({
				id: 'T2',
				host,
				description: `≥ 30× faster than the built-in OpenAI node at N=${bigN} (both at default settings)`,
				value: ratio,
				limit: 30,
				unit: '×',
				pass: ratio === null ? null : ratio >= 30,
				detail: builtin
					? builtin.wallMs
						? `built-in ${s1(builtin.wallMs)} s (${builtin.measured}) / ours ${s2(ours.wallMs)} s = ${f1(ratio)}×`
						: `built-in: ${builtin.error || builtin.measured}`
					: 'built-in not run',
			});
		}
	}
	if (memory && memory.runs && memory.runs.length) {
		const biggest = memory.runs.filter((r) => r.mb && !r.reference).sort((a, b) => b.mb - a.mb)[0];
		const ref = memory.runs.find((r) => r.reference);
		if (biggest) {
			targets.push({
				id: 'T3',
				host: memory.host,
				description: `peak memory growth < 80 MB while downloading ${biggest.mb} MB (filesystem mode)`,
				value: biggest.growthVsIdleMB,
				limit: 80,
				unit: 'MB',
				pass: biggest.growthVsIdleMB < 80 && biggest.sizeOk,
				detail:
					`peak ${f0(biggest.peakRssMB)} MB vs idle-CLI peak ${f0(memory.baselinePeakMB)} MB (median of ${memory.baselines.length}, range ${f0(memory.baselinePeakRangeMB[0])}–${f0(memory.baselinePeakRangeMB[1])}) = ${sg(biggest.growthVsIdleMB)} MB ` +
					`(${sg(biggest.growthVsLowestIdleMB)} MB vs the lowest); ` +
					`during the download ${sg(biggest.growthDuringDownloadMB)} MB (main process ${sg(biggest.mainGrowthDuringDownloadMB)} MB); ` +
					`a bare Node download of the same file: ${sg(biggest.loopbackNode && biggest.loopbackNode.growthMB)} MB` +
					(ref ? `; n8n's OpenAI node on the same file: ${sg(ref.growthVsIdleMB)} MB` : '') +
					`; stored ${biggest.storedBytes} bytes (${biggest.sizeOk ? 'ok' : 'WRONG'})`,
			});
		}
	}
	targets.sort((a, b) => a.id.localeCompare(b.id) || hostOrder(a.host) - hostOrder(b.host));

	return {
		generatedAt: new Date().toISOString(),
		totalSeconds: Math.round(totalS),
		machine,
		package: { name: pkg.name, version: pkg.version, commit: pkg.commit, distSha256: pkg.distSha256, builtAt: pkg.builtAt, uncommittedNodeFiles: pkg.uncommittedNodeFiles, baseline: pkg.baseline || null },
		settings: {
			renderMs,
			ns: config.ns,
			sizesMb: config.sizesMb,
			hosts: config.hosts,
			overlap: config.overlap,
			builtinN20: config.builtinN20,
			quick: config.quick,
			fastPollS: config.fastPollS,
			sampleMs: config.sampleMs,
			bigNs: config.bigNs,
			longRendersMs: config.longRendersMs,
			longN: config.longN,
			createLatencyMs: config.createLatencyMs,
			parallelRequests: config.parallelRequests,
		},
		batch,
		big,
		bigSlope,
		concurrency: concurrency || null,
		memory,
		targets,
		notes,
	};
}

function passText(pass) {
	return pass === true ? 'PASS' : pass === false ? 'FAIL' : 'n/a';
}

function statusCell(r) {
	if (!r.statusPerJob || r.statusPerJob.max === null || r.statusPerJob.max === undefined) return '—';
	const range = r.statusPerJob.min === r.statusPerJob.max ? `${r.statusPerJob.max}` : `${r.statusPerJob.min}–${r.statusPerJob.max}`;
	const fixed1 = r.setting !== 'x1' && r.fixed1Max !== null && r.fixed1Max !== undefined ? `; fixed 1 s: ${r.fixed1Max}` : '';
	return `${range} (≤ ${r.statusLimit}${fixed1})`;
}

function batchCells(r) {
	const wall = r.wallMs ? `${s2(r.wallMs)}${r.measured !== 'measured' ? ' *' : ''}` : r.measured === 'measured' ? 'failed' : r.measured;
	const stored = r.doneToStoredMs ? `${s2(r.doneToStoredMs.median)} (${s2(r.doneToStoredMs.max)})` : '—';
	return [
		r.host,
		r.label,
		r.mode || '—',
		r.renderMs ? s1(r.renderMs) : '—',
		r.n === null ? '—' : String(r.n),
		wall,
		r.node !== 'builtin' && r.idealRatio ? `${r.idealRatio.toFixed(2)}×` : '—',
		r.builtinOverOurs ? `${r.builtinOverOurs.toFixed(1)}×${r.builtinBasis !== 'measured' ? ' *' : ''}` : '—',
		r.measured === 'measured' ? statusCell(r) : '—',
		r.measured === 'measured' ? stored : '—',
		r.measured === 'measured' ? (r.ok ? r.fileNamesSummary || '—' : `FAILED: ${r.error}`) : r.basis || r.error || '—',
	];
}

const BATCH_HEAD = [
	'host',
	'node (settings)',
	'progress',
	'render s',
	'N',
	'wall s',
	'wall / render',
	'built-in / this',
	'status req/job (budget; fixed 1 s poll)',
	'done → stored s, median (max)',
	'output file names',
];

function bigCells(r) {
	return [
		r.host,
		String(r.n),
		r.wallMs ? s2(r.wallMs) : 'failed',
		r.boundMs ? `${s2(r.boundMs)} = ${s1(r.renderMs)} + ${Math.ceil(r.n / r.parallelRequests)} × ${s2(r.createMeanMs)}` : '—',
		r.boundRatio ? `${r.boundRatio.toFixed(2)}×` : '—',
		String(r.peakOpenRequests ?? '—'),
		f1(r.statusPerSecond),
		statusCell(r),
		r.peakRssMB ? `${f0(r.peakRssMB)} (${sg(r.growthVsIdleMB)})` : '—',
		f2(r.growthPerItemMB),
		`${r.items}/${r.n}, ${r.paidRequests} paid, ${r.non2xx} non-2xx${r.ok ? '' : `, FAILED: ${r.error}`}`,
	];
}

const BIG_HEAD = [
	'host',
	'N',
	'wall s',
	'bound s = render + ceil(N / Parallel Requests) × mean create',
	'wall / bound',
	'peak open requests',
	'status req/s',
	'status req/job (budget)',
	'peak RSS MB (vs idle CLI)',
	'MB per item',
	'items, requests',
];

function memoryCells(r) {
	const big = !!r.mb;
	const stored = big
		? `${r.storedBytes === r.bytes ? 'yes' : `NO (${r.storedBytes})`}${r.sha256Matches === undefined ? '' : r.sha256Matches ? ', sha256 ok' : ', sha256 DIFFERS'}`
		: `${r.storedBytes ?? '—'} B`;
	return [
		r.label,
		f0(r.peakRssMB),
		sg(r.growthVsIdleMB),
		sg(r.growthDuringDownloadMB),
		sg(r.mainGrowthDuringDownloadMB),
		r.nodeMs === null || r.nodeMs === undefined ? '—' : s2(r.nodeMs),
		big ? f0(r.mbpsNode) : '—',
		big ? f0(r.mbpsDownloadRequest) : '—',
		big && r.loopbackNode ? `${f0(r.mbpsLoopbackNode)} (${sg(r.loopbackNode.growthMB)} MB)` : '—',
		big && r.loopbackCurl ? f0(r.mbpsLoopbackCurl) : '—',
		stored,
	];
}

const MEMORY_HEAD = [
	'video',
	'peak RSS MB',
	'vs idle CLI MB',
	'during download MB',
	'main proc. during download MB',
	'node s',
	'MB/s (node time)',
	'MB/s (download request)',
	'MB/s bare node (its RSS growth)',
	'MB/s curl',
	'stored = N bytes',
];

function textTable(head, rows) {
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ');
	return [line(head), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

function mdTable(head, rows) {
	const esc = (c) => String(c).replace(/\|/g, '\\|');
	return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** The delayed-answers run: how many requests the node kept open at once. */
function concurrencyLine(c) {
	if (!c.ok && !c.wallMs) return `Concurrency check (${c.host}): failed: ${c.error}`;
	return (
		`Concurrency check (n8n ${c.host}, N=${c.n}, poll ${c.pollIntervalS} s, every API answer delayed ${c.slowMs} ms so requests overlap): ` +
		`at most ${c.maxOpenCreates} creates open at once (Parallel Requests default 5), ${c.maxOpenDownloads} downloads, ${c.maxOpenRequests} requests of any kind; ` +
		`${c.paidRequests} paid requests for ${c.n} items, status requests per job ${c.statusPerJob.min}–${c.statusPerJob.max}; node wall time ${s2(c.wallMs)} s${c.ok ? '' : ` (FAILED: ${c.error})`}`
	);
}

function bigIntro(results) {
	const { settings } = results;
	return (
		`Batches of hundreds: ${s1(settings.renderMs)} s renders, the stand-in answers each create after ${settings.createLatencyMs.join('-')} ms (seeded), ` +
		`defaults (Parallel Requests ${settings.parallelRequests}); bound = one render + ceil(N / Parallel Requests) × the mean create latency measured at the stand-in; ` +
		'peak open requests: the stand-in\'s own counter (both servers); RSS: the n8n execute process tree, sampled every 100 ms, against the idle CLI of the memory runs.'
	);
}

const bigSlopeLine = (slope) => `Growth between N=${slope.fromN} and N=${slope.toN} (same CLI set-up): ${f2(slope.perItemMB)} MB per item.`;

function text(results) {
	const out = [];
	const { machine, settings } = results;
	out.push('');
	out.push(`CometAPI Video vs n8n's OpenAI node (Video > Generate), against the local CometAPI stand-in`);
	out.push(`render time ${s1(settings.renderMs)} s per video (and ${settings.longRendersMs.map((ms) => `${s1(ms)} s`).join(', ')}); machine: ${machine.nproc} cores, ${machine.memTotalMB} MB, Node ${machine.node}; n8n ${Object.values(machine.n8n).join(', ')}`);
	out.push(`load at start: ${machine.uptimeAtStart}`);
	out.push(`load at end:   ${machine.uptimeAtEnd}`);
	out.push('');
	out.push('Batch: node wall time from n8n runData (startTime/executionTime of the node)');
	out.push(textTable(BATCH_HEAD, results.batch.map(batchCells)));
	out.push('  * extrapolated (linear) from the measured rows, see the last column');
	if (results.concurrency) out.push(concurrencyLine(results.concurrency));
	if (results.big.length) {
		out.push('');
		out.push(bigIntro(results));
		out.push(textTable(BIG_HEAD, results.big.map(bigCells)));
		if (results.bigSlope) out.push(bigSlopeLine(results.bigSlope));
	}
	if (results.memory && results.memory.runs) {
		out.push('');
		out.push(
			`Memory: n8n ${results.memory.host}, filesystem binary mode, one item; RSS summed over the n8n execute process tree every ${results.memory.sampleMs} ms; ` +
				`idle CLI (Manual Trigger -> Wait ${results.memory.idleS} s -> Edit Fields) peak ${f0(results.memory.baselinePeakMB)} MB (median of ${results.memory.baselines.length}, range ${f0(results.memory.baselinePeakRangeMB[0])}-${f0(results.memory.baselinePeakRangeMB[1])})`,
		);
		out.push(textTable(MEMORY_HEAD, results.memory.runs.map(memoryCells)));
	} else if (results.memory && results.memory.skipped) {
		out.push(`\nMemory: skipped (${results.memory.skipped})`);
	}
	out.push('');
	out.push('Targets');
	out.push(textTable(['', 'host', 'target', 'result', 'detail'], results.targets.map((t) => [t.id, t.host, t.description, passText(t.pass), t.detail])));
	for (const note of results.notes) out.push(`note: ${note}`);
	out.push('');
	out.push(`total bench duration: ${results.totalSeconds} s`);
	out.push('');
	return out.join('\n');
}

function markdown(results) {
	const { machine, settings, package: pkg } = results;
	const md = [];
	md.push('# Benchmark results');
	md.push('');
	md.push(`Generated by \`node bench/run.js\`${settings.quick ? ' --quick' : ''} on ${machine.date} (total ${results.totalSeconds} s). How it is measured: [../README.md](../README.md).`);
	md.push('');
	md.push('| machine | |');
	md.push('|---|---|');
	md.push(`| cores (nproc) | ${machine.nproc} (${machine.cpuModel}) |`);
	md.push(`| memory | ${machine.memTotalMB} MB total, ${machine.memAvailableMBAtStart} MB available at start |`);
	md.push(`| Node.js | ${machine.node} (kernel ${machine.kernel}) |`);
	md.push(`| n8n | ${Object.entries(machine.n8n).map(([k, v]) => (k === v ? v : `${k} (${v})`)).join(', ')} |`);
	md.push(`| load at start | \`${machine.uptimeAtStart}\` |`);
	md.push(`| load at end | \`${machine.uptimeAtEnd}\` |`);
	md.push(`| package | ${pkg.name}@${pkg.version}, commit ${pkg.commit}${pkg.uncommittedNodeFiles ? ` + ${pkg.uncommittedNodeFiles} uncommitted file(s) under nodes/ credentials/` : ''}, dist sha256 ${pkg.distSha256} (built ${pkg.builtAt}) |`);
	md.push('');
	md.push('![wall time per batch size and memory growth per download size](chart.svg)');
	md.push('');
	md.push(`## Batch speed and the poll schedule`);
	md.push('');
	md.push(
		'Wall time of the video node itself (n8n runData `executionTime`), not CLI start-up. "wall / render": wall time / one render time (all renders run side by side at the stand-in, so one render is the floor). ' +
			'"status req/job": GET /v1/videos/{id} per job from the stand-in log, min–max over the jobs, against the budget ceil(render / Poll Interval) + 3 and the most a fixed 1 s poll sent for the same render. ' +
			'"done → stored": from each job\'s completion at the stand-in to the end of its download (the file is then in n8n\'s binary store), median and max over the jobs. ' +
			`"fixed poll" rows run the previous release (${results.package.baseline ? `${results.package.baseline.name}, the node at commit ${results.package.baseline.commit}` : 'not built'}), which sleeps exactly one Poll Interval between checks, installed beside the current build. ` +
			'"uneven" progress: the stand-in\'s progress stalls, then jumps (seeded per job); completion is still at the render time. Fixed polls do not read progress, so they run with linear progress only.',
	);
	md.push('');
	md.push(mdTable(BATCH_HEAD, results.batch.map(batchCells)));
	md.push('');
	md.push('\\* extrapolated (linear); the basis is in the last column.');
	md.push('');
	if (results.concurrency) {
		md.push(concurrencyLine(results.concurrency));
		md.push('');
	}
	if (results.big.length) {
		md.push('## Batches of hundreds');
		md.push('');
		md.push(bigIntro(results));
		md.push('');
		md.push('![wall time and status requests per batch size](scale.svg)');
		md.push('');
		md.push(mdTable(BIG_HEAD, results.big.map(bigCells)));
		md.push('');
		if (results.bigSlope) md.push(bigSlopeLine(results.bigSlope));
		md.push('');
	}
	const detail = [...results.batch, ...results.big].filter((r) => r.measured === 'measured' && r.wallMs);
	if (detail.length) {
		md.push('<details><summary>Per-run detail</summary>');
		md.push('');
		md.push(
			mdTable(
				['host', 'node', 'progress', 'render s', 'N', 'wall s', 'fixed poll floor s', 'last render done → node end s', 'create span s', 'download span s', 'paid requests', 'most open creates / downloads / requests', 'non-2xx', 'first job: status checks at s (render s)', 'CLI s', 'load before/after'],
				detail.map((r) => [
					r.host,
					r.label,
					r.mode,
					s1(r.renderMs),
					r.n,
					s2(r.wallMs),
					s1(r.pollFloorMs),
					s2(r.lastCompletionToEndMs),
					s2(r.createSpanMs),
					s2(r.downloadSpanMs),
					r.paidRequests,
					`${r.maxOpenCreates} / ${r.maxOpenDownloads} / ${r.maxOpenRequests}`,
					r.non2xx,
					r.firstJobChecksMs ? `${r.firstJobChecksMs.checks.map((ms) => s1(ms)).join(', ')} (${s1(r.firstJobChecksMs.renderMs)})` : '—',
					s1(r.cliMs),
					`${(r.loadBefore || []).join(' ')} / ${(r.loadAfter || []).join(' ')}`,
				]),
			),
		);
		md.push('');
		md.push('</details>');
		md.push('');
	}
	if (results.memory && results.memory.runs) {
		const m = results.memory;
		md.push(`## Memory and throughput of big downloads (n8n ${m.host}, filesystem binary mode, one item)`);
		md.push('');
		md.push(
			`Peak of the summed VmRSS of the \`n8n execute\` process and its children, sampled every ${m.sampleMs} ms. ` +
				`Every run waits ${m.warmUpS} s in a Wait node before the video node, so n8n's task runner (started by every 2.x CLI call, still growing for about a second) is warm before the download starts. ` +
				`Idle baseline: the same CLI running a trivial workflow (Manual Trigger → Wait ${m.idleS} s → Edit Fields), twice before and once after the downloads: peaks ${m.baselines.map((b) => `${f0(b.peakRssMB)} MB`).join(', ')}; the median is used. ` +
				'Separate CLI processes settle at levels some 10-30 MB apart, so "vs idle CLI" carries that noise; "during download" compares samples of one process. ' +
				'"During download": highest sample while the stand-in was sending the file minus the last sample before it started (whole tree; and the `n8n execute` process alone). ' +
				'Throughput: bytes / node time (render 0 s, poll 0.1 s, so the node time is almost all download), bytes / duration of the download request at the stand-in, and plain loopback downloads of the same URL by a child `node` (stream to /dev/null; its own RSS growth in brackets) and by curl. ' +
				"The reference row runs n8n's OpenAI node on the same file: its node time includes the 10 s it sleeps after every status answer, so only its memory and its download-request throughput compare.",
		);
		md.push('');
		md.push(mdTable(MEMORY_HEAD, m.runs.map(memoryCells)));
		md.push('');
		md.push(`Sampling: ${m.runs.map((r) => `${r.label}: ${r.samples.count} samples, median gap ${r.samples.median} ms, max ${r.samples.max} ms`).join('; ')}.`);
		md.push('');
	}
	md.push('## Targets');
	md.push('');
	md.push(mdTable(['', 'host', 'target', 'result', 'detail'], results.targets.map((t) => [t.id, t.host, t.description, `**${passText(t.pass)}**`, t.detail])));
	md.push('');
	if (results.notes.length) {
		md.push('## Notes');
		md.push('');
		for (const note of results.notes) md.push(`- ${note}`);
		md.push('');
	}
	return md.join('\n');
}

// ---------------------------------------------------------------------------------------------
// chart.svg
// ---------------------------------------------------------------------------------------------

const xmlEsc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v) {
	if (!(v > 0)) return 1;
	const p = 10 ** Math.floor(Math.log10(v));
	for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
	return 10 * p;
}

/**
 * A bar panel. groups: [{ label, bars: [{ value, color, label, hatched }] }]
 */
function panel({ x, y, w, h, title, yLabel, groups, maxValue, refLine, legend }) {
	const parts = [];
	const plotX = x + 48;
	const plotY = y + 34;
	const plotW = w - 60;
	// legend items flow left to right and wrap at the plot's width
	const itemW = (item) => 20 + item.label.length * 6;
	const placed = [];
	let row = 0;
	let cursor = 0;
	for (const item of legend) {
		if (cursor > 0 && cursor + itemW(item) > plotW) {
			row++;
			cursor = 0;
		}
		placed.push({ item, dx: cursor, row });
		cursor += itemW(item);
	}
	const legendH = (row + 1) * 14;
	const plotH = h - 34 - 24 - legendH;
	const top = niceMax(Math.max(maxValue, refLine ? refLine.value * 1.15 : 0));
	const sy = (v) => plotY + plotH - (Math.max(0, v) / top) * plotH;
	parts.push(`<text x="${x + w / 2}" y="${y + 16}" text-anchor="middle" font-size="13" font-weight="bold">${xmlEsc(title)}</text>`);
	for (let i = 0; i <= 4; i++) {
		const v = (top * i) / 4;
		const yy = sy(v);
		parts.push(`<line x1="${plotX}" y1="${yy}" x2="${plotX + plotW}" y2="${yy}" stroke="#e5e5e5"/>`);
		parts.push(`<text x="${plotX - 5}" y="${yy + 4}" text-anchor="end" font-size="10" fill="#555">${Number(v.toFixed(1))}</text>`);
	}
	parts.push(`<text x="${x + 10}" y="${plotY + plotH / 2}" font-size="10" fill="#555" transform="rotate(-90 ${x + 10} ${plotY + plotH / 2})" text-anchor="middle">${xmlEsc(yLabel)}</text>`);
	parts.push(`<line x1="${plotX}" y1="${plotY + plotH}" x2="${plotX + plotW}" y2="${plotY + plotH}" stroke="#333"/>`);
	const groupW = plotW / Math.max(1, groups.length);
	groups.forEach((g, gi) => {
		const n = g.bars.length;
		const barW = Math.min(34, (groupW - 16) / Math.max(1, n));
		const start = plotX + gi * groupW + (groupW - barW * n) / 2;
		g.bars.forEach((b, bi) => {
			const bx = start + bi * barW;
			if (b.value === null || b.value === undefined) {
				parts.push(`<text x="${bx + barW / 2}" y="${plotY + plotH - 4}" text-anchor="middle" font-size="9" fill="#999">n/a</text>`);
				return;
			}
			const by = sy(b.value);
			const bh = Math.max(1, plotY + plotH - by);
			parts.push(`<rect x="${bx + 1}" y="${plotY + plotH - bh}" width="${barW - 2}" height="${bh}" fill="${b.hatched ? `url(#hatch-${b.key})` : b.color}" stroke="${b.color}"/>`);
			parts.push(`<text x="${bx + barW / 2}" y="${plotY + plotH - bh - 3}" text-anchor="middle" font-size="9">${xmlEsc(b.label)}</text>`);
		});
		parts.push(`<text x="${plotX + gi * groupW + groupW / 2}" y="${plotY + plotH + 14}" text-anchor="middle" font-size="11">${xmlEsc(g.label)}</text>`);
	});
	if (refLine) {
		const yy = sy(refLine.value);
		parts.push(`<line x1="${plotX}" y1="${yy}" x2="${plotX + plotW}" y2="${yy}" stroke="#c0392b" stroke-dasharray="5 3"/>`);
		parts.push(`<text x="${plotX + plotW - 2}" y="${yy - 4}" text-anchor="end" font-size="10" fill="#c0392b">${xmlEsc(refLine.label)}</text>`);
	}
	for (const { item, dx, row: r } of placed) {
		const lx = plotX + dx;
		const ly = plotY + plotH + 34 + r * 14;
		parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${item.hatched ? `url(#hatch-${item.key})` : item.color}" stroke="${item.color}"/>`);
		parts.push(`<text x="${lx + 14}" y="${ly}" font-size="10">${xmlEsc(item.label)}</text>`);
	}
	return parts.join('\n');
}

function svg(results) {
	const W = 860;
	const H = 330;
	const colors = { builtin: '#7f8c8d', fixed: '#f39c12', ours: '#2e86de', oursFast: '#10ac84', growth: '#8e44ad', during: '#c39bd3', bare: '#f0b27a' };
	const host = chartHost(results);
	const rows = results.batch.filter((r) => r.host === host && r.mode === 'linear' && r.renderMs === results.settings.renderMs);
	const pick = (pred) => rows.find(pred);
	const label = (ms, extrap) => (ms === null || ms === undefined ? '' : `${ms >= 100000 ? (ms / 1000).toFixed(0) : (ms / 1000).toFixed(1)}${extrap ? '*' : ''}`);
	const groupsA = results.settings.ns.map((n) => {
		const b = pick((r) => r.node === 'builtin' && r.n === n);
		const x = pick((r) => r.setting === 'x10' && r.n === n);
		const o = pick((r) => r.node === 'ours' && r.setting === 'd' && r.n === n);
		const f = pick((r) => r.setting === 'x1' && r.n === n);
		const extrap = b && b.measured !== 'measured';
		return {
			label: `N = ${n}`,
			bars: [
				{ key: 'builtin', value: b && b.wallMs ? b.wallMs / 1000 : null, color: colors.builtin, hatched: extrap, label: label(b && b.wallMs, extrap) },
				{ key: 'fixed', value: x && x.wallMs ? x.wallMs / 1000 : null, color: colors.fixed, label: label(x && x.wallMs) },
				{ key: 'ours', value: o && o.wallMs ? o.wallMs / 1000 : null, color: colors.ours, label: label(o && o.wallMs) },
				{ key: 'oursFast', value: f && f.wallMs ? f.wallMs / 1000 : null, color: colors.oursFast, label: label(f && f.wallMs) },
			],
		};
	});
	const maxA = Math.max(1, ...groupsA.flatMap((g) => g.bars.map((b) => b.value || 0)));
	const anyExtrap = groupsA.some((g) => g.bars[0].hatched);
	const mem = results.memory && results.memory.runs ? results.memory.runs.filter((r) => r.mb && !r.reference) : [];
	const groupsB = mem.map((r) => ({
		label: `${r.mb} MB`,
		bars: [
			{ key: 'growth', value: r.growthVsIdleMB, color: colors.growth, label: f1(r.growthVsIdleMB) },
			{ key: 'during', value: r.growthDuringDownloadMB, color: colors.during, label: f1(r.growthDuringDownloadMB) },
			{ key: 'bare', value: r.loopbackNode ? r.loopbackNode.growthMB : null, color: colors.bare, label: f1(r.loopbackNode && r.loopbackNode.growthMB) },
		],
	}));
	const maxB = Math.max(1, ...groupsB.flatMap((g) => g.bars.map((b) => b.value || 0)));
	const hatch = (key, color) =>
		`<pattern id="hatch-${key}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${color}" stroke-width="3"/></pattern>`;
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
		`<defs>${hatch('builtin', colors.builtin)}</defs>`,
		`<rect width="${W}" height="${H}" fill="#fff"/>`,
		panel({
			x: 0,
			y: 0,
			w: 520,
			h: H - 16,
			title: `Node wall time (s), n8n ${host}, ${(results.settings.renderMs / 1000).toFixed(1)} s renders, lower is better`,
			yLabel: 'seconds',
			groups: groupsA,
			maxValue: maxA,
			legend: [
				{ key: 'builtin', color: colors.builtin, label: `n8n OpenAI node (default)${anyExtrap ? ', * extrapolated' : ''}` },
				{ key: 'fixed', color: colors.fixed, label: '0.1.0: fixed poll 10 s (default)' },
				{ key: 'ours', color: colors.ours, label: 'poll schedule (default)' },
				{ key: 'oursFast', color: colors.oursFast, label: '0.1.0: fixed poll 1 s' },
			],
		}),
		groupsB.length
			? panel({
					x: 540,
					y: 0,
					w: 320,
					h: H - 16,
					title: 'Memory growth while downloading (MB)',
					yLabel: 'MB above idle',
					groups: groupsB,
					maxValue: maxB,
					refLine: { value: 80, label: 'target < 80 MB' },
					legend: [
						{ key: 'growth', color: colors.growth, label: 'peak vs idle CLI' },
						{ key: 'during', color: colors.during, label: 'during dl' },
						{ key: 'bare', color: colors.bare, label: 'bare node dl' },
					],
				})
			: '',
		`<text x="${W - 6}" y="${H - 4}" text-anchor="end" font-size="9" fill="#888">${xmlEsc(`${results.machine.nproc} cores, Node ${results.machine.node}, ${results.machine.date.slice(0, 10)}, load ${results.machine.uptimeAtStart.replace(/.*load average:\s*/, '')}`)}</text>`,
		'</svg>',
		'',
	].join('\n');
}

function chartHost(results) {
	return results.settings.hosts.find((h) => results.batch.some((r) => r.host === h && r.wallMs)) || results.settings.hosts[0];
}

const footer = (results, W, H) =>
	`<text x="${W - 6}" y="${H - 4}" text-anchor="end" font-size="9" fill="#888">${xmlEsc(`${results.machine.nproc} cores, Node ${results.machine.node}, ${results.machine.date.slice(0, 10)}, load ${results.machine.uptimeAtStart.replace(/.*load average:\s*/, '')}`)}</text>`;

/** scale.svg: how wall time and status requests grow with N (defaults, linear progress). */
function scaleSvg(results) {
	const W = 860;
	const H = 330;
	const host = chartHost(results);
	const rows = [...results.batch, ...results.big]
		.filter((r) => r.host === host && r.node === 'ours' && r.setting === 'd' && r.mode === 'linear' && r.renderMs === results.settings.renderMs && r.wallMs)
		.sort((a, b) => a.n - b.n);
	const colors = { wall: '#2e86de', bound: '#bdc3c7', status: '#e67e22', rate: '#f5cba7' };
	const groupsA = rows.map((r) => ({
		label: `N = ${r.n}`,
		bars: [
			{ key: 'bound', value: (r.boundMs || r.renderMs) / 1000, color: colors.bound, label: s1(r.boundMs || r.renderMs) },
			{ key: 'wall', value: r.wallMs / 1000, color: colors.wall, label: s1(r.wallMs) },
		],
	}));
	const groupsB = rows.map((r) => ({
		label: `N = ${r.n}`,
		bars: [
			{ key: 'status', value: r.statusTotal, color: colors.status, label: String(r.statusTotal) },
			{ key: 'rate', value: r.statusPerSecond, color: colors.rate, label: f1(r.statusPerSecond) },
		],
	}));
	const creates = `${results.settings.createLatencyMs.join('-')} ms creates for N ≥ ${Math.min(...results.settings.bigNs, Infinity)}`;
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
		`<rect width="${W}" height="${H}" fill="#fff"/>`,
		panel({
			x: 0,
			y: 0,
			w: 430,
			h: H - 16,
			title: `Wall time (s), n8n ${host}, ${s1(results.settings.renderMs)} s renders, defaults`,
			yLabel: 'seconds',
			groups: groupsA,
			maxValue: Math.max(1, ...groupsA.flatMap((g) => g.bars.map((b) => b.value || 0))),
			legend: [
				{ key: 'bound', color: colors.bound, label: `one render + creates at Parallel Requests (${creates})` },
				{ key: 'wall', color: colors.wall, label: 'node wall time' },
			],
		}),
		panel({
			x: 440,
			y: 0,
			w: 420,
			h: H - 16,
			title: 'Status requests of the whole batch',
			yLabel: 'requests',
			groups: groupsB,
			maxValue: Math.max(1, ...groupsB.flatMap((g) => g.bars.map((b) => b.value || 0))),
			legend: [
				{ key: 'status', color: colors.status, label: 'status requests in total' },
				{ key: 'rate', color: colors.rate, label: 'per second of wall time' },
			],
		}),
		footer(results, W, H),
		'</svg>',
		'',
	].join('\n');
}

module.exports = { build, text, markdown, svg, scaleSvg, summarizeNames, statusLimit };
