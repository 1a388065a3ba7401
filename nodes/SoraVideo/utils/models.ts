/** What the UI offers per model. Any other model name passes through to the API unchecked. */
export interface ModelProfile {
	seconds: string[];
	sizes: string[];
	selfDeveloped: boolean;
}

const PORTRAIT_AND_LANDSCAPE = ['720x1280', '1280x720'];
const PRO_SIZES = [...PORTRAIT_AND_LANDSCAPE, '1024x1792', '1792x1024', '1080x1920', '1920x1080'];
const OFFICIAL_SECONDS = ['4', '8', '12', '16', '20'];

export const MODEL_PROFILES: Record<string, ModelProfile> = {
	'sora-2': { seconds: OFFICIAL_SECONDS, sizes: PORTRAIT_AND_LANDSCAPE, selfDeveloped: false },
	'sora-2-pro': { seconds: OFFICIAL_SECONDS, sizes: PRO_SIZES, selfDeveloped: false },
	'sora-2-all': { seconds: ['10', '15'], sizes: PORTRAIT_AND_LANDSCAPE, selfDeveloped: true },
	'sora-2-pro-all': { seconds: ['10', '15', '25'], sizes: PRO_SIZES, selfDeveloped: true },
};

export const MODEL_NAMES = Object.keys(MODEL_PROFILES);

export function profileOf(model: string): ModelProfile | undefined {
	return MODEL_PROFILES[model.trim().toLowerCase()];
}
