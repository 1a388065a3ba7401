import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { ChoiceList, VideoModel } from '../../utils/models';
import {
	DEFAULT_MODEL,
	FIRST_MODELS,
	VIDEO_MODELS,
	durationValues,
	modelsSharing,
} from '../../utils/models';
import type { VideoOperation } from './node.type';
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

export const option: VideoOperation<unknown>['option'] = {
	name: 'Create',
	value: 'create',
	action: 'Create a video',
	description: 'Start a render from a prompt, optionally wait and download the MP4',
};

type DisplayOptions = NonNullable<INodeProperties['displayOptions']>;

/**
 * Each node version's Create form knows its own models: versions 1 and 2 were built for the Sora
 * models alone (a saved workflow's fields stay as they were), version 3 for the whole catalogue.
 */
interface Form {
	versions: DisplayOptions['show'];
	models: VideoModel[];
}

const FIRST_FORM: Form = { versions: { '@version': [1, 2] }, models: FIRST_MODELS };
const CURRENT_FORM: Form = {
	versions: { '@version': [{ _cnd: { gte: 3 } }] },
	models: VIDEO_MODELS,
};

const namesOf = (models: VideoModel[]) => models.map((model) => model.name);

function forModels(form: Form, models: VideoModel[]): DisplayOptions {
	return { show: { ...form.versions, model: namesOf(models) } };
}

/** For a model the form does not know: free-form fields. */
function forOtherModels(form: Form): DisplayOptions {
	return { show: form.versions, hide: { model: namesOf(form.models) } };
}

const secondsLabel = (value: string) => `${value} ${value === '1' ? 'Second' : 'Seconds'}`;

/** `1280x720 (Landscape)`, `16:9 (Landscape)`, `1440x1440 (Square)`. */
function frameLabel(value: string): string {
	const [width, height] = value.split(/[x:]/).map(Number);
	const shape = width === height ? 'Square' : width > height ? 'Landscape' : 'Portrait';
	return `${value} (${shape})`;
}

const choiceOptions = (values: string[], label: (value: string) => string = (v) => v) =>
	values.map((value): INodePropertyOptions => ({ name: label(value), value }));

function freeText(
	form: Form,
	field: Pick<INodeProperties, 'displayName' | 'name' | 'placeholder' | 'description'>,
	models?: VideoModel[],
	fallback = '',
): INodeProperties {
	return {
		...field,
		type: 'string',
		default: fallback,
		displayOptions: models ? forModels(form, models) : forOtherModels(form),
	};
}

function durationFields(form: Form): INodeProperties[] {
	const listed = form.models.filter((model) => model.durations);
	const unranged = form.models.filter((model) => !model.durations);
	const groups = modelsSharing(
		listed,
		(model) => `${durationValues(model.durations!).join()}|${model.defaultSeconds}`,
	);
	return [
		...groups.map((models): INodeProperties => {
			const [{ durations, defaultSeconds }] = models;
			return {
				displayName: 'Duration',
				name: 'seconds',
				type: 'options',
				options: choiceOptions(durationValues(durations!), secondsLabel),
				default: defaultSeconds,
				description: 'Length of the video. An expression can set any other value.',
				displayOptions: forModels(form, models),
			};
		}),
		...modelsSharing(unranged, (model) => model.defaultSeconds).map((models) =>
			freeText(
				form,
				{
					displayName: 'Duration (Seconds)',
					name: 'seconds',
					placeholder: models[0].defaultSeconds,
					description: `Length of the video in seconds. ${models[0].label} documents no range; start with ${models[0].defaultSeconds}.`,
				},
				models,
				models[0].defaultSeconds,
			),
		),
		freeText(form, {
			displayName: 'Duration (Seconds)',
			name: 'seconds',
			placeholder: '8',
			description:
				'Length of the video in seconds, for a model not listed above. Empty: the API default.',
		}),
	];
}

function sizeFields(form: Form): INodeProperties[] {
	const sized = form.models.filter((model) => model.sizes);
	return [
		...modelsSharing(sized, (model) => `${model.sizes!.values.join()}|${model.sizes!.default}`).map(
			(models): INodeProperties => {
				const [{ sizes, anyPixelSize }] = models;
				const { values, default: fallback } = sizes!;
				return {
					displayName: 'Size',
					name: 'size',
					type: 'options',
					options: choiceOptions(values, frameLabel),
					default: fallback,
					description: anyPixelSize
						? 'Aspect ratio of the video, rendered at the chosen resolution. An expression can set an exact WIDTHxHEIGHT instead.'
						: 'Width x height in pixels. An expression can set any other WIDTHxHEIGHT value.',
					displayOptions: forModels(form, models),
				};
			},
		),
		freeText(form, {
			displayName: 'Size',
			name: 'size',
			placeholder: '1280x720',
			description:
				'Width x height in pixels, for a model not listed above. Empty: the API default.',
		}),
	];
}

/** A list field for the models that take it (`resolution`, `aspect_ratio`), free-form for unknown models. */
function choiceFields(
	form: Form,
	field: { displayName: string; name: string; description: string; placeholder: string },
	choicesOf: (model: VideoModel) => ChoiceList | undefined,
	label?: (value: string) => string,
): INodeProperties[] {
	const taking = form.models.filter((model) => choicesOf(model));
	return [
		...modelsSharing(
			taking,
			(model) => `${choicesOf(model)!.values.join()}|${choicesOf(model)!.default}`,
		).map((models): INodeProperties => {
			const { values, default: fallback } = choicesOf(models[0])!;
			return {
				displayName: field.displayName,
				name: field.name,
				type: 'options',
				options: choiceOptions(values, label),
				default: fallback,
				description: field.description,
				displayOptions: forModels(form, models),
			};
		}),
		freeText(form, {
			...field,
			description: `${field.description} For a model not listed above; empty: not sent.`,
		}),
	];
}

