import type { IDataObject } from 'n8n-workflow';

import { EXPIRED_LINK, NO_SUCH_VIDEO } from '../utils/error-texts';
import type { StoredFile } from './download';
import { downloadToBinary } from './download';
import type { HttpCall } from './index';
import { apiRequest, checkedHttpUrl, send } from './index';
import type { MultipartBody } from './multipart';
import { headerValue, serverDelayMs } from './retry';
import type { ItemScope } from './scope';

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

/** The requests about one video, with what a 404 means for them. */
const aboutVideo = (action: string, videoId: string) => ({
	action,
	videoId,
	words: { notFound: NO_SUCH_VIDEO },
});

const videoPath = (videoId: string, rest = '') => `/videos/${encodeURIComponent(videoId)}${rest}`;

/** `buildForm` runs once the request's turn has come, so only the running creates hold their bodies. */
export async function createVideo(
	scope: ItemScope,
	buildForm: () => Promise<MultipartBody>,
): Promise<Video> {
	return await scope.session.paidRequests(async () => {
		const { body, contentType } = await buildForm();
		return await apiRequest<Video>(scope, {
			method: 'POST',
			url: '/videos',
			body,
			headers: { 'content-type': contentType },
			paid: true,
			action: 'Create video',
			words: {
				notFound:
					'The API at this address has no video route: check the Base URL of the CometAPI credential.',
			},
		});
	});
}

export async function remixVideo(
	scope: ItemScope,
	videoId: string,
	prompt: string,
): Promise<Video> {
	return await scope.session.paidRequests(
		async () =>
			await apiRequest<Video>(scope, {
				method: 'POST',
				url: videoPath(videoId, '/remix'),
				body: { prompt },
				paid: true,
				...aboutVideo('Remix video', videoId),
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
	scope: ItemScope,
	videoId: string,
	call: Partial<Pick<HttpCall, 'action' | 'maxRetries'>> = {},
): Promise<Retrieved> {
	const answer = await send<Video>(scope, {
		method: 'GET',
		url: videoPath(videoId),
		...aboutVideo('Retrieve video', videoId),
		...call,
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

/** Streams one of a finished video's files from the content route into the binary store; `hint` says how to try again. */
export async function downloadVideoFile(
	scope: ItemScope,
	videoId: string,
	variant: Variant,
	hint = `Download video ${videoId} later with its ID, until its files expire (expires_at).`,
): Promise<StoredFile> {
	return await downloadToBinary(
		scope,
		{
			method: 'GET',
			url: videoPath(videoId, '/content'),
			qs: { variant },
			...aboutVideo(variant === 'video' ? 'Download video' : `Download ${variant}`, videoId),
			hint,
		},
		{ fileName: fileNameOf(videoId, variant), mimeType: VARIANTS[variant].mimeType },
	);
}

/**
 * Streams a finished video from its `video_url` into the binary store, the same way as the content
 * route. The URL is fetched as it is: the API key goes with it only when it points at the
 * credential's own origin (transport/http.ts).
 */
export async function downloadVideoUrl(
	scope: ItemScope,
	videoId: string,
	url: string,
	hint: string,
): Promise<StoredFile> {
	const call = {
		...aboutVideo('Download video', videoId),
		words: { notFound: NO_SUCH_VIDEO, link: EXPIRED_LINK },
	};
	return await downloadToBinary(
		scope,
		{ method: 'GET', url: checkedHttpUrl(scope, url, call), ...call, hint },
		{ fileName: fileNameOf(videoId, 'video'), mimeType: VARIANTS.video.mimeType },
	);
}

export async function listVideos(
	scope: ItemScope,
	query: IDataObject,
	call: Partial<Pick<HttpCall, 'waitsOutRefusals'>> = {},
): Promise<VideoList> {
	return await apiRequest<VideoList>(scope, {
		method: 'GET',
		url: '/videos',
		qs: query,
		action: 'List videos',
		words: {
			notFound:
				'This API does not list videos (CometAPI does not document the list): use the IDs that Create returns.',
		},
		...call,
	});
}

export async function deleteVideo(scope: ItemScope, videoId: string): Promise<IDataObject> {
	return await apiRequest<IDataObject>(scope, {
		method: 'DELETE',
		url: videoPath(videoId),
		...aboutVideo('Delete video', videoId),
	});
}

export async function startChat(scope: ItemScope, body: IDataObject) {
	return await scope.session.paidRequests(
		async () =>
			await send(scope, {
				method: 'POST',
				url: '/chat/completions',
				body,
				headers: { accept: 'text/event-stream, application/json' },
				paid: true,
				stream: true,
				action: 'Chat generation',
				words: {
					notFound:
						'This API has no chat completions at this address: check the Base URL of the CometAPI credential.',
				},
			}),
	);
}
