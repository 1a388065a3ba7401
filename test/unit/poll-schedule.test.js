// The poll schedule: when a wait looks at a rendering job. The pure functions are driven through
// synthetic jobs on a virtual clock (no sleeping); one test runs the node on a job whose progress
// rises linearly and counts its status requests.
const nock = require('nock');
const { runNode } = require('../support/run-node');
const { API, video, trackUnexpectedRequests } = require('../support/api');
const { startSchedule, recordCheck, nextCheckDelayMs, forecastEnd, MIN_GAP_MS } = require('../../nodes/SoraVideo/utils/poll-schedule');

const unexpected = trackUnexpectedRequests();

const T0 = 1_800_000_000_000; // a whole second, so created_at (seconds) is exact
const S = 1000;

/** Like the stand-in: queued for a quarter of the render, then 0..99 linearly, whole numbers. */
const linear = (renderMs, queuedMs = renderMs / 4) => (t) => (t < queuedMs ? 0 : Math.min(99, Math.floor((100 * (t - queuedMs)) / (renderMs - queuedMs))));
/** Progress that stalls, then jumps: `steps` are [fromMs, progress] pairs. */
const stepped = (steps) => (t) => steps.reduce((p, [at, value]) => (t >= at ? value : p), 0);

/**
 * Runs the schedule against a job that completes at `renderMs` (ms after the wait began) on a
 * virtual clock. `progressAt(t)` is the progress a status answer carries at t (undefined = none).
 * Returns the check times (relative to the start) and whether the wait saw the end or timed out.
 */
function simulate({ intervalMs, renderMs, progressAt, timeoutMs = 3600 * S, serverAskedMs, createdAgoMs = 0 }) {
	const created_at = (T0 - createdAgoMs) / 1000;
	let schedule = startSchedule(intervalMs, T0, { progress: progressAt(createdAgoMs), created_at });
	const deadline = T0 + timeoutMs;
	const checks = [];
	let now = T0;
	for (;;) {
		if (now >= deadline) return { checks, timedOut: true };
		now += nextCheckDelayMs(schedule, now, deadline, serverAskedMs);
		const t = now - T0;
		checks.push(t);
		if (t + createdAgoMs >= renderMs) return { checks, seenAt: t, timedOut: false };
		schedule = recordCheck(schedule, now, { progress: progressAt(t + createdAgoMs), created_at });
	}
}

const gapsOf = (checks) => checks.map((t, i) => t - (i === 0 ? 0 : checks[i - 1]));
const budget = (renderMs, intervalMs) => Math.ceil(renderMs / intervalMs) + 3;
/** What a fixed poll every `everyMs` sends for the job: checks at every, 2 every, ... until one sees the end. */
const fixedPoll = (renderMs, everyMs) => Math.ceil(renderMs / everyMs);

describe('poll schedule: linear progress', () => {
	test.each([
		[6, 10],
		[30, 10],
		[60, 10],
		[120, 10],
		[300, 10],
		[45, 30],
		[90, 5],
	])('a %i s render at a %i s interval: seen within the floor of its end, within the request budget', (renderS, intervalS) => {
		const renderMs = renderS * S;
		const intervalMs = intervalS * S;
		const run = simulate({ intervalMs, renderMs, progressAt: linear(renderMs) });
		expect(run.timedOut).toBe(false);
		expect(run.seenAt - renderMs).toBeLessThanOrEqual(MIN_GAP_MS);
		expect(run.checks.length).toBeLessThanOrEqual(budget(renderMs, intervalMs));
		expect(run.checks.length).toBeLessThanOrEqual(fixedPoll(renderMs, S));
		for (const gap of gapsOf(run.checks)) {
			expect(gap).toBeGreaterThanOrEqual(MIN_GAP_MS);
			expect(gap).toBeLessThanOrEqual(intervalMs);
		}
	});

	test('a plain poll at the default 10 s interval would see a 6 s render only at 10 s', () => {
		const run = simulate({ intervalMs: 10 * S, renderMs: 6 * S, progressAt: linear(6 * S) });
		expect(run.seenAt).toBeLessThan(7 * S);
		expect(run.checks).toHaveLength(3);
	});

	test('a job that was already running when the wait began (Retrieve with wait) is timed by its age', () => {
		const run = simulate({ intervalMs: 10 * S, renderMs: 60 * S, progressAt: linear(60 * S), createdAgoMs: 40 * S });
		expect(run.seenAt + 40 * S - 60 * S).toBeLessThanOrEqual(MIN_GAP_MS);
		expect(run.checks.length).toBeLessThanOrEqual(budget(20 * S, 10 * S));
	});

	test('below the floor the interval rules: a 0.5 s interval polls every 0.5 s', () => {
		const run = simulate({ intervalMs: 500, renderMs: 3 * S, progressAt: linear(3 * S) });
		expect(gapsOf(run.checks)).toEqual(Array(run.checks.length).fill(500));
	});

	test('the budget holds for many renders and queue lengths at every interval', () => {
		for (const intervalS of [1, 2, 5, 10, 30, 60]) {
			for (let renderS = 2; renderS <= 240; renderS += 7) {
				for (const queuedShare of [0, 0.1, 0.25, 0.6]) {
					const renderMs = renderS * S;
					const run = simulate({ intervalMs: intervalS * S, renderMs, progressAt: linear(renderMs, queuedShare * renderMs) });
					expect(run.checks.length).toBeLessThanOrEqual(budget(renderMs, intervalS * S));
					expect(run.checks.length).toBeLessThanOrEqual(fixedPoll(renderMs, S));
				}
			}
		}
	});
});