const resolutionFields = (form: Form) =>
	choiceFields(
		form,
		{
			displayName: 'Resolution',
			name: 'resolution',
			placeholder: '720p',
			description: 'Output resolution.',
		},
		(model) => model.resolutions,
	);

const aspectRatioFields = (form: Form) =>
	choiceFields(
		form,
		{
			displayName: 'Aspect Ratio',
			name: 'aspectRatio',
			placeholder: '16:9',
			description: 'Shape of the video.',
		},
		(model) => model.aspectRatios,
		frameLabel,
	);

const versionOneAndTwoModel: INodeProperties = {
	displayName: 'Model Name or ID',
	name: 'model',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'videoModels' },
	default: 'sora-2',
	description:
		'The four Sora 2 models, then the other video models your CometAPI account lists. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	displayOptions: { show: FIRST_FORM.versions },
};

const currentModel: INodeProperties = {
	displayName: 'Model Name or ID',
	name: 'model',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'videoModels' },
	default: DEFAULT_MODEL,
	description:
		'The models the node knows, by family, then the other video models your CometAPI account lists. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	displayOptions: { show: CURRENT_FORM.versions },
};

const NON_CASTING = (models: VideoModel[]) =>
	namesOf(models.filter((model) => !model.castsCharacters));
const TEXT_ONLY = (models: VideoModel[]) => namesOf(models.filter((model) => !model.maxReferences));

/**
 * Which options each version offers. Version 1 offers every option for every model, so what its
 * saved workflows hold stays; version 2 hides the character and storyboard options for the models
 * known not to cast characters; version 3 also hides reference images for text-only models. A
 * model set by an expression, or one the catalogue does not know, shows them all: n8n shows an
 * option whose condition reads an expression.
 */
function offeredFor(options: INodeProperties[], hiddenFor: (models: VideoModel[]) => string[]) {
	return options.flatMap((option): INodeProperties[] => [
		{ ...option, displayOptions: { show: { '@version': [1] } } },
		{
			...option,
			displayOptions: { show: { '@version': [2] }, hide: { '/model': hiddenFor(FIRST_MODELS) } },
		},
		{
			...option,
			displayOptions: { show: CURRENT_FORM.versions, hide: { '/model': hiddenFor(VIDEO_MODELS) } },
		},
	]);
}

/**
 * Reference images. Versions 1 and 2 offered one for every model; version 3 takes several where a
 * model does, and offers none for text-only models.
 */
const referenceOptions: INodeProperties[] = [
	{
		displayName: 'Reference Image Field',
		name: 'referenceImageBinaryProperty',
		type: 'string',
		default: '',
		placeholder: 'data',
		description:
			'Name of an input binary field holding an image to start from (PNG, JPEG or WebP, ideally the size of the video)',
		displayOptions: { show: FIRST_FORM.versions },
	},
	{
		displayName: 'Reference Image URL',
		name: 'referenceImageUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/first-frame.png',
		description: 'An image to start from, fetched by the node (without your API key) and uploaded',
		displayOptions: { show: FIRST_FORM.versions },
	},
	...[
		{
			displayName: 'Reference Image Field',
			name: 'referenceImageBinaryProperty',
			type: 'string' as const,
			default: '',
			placeholder: 'data',
			description:
				'Name of an input binary field holding an image to start from (PNG, JPEG or WebP; for Sora exactly the size of the video). Models that take several: field names separated by commas, in order.',
		},
		{
			displayName: 'Reference Image URL',
			name: 'referenceImageUrl',
			type: 'string' as const,
			typeOptions: { rows: 2 },
			default: '',
			placeholder: 'https://example.com/first-frame.png',
			description:
				'An image to start from, fetched by the node (without your API key) and uploaded. Models that take several: one URL per line, in order.',
		},
	].map(
		(option): INodeProperties => ({
			...option,
			displayOptions: { show: CURRENT_FORM.versions, hide: { '/model': TEXT_ONLY(VIDEO_MODELS) } },
		}),
	),
];

const creativeOptions: INodeProperties[] = [
	...referenceOptions,
	...offeredFor(
		[
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
		],
		NON_CASTING,
	),
];

const properties: INodeProperties[] = [
	renderNotice,
	versionOneAndTwoModel,
	currentModel,
	promptField({
		placeholder: 'A paper airplane glides across a sunlit desk, slow motion',
		description:
			'What the video shows: subject, camera, light, mood. Not needed when a storyboard is set in the options.',
		required: false,
	}),
	// each field once per form, in the order the editor shows them
	...durationFields(FIRST_FORM),
	...durationFields(CURRENT_FORM),
	...sizeFields(FIRST_FORM),
	...sizeFields(CURRENT_FORM),
	...resolutionFields(CURRENT_FORM),
	...aspectRatioFields(CURRENT_FORM),
	...waitFields,
	optionsField([...creativeOptions, ...waitOptions, ...requestLimitOptions, ...paidRequestOptions]),
];

export const description = operationDescription(option, properties);
