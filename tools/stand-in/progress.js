// @ts-check
'use strict';
/** Where a job is at a moment: queued, in progress (linear or uneven), completed, failed or error. */

/**
 * Uneven progress for one job: it stalls, then jumps. The render span (queued -> render) is cut at
 * 2..4 seeded points; at each cut progress jumps to the next of as many rising seeded levels (< 100)
 * and stays there until the next cut. Completion is still at renderMs.
 * @param {() => number} rnd @param {number} queuedMs @param {number} renderMs
 * @returns {{atMs: number, progress: number}[]}
 */
function unevenSteps(rnd, queuedMs, renderMs) {
	const count = 2 + Math.floor(rnd() * 3);
	const span = renderMs - queuedMs;
	const cuts = Array.from({ length: count }, () => 0.1 + rnd() * 0.85).sort((a, b) => a - b);
	const levels = Array.from({ length: count }, () => 1 + Math.floor(rnd() * 98)).sort((a, b) => a - b);
	return cuts.map((c, i) => ({ atMs: Math.round(queuedMs + c * span), progress: levels[i] }));
}

/** @param {{atMs: number, progress: number}[]} steps @param {number} t ms since creation */
const steppedProgress = (steps, t) => steps.reduce((p, s) => (t >= s.atMs ? s.progress : p), 0);

/**
 * @param {import('./state').Job} job @param {number} now
 * @returns {{status: import('./families').Status, progress: number, completedMs: number|null}}
 */
function stateOf(job, now) {
	const t = now - job.createdMs;
	if (t < job.queuedMs) return { status: 'queued', progress: 0, completedMs: null };
	const span = Math.max(1, job.renderMs - job.queuedMs);
	const lin = Math.max(0, Math.min(100, Math.floor((100 * (t - job.queuedMs)) / span)));
	const progress = job.progressSteps ? steppedProgress(job.progressSteps, t) : lin;
	if (job.never) return { status: 'in_progress', progress: Math.min(42, progress), completedMs: null };
	if (t < job.renderMs) return { status: 'in_progress', progress: Math.min(99, progress), completedMs: null };
	if (job.fail || job.endsInError) return { status: job.fail ? 'failed' : 'error', progress: job.renderMs > job.queuedMs ? 99 : 0, completedMs: null };
	return { status: 'completed', progress: 100, completedMs: job.createdMs + job.renderMs };
}

module.exports = { stateOf, unevenSteps };