describe('poll schedule: erratic or missing progress falls back to the interval', () => {
	test('forecastEnd: rising evenly predicts the end; stuck, backwards and jumping do not', () => {
		expect(forecastEnd([{ atMs: 0, progress: 10 }, { atMs: 1000, progress: 20 }])).toEqual({ kind: 'end', atMs: 9000 });
		expect(forecastEnd([{ atMs: 0, progress: 10 }])).toEqual({ kind: 'unknown' });
		expect(forecastEnd([{ atMs: 0, progress: 40 }, { atMs: 1000, progress: 40 }])).toEqual({ kind: 'erratic' });
		expect(forecastEnd([{ atMs: 0, progress: 50 }, { atMs: 1000, progress: 30 }])).toEqual({ kind: 'erratic' });
		const jump = [
			{ atMs: 0, progress: 10 },
			{ atMs: 1000, progress: 12 },
			{ atMs: 2000, progress: 80 },
		];
		expect(forecastEnd(jump)).toEqual({ kind: 'erratic' });
	});

	test('stalls, then jumps: after two equal answers the next check is the plain poll\'s, on its 10 s grid', () => {
		const renderMs = 60 * S;
		const progressAt = stepped([
			[5 * S, 12],
			[25 * S, 40],
			[50 * S, 88],
		]);
		const run = simulate({ intervalMs: 10 * S, renderMs, progressAt });
		const gaps = gapsOf(run.checks);
		const stalls = run.checks.map((t, i) => i > 0 && progressAt(t) > 0 && progressAt(t) === progressAt(run.checks[i - 1]));
		expect(stalls.some(Boolean)).toBe(true);
		stalls.forEach((stalled, i) => {
			if (stalled && i + 1 < run.checks.length) expect(run.checks[i + 1] % (10 * S)).toBe(0);
		});
		for (const gap of gaps) expect(gap).toBeLessThanOrEqual(10 * S);
		expect(run.checks.length).toBeLessThanOrEqual(budget(renderMs, 10 * S));
		expect(run.seenAt - renderMs).toBeLessThanOrEqual(10 * S);
	});

	test('progress going backwards: the next check is the plain poll\'s (10 s after the start)', () => {
		let schedule = startSchedule(10 * S, T0, { progress: 0 });
		schedule = recordCheck(schedule, T0 + 2500, { progress: 50 });
		schedule = recordCheck(schedule, T0 + 5000, { progress: 30 });
		expect(nextCheckDelayMs(schedule, T0 + 5000, T0 + 3600 * S)).toBe(5 * S);
	});

	test('erratic progress is never seen later than a plain poll would see it', () => {
		const progressAt = stepped([
			[2 * S, 30],
			[7 * S, 31],
		]);
		for (const renderS of [6, 9, 14, 23, 38]) {
			const run = simulate({ intervalMs: 10 * S, renderMs: renderS * S, progressAt });
			expect(run.seenAt).toBeLessThanOrEqual(Math.ceil(renderS / 10) * 10 * S);
		}
	});

	test('no progress in the answers: a plain poll at the interval', () => {
		const run = simulate({ intervalMs: 10 * S, renderMs: 35 * S, progressAt: () => undefined });
		expect(gapsOf(run.checks)).toEqual([10 * S, 10 * S, 10 * S, 10 * S]);
	});

	test('progress 0 forever: the looks grow to the interval and stay there', () => {
		const run = simulate({ intervalMs: 10 * S, renderMs: 120 * S, progressAt: () => 0 });
		const gaps = gapsOf(run.checks);
		for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]);
		expect(gaps.slice(-5)).toEqual(Array(5).fill(10 * S));
		expect(run.checks.length).toBeLessThanOrEqual(budget(120 * S, 10 * S));
	});
});

