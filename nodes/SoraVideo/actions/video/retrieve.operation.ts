import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Session } from '../../transport/session';
import { retrieveVideo } from '../../transport/videos';
import { outputItem } from '../job/finish';
import type { VideoOperation } from '../node.type';
import { parseVideoId, videoIdField } from './fields';

export const option: VideoOperation<string>['option'] = {
	name: 'Retrieve',
	value: 'retrieve',
	action: 'Retrieve a video',
	description: "Check a video's status and progress once",
};

const properties: INodeProperties[] = [
	videoIdField('The video to check: its ID from Create or Remix'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['retrieve'] } },
	properties,
);

export { parseVideoId as parse };

export async function execute(
	this: IExecuteFunctions,
	videoId: string,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const { video } = await retrieveVideo(this, session, videoId, itemIndex);
	return [outputItem(video)];
}
