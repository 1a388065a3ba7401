import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { StoredFile } from '../../transport/download';
import type { Session } from '../../transport/session';
import type { Variant, Video } from '../../transport/videos';
import { downloadVideoFile, downloadVideoUrl, retrieveVideo } from '../../transport/videos';
import { modelNamed } from '../../utils/models';
import { phaseOf } from './wait';

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
export async function downloadFinishedVideo(
	ctx: IExecuteFunctions,
	session: Session,
	video: Video,
	itemIndex: number,
	hint: string,
): Promise<StoredFile> {
	const url = videoUrlOf(video);
	const fromUrl = async () => await downloadVideoUrl(ctx, session, video.id, url!, itemIndex, hint);
	if (url && modelNamed(String(video.model ?? ''))?.file === 'videoUrl') return await fromUrl();
	const content = await downloadVideoFile(ctx, session, video.id, 'video', itemIndex, hint).catch(
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
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	variant: Variant,
	itemIndex: number,
): Promise<StoredFile> {
	const content = await downloadVideoFile(ctx, session, videoId, variant, itemIndex).catch(
		(error: Error) => error,
	);
	if (!(content instanceof Error)) return content;
	if (variant !== 'video' || !contentNotServed(content)) throw content;
	const video = await retrieveVideo(ctx, session, videoId, itemIndex, { maxRetries: 0 })
		.then((retrieved) => retrieved.video)
		.catch(() => undefined);
	const url = video && phaseOf(video.status) === 'completed' ? videoUrlOf(video) : undefined;
	if (!url) throw content;
	return await downloadVideoUrl(
		ctx,
		session,
		videoId,
		url,
		itemIndex,
		`Its link (video_url) is temporary: Download video ${videoId} again soon, or Retrieve it for a new link.`,
	);
}
