/**
 * The video models the node knows. The Create fields (model list, durations and sizes per model)
 * are generated from this table; any other model name passes through to the API unchecked.
 */
export interface VideoModel {
	name: string;
	label: string;
	description: string;
	seconds: string[];
	defaultSeconds: string;
	sizes: string[];
	/** CometAPI's own models also take a character video and storyboard prompts. */
	castsCharacters: boolean;
}

const PORTRAIT_AND_LANDSCAPE = ['720x1280', '1280x720'];
const PRO_SIZES = [...PORTRAIT_AND_LANDSCAPE, '1024x1792', '1792x1024', '1080x1920', '1920x1080'];
const OFFICIAL_SECONDS = ['4', '8', '12', '16', '20'];

export const DEFAULT_SIZE = '1280x720';

export const VIDEO_MODELS: VideoModel[] = [
	{
		name: 'sora-2',
		label: 'Sora 2',
		description: 'Faster, for drafts and iteration',
		seconds: OFFICIAL_SECONDS,
		defaultSeconds: '4',
		sizes: PORTRAIT_AND_LANDSCAPE,
		castsCharacters: false,
	},
	{
		name: 'sora-2-pro',
		label: 'Sora 2 Pro',
		description: 'Higher quality, slower',
		seconds: OFFICIAL_SECONDS,
		defaultSeconds: '4',
		sizes: PRO_SIZES,
		castsCharacters: false,
	},
	{
		name: 'sora-2-all',
		label: 'Sora 2 All (CometAPI)',
		description: '10 or 15 s; characters and storyboards',
		seconds: ['10', '15'],
		defaultSeconds: '10',
		sizes: PORTRAIT_AND_LANDSCAPE,
		castsCharacters: true,
	},
	{
		name: 'sora-2-pro-all',
		label: 'Sora 2 Pro All (CometAPI)',
		description: '10, 15 or 25 s; characters and storyboards',
		seconds: ['10', '15', '25'],
		defaultSeconds: '10',
		sizes: PRO_SIZES,
		castsCharacters: true,
	},
];

/** The models of the chat-format generation. */
export const CHAT_MODELS = [
	{ name: 'Sora 2', value: 'sora-2' },
	{ name: 'Sora 2 HD', value: 'sora-2-hd' },
];

export const MODEL_NAMES = VIDEO_MODELS.map((model) => model.name);

export function modelNamed(name: string): VideoModel | undefined {
	const key = name.trim().toLowerCase();
	return VIDEO_MODELS.find((model) => model.name === key);
}

/** The models that share the same value of `key`, in catalogue order. */
export function modelsSharing(key: (model: VideoModel) => string): VideoModel[][] {
	const groups = new Map<string, VideoModel[]>();
	for (const model of VIDEO_MODELS) {
		const value = key(model);
		groups.set(value, [...(groups.get(value) ?? []), model]);
	}
	return [...groups.values()];
}
