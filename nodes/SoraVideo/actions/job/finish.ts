import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Session } from '../../transport/session';
import type { Video } from '../../transport/videos';
import { runsAsTool } from '../tool';
import { recordJob } from './job-record';
import { downloadFinishedVideo } from './video-file';
import { continueWithRetrieve, phaseOf, waitForVideo } from './wait';
import type { WaitSettings } from './wait-settings';

/** An operation's output item; the router pairs it with its input item. */
export function outputItem(
	json: IDataObject,
	binary?: Record<string, IBinaryData>,
): INodeExecutionData {
	return binary ? { json, binary } : { json };
}

/**
 * What Create, Remix and Retrieve do with a job: without a wait the job as it is; with one, the
 * finished job, and its MP4 as binary when the download option is on (or the unfinished job, when
 * the wait ran out and On Timeout says to output it). `annotation` joins the
 * output json (a recovered job says so).
 */
export async function finishJob(
	ctx: IExecuteFunctions,
	session: Session,
	started: Video,
	wait: WaitSettings | undefined,
	itemIndex: number,
	annotation?: IDataObject,
): Promise<INodeExecutionData[]> {
	if (!wait) return [outputItem({ ...started, ...annotation })];
	recordJob(ctx, itemIndex, started.id);
	const video: Video = {
		...(await waitForVideo(ctx, session, started, wait, itemIndex)),
		...annotation,
	};
	// an unfinished job (On Timeout: Output the Unfinished Job) has no file yet; a tool's file would never reach the model
	if (phaseOf(video.status) !== 'completed' || !wait.download || runsAsTool(ctx)) {
		return [outputItem(video)];
	}
	const { binary } = await downloadFinishedVideo(
		ctx,
		session,
		video,
		itemIndex,
		`The video is finished and paid for. ${continueWithRetrieve(video.id)}`,
	);
	return [outputItem(video, { [wait.binaryPropertyName]: binary })];
}
