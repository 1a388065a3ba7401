import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { StoredFile } from '../../transport/download';
import type { Variant, Video } from '../../transport/videos';
import { downloadVideoFile, downloadVideoUrl, retrieveVideo } from '../../transport/videos';
import { continueWithRetrieve } from '../../utils/error-texts';
import { modelNamed } from '../../utils/models';
import type { RunItem } from '../run/item';
import { outputItem } from '../run/item';
import type { WaitSettings } from '../run/limits';
import { recordJob } from './job-record';
import { phaseOf, waitForVideo } from './wait';

/** The end of a job: its wait, and the finished video's file from the content route or its video_url. */

/** Answers of the content route that say it has no file for this job (not: try later, or a wrong key). */
const NOT_SERVED = new Set([400, 404, 405, 410, 422, 501]);

function contentNotServed(error: unknown): boolean {
	return error instanceof NodeApiError && NOT_SERVED.has(Number(error.httpCode));
}

const videoUrlOf = (video: Video) =>
	typeof video.video_url === 'string' && video.video_url ? video.video_url : undefined;

/**
 * The finished video's file. The content route comes first where the model has one (it needs no
 * expiring link); a model that delivers by `video_url` (Seedance), or a content route that has no
 * file for this job, streams the job's `video_url` instead.
 */
async function downloadFinishedVideo(
	scope: RunItem,
	video: Video,
	hint: string,
): Promise<StoredFile> {
	const url = videoUrlOf(video);
	const fromUrl = async () => await downloadVideoUrl(scope, video.id, url!, hint);
	if (url && modelNamed(String(video.model ?? ''))?.file === 'videoUrl') return await fromUrl();
	const content = await downloadVideoFile(scope, video.id, 'video', hint).catch(
		(error: Error) => error,
	);
	if (!(content instanceof Error)) return content;
	if (!url || !contentNotServed(content)) throw content;
	return await fromUrl();
}

/**
 * The Download operation's file, by id alone: the content route, and when it has no file for the
 * job, one look at the job for a `video_url` to stream. Any other outcome keeps the content
 * route's own error.
 */
export async function downloadVideoById(
	scope: RunItem,
	videoId: string,
	variant: Variant,
): Promise<StoredFile> {
	const content = await downloadVideoFile(scope, videoId, variant).catch((error: Error) => error);
	if (!(content instanceof Error)) return content;
	if (variant !== 'video' || !contentNotServed(content)) throw content;
	const video = await retrieveVideo(scope, videoId, { maxRetries: 0 })
		.then((retrieved) => retrieved.video)
		.catch(() => undefined);
	const url = video && phaseOf(video.status) === 'completed' ? videoUrlOf(video) : undefined;
	if (!url) throw content;
	return await downloadVideoUrl(
		scope,
		videoId,
		url,
		`Its link (video_url) is temporary: Download video ${videoId} again soon, or Retrieve it for a new link.`,
	);
}

/**
 * What Create, Remix and Retrieve do with a job: without a wait the job as it is; with one, the
 * finished job, and its MP4 as binary when the download option is on (or the unfinished job, when
 * the wait ran out and On Timeout says to output it). `annotation` joins the output json (a
 * recovered job says so).
 */
export async function finishJob(
	scope: RunItem,
	started: Video,
	wait: WaitSettings | undefined,
	annotation?: IDataObject,
): Promise<INodeExecutionData[]> {
	if (!wait) return [outputItem({ ...started, ...annotation })];
	recordJob(scope, started.id);
	const video: Video = { ...(await waitForVideo(scope, started, wait)), ...annotation };
	// an unfinished job has no file yet; a tool's file would never reach the model
	if (phaseOf(video.status) !== 'completed' || !wait.download || scope.asTool) {
		return [outputItem(video)];
	}
	const { binary } = await downloadFinishedVideo(
		scope,
		video,
		`The video is finished and paid for. ${continueWithRetrieve(video.id)}`,
	);
	return [outputItem(video, { [wait.binaryPropertyName]: binary })];
}