describe('poll schedule: server hints, the floor and the deadline', () => {
	test('a server hint (openai-poll-after-ms / Retry-After) stretches every check, even past the interval', () => {
		const run = simulate({ intervalMs: 10 * S, renderMs: 60 * S, progressAt: linear(60 * S), serverAskedMs: 15 * S });
		expect(gapsOf(run.checks).every((gap) => gap >= 15 * S)).toBe(true);
	});

	test('a short server hint changes nothing', () => {
		const plain = simulate({ intervalMs: 10 * S, renderMs: 60 * S, progressAt: linear(60 * S) });
		const hinted = simulate({ intervalMs: 10 * S, renderMs: 60 * S, progressAt: linear(60 * S), serverAskedMs: 200 });
		expect(hinted.checks).toEqual(plain.checks);
	});

	test('a predicted end right after this check still waits the 1 s floor', () => {
		let schedule = startSchedule(10 * S, T0, { progress: 0 });
		schedule = recordCheck(schedule, T0 + 2500, { progress: 90 });
		schedule = recordCheck(schedule, T0 + 5000, { progress: 99 });
		expect(nextCheckDelayMs(schedule, T0 + 5000, T0 + 3600 * S)).toBe(MIN_GAP_MS);
	});

	test('near the timeout the last check lands on the deadline, and none comes after it', () => {
		const run = simulate({ intervalMs: 10 * S, renderMs: 60 * S, progressAt: linear(60 * S), timeoutMs: 17 * S });
		expect(run.timedOut).toBe(true);
		expect(run.checks[run.checks.length - 1]).toBe(17 * S);
		expect(run.checks.every((t) => t <= 17 * S)).toBe(true);
	});
});

describe('poll schedule through the node', () => {
	test('a 4 s job with linearly rising progress, default 10 s interval: at most 3 status requests, where a fixed 1 s poll sends 4', async () => {
		const renderMs = 4000;
		const created = Date.now();
		const progressAt = linear(renderMs);
		let statusRequests = 0;
		const scope = nock(API)
			.post('/v1/videos')
			.reply(200, () => video('video_lin', { created_at: Math.floor(created / 1000) }))
			.get('/v1/videos/video_lin')
			.times(10)
			.reply(() => {
				statusRequests++;
				const t = Date.now() - created;
				const fields = t >= renderMs ? { status: 'completed', progress: 100 } : { status: 'in_progress', progress: progressAt(t) };
				return [200, video('video_lin', { created_at: Math.floor(created / 1000), ...fields })];
			})
			.get('/v1/videos/video_lin/content')
			.query({ variant: 'video' })
			.reply(200, Buffer.from('\0\0\0\x18ftypmp42 video'), { 'content-type': 'video/mp4' });
		const { items, error } = await runNode({ parameters: { operation: 'create', prompt: 'a paper plane' } });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: 'video_lin', status: 'completed' });
		// a plain 10 s poll sends 1 request at 10 s; the schedule looks early, then just after the end
		expect(statusRequests).toBeGreaterThanOrEqual(2);
		expect(statusRequests).toBeLessThanOrEqual(3);
		expect(statusRequests).toBeLessThan(fixedPoll(renderMs, S));
		expect(scope.pendingMocks()).toEqual([`GET ${API}:443/v1/videos/video_lin`]); // spare status answers left
		expect(unexpected).toEqual([]);
	}, 20_000);
});
