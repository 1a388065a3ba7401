import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Session } from '../../helpers/interfaces';
import { outputItem } from '../../helpers/jobs';
import { retrieveVideo } from '../../transport/videos';
import { parseVideoId, videoIdField } from './common';

export const description: INodeProperties[] = [
	videoIdField('retrieve', 'The video to check: its ID from Create or Remix'),
];

export { parseVideoId as parse };

export async function execute(
	this: IExecuteFunctions,
	videoId: string,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const { video } = await retrieveVideo(this, session, videoId, itemIndex);
	return [outputItem(itemIndex, video)];
}
