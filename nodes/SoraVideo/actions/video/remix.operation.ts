import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Session, WaitSettings } from '../../helpers/interfaces';
import { finishJob } from '../../helpers/jobs';
import { requiredText } from '../../helpers/validation';
import { remixVideo } from '../../transport/videos';
import {
	optionsField,
	promptField,
	readVideoId,
	readWaitSettings,
	videoIdField,
	waitFields,
	waitOptions,
} from './common';

const OPERATION = 'remix';

export const description: INodeProperties[] = [
	videoIdField(OPERATION, 'The finished video to remix: its ID from Create or Retrieve'),
	promptField(OPERATION, {
		placeholder: 'Same scene, at night, with neon reflections',
		description: 'The change to make. One clear change per remix works best.',
	}),
	...waitFields(OPERATION),
	optionsField(OPERATION, waitOptions),
];

export interface RemixInput {
	videoId: string;
	prompt: string;
	wait?: WaitSettings;
}

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<RemixInput> {
	return {
		videoId: readVideoId(this, itemIndex),
		prompt: requiredText(this, itemIndex, 'prompt', this.getNodeParameter('prompt', itemIndex, '')),
		wait: readWaitSettings(this, itemIndex),
	};
}

export async function execute(
	this: IExecuteFunctions,
	input: RemixInput,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const started = await remixVideo(this, session, input.videoId, input.prompt, itemIndex);
	return await finishJob(this, session, started, input.wait, itemIndex);
}
