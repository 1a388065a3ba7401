// @ts-check
'use strict';
/**
 * Every model family CometAPI serves on POST /v1/videos, per model: id prefix, status words, what
 * create takes, how many reference images, remix, and how the finished file is fetched. Built from
 * /work/shared/docs/cometapi-video-models.md §2-§4 and §6 (generation 3 where the docs disagree).
 */

/** @typedef {'queued'|'in_progress'|'completed'|'failed'|'error'} Status */

/**
 * @typedef {object} Family
 * @property {string} name
 * @property {'video_'|'task_'} idPrefix
 * @property {'sora'|'task'} shape       sora: the OpenAI Video object; task: the generation-3 task object (`task_id` = `id`)
 * @property {(status: Status, options: import('./state').StandInOptions) => string} word  the status word answered
 * @property {boolean} contentRoute      GET /v1/videos/{id}/content serves the file
 * @property {'none'|'signed'|'api'} videoUrl  a completed job's `video_url`: none, signed on the file host (or on the API with `videoUrlOnApiOrigin`), or always on the API origin
 * @property {boolean} remix
 * @property {'openai'|'volcengine'} errors  how create's validation words its 400s
 * @property {string} ownedBy            `owned_by` in GET /v1/models
 */

/**
 * What create takes for one model. `seconds`: a list of values, a range, or null (any whole number).
 * `sizes`: a list, 'wxh' (any WIDTHxHEIGHT), 'ratio-or-wxh' (Seedance), or 'none' (a size is a 400).
 * @typedef {object} ModelSpec
 * @property {Family} family
 * @property {string[]|{min: number, max: number}|null} seconds
 * @property {string} defaultSeconds
 * @property {string[]|'wxh'|'ratio-or-wxh'|'none'} sizes
 * @property {string|null} defaultSize
 * @property {string[]|null} resolutions   null: the field is not read
 * @property {string|null} defaultResolution
 * @property {string[]|null} aspectRatios  null: the field is not read
 * @property {string|null} defaultAspectRatio
 * @property {number} maxReferences       input_reference files (or one link); 0: text-only
 */

/** @param {Status} s */
const asIs = (s) => s;
const SEEDANCE_UPPER = { queued: 'SUBMITTED', in_progress: 'IN_PROGRESS', completed: 'SUCCESS', failed: 'FAILED', error: 'ERROR' };

/** @param {string} name @param {string} ownedBy @param {Partial<Family>} [over] @returns {Family} */
const taskFamily = (name, ownedBy, over = {}) => ({ name, idPrefix: 'task_', shape: 'task', word: asIs, contentRoute: true, videoUrl: 'signed', remix: false, errors: 'openai', ownedBy, ...over });

const FAMILIES = {
	sora2: /** @type {Family} */ ({ name: 'sora-2', idPrefix: 'video_', shape: 'sora', word: asIs, contentRoute: true, videoUrl: 'none', remix: true, errors: 'openai', ownedBy: 'openai' }),
	soraSelf: /** @type {Family} */ ({ name: 'sora-self-developed', idPrefix: 'video_', shape: 'sora', word: asIs, contentRoute: true, videoUrl: 'none', remix: false, errors: 'openai', ownedBy: 'openai' }),
	veo: taskFamily('veo', 'google'),
	seedance: taskFamily('seedance', 'volcengine', {
		word: (s, options) => (options.seedanceStatus === 'lower' ? s : SEEDANCE_UPPER[s]),
		contentRoute: false,
		errors: 'volcengine',
	}),
	wan: taskFamily('wan', 'ali'),
	vidu: taskFamily('vidu', 'vidu'),
	happyhorse: taskFamily('happyhorse', 'happyhorse'),
	omni: taskFamily('omni', 'omni', { word: (s) => (s === 'error' ? 'failed' : s) }),
	unknown: taskFamily('unknown', 'custom', { videoUrl: 'api' }),
};

