import type { Video } from '../../transport/videos';
import { retrieveVideo } from '../../transport/videos';
import { continueWithRetrieve } from '../../utils/error-texts';
import { pause } from '../../utils/pause';
import { nextCheckDelayMs, recordCheck, startSchedule } from '../../utils/poll-schedule';
import type { RunItem } from '../run/item';
import type { WaitSettings } from '../run/limits';

const COMPLETED = new Set(['completed', 'succeeded', 'success', 'complete', 'done']);
const FAILED = new Set([
	'failed',
	'failure',
	'error',
	'cancelled',
	'canceled',
	'expired',
	'rejected',
]);

export type Phase = 'completed' | 'failed' | 'running';

/** Statuses compare case-insensitively; words we do not know count as still running. */
export function phaseOf(status: unknown): Phase {
	const word = String(status ?? '')
		.trim()
		.toLowerCase();
	if (COMPLETED.has(word)) return 'completed';
	if (FAILED.has(word)) return 'failed';
	return 'running';
}

function describeProgress(video: Video): string {
	const progress = typeof video.progress === 'number' ? `, ${video.progress}% done` : '';
	return `last status "${video.status}"${progress}`;
}

/** The provider's reason: an `{code, message}` object, or (other families) a plain text. */
function failureReason(error: Video['error']): string {
	if (typeof error === 'string' && error.trim()) return error.trim();
	if (!error || typeof error !== 'object') return 'the provider gave no reason';
	const message = error.message ?? 'the provider gave no reason';
	return error.code ? `${message} (${error.code})` : message;
}

function jobFailed(scope: RunItem, video: Video) {
	return scope.fail(`Video ${video.id} failed: ${failureReason(video.error)}`, {
		videoId: video.id,
		description:
			'The provider ended the job without a video. Change the prompt or reference and create a new one.',
	});
}

function timedOut(scope: RunItem, video: Video, waitedMs: number, cappedByWorkflow: boolean) {
	const remedy = cappedByWorkflow
		? "The workflow's own timeout (Workflow Settings) would stop the execution next, so the node ended its wait first. Set On Timeout to Output the Unfinished Job to hand it to a Wait node instead."
		: 'Or raise the Timeout option, or set On Timeout to Output the Unfinished Job to hand it to a Wait node.';
	return scope.fail(
		`Video ${video.id} was not finished after ${Math.round(waitedMs / 100) / 10} s: ${describeProgress(video)}`,
		{
			videoId: video.id,
			description: `The job goes on at the provider and is paid for. ${continueWithRetrieve(video.id)} ${remedy}`,
		},
	);
}

/** Status checks kept failing after their retries; the job itself may well finish. */
function lostTrack(scope: RunItem, video: Video, error: Error) {
	const detail = (error as { description?: string }).description;
	return scope.fail(`Lost track of video ${video.id} while waiting: ${error.message}`, {
		videoId: video.id,
		description:
			`Status checks kept failing (${describeProgress(video)}). The job goes on at the provider and may finish. ` +
			`${continueWithRetrieve(video.id)}${detail ? ` ${detail}` : ''}`,
	});
}

function stoppedWaiting(scope: RunItem, video: Video) {
	return scope.cancelled(`Stopped waiting for video ${video.id}`, {
		videoId: video.id,
		resume: `The job goes on at the provider. ${continueWithRetrieve(video.id)}`,
	});
}

/**
 * Polls until the job is completed or failed, when the poll schedule says to look (at most one
 * Poll Interval apart, or later when the server asks for it), none after a terminal status. At the
 * time-out (or in time before the workflow's own timeout) it fails with the video id, or (On
 * Timeout: Output the Unfinished Job) hands the job back as it last was.
 */
export async function waitForVideo(
	scope: RunItem,
	started: Video,
	settings: WaitSettings,
): Promise<Video> {
	const { session } = scope;
	const startedMs = Date.now();
	const ownDeadline = startedMs + settings.timeoutMs;
	const deadline = Math.min(ownDeadline, settings.latestEndMs ?? ownDeadline);
	let schedule = startSchedule(settings.pollIntervalMs, startedMs, started);
	let video = started;
	let serverAskedMs: number | undefined;
	while (phaseOf(video.status) === 'running') {
		const now = Date.now();
		if (deadline - now <= 0) {
			if (settings.onTimeout === 'outputJob') return video;
			throw timedOut(scope, video, deadline - startedMs, deadline < ownDeadline);
		}
		const waitMs = nextCheckDelayMs(schedule, now, deadline, serverAskedMs);
		if (!(await pause(waitMs, session.signal))) throw stoppedWaiting(scope, video);
		const retrieved = await retrieveVideo(scope, video.id).catch((error: Error) => error);
		if (retrieved instanceof Error) {
			if (session.signal?.aborted) throw stoppedWaiting(scope, video);
			throw lostTrack(scope, video, retrieved);
		}
		video = { ...retrieved.video, id: retrieved.video.id ?? video.id };
		schedule = recordCheck(schedule, Date.now(), video);
		serverAskedMs = retrieved.pollAfterMs;
	}
	if (phaseOf(video.status) === 'failed') throw jobFailed(scope, video);
	return video;
}
