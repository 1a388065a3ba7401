import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { operationError } from '../../helpers/errors';
import type { Session } from '../../helpers/interfaces';
import { outputItem } from '../../helpers/jobs';
import { deleteVideo } from '../../transport/videos';
import { parseVideoId, videoIdField } from './common';

export const description: INodeProperties[] = [
	videoIdField('delete', 'The video to delete, with all its files'),
];

export { parseVideoId as parse };

export async function execute(
	this: IExecuteFunctions,
	videoId: string,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const answer = await deleteVideo(this, session, videoId, itemIndex);
	if (answer?.deleted === false) {
		throw operationError(
			this,
			itemIndex,
			`Delete video failed (video ${videoId}): the API kept the video`,
			{
				videoId,
				secret: session.secret,
			},
		);
	}
	const id = typeof answer?.id === 'string' ? answer.id : videoId;
	return [outputItem(itemIndex, { id, deleted: true })];
}
