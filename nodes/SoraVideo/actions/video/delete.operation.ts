import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Session } from '../../transport/session';
import { deleteVideo } from '../../transport/videos';
import { operationError } from '../../utils/errors';
import { outputItem } from '../job/finish';
import type { VideoOperation } from '../node.type';
import { operationDescription, parseVideoId, videoIdField } from './fields';

export const option: VideoOperation<string>['option'] = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete a video',
	description: 'Delete a video and its files',
};

const properties: INodeProperties[] = [videoIdField('The video to delete, with all its files')];

export const description = operationDescription(option, properties);

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
			{ videoId, secret: session.secret },
		);
	}
	const id = typeof answer?.id === 'string' ? answer.id : videoId;
	return [outputItem({ id, deleted: true })];
}
