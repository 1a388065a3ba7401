import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { InputScope } from '../../transport/scope';
import { remixVideo, retrieveVideo } from '../../transport/videos';
import { VIDEO_MODELS, modelNamed } from '../../utils/models';
import { requiredText } from '../../utils/validation';
import { finishJob } from '../job/finish';
import { withServedModel } from '../job/served-models';
import { resendAllowed, startJob } from '../job/start';
import type { RunItem } from '../run/item';
import type { WaitSettings } from '../run/limits';
import { readWaitSettings } from '../run/limits';
import {
	TOOL_WORDS,
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
import type { VideoOperation } from './node.type';

export const option: VideoOperation<RemixInput>['option'] = {
	name: 'Remix',
	value: 'remix',
	action: 'Remix a video',
	description: 'Change a finished video with a new prompt',
};

const { paidRender, renderTime, returns } = TOOL_WORDS;
const SOURCE = 'a finished Sora 2 video (by its id; other models cannot be remixed)';

export const toolTexts = {
	waits: `Changes ${SOURCE} with a new prompt and waits until the new video is finished. ${paidRender} ${renderTime} ${returns}`,
	returnsAtOnce: `Starts a remix of ${SOURCE} with a new prompt and returns at once with status "queued". ${paidRender} ${renderTime} ${returns}`,
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

export interface RemixInput {
	videoId: string;
	prompt: string;
	wait?: WaitSettings;
	resend: boolean;
}

export async function parse(scope: InputScope): Promise<RemixInput> {
	return {
		videoId: await parseVideoId(scope),
		prompt: requiredText(scope, 'prompt', scope.parameter('prompt', '')),
		wait: readWaitSettings(scope),
		resend: resendAllowed(scope),
	};
}

const REMIXABLE = VIDEO_MODELS.filter((model) => model.remix).map((model) => model.name);

/**
 * Only some families can be remixed (Sora 2): from node version 3 the source is looked up first
 * (free), so a video of any other family fails before the paid remix; a model the catalogue does
 * not know goes ahead. Gives the source's model, which the remix renders with. Versions 1 and 2
 * send the remix as 0.2.0 did.
 */
async function remixableModel(scope: RunItem, videoId: string): Promise<string | undefined> {
	if (scope.ctx.getNode().typeVersion < 3) return undefined;
	const { video } = await retrieveVideo(scope, videoId, { action: 'Remix video' });
	const sourceModel = String(video.model ?? '');
	const model = modelNamed(sourceModel);
	if (!model || model.remix) return sourceModel;
	throw scope.badInput(
		'videoId',
		`video ${videoId} was made with ${model.name}, which cannot be remixed; Remix takes videos of ${REMIXABLE.join(' and ')}`,
		'Nothing was paid for. To change this video, Create a new one with a changed prompt.',
	);
}

export async function execute(scope: RunItem, input: RemixInput): Promise<INodeExecutionData[]> {
	const model = await remixableModel(scope, input.videoId);
	const start = async () =>
		await startJob(
			scope,
			{ kind: 'remix', prompt: input.prompt, sourceVideoId: input.videoId },
			async () => await remixVideo(scope, input.videoId, input.prompt),
			input.resend,
		);
	const { video, recovered } = model ? await withServedModel(scope, model, start) : await start();
	return await finishJob(scope, video, input.wait, recovered);
}
