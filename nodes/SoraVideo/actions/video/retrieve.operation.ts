import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Session } from '../../helpers/interfaces';
import { outputItem } from '../../helpers/jobs';
import { retrieveVideo } from '../../transport/videos';
import { readVideoId, videoIdField } from './common';

export const description: INodeProperties[] = [
	videoIdField('retrieve', 'The video to check: its ID from Create or Remix'),
];

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	return readVideoId(this, itemIndex);
}

export async function execute(
	this: IExecuteFunctions,
	videoId: string,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const { video } = await retrieveVideo(this, session, videoId, itemIndex);
	return [outputItem(itemIndex, video)];
}