/** A spec with the generation-3 defaults (5 s, text-only, no resolution or aspect ratio). @param {Family} family @param {Partial<ModelSpec>} over @returns {ModelSpec} */
const spec = (family, over) => ({ family, seconds: null, defaultSeconds: '5', sizes: 'wxh', defaultSize: null, resolutions: null, defaultResolution: null, aspectRatios: null, defaultAspectRatio: null, maxReferences: 0, ...over });

/** @param {number} min @param {number} max */
const range = (min, max) => ({ min, max });

/** Sora and unknown models: checked only as today (whole seconds, WIDTHxHEIGHT, one reference). @param {Family} family */
const soraLike = (family) => spec(family, { defaultSeconds: '4', defaultSize: '720x1280', maxReferences: 1 });

const VEO = spec(FAMILIES.veo, { seconds: ['4', '6', '8'], defaultSeconds: '4', sizes: ['1280x720', '720x1280', '1920x1080', '3840x2160'], defaultSize: '1280x720', maxReferences: 2 });
const SEEDANCE_RATIOS = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
/** @param {{min: number, max: number}} seconds @param {string[]} resolutions @param {number} maxReferences */
const seedance = (seconds, resolutions, maxReferences) => spec(FAMILIES.seedance, { seconds, sizes: 'ratio-or-wxh', defaultSize: '16:9', resolutions, defaultResolution: '720p', maxReferences });
const WAN_SIZES = ['1280x720', '720x1280', '1920x1080', '1080x1920', '1440x1440'];
const VIDU = spec(FAMILIES.vidu, { seconds: range(1, 16), sizes: ['640x352', '960x528', '1280x720', '1920x1080'], defaultSize: '1280x720' });

/** @type {Record<string, ModelSpec>} */
const MODEL_SPECS = {
	'sora-2': soraLike(FAMILIES.sora2),
	'sora-2-pro': soraLike(FAMILIES.sora2),
	'sora-2-all': soraLike(FAMILIES.soraSelf),
	'sora-2-pro-all': soraLike(FAMILIES.soraSelf),
	'veo3.1-fast': VEO,
	'veo3.1': VEO,
	'veo3-fast': VEO,
	veo3: VEO,
	'veo3.1-pro': VEO,
	'doubao-seedance-2-0': seedance(range(4, 15), ['480p', '720p'], 9),
	'doubao-seedance-2-0-fast': seedance(range(4, 15), ['480p', '720p'], 9),
	'doubao-seedance-1-5-pro': seedance(range(4, 12), ['480p', '720p', '1080p'], 0),
	'doubao-seedance-1-0-pro': seedance(range(2, 10), ['480p', '720p', '1080p'], 0),
	'wan2.6': spec(FAMILIES.wan, { seconds: ['5', '10', '15'], sizes: [...WAN_SIZES, '1088x832', '832x1088', '1632x1248', '1248x1632'], defaultSize: '1920x1080' }),
	'wan2.7': spec(FAMILIES.wan, { seconds: range(2, 15), sizes: WAN_SIZES, defaultSize: '1920x1080' }),
	'viduq3-turbo': VIDU,
	viduq3: VIDU,
	'happyhorse-1.0': spec(FAMILIES.happyhorse, { seconds: range(3, 15), sizes: WAN_SIZES, defaultSize: '1920x1080' }),
	'omni-fast': spec(FAMILIES.omni, { defaultSeconds: '4', sizes: 'none', resolutions: ['720p', '1080p'], defaultResolution: '720p', aspectRatios: ['16:9', '9:16', '1:1'], defaultAspectRatio: '16:9' }),
};

const UNKNOWN_SPEC = soraLike(FAMILIES.unknown);

/** What create takes for a model; a model not in the table is accepted unchecked. @param {string} model */
const modelSpec = (model) => (Object.prototype.hasOwnProperty.call(MODEL_SPECS, model) ? MODEL_SPECS[model] : UNKNOWN_SPEC);

module.exports = { FAMILIES, MODEL_SPECS, SEEDANCE_RATIOS, modelSpec };
