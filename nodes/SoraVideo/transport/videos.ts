import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { StoredFile } from './download';
import { downloadToBinary } from './download';
import type { HttpCall } from './index';
import { apiRequest, checkedHttpUrl, send } from './index';
import type { MultipartBody } from './multipart';
import { headerValue, serverDelayMs } from './retry';
import type { Session } from './session';

/** A Video object as the API returns it; providers may add or omit fields. */
export interface Video extends IDataObject {
	id: string;
	status: string;
	progress?: number;
	model?: string;
	seconds?: string;
	size?: string;
	/** An object, or (other families) a plain message. */
	error?: { code?: string; message?: string } | string | null;
	expires_at?: number | null;
	/** A temporary link to the finished file (other families; often signed, on another host). */
	video_url?: string;
}

/** The files of a finished video. */
export const VARIANTS = {
	video: { extension: 'mp4', mimeType: 'video/mp4' },
	thumbnail: { extension: 'webp', mimeType: 'image/webp' },
	spritesheet: { extension: 'jpg', mimeType: 'image/jpeg' },
} as const;

export type Variant = keyof typeof VARIANTS;

export interface VideoList extends IDataObject {
	data: Video[];
	has_more?: boolean;
	last_id?: string | null;
}

/** `buildForm` runs once the request's turn has come, so only the running creates hold their bodies. */
export async function createVideo(
	ctx: IExecuteFunctions,
	session: Session,
	buildForm: () => Promise<MultipartBody>,
	itemIndex: number,
): Promise<Video> {
	return await session.paidRequests(async () => {
		const { body, contentType } = await buildForm();
		return await apiRequest<Video>(ctx, session, {
			method: 'POST',
			url: '/videos',
			body,
			headers: { 'content-type': contentType },
			paid: true,
			action: 'Create video',
			itemIndex,
		});
	});
}

export async function remixVideo(
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	prompt: string,
	itemIndex: number,
): Promise<Video> {
	return await session.paidRequests(
		async () =>
			await apiRequest<Video>(ctx, session, {
				method: 'POST',
				url: `/videos/${encodeURIComponent(videoId)}/remix`,
				body: { prompt },
				paid: true,
				action: 'Remix video',
				itemIndex,
				videoId,
			}),
	);
}

export interface Retrieved {
	video: Video;
	/** The server's hint for the next poll (`openai-poll-after-ms`, else Retry-After), if it gave one. */
	pollAfterMs?: number;
}

/** `call` sets what the user would call the look-up, and its own retries. */
export async function retrieveVideo(
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	itemIndex: number,
	call: Partial<Pick<HttpCall, 'action' | 'maxRetries'>> = {},
): Promise<Retrieved> {
	const answer = await send<Video>(ctx, session, {
		method: 'GET',
		url: `/videos/${encodeURIComponent(videoId)}`,
		action: 'Retrieve video',
		...call,
		itemIndex,
		videoId,
	});
	const pollAfter = Number(headerValue(answer.headers, 'openai-poll-after-ms'));
	return {
		video: answer.body,
		pollAfterMs:
			Number.isFinite(pollAfter) && pollAfter > 0 ? pollAfter : serverDelayMs(answer.headers),
	};
}

export function fileNameOf(videoId: string, variant: Variant): string {
	return `${videoId}.${VARIANTS[variant].extension}`;
}

/** Streams one of a finished video's files into the binary store; `hint` says how to try again. */
export async function downloadVideoFile(
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	variant: Variant,
	itemIndex: number,
	hint = `Download video ${videoId} later with its ID, until its files expire (expires_at).`,
): Promise<StoredFile> {
	return await downloadToBinary(
		ctx,
		session,
		{
			method: 'GET',
			url: `/videos/${encodeURIComponent(videoId)}/content`,
			qs: { variant },
			action: variant === 'video' ? 'Download video' : `Download ${variant}`,
			itemIndex,
			videoId,
			hint,
		},
		{ fileName: fileNameOf(videoId, variant), mimeType: VARIANTS[variant].mimeType },
	);
}

/**
 * Streams a finished video from its `video_url` into the binary store, the same way as the content
 * route. The URL is fetched as it is: the API key goes with it only when it points at the
 * credential's own origin (transport/index.ts).
 */
export async function downloadVideoUrl(
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	url: string,
	itemIndex: number,
	hint: string,
): Promise<StoredFile> {
	const call = { action: 'Download video', itemIndex, videoId };
	return await downloadToBinary(
		ctx,
		session,
		{ method: 'GET', url: checkedHttpUrl(ctx, session, url, call), ...call, hint },
		{ fileName: fileNameOf(videoId, 'video'), mimeType: VARIANTS.video.mimeType },
	);
}

export async function listVideos(
	ctx: IExecuteFunctions,
	session: Session,
	query: IDataObject,
	itemIndex: number,
): Promise<VideoList> {
	return await apiRequest<VideoList>(ctx, session, {
		method: 'GET',
		url: '/videos',
		qs: query,
		action: 'List videos',
		itemIndex,
	});
}

export async function deleteVideo(
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	itemIndex: number,
): Promise<IDataObject> {
	return await apiRequest<IDataObject>(ctx, session, {
		method: 'DELETE',
		url: `/videos/${encodeURIComponent(videoId)}`,
		action: 'Delete video',
		itemIndex,
		videoId,
	});
}

export async function startChat(
	ctx: IExecuteFunctions,
	session: Session,
	body: IDataObject,
	itemIndex: number,
) {
	return await session.paidRequests(
		async () =>
			await send(ctx, session, {
				method: 'POST',
				url: '/chat/completions',
				body,
				headers: { accept: 'text/event-stream, application/json' },
				paid: true,
				stream: true,
				action: 'Chat generation',
				itemIndex,
			}),
	);
}
