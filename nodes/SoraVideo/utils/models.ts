/**
 * The model catalogue: everything the node knows per video model on CometAPI's `/v1/videos`
 * (sources: shared docs `cometapi-video-models.md`). Create's fields, the checks before a paid
 * request, Remix, the file download and the model list all read it. A model it does not know is
 * passed to the API as the user gave it, unchecked.
 */

/** Whole seconds a model takes: a list, or every integer of a range. */
export type Durations = { values: string[] } | { min: number; max: number };

/** How a finished video's file is fetched first: the key-protected content route, or the job's `video_url`. */
export type FileRoute = 'content' | 'videoUrl';

export interface ChoiceList {
	values: string[];
	default: string;
}

export interface VideoModel {
	name: string;
	label: string;
	description: string;
	family: string;
	/** Undefined: the docs give no range, so any number passes. */
	durations?: Durations;
	defaultSeconds: string;
	/** `size` values offered; undefined: the model takes no `size` (it takes an aspect ratio). */
	sizes?: ChoiceList;
	/** Besides `sizes` (ratio labels), any exact WIDTHxHEIGHT is accepted. */
	anyPixelSize?: boolean;
	resolutions?: ChoiceList;
	aspectRatios?: ChoiceList;
	/** How many reference images (`input_reference` parts) it takes: 0 = text to video only. */
	maxReferences: number;
	/** The reference image must have exactly the video's pixel size. */
	referenceMatchesSize: boolean;
	remix: boolean;
	file: FileRoute;
	castsCharacters: boolean;
	/** US dollars per second of video, where CometAPI publishes it. */
	pricePerSecond?: number;
}

type ModelTraits = Omit<VideoModel, 'name' | 'label' | 'description' | 'family'>;

interface Family {
	name: string;
	traits: ModelTraits;
	models: Array<Pick<VideoModel, 'name' | 'label' | 'description'> & Partial<ModelTraits>>;
}

const range = (min: number, max: number): Durations => ({ min, max });
const list = (...values: string[]): Durations => ({ values });
const choices = (values: string[], fallback = values[0]): ChoiceList => ({
	values,
	default: fallback,
});

const LANDSCAPE_AND_PORTRAIT = ['1280x720', '720x1280'];
const SORA_SIZES = ['720x1280', '1280x720'];
const SORA_PRO_SIZES = [...SORA_SIZES, '1024x1792', '1792x1024', '1080x1920', '1920x1080'];
const SORA_DEFAULT_SIZE = '1280x720';
const WAN_SIZES = ['1920x1080', '1080x1920', '1440x1440', ...LANDSCAPE_AND_PORTRAIT];
const SEEDANCE_RATIOS = ['16:9', '21:9', '4:3', '1:1', '3:4', '9:16'];

const TEXT_ONLY = { maxReferences: 0, referenceMatchesSize: false };

