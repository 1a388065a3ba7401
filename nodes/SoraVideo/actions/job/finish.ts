import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { contentCall } from '../transport/videos';
import type { StoredFile, Variant } from './binary';
import { downloadToBinary, VARIANTS } from './binary';
import type { Session, Video, WaitSettings } from './interfaces';
import { waitForVideo } from './polling';

export function outputItem(
	itemIndex: number,
	json: IDataObject,
	binary?: Record<string, IBinaryData>,
): INodeExecutionData {
	return binary
		? { json, binary, pairedItem: { item: itemIndex } }
		: { json, pairedItem: { item: itemIndex } };
}

export function fileNameOf(videoId: string, variant: Variant): string {
	return `${videoId}.${VARIANTS[variant].extension}`;
}

/** Streams one of a finished video's files into the binary store. */
export async function downloadVideoFile(
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	variant: Variant,
	itemIndex: number,
): Promise<StoredFile> {
	return await downloadToBinary(ctx, session, contentCall(videoId, variant, itemIndex), {
		fileName: fileNameOf(videoId, variant),
		mimeType: VARIANTS[variant].mimeType,
	});
}

/**
 * What Create and Remix do after the paid request: without a wait the started job as it is;
 * with one, the finished job, and its MP4 as binary when the download option is on.
 */
export async function finishJob(
	ctx: IExecuteFunctions,
	session: Session,
	started: Video,
	wait: WaitSettings | undefined,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	if (!wait) return [outputItem(itemIndex, started)];
	const video = await waitForVideo(ctx, session, started, wait, itemIndex);
	if (!wait.download) return [outputItem(itemIndex, video)];
	const { binary } = await downloadVideoFile(ctx, session, video.id, 'video', itemIndex);
	return [outputItem(itemIndex, video, { [wait.binaryPropertyName]: binary })];
}
