import type { IExecuteFunctions } from 'n8n-workflow';

import type { Session } from '../../transport/session';
import type { Video } from '../../transport/videos';
import { retrieveVideo } from '../../transport/videos';
import { cancelledError, operationError } from '../../utils/errors';
import { pause } from '../../utils/pause';
import { nextCheckDelayMs, recordCheck, startSchedule } from '../../utils/poll-schedule';
import type { WaitSettings } from './wait-settings';

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

/** How to pick up a paid job after any wait error: the one way every such error names. */
export function continueWithRetrieve(videoId: string): string {
	return `Continue with Retrieve with wait, video id ${videoId}.`;
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

function jobFailed(ctx: IExecuteFunctions, session: Session, video: Video, itemIndex: number) {
	const reason = failureReason(video.error);
	return operationError(ctx, itemIndex, `Video ${video.id} failed: ${reason}`, {
		videoId: video.id,
		secret: session.secret,
		description:
			'The provider ended the job without a video. Change the prompt or reference and create a new one.',
	});
}

function timedOut(
	ctx: IExecuteFunctions,
	session: Session,
	video: Video,
	waitedMs: number,
	cappedByWorkflow: boolean,
	itemIndex: number,
) {
	const remedy = cappedByWorkflow
		? "The workflow's own timeout (Workflow Settings) would stop the execution next, so the node ended its wait first. Set On Timeout to Output the Unfinished Job to hand it to a Wait node instead."
		: 'Or raise the Timeout option, or set On Timeout to Output the Unfinished Job to hand it to a Wait node.';
	return operationError(
		ctx,
		itemIndex,
		`Video ${video.id} was not finished after ${Math.round(waitedMs / 100) / 10} s: ${describeProgress(video)}`,
		{
			videoId: video.id,
			secret: session.secret,
			description: `The job goes on at the provider and is paid for. ${continueWithRetrieve(video.id)} ${remedy}`,
		},
	);
}

/** Status checks kept failing after their retries; the job itself may well finish. */
function lostTrack(
	ctx: IExecuteFunctions,
	session: Session,
	video: Video,
	error: Error,
	itemIndex: number,
) {
	const detail = (error as { description?: string }).description;
	return operationError(
		ctx,
		itemIndex,
		`Lost track of video ${video.id} while waiting: ${error.message}`,
		{
			videoId: video.id,
			secret: session.secret,
			description:
				`Status checks kept failing (${describeProgress(video)}). The job goes on at the provider and may finish. ` +
				`${continueWithRetrieve(video.id)}${detail ? ` ${detail}` : ''}`,
		},
	);
}

function cancelled(ctx: IExecuteFunctions, session: Session, video: Video, itemIndex: number) {
	return cancelledError(ctx, itemIndex, `Stopped waiting for video ${video.id}`, {
		videoId: video.id,
		secret: session.secret,
		resume: `The job goes on at the provider. ${continueWithRetrieve(video.id)}`,
	});
}

/**
 * Polls until the job is completed or failed, when the poll schedule says to look (at most one
 * Poll Interval apart, or later when the server asks for it), none after a terminal status. At the
 * time-out it fails with the video id, or (On Timeout: Output the Unfinished Job) hands the job
 * back as it last was.
 */
export async function waitForVideo(
	ctx: IExecuteFunctions,
	session: Session,
	started: Video,
	settings: WaitSettings,
	itemIndex: number,
): Promise<Video> {
	const startedMs = Date.now();
	const ownDeadline = startedMs + settings.timeoutMs;
	// the node must end (and be saved) before the workflow's own timeout stops the execution
	const deadline = Math.min(ownDeadline, session.waitDeadlineMs ?? ownDeadline);
	let schedule = startSchedule(settings.pollIntervalMs, Date.now(), started);
	let video = started;
	let serverAskedMs: number | undefined;
	while (phaseOf(video.status) === 'running') {
		const now = Date.now();
		if (deadline - now <= 0) {
			if (settings.onTimeout === 'outputJob') return video;
			throw timedOut(ctx, session, video, deadline - startedMs, deadline < ownDeadline, itemIndex);
		}
		const waitMs = nextCheckDelayMs(schedule, now, deadline, serverAskedMs);
		if (!(await pause(waitMs, session.signal))) throw cancelled(ctx, session, video, itemIndex);
		const retrieved = await retrieveVideo(ctx, session, video.id, itemIndex).catch(
			(error: Error) => error,
		);
		if (retrieved instanceof Error) {
			if (session.signal?.aborted) throw cancelled(ctx, session, video, itemIndex);
			throw lostTrack(ctx, session, video, retrieved, itemIndex);
		}
		video = { ...retrieved.video, id: retrieved.video.id ?? video.id };
		schedule = recordCheck(schedule, Date.now(), video);
		serverAskedMs = retrieved.pollAfterMs;
	}
	if (phaseOf(video.status) === 'failed') throw jobFailed(ctx, session, video, itemIndex);
	return video;
}
