import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { deleteVideo } from '../../transport/videos';
import type { RunItem } from '../run/item';
import { outputItem } from '../run/item';
import { operationDescription, parseVideoId, videoIdField } from './fields';
import type { VideoOperation } from './node.type';

export const option: VideoOperation<string>['option'] = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete a video',
	description: 'Delete a video and its files',
};

const properties: INodeProperties[] = [videoIdField('The video to delete, with all its files')];

export const description = operationDescription(option, properties);

export const toolTexts =
	'Deletes a video and its files, by its id. This cannot be undone. Returns id and deleted.';

export { parseVideoId as parse };

export async function execute(scope: RunItem, videoId: string): Promise<INodeExecutionData[]> {
	const answer = await deleteVideo(scope, videoId);
	if (answer?.deleted === false) {
		throw scope.fail(`Delete video failed (video ${videoId}): the API kept the video`, { videoId });
	}
	const id = typeof answer?.id === 'string' ? answer.id : videoId;
	return [outputItem({ id, deleted: true })];
}
