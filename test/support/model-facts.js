// What the facts file (shared docs cometapi-video-models.md, and seed 001 for the -all models)
// documents per video model, written from those documents and not from the node's code. A trait
// the documents are silent on is left out of its row, so no test checks it.
//
// family: the models that belong together (§6); durations: every value taken; sizes: every `size`
// value offered (pixelSizes: any exact WxH besides); references: how many `input_reference`
// files; file: the route the finished file is fetched from first; price: US$ per second
// (undefined: no price per second is published).
const seconds = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
const NO_REMIX = { remix: false };
const TEXT_ONLY = { references: 0, ...NO_REMIX };

// §2: seconds "4, 8, 12, 16, 20" (gen 3), "Default starting point 4", default size 1280x720;
// "Upload at most one reference image", "should match the target size"; remix; $0.08 for sora-2,
// no sora-2-pro price found
const SORA_2 = {
	family: 'Sora 2',
	durations: ['4', '8', '12', '16', '20'],
	defaultSeconds: '4',
	defaultSize: '1280x720',
	references: 1,
	referenceMatchesSize: true,
	remix: true,
	file: 'content',
};

// seed 001: "sora-2-all - 10 or 15 seconds", "sora-2-pro-all - 10, 15, or 25", example size
// 720x1280 with character_url; §3: no remix, priced per request (not per second)
const SORA_ALL = { family: 'Sora 2 self-developed', offersSize: '720x1280', castsCharacters: true, price: undefined, ...NO_REMIX };

// §4.1 gen 3: seconds 4, 6, 8 and four sizes, "Default is 4 seconds, 1280x720"; one first frame
// (gen 2: "two ordered files for first-frame and last-frame", so both readings take up to two);
// the content route; $0.05 per second on the veo3-1 model page
const VEO = {
	family: 'Veo 3.1',
	durations: ['4', '6', '8'],
	defaultSeconds: '4',
	sizes: ['1280x720', '720x1280', '1920x1080', '3840x2160'],
	defaultSize: '1280x720',
	references: 2,
	referenceMatchesSize: false,
	file: 'content',
	...NO_REMIX,
};

// §4.2: default 5 s, 16:9, 720p; ratio labels or exact WxH; 2.0 models 480p/720p and repeated
// input_reference ("Up to 9 images"), 1.x up to 1080p and text only; only a signed video_url
const SEEDANCE = {
	family: 'Seedance',
	defaultSeconds: '5',
	sizes: ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'],
	pixelSizes: true,
	defaultSize: '16:9',
	defaultResolution: '720p',
	file: 'videoUrl',
	...NO_REMIX,
};
const SEEDANCE_2 = { ...SEEDANCE, durations: seconds(4, 15), resolutions: ['480p', '720p'], references: 9, referenceMatchesSize: false };
const SEEDANCE_1 = { ...SEEDANCE, resolutions: ['480p', '720p', '1080p'], ...TEXT_ONLY, price: undefined };

// §4.3-4.5: text to video with a content route, default 5 s, no published price
const TEXT_TO_VIDEO = { defaultSeconds: '5', file: 'content', price: undefined, ...TEXT_ONLY };
const WAN_27_SIZES = ['1280x720', '720x1280', '1920x1080', '1080x1920', '1440x1440'];
const WAN = { ...TEXT_TO_VIDEO, family: 'Wan', defaultSize: '1920x1080' };
const VIDU = {
	...TEXT_TO_VIDEO,
	family: 'Vidu',
	durations: seconds(1, 16),
	sizes: ['640x352', '960x528', '1280x720', '1920x1080'],
	defaultSize: '1280x720',
};

const FACTS = {
	'sora-2': { ...SORA_2, sizes: ['1280x720', '720x1280'], price: 0.08 },
	// cometapi-video-models.md §2 lists four sizes; api-facts.md adds "1080p sizes appear for pro on newer pages",
	// and 0.2.0 offered them: both readings are built for
	'sora-2-pro': {
		...SORA_2,
		sizes: ['1280x720', '720x1280', '1792x1024', '1024x1792', '1920x1080', '1080x1920'],
		price: undefined,
	},
	'sora-2-all': { ...SORA_ALL, durations: ['10', '15'] },
	'sora-2-pro-all': { ...SORA_ALL, durations: ['10', '15', '25'] },
	'veo3.1-fast': { ...VEO, price: undefined },
	'veo3.1': { ...VEO, price: 0.05 },
	'doubao-seedance-2-0': { ...SEEDANCE_2, price: 0.08 },
	'doubao-seedance-2-0-fast': { ...SEEDANCE_2, price: undefined },
	'doubao-seedance-1-5-pro': { ...SEEDANCE_1, durations: seconds(4, 12) },
	'doubao-seedance-1-0-pro': { ...SEEDANCE_1, durations: seconds(2, 10) },
	// §4.4: wan2.7 "integer 2-15", wan2.6 5, 10, 15 and also 4:3 and 3:4 sizes; "Default is 1920x1080"
	'wan2.7': { ...WAN, durations: seconds(2, 15), sizes: WAN_27_SIZES },
	'wan2.6': { ...WAN, durations: ['5', '10', '15'], sizes: [...WAN_27_SIZES, '1088x832', '832x1088', '1632x1248', '1248x1632'] },
	// §4.5: "integer from 1 through 16", four 16:9 sizes, "Default is 1280x720"
	viduq3: VIDU,
	'viduq3-turbo': VIDU,
	// §4.3: "an integer from 3 through 15", five sizes, "Defaults: 5 seconds, 1920x1080"
	'happyhorse-1.0': {
		...TEXT_TO_VIDEO,
		family: 'HappyHorse',
		durations: seconds(3, 15),
		sizes: ['1280x720', '720x1280', '1920x1080', '1080x1920', '1440x1440'],
		defaultSize: '1920x1080',
	},
	// §4.6: "Start with 4" (no range); aspect_ratio and resolution, "Omni does not use size"
	'omni-fast': {
		...TEXT_TO_VIDEO,
		family: 'Omni',
		defaultSeconds: '4',
		noSize: true,
		resolutions: ['720p', '1080p'],
		defaultResolution: '720p',
		aspectRatios: ['16:9', '9:16', '1:1'],
		defaultAspectRatio: '16:9',
	},
};

const NAMES = Object.keys(FACTS);

/** The rows of `FACTS` that document `trait`, as [model, expected value]. */
const documented = (trait) => NAMES.filter((name) => trait in FACTS[name]).map((name) => [name, FACTS[name][trait]]);

module.exports = { FACTS, NAMES, documented };
