import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Session } from '../../transport/session';
import type { MultipartBody } from '../../transport/multipart';
import { encodeMultipart } from '../../transport/multipart';
import { createVideo } from '../../transport/videos';
import { inputError } from '../../utils/errors';
import { imageSizeOf } from '../../utils/media';
import type { VideoModel } from '../../utils/models';
import { DEFAULT_SIZE, MODEL_NAMES, VIDEO_MODELS, modelsSharing } from '../../utils/models';
import type { Shot } from '../../utils/storyboard';
import { storyboardPrompt, totalDuration } from '../../utils/storyboard';
import { checkedSeconds, checkedSize, checkedUrl, requiredText } from '../../utils/validation';
import { finishJob } from '../job/finish';
import type { JobRequest } from '../job/reconcile';
import { resendAllowed, startJob } from '../job/reconcile';
import type { ReferenceImage } from '../job/reference';
import {
	checkReferenceBinary,
	fetchReferenceImage,
	readReferenceBinary,
	sizeForReference,
} from '../job/reference';
import type { WaitSettings } from '../job/wait-settings';
import { readOptions, readWaitSettings } from '../job/wait-settings';
import type { VideoOperation } from '../node.type';
import {
	operationDescription,
	optionsField,
	paidRequestOptions,
	promptField,
	renderNotice,
	requestLimitOptions,
	waitFields,
	waitOptions,
} from './fields';

export const option: VideoOperation<CreateInput>['option'] = {
	name: 'Create',
	value: 'create',
	action: 'Create a video',
	description: 'Start a render from a prompt, optionally wait and download the MP4',
};

const secondsLabel = (value: string) => `${value} Seconds`;
const sizeLabel = (value: string) => {
	const [width, height] = value.split('x').map(Number);
	return `${value} (${width > height ? 'Landscape' : 'Portrait'})`;
};

const forModels = (models: VideoModel[]) => ({ show: { model: models.map((m) => m.name) } });

/** For a model the catalogue does not know: a free-form field. */
const forOtherModels = { hide: { model: MODEL_NAMES } };

const NON_CASTING_MODELS = VIDEO_MODELS.filter((model) => !model.castsCharacters).map(
	(model) => model.name,
);

/**
 * Character and storyboard options, offered only where they work. Version 1 offers them for every
 * model, so what its saved workflows hold stays; from version 2 a model known not to cast
 * characters hides them. A model set by an expression, or one the catalogue does not know, shows
 * them: n8n shows an option whose condition reads an expression.
 */
function castingOptions(options: INodeProperties[]): INodeProperties[] {
	return options.flatMap((option) => [
		{ ...option, displayOptions: { show: { '@version': [1] } } },
		{
			...option,
			displayOptions: {
				show: { '@version': [{ _cnd: { gte: 2 } }] },
				hide: { '/model': NON_CASTING_MODELS },
			},
		},
	]);
}

function durationField(models: VideoModel[]): INodeProperties {
	const { seconds, defaultSeconds } = models[0];
	return {
		displayName: 'Duration',
		name: 'seconds',
		type: 'options',
		options: seconds.map((value) => ({ name: secondsLabel(value), value })),
		default: defaultSeconds,
		description: 'Length of the video. An expression can set any other value.',
		displayOptions: forModels(models),
	};
}

function sizeField(models: VideoModel[]): INodeProperties {
	return {
		displayName: 'Size',
		name: 'size',
		type: 'options',
		options: models[0].sizes.map((value) => ({ name: sizeLabel(value), value })),
		default: DEFAULT_SIZE,
		description: 'Width x height in pixels. An expression can set any other WIDTHxHEIGHT value.',
		displayOptions: forModels(models),
	};
}

/** One "seconds" and one "size" field per group of models that offer the same, so the UI offers only what fits. */
const durationFields: INodeProperties[] = [
	...modelsSharing((model) => `${model.seconds.join()}|${model.defaultSeconds}`).map(durationField),
	{
		displayName: 'Duration (Seconds)',
		name: 'seconds',
		type: 'string',
		default: '',
		placeholder: '8',
		description:
			'Length of the video in seconds, for a model not listed above. Empty: the API default.',
		displayOptions: forOtherModels,
	},
];

