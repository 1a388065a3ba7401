/**
 * When to send the next status check of a rendering video. Pure functions of what the status
 * answers said (progress, the job's age) and the settings; the wait loop sleeps and asks.
 *
 * The user's Poll Interval stays the longest gap between checks. Inside it, the schedule looks
 * early while it learns how fast progress rises, then aims just after the predicted end. When
 * progress is missing or erratic, it checks when a plain poll at the interval would, so it is
 * never later than one. Every
 * gap is at least MIN_GAP_MS (or the interval, when that is shorter), and the k-th check waits
 * until a plain poll at this interval would have sent k - EXTRA_CHECKS: a job that ends at time R
 * gets at most ceil(R / interval) + 3 checks.
 */

/** The shortest gap between two checks the schedule chooses by itself. */
export const MIN_GAP_MS = 1000;
/** How many checks the schedule may run ahead of a plain poll at the same interval. */
export const EXTRA_CHECKS = 2;
/** The first looks, before any progress rate is known, start at this share of the interval. */
const FIRST_LOOK_SHARE = 0.25;
/** Progress answers a rate is taken from. */
const RATE_WINDOW = 3;
/** Two successive rates further apart than this factor mean progress jumps: no prediction. */
const JUMP_FACTOR = 3;
/** Aim after the predicted end by this much plus a share of the time still to go. */
const AIM_AFTER_MS = 250;
const AIM_AFTER_SHARE = 0.02;

export interface ProgressSample {
	atMs: number;
	progress: number;
}

export interface PollSchedule {
	intervalMs: number;
	/** When the wait began (the plain poll's clock starts here). */
	startedMs: number;
	/** The job's created_at, when the server said it. */
	createdMs?: number;
	/** Status checks sent so far. */
	checks: number;
	/** The latest progress answers from the first non-zero one on, oldest first. */
	samples: ProgressSample[];
	/** The latest answer carried no progress number. */
	progressMissing: boolean;
}

/** What a status answer (or the create answer) says about the job. */
export interface JobAnswer {
	progress?: unknown;
	created_at?: unknown;
}

/** created_at is whole seconds: the middle of that second, but not after the answer came. */
function createdMsOf(answer: JobAnswer, atMs: number): number | undefined {
	const seconds = Number(answer.created_at);
	return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000 + 500, atMs) : undefined;
}

/** The schedule after one more answer of a job that is still running (not counted as a check). */
function withAnswer(schedule: PollSchedule, atMs: number, answer: JobAnswer): PollSchedule {
	const next = { ...schedule, createdMs: createdMsOf(answer, atMs) ?? schedule.createdMs };
	const progress = answer.progress;
	if (typeof progress !== 'number' || !Number.isFinite(progress)) {
		return { ...next, progressMissing: true };
	}
	const started = schedule.samples.length > 0 || progress > 0;
	const samples = started ? [...schedule.samples, { atMs, progress }].slice(-RATE_WINDOW) : [];
	return { ...next, samples, progressMissing: false };
}

/** A schedule that starts from the answer the wait begins with (a create or a first retrieve). */
export function startSchedule(intervalMs: number, nowMs: number, first: JobAnswer): PollSchedule {
	const empty = { intervalMs, startedMs: nowMs, checks: 0, samples: [], progressMissing: false };
	return withAnswer(empty, nowMs, first);
}

/** The schedule after the answer to one more status check, for a job still running. */
export function recordCheck(schedule: PollSchedule, atMs: number, answer: JobAnswer): PollSchedule {
	return withAnswer({ ...schedule, checks: schedule.checks + 1 }, atMs, answer);
}

type Forecast = { kind: 'end'; atMs: number } | { kind: 'erratic' } | { kind: 'unknown' };

const rateOf = (a: ProgressSample, b: ProgressSample) =>
	(b.progress - a.progress) / Math.max(1, b.atMs - a.atMs);

/** When progress, rising as it did over the window, reaches 100. */
export function forecastEnd(samples: ProgressSample[]): Forecast {
	if (samples.length < 2) return { kind: 'unknown' };
	const rates = samples.slice(1).map((sample, i) => rateOf(samples[i], sample));
	if (rates.some((rate) => rate <= 0)) return { kind: 'erratic' };
	if (Math.max(...rates) > JUMP_FACTOR * Math.min(...rates)) return { kind: 'erratic' };
	const last = samples[samples.length - 1];
	const rate = rateOf(samples[0], last);
	return { kind: 'end', atMs: last.atMs + Math.max(0, 100 - last.progress) / rate };
}

/**
 * From one answer and the job's age, as if progress had risen since creation: for a job that
 * queued first this lies after its true end (up to created_at's rounding), so it only ever
 * shortens a look that would come later.
 */
function endFromAge(schedule: PollSchedule): number | undefined {
	const last = schedule.samples[schedule.samples.length - 1];
	if (!last || schedule.createdMs === undefined || last.progress <= 0) return undefined;
	return schedule.createdMs + ((last.atMs - schedule.createdMs) * 100) / last.progress;
}

const aimAfter = (endMs: number, nowMs: number) =>
	endMs + AIM_AFTER_MS + AIM_AFTER_SHARE * Math.max(0, endMs - nowMs) - nowMs;

/** Until the next check of a plain poll at this interval since the wait began. */
function untilPlainCheckMs(schedule: PollSchedule, nowMs: number): number {
	const elapsed = Math.max(0, nowMs - schedule.startedMs);
	return schedule.intervalMs - (elapsed % schedule.intervalMs);
}

/** The gap the progress asks for, before the bounds. */
function wantedGapMs(schedule: PollSchedule, nowMs: number): number {
	if (schedule.progressMissing) return untilPlainCheckMs(schedule, nowMs);
	const forecast = forecastEnd(schedule.samples);
	if (forecast.kind === 'end') return aimAfter(forecast.atMs, nowMs);
	if (forecast.kind === 'erratic') return untilPlainCheckMs(schedule, nowMs);
	const age = nowMs - Math.min(schedule.startedMs, schedule.createdMs ?? schedule.startedMs);
	// never past the plain poll's next check: without a rate, the schedule is not later than one
	const look = Math.min(
		Math.max(age, FIRST_LOOK_SHARE * schedule.intervalMs),
		untilPlainCheckMs(schedule, nowMs),
	);
	const fromAge = endFromAge(schedule);
	return fromAge === undefined ? look : Math.min(look, aimAfter(fromAge, nowMs));
}

/** The earliest moment the next check keeps within EXTRA_CHECKS of a plain poll. */
function earliestAllowedMs(schedule: PollSchedule): number {
	const ahead = schedule.checks + 1 - EXTRA_CHECKS;
	return ahead <= 1
		? schedule.startedMs
		: schedule.startedMs + (ahead - 1) * schedule.intervalMs + 1;
}

/**
 * How long to sleep before the next status check: the predicted or probing gap, kept between the
 * floor and the interval, never ahead of the check allowance, stretched by a server hint
 * (`openai-poll-after-ms` / Retry-After), and never past the deadline (the last check lands on it).
 */
export function nextCheckDelayMs(
	schedule: PollSchedule,
	nowMs: number,
	deadlineMs: number,
	serverAskedMs = 0,
): number {
	const floor = Math.min(MIN_GAP_MS, schedule.intervalMs);
	const gap = Math.min(Math.max(wantedGapMs(schedule, nowMs), floor), schedule.intervalMs);
	const allowed = Math.max(gap, earliestAllowedMs(schedule) - nowMs);
	const delay = Math.max(allowed, serverAskedMs);
	return Math.max(0, Math.round(Math.min(delay, deadlineMs - nowMs)));
}
