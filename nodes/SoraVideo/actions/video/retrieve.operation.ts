import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Session } from '../../transport/session';
import { retrieveVideo } from '../../transport/videos';
import { finishJob } from '../job/finish';
import type { WaitSettings } from '../job/wait-settings';
import { readWaitSettings } from '../job/wait-settings';
import type { VideoOperation } from '../node.type';
import {
	operationDescription,
	optionsField,
	parseVideoId,
	requestLimitOptions,
	resumeWaitFields,
	videoIdField,
	waitOptions,
} from './fields';

export const option: VideoOperation<RetrieveInput>['option'] = {
	name: 'Retrieve',
	value: 'retrieve',
	action: 'Retrieve a video',
	description: "Check a video's status once, or wait for an existing job and download it",
};

const properties: INodeProperties[] = [
	videoIdField('The video to check: its ID from Create, Remix or an error that names it'),
	...resumeWaitFields,
	{
		...optionsField([...waitOptions, ...requestLimitOptions]),
		displayOptions: { show: { waitForCompletion: [true] } },
	},
];

export const description = operationDescription(option, properties);

export const setsRequestLimits = true;

export interface RetrieveInput {
	videoId: string;
	wait?: WaitSettings;
}

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<RetrieveInput> {
	return {
		videoId: await parseVideoId.call(this, itemIndex),
		wait: readWaitSettings(this, itemIndex, false),
	};
}

/** Without a wait one status check; with it, the job is awaited and downloaded like a new one. */
export async function execute(
	this: IExecuteFunctions,
	input: RetrieveInput,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const { video } = await retrieveVideo(this, session, input.videoId, itemIndex);
	return await finishJob(this, session, video, input.wait, itemIndex);
}
