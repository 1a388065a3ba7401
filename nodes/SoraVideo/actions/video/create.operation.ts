import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { ReferenceImage } from '../../helpers/binary';
import { referenceImageFromBinary, referenceImageFromUrl } from '../../helpers/binary';
import { inputError } from '../../helpers/errors';
import type { Session, WaitSettings } from '../../helpers/interfaces';
import { finishJob } from '../../helpers/jobs';
import { MODEL_NAMES, MODEL_PROFILES } from '../../helpers/models';
import type { Shot } from '../../helpers/storyboard';
import { storyboardPrompt, totalDuration } from '../../helpers/storyboard';
import {
	checkedPropertyName,
	checkedSeconds,
	checkedSize,
	checkedUrl,
	requiredText,
} from '../../helpers/validation';
import type { MultipartBody } from '../../transport/multipart';
import { encodeMultipart } from '../../transport/multipart';
import { createVideo } from '../../transport/videos';
import {
	optionsField,
	promptField,
	readOptions,
	readWaitSettings,
	showFor,
	waitFields,
	waitOptions,
} from './common';

const OPERATION = 'create';

function modelsWith(predicate: (name: string) => boolean) {
	return MODEL_NAMES.filter(predicate);
}

function choicesFor(
	field: 'seconds' | 'sizes',
	models: string[],
	label: (value: string) => string,
) {
	return MODEL_PROFILES[models[0]][field].map((value) => ({ name: label(value), value }));
}

const secondsLabel = (value: string) => `${value} Seconds`;
const sizeLabel = (value: string) => {
	const [width, height] = value.split('x').map(Number);
	return `${value} (${width > height ? 'Landscape' : 'Portrait'})`;
};

/** One "seconds" and one "size" field per group of models, so the UI offers only what fits. */
const MODEL_GROUPS = [
	{ models: ['sora-2', 'sora-2-pro'], seconds: '4' },
	{ models: ['sora-2-all'], seconds: '10' },
	{ models: ['sora-2-pro-all'], seconds: '10' },
];
const SIZE_GROUPS = [
	modelsWith((name) => !name.includes('pro')),
	modelsWith((name) => name.includes('pro')),
];

const durationFields: INodeProperties[] = [
	...MODEL_GROUPS.map(
		({ models, seconds }): INodeProperties => ({
			displayName: 'Duration',
			name: 'seconds',
			type: 'options',
			options: choicesFor('seconds', models, secondsLabel),
			default: seconds,
			description: 'Length of the video. An expression can set any other value.',
			displayOptions: showFor([OPERATION], { model: models }),
		}),
	),
	{
		displayName: 'Duration (Seconds)',
		name: 'seconds',
		type: 'string',
		default: '',
		placeholder: '8',
		description:
			'Length of the video in seconds, for a model not listed above. Empty: the API default.',
		displayOptions: {
			hide: { model: MODEL_NAMES },
			show: { resource: ['video'], operation: [OPERATION] },
		},
	},
];

const sizeFields: INodeProperties[] = [
	...SIZE_GROUPS.map(
		(models): INodeProperties => ({
			displayName: 'Size',
			name: 'size',
			type: 'options',
			options: choicesFor('sizes', models, sizeLabel),
			default: '1280x720',
			description: 'Width x height in pixels. An expression can set any other WIDTHxHEIGHT value.',
			displayOptions: showFor([OPERATION], { model: models }),
		}),
	),
	{
		displayName: 'Size',
		name: 'size',
		type: 'string',
		default: '',
		placeholder: '1280x720',
		description: 'Width x height in pixels, for a model not listed above. Empty: the API default.',
		displayOptions: {
			hide: { model: MODEL_NAMES },
			show: { resource: ['video'], operation: [OPERATION] },
		},
	},
];

export const description: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{ name: 'Sora 2', value: 'sora-2', description: 'Faster, for drafts and iteration' },
			{ name: 'Sora 2 Pro', value: 'sora-2-pro', description: 'Higher quality, slower' },
			{
				name: 'Sora 2 All (CometAPI)',
				value: 'sora-2-all',
				description: '10 or 15 s; characters and storyboards',
			},
			{
				name: 'Sora 2 Pro All (CometAPI)',
				value: 'sora-2-pro-all',
				description: '10, 15 or 25 s; characters and storyboards',
			},
		],
		default: 'sora-2',
		description: 'The video model. An expression can name any other model CometAPI offers.',
		displayOptions: showFor([OPERATION]),
	},
	promptField(OPERATION, {
		placeholder: 'A paper airplane glides across a sunlit desk, slow motion',
		description:
			'What the video shows: subject, camera, light, mood. Not needed when a storyboard is set in the options.',
		required: false,
	}),
	...durationFields,
	...sizeFields,
	...waitFields(OPERATION),
	optionsField(OPERATION, [
		...waitOptions,
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
];

export interface CreateInput {
	fields: Record<string, string>;
	image?: ReferenceImage;
	imageUrl?: string;
	wait?: WaitSettings;
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
	if (size) fields.size = size;

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
	const image = imageField
		? await referenceImageFromBinary(
				this,
				itemIndex,
				checkedPropertyName(this, itemIndex, 'options.referenceImageBinaryProperty', imageField),
			)
		: undefined;
	return { fields, image, imageUrl, wait: readWaitSettings(this, itemIndex) };
}

function createRequest(fields: Record<string, string>, image?: ReferenceImage): MultipartBody {
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
	return encodeMultipart(fields, files);
}

export async function execute(
	this: IExecuteFunctions,
	input: CreateInput,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const image = input.imageUrl
		? await referenceImageFromUrl(this, session, itemIndex, input.imageUrl)
		: input.image;
	const started = await createVideo(this, session, createRequest(input.fields, image), itemIndex);
	return await finishJob(this, session, started, input.wait, itemIndex);
}