const sizeFields: INodeProperties[] = [
	...modelsSharing((model) => model.sizes.join()).map(sizeField),
	{
		displayName: 'Size',
		name: 'size',
		type: 'string',
		default: '',
		placeholder: '1280x720',
		description: 'Width x height in pixels, for a model not listed above. Empty: the API default.',
		displayOptions: forOtherModels,
	},
];

const properties: INodeProperties[] = [
	renderNotice,
	{
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'videoModels' },
		default: 'sora-2',
		description:
			'The four Sora 2 models, then the other video models your CometAPI account lists. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	promptField({
		placeholder: 'A paper airplane glides across a sunlit desk, slow motion',
		description:
			'What the video shows: subject, camera, light, mood. Not needed when a storyboard is set in the options.',
		required: false,
	}),
	...durationFields,
	...sizeFields,
	...waitFields,
	optionsField([
		{
			displayName: 'Reference Image Field',
			name: 'referenceImageBinaryProperty',
			type: 'string',
			default: '',
			placeholder: 'data',
			description:
				'Name of an input binary field holding an image to start from (PNG, JPEG or WebP, ideally the size of the video)',
		},
		{
			displayName: 'Reference Image URL',
			name: 'referenceImageUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/first-frame.png',
			description:
				'An image to start from, fetched by the node (without your API key) and uploaded',
		},
		...castingOptions([
			{
				displayName: 'Character Video URL',
				name: 'characterUrl',
				type: 'string',
				default: '',
				description: 'A video of a character to cast (sora-2-all and sora-2-pro-all only)',
			},
			{
				displayName: 'Character Timestamps',
				name: 'characterTimestamps',
				type: 'string',
				default: '',
				placeholder: '1,3',
				description: 'Start and end second of the character in the character video, as "start,end"',
			},
			{
				displayName: 'Storyboard',
				name: 'storyboard',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				default: {},
				placeholder: 'Add Shot',
				description:
					'Shots that replace the prompt with the storyboard format of sora-2-all and sora-2-pro-all. Their durations must add up to the duration.',
				options: [
					{
						displayName: 'Shot',
						name: 'shots',
						values: [
							{
								displayName: 'Duration (Seconds)',
								name: 'duration',
								type: 'number',
								typeOptions: { minValue: 0.1, numberPrecision: 1 },
								default: 5,
							},
							{
								displayName: 'Scene',
								name: 'scene',
								type: 'string',
								typeOptions: { rows: 2 },
								default: '',
								placeholder: 'The plane takes off into a red sky',
							},
						],
					},
				],
			},
		]),
		...waitOptions,
		...requestLimitOptions,
		...paidRequestOptions,
	]),
];

export const description = operationDescription(option, properties);

export const setsRequestLimits = true;

export interface CreateInput {
	fields: Record<string, string>;
	/** The input binary field of the reference image, read when the create runs. */
	imageField?: string;
	imageUrl?: string;
	wait?: WaitSettings;
	resend: boolean;
}

function readShots(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): Shot[] {
	const rows = ((options.storyboard as IDataObject | undefined)?.shots ?? []) as IDataObject[];
	return rows.map((row, index) => {
		const field = `options.storyboard.shots[${index}]`;
		const duration = Number(row.duration);
		if (!Number.isFinite(duration) || duration <= 0) {
			throw inputError(
				ctx,
				itemIndex,
				`${field}.duration`,
				`${String(row.duration)} is not a positive duration`,
			);
		}
		return { duration, scene: requiredText(ctx, itemIndex, `${field}.scene`, row.scene) };
	});
}

function checkStoryboardLength(
	ctx: IExecuteFunctions,
	itemIndex: number,
	shots: Shot[],
	seconds?: string,
) {
	if (!shots.length || seconds === undefined) return;
	const total = totalDuration(shots);
	if (Math.abs(total - Number(seconds)) > 0.01) {
		throw inputError(
			ctx,
			itemIndex,
			'options.storyboard',
			`the shots add up to ${Number(total.toFixed(3))} s but the duration is ${seconds} s`,
			'Make the shot durations add up to the chosen duration.',
		);
	}
}

