import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Session } from '../../transport/session';
import { remixVideo, retrieveVideo } from '../../transport/videos';
import { inputError } from '../../utils/errors';
import { VIDEO_MODELS, modelNamed } from '../../utils/models';
import { requiredText } from '../../utils/validation';
import { finishJob } from '../job/finish';
import { resendAllowed, startJob } from '../job/reconcile';
import { withServedModel } from '../job/served-models';
import type { WaitSettings } from '../job/wait-settings';
import { readWaitSettings } from '../job/wait-settings';
import type { VideoOperation } from '../node.type';
import {
	operationDescription,
	optionsField,
	paidRequestOptions,
	parseVideoId,
	promptField,
	renderNotice,
	requestLimitOptions,
	videoIdField,
	waitFields,
	waitOptions,
} from './fields';

export const option: VideoOperation<RemixInput>['option'] = {
	name: 'Remix',
	value: 'remix',
	action: 'Remix a video',
	description: 'Change a finished video with a new prompt',
};

const properties: INodeProperties[] = [
	renderNotice,
	videoIdField('The finished video to remix: its ID from Create or Retrieve'),
	promptField({
		placeholder: 'Same scene, at night, with neon reflections',
		description: 'The change to make. One clear change per remix works best.',
	}),
	...waitFields,
	optionsField([...waitOptions, ...requestLimitOptions, ...paidRequestOptions]),
];

export const description = operationDescription(option, properties);

export const setsRequestLimits = true;

export interface RemixInput {
	videoId: string;
	prompt: string;
	wait?: WaitSettings;
	resend: boolean;
}

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<RemixInput> {
	return {
		videoId: await parseVideoId.call(this, itemIndex),
		prompt: requiredText(this, itemIndex, 'prompt', this.getNodeParameter('prompt', itemIndex, '')),
		wait: readWaitSettings(this, itemIndex),
		resend: resendAllowed(this, itemIndex),
	};
}

const REMIXABLE = VIDEO_MODELS.filter((model) => model.remix).map((model) => model.name);

/**
 * Only some families can be remixed (Sora 2): the source is looked up first (free), so a video of
 * any other family fails before the paid remix. A model the catalogue does not know goes ahead.
 * Gives the source's model, which the remix renders with.
 */
async function checkRemixable(
	ctx: IExecuteFunctions,
	session: Session,
	videoId: string,
	itemIndex: number,
): Promise<string> {
	const { video } = await retrieveVideo(ctx, session, videoId, itemIndex, {
		action: 'Remix video',
	});
	const sourceModel = String(video.model ?? '');
	const model = modelNamed(sourceModel);
	if (!model || model.remix) return sourceModel;
	throw inputError(
		ctx,
		itemIndex,
		'videoId',
		`video ${videoId} was made with ${model.name}, which cannot be remixed; Remix takes videos of ${REMIXABLE.join(' and ')}`,
		'Nothing was paid for. To change this video, Create a new one with a changed prompt.',
	);
}

export async function execute(
	this: IExecuteFunctions,
	input: RemixInput,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const model = await checkRemixable(this, session, input.videoId, itemIndex);
	const { video, recovered } = await withServedModel(
		this,
		session,
		model,
		itemIndex,
		async () =>
			await startJob(
				this,
				session,
				{ kind: 'remix', prompt: input.prompt, sourceVideoId: input.videoId },
				async () => await remixVideo(this, session, input.videoId, input.prompt, itemIndex),
				itemIndex,
				input.resend,
			),
	);
	return await finishJob(this, session, video, input.wait, itemIndex, recovered);
}