const FAMILIES: Family[] = [
	{
		name: 'Sora 2',
		traits: {
			durations: list('4', '8', '12', '16', '20'),
			defaultSeconds: '4',
			sizes: choices(SORA_SIZES, SORA_DEFAULT_SIZE),
			maxReferences: 1,
			referenceMatchesSize: true,
			remix: true,
			file: 'content',
			castsCharacters: false,
		},
		models: [
			{
				name: 'sora-2',
				label: 'Sora 2',
				description: 'OpenAI Sora 2: faster, for drafts and iteration',
				pricePerSecond: 0.08,
			},
			{
				name: 'sora-2-pro',
				label: 'Sora 2 Pro',
				description: 'OpenAI Sora 2 Pro: higher quality, slower',
				sizes: choices(SORA_PRO_SIZES, SORA_DEFAULT_SIZE),
			},
		],
	},
	{
		name: 'Sora 2 (CometAPI format)',
		traits: {
			durations: list('10', '15'),
			defaultSeconds: '10',
			sizes: choices(SORA_SIZES, SORA_DEFAULT_SIZE),
			maxReferences: 1,
			referenceMatchesSize: true,
			remix: false,
			file: 'content',
			castsCharacters: true,
		},
		models: [
			{
				name: 'sora-2-all',
				label: 'Sora 2 All (CometAPI)',
				description: '10 or 15 s; characters and storyboards',
			},
			{
				name: 'sora-2-pro-all',
				label: 'Sora 2 Pro All (CometAPI)',
				description: '10, 15 or 25 s; characters and storyboards',
				durations: list('10', '15', '25'),
				sizes: choices(SORA_PRO_SIZES, SORA_DEFAULT_SIZE),
			},
		],
	},
	{
		name: 'Veo 3.1',
		traits: {
			durations: list('4', '6', '8'),
			defaultSeconds: '4',
			sizes: choices([...LANDSCAPE_AND_PORTRAIT, '1920x1080', '3840x2160']),
			// one first frame; older docs also take a second file as the last frame
			maxReferences: 2,
			referenceMatchesSize: false,
			remix: false,
			file: 'content',
			castsCharacters: false,
		},
		models: [
			{
				name: 'veo3.1-fast',
				label: 'Veo 3.1 Fast',
				description: 'Google Veo 3.1, fast: the default choice for most short clips',
			},
			{
				name: 'veo3.1',
				label: 'Veo 3.1',
				description: 'Google Veo 3.1, standard quality',
				pricePerSecond: 0.05,
			},
		],
	},
	{
		name: 'Seedance',
		traits: {
			durations: range(4, 15),
			defaultSeconds: '5',
			sizes: choices(SEEDANCE_RATIOS),
			anyPixelSize: true,
			resolutions: choices(['480p', '720p'], '720p'),
			// "Up to 9 images" (CometAPI's Seedance 2.0 page), repeated input_reference parts in order
			maxReferences: 9,
			referenceMatchesSize: false,
			remix: false,
			file: 'videoUrl',
			castsCharacters: false,
		},
		models: [
			{
				name: 'doubao-seedance-2-0',
				label: 'Seedance 2.0',
				description: 'ByteDance Seedance 2.0: text or up to 9 reference images to video',
				pricePerSecond: 0.08,
			},
			{
				name: 'doubao-seedance-2-0-fast',
				label: 'Seedance 2.0 Fast',
				description: 'Faster Seedance 2.0 for quick iterations and previews',
			},
			{
				name: 'doubao-seedance-1-5-pro',
				label: 'Seedance 1.5 Pro',
				description: 'Text to video only, up to 1080p',
				durations: range(4, 12),
				resolutions: choices(['480p', '720p', '1080p'], '720p'),
				...TEXT_ONLY,
			},
			{
				name: 'doubao-seedance-1-0-pro',
				label: 'Seedance 1.0 Pro',
				description: 'Text to video only, up to 1080p, clips from 2 s',
				durations: range(2, 10),
				resolutions: choices(['480p', '720p', '1080p'], '720p'),
				...TEXT_ONLY,
			},
		],
	},
	{
		name: 'Wan',
		traits: {
			durations: range(2, 15),
			defaultSeconds: '5',
			sizes: choices(WAN_SIZES),
			...TEXT_ONLY,
			remix: false,
			file: 'content',
			castsCharacters: false,
		},
		models: [
			{
				name: 'wan2.7',
				label: 'Wan 2.7',
				description: 'Alibaba Wan 2.7: text to video, 2 to 15 s',
			},
			{
				name: 'wan2.6',
				label: 'Wan 2.6',
				description: 'Alibaba Wan 2.6: text to video, 5, 10 or 15 s, also 4:3',
				durations: list('5', '10', '15'),
				sizes: choices([...WAN_SIZES, '1088x832', '832x1088', '1632x1248', '1248x1632']),
			},
		],
	},
	{
		name: 'Vidu',
		traits: {
			durations: range(1, 16),
			defaultSeconds: '5',
			sizes: choices(['1280x720', '640x352', '960x528', '1920x1080']),
			...TEXT_ONLY,
			remix: false,
			file: 'content',
			castsCharacters: false,
		},
		models: [
			{
				name: 'viduq3-turbo',
				label: 'Vidu Q3 Turbo',
				description: 'Vidu Q3, faster: text to video',
			},
			{ name: 'viduq3', label: 'Vidu Q3', description: 'Vidu Q3: text to video, 1 to 16 s' },
		],
	},
	{
		name: 'HappyHorse',
		traits: {
			durations: range(3, 15),
			defaultSeconds: '5',
			sizes: choices(['1920x1080', '1080x1920', '1440x1440', ...LANDSCAPE_AND_PORTRAIT]),
			...TEXT_ONLY,
			remix: false,
			file: 'content',
			castsCharacters: false,
		},
		models: [
			{ name: 'happyhorse-1.0', label: 'HappyHorse 1.0', description: 'Text to video, 3 to 15 s' },
		],
	},
	{
		name: 'Omni',
		traits: {
			// "Start with 4": the docs give no range
			defaultSeconds: '4',
			resolutions: choices(['720p', '1080p']),
			aspectRatios: choices(['16:9', '9:16', '1:1']),
			...TEXT_ONLY,
			remix: false,
			file: 'content',
			castsCharacters: false,
		},
		models: [
			{
				name: 'omni-fast',
				label: 'Omni Fast (beta)',
				description: 'Text to video; aspect ratio and resolution, no size',
			},
		],
	},
];

