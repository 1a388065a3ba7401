import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { InputScope } from '../../transport/scope';
import { retrieveVideo } from '../../transport/videos';
import { finishJob } from '../job/finish';
import type { RunItem } from '../run/item';
import type { WaitSettings } from '../run/limits';
import { readWaitSettings } from '../run/limits';
import {
	TOOL_WORDS,
	operationDescription,
	optionsField,
	parseVideoId,
	requestLimitOptions,
	resumeWaitFields,
	videoIdField,
	waitOptions,
} from './fields';
import type { VideoOperation } from './node.type';

export const option: VideoOperation<RetrieveInput>['option'] = {
	name: 'Retrieve',
	value: 'retrieve',
	action: 'Retrieve a video',
	description: "Check a video's status once, or wait for an existing job and download it",
};

export const toolTexts = {
	waits: `Waits until a video (by its id) is finished, then returns it. Starts no paid work. Renders take minutes: a video still rendering when the wait ends comes back with its status (queued or in_progress), or as an error naming its id; check again later. ${TOOL_WORDS.returns}`,
	returnsAtOnce: `Checks a video's status once, by its id, and returns at once. Starts no paid work. status is queued, in_progress, completed or failed (some models write SUBMITTED, IN_PROGRESS, SUCCESS, FAILED); progress runs from 0 to 100. ${TOOL_WORDS.returns}`,
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

export interface RetrieveInput {
	videoId: string;
	wait?: WaitSettings;
}

export async function parse(scope: InputScope): Promise<RetrieveInput> {
	return { videoId: await parseVideoId(scope), wait: readWaitSettings(scope, false) };
}

/** Without a wait one status check; with it, the job is awaited and downloaded like a new one. */
export async function execute(scope: RunItem, input: RetrieveInput): Promise<INodeExecutionData[]> {
	const { video } = await retrieveVideo(scope, input.videoId);
	return await finishJob(scope, video, input.wait);
}