function readCharacter(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject) {
	const fields: Record<string, string> = {};
	const url = checkedUrl(ctx, itemIndex, 'options.characterUrl', options.characterUrl);
	if (url) fields.character_url = url;
	const timestamps = String(options.characterTimestamps ?? '').replace(/\s+/g, '');
	if (timestamps) {
		const match = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(timestamps);
		if (!match || Number(match[1]) >= Number(match[2])) {
			throw inputError(
				ctx,
				itemIndex,
				'options.characterTimestamps',
				`"${timestamps}" is not "start,end" in seconds with start before end`,
			);
		}
		fields.character_timestamps = timestamps;
	}
	return fields;
}

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<CreateInput> {
	const model = requiredText(this, itemIndex, 'model', this.getNodeParameter('model', itemIndex));
	const options = readOptions(this, itemIndex);
	const shots = readShots(this, itemIndex, options);
	const prompt = shots.length
		? storyboardPrompt(shots)
		: requiredText(this, itemIndex, 'prompt', this.getNodeParameter('prompt', itemIndex, ''));
	const seconds = checkedSeconds(
		this,
		itemIndex,
		model,
		this.getNodeParameter('seconds', itemIndex, ''),
	);
	checkStoryboardLength(this, itemIndex, shots, seconds);
	const size = checkedSize(this, itemIndex, this.getNodeParameter('size', itemIndex, ''));

	const fields: Record<string, string> = {
		model,
		prompt,
		...readCharacter(this, itemIndex, options),
	};
	if (seconds) fields.seconds = seconds;

	const imageField = String(options.referenceImageBinaryProperty ?? '').trim();
	const imageUrl = checkedUrl(
		this,
		itemIndex,
		'options.referenceImageUrl',
		options.referenceImageUrl,
	);
	if (imageField && imageUrl) {
		throw inputError(
			this,
			itemIndex,
			'options.referenceImageUrl',
			'give one reference image: a binary field or a URL, not both',
		);
	}
	const imageSize = imageField
		? await checkReferenceBinary(this, itemIndex, imageField)
		: undefined;
	const sized = sizeForReference(this, itemIndex, model, size, imageSize);
	if (sized) fields.size = sized;
	return {
		fields,
		imageField: imageField || undefined,
		imageUrl,
		wait: readWaitSettings(this, itemIndex),
		resend: resendAllowed(this, itemIndex),
	};
}

async function referenceOf(
	ctx: IExecuteFunctions,
	session: Session,
	input: CreateInput,
	itemIndex: number,
): Promise<ReferenceImage | undefined> {
	if (input.imageUrl) return await fetchReferenceImage(ctx, session, itemIndex, input.imageUrl);
	if (input.imageField) return await readReferenceBinary(ctx, itemIndex, input.imageField);
	return undefined;
}

/**
 * The form of a create. A reference from a URL is fetched only now, so its size is checked here,
 * still before the paid request is sent.
 */
function createForm(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: Record<string, string>,
	image?: ReferenceImage,
): MultipartBody {
	const size = sizeForReference(
		ctx,
		itemIndex,
		fields.model,
		fields.size,
		image && imageSizeOf(image.bytes),
	);
	const files = image
		? [
				{
					name: 'input_reference',
					fileName: image.fileName,
					mimeType: image.mimeType,
					bytes: image.bytes,
				},
			]
		: [];
	return encodeMultipart(size ? { ...fields, size } : fields, files);
}

export async function execute(
	this: IExecuteFunctions,
	input: CreateInput,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const buildForm = async () =>
		createForm(this, itemIndex, input.fields, await referenceOf(this, session, input, itemIndex));
	const { fields } = input;
	const request: JobRequest = {
		kind: 'create',
		prompt: fields.prompt,
		model: fields.model,
		seconds: fields.seconds,
		size: fields.size,
	};
	const { video, recovered } = await startJob(
		this,
		session,
		request,
		async () => await createVideo(this, session, buildForm, itemIndex),
		itemIndex,
		input.resend,
	);
	return await finishJob(this, session, video, input.wait, itemIndex, recovered);
}