export const VIDEO_MODELS: VideoModel[] = FAMILIES.flatMap((family) =>
	family.models.map((model) => ({ ...family.traits, ...model, family: family.name })),
);

/** The families versions 1 and 2 of the node were built for; their Create form knows these alone. */
const FIRST_FAMILIES = ['Sora 2', 'Sora 2 (CometAPI format)'];
export const FIRST_MODELS = VIDEO_MODELS.filter((model) => FIRST_FAMILIES.includes(model.family));

/** The model new nodes start with: the family CometAPI documents as its default for short clips. */
export const DEFAULT_MODEL = 'veo3.1-fast';

/** The models of the chat-format generation. */
export const CHAT_MODELS = [
	{ name: 'Sora 2', value: 'sora-2' },
	{ name: 'Sora 2 HD', value: 'sora-2-hd' },
];

/** A model as a model list names it; CometAPI's catalogue answer also gives its `model_type`. */
export interface ListedModel {
	id: string;
	model_type?: unknown;
}

/** The stems of video model names on `/v1/videos`, for lists that give no `model_type`. */
const VIDEO_NAME = /video|^(sora|veo|doubao-seedance|seedance|wan\d|vidu|happyhorse)/i;

export function isVideoModel(model: ListedModel): boolean {
	if (typeof model.model_type === 'string') return model.model_type.toLowerCase() === 'video';
	return VIDEO_NAME.test(model.id.trim()) || modelNamed(model.id) !== undefined;
}

export function modelNamed(name: string): VideoModel | undefined {
	const key = name.trim().toLowerCase();
	return VIDEO_MODELS.find((model) => model.name === key);
}

/** Every duration a model offers, as the Duration list shows them. */
export function durationValues(durations: Durations): string[] {
	if ('values' in durations) return durations.values;
	return Array.from({ length: durations.max - durations.min + 1 }, (_, i) =>
		String(durations.min + i),
	);
}

export function takesDuration(durations: Durations, seconds: string): boolean {
	if ('values' in durations) return durations.values.includes(seconds);
	const number = Number(seconds);
	return Number.isInteger(number) && number >= durations.min && number <= durations.max;
}

/** "4, 8 or 12" or "4 to 15". */
export function describeDurations(durations: Durations): string {
	return 'values' in durations
		? durations.values.join(', ')
		: `${durations.min} to ${durations.max}`;
}

/** The models that share the same value of `key`, in catalogue order. */
export function modelsSharing(
	models: VideoModel[],
	key: (model: VideoModel) => string,
): VideoModel[][] {
	const groups = new Map<string, VideoModel[]>();
	for (const model of models) {
		const value = key(model);
		groups.set(value, [...(groups.get(value) ?? []), model]);
	}
	return [...groups.values()];
}
