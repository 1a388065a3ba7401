import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Session, Video } from '../helpers/interfaces';
import type { HttpCall } from './index';
import { apiRequest, headerValue, send } from './index';
import type { MultipartBody } from './multipart';

export interface VideoList extends IDataObject {
	data: Video[];
	has_more?: boolean;
	last_id?: string | null;
}

export async function createVideo(
	ctx: IExecuteFunctions,
	session: Session,
	form: MultipartBody,
	itemIndex: number,
): Promise<Video> {
	const { body, contentType } = form;
	return await session.paidRequests(
		async () =>
			await apiRequest<Video>(ctx, session, {
				method: 'POST',
				url: '/videos',
				body,
				headers: { 'content-type': contentType },
				paid: true,
				action: 'Create video',
				itemIndex,
			}),
	);
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
	/** The server's hint for the next poll (`openai-poll-after-ms`), if it gave one. */
	pollAfterMs?: number;
}

export async function retrieveVideo(
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	itemIndex: number,
): Promise<Retrieved> {
	const answer = await send<Video>(ctx, session, {
		method: 'GET',
		url: `/videos/${encodeURIComponent(videoId)}`,
		action: 'Retrieve video',
		itemIndex,
		videoId,
	});
	const pollAfter = Number(headerValue(answer.headers, 'openai-poll-after-ms'));
	return {
		video: answer.body,
		pollAfterMs: Number.isFinite(pollAfter) && pollAfter > 0 ? pollAfter : undefined,
	};
}

export function contentCall(videoId: string, variant: string, itemIndex: number): HttpCall {
	return {
		method: 'GET',
		url: `/videos/${encodeURIComponent(videoId)}/content`,
		qs: { variant },
		action: variant === 'video' ? 'Download video' : `Download ${variant}`,
		itemIndex,
		videoId,
		hint: `Download video ${videoId} later with its ID, until its files expire (expires_at).`,
	};
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
