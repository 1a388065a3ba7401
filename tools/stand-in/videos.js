// @ts-check
'use strict';
/** The video routes: create, remix, retrieve, list, content, delete, and the API-origin video_url. */

const { VARIANTS, imageSize, variantBytes } = require('./media');
const { promptMarkers, markerStatus } = require('./markers');
const { stateOf, unevenSteps } = require('./progress');
const { requireBody, formFields } = require('./body');
const { json, invalid, isReply } = require('./reply');
const { errorBody, hex, sha256, token } = require('./util');
const { modelSpec } = require('./families');
const { checkCreate, referenceCountError, WXH } = require('./create-checks');
const { retiredAnswer } = require('./retired');
const { videoUrl } = require('./signed-urls');

const ALLOWED_MIME = ['image/jpeg', 'image/png', 'image/webp', 'video/mp4'];
const UPPER_WORDS = { queued: 'QUEUED', in_progress: 'IN_PROGRESS', completed: 'SUCCESS', failed: 'FAILED', error: 'ERROR' };
const MODERATION_ERROR = { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' };
const UPSTREAM_ERROR = 'The upstream task ended with an error.';

/** @typedef {import('./body').Ctx} Ctx @typedef {import('./reply').Reply} Reply @typedef {import('./state').Job} Job */

/** @param {Job} job */
const familyOf = (job) => modelSpec(job.model).family;
/** The `error` field: the moderation object for `[fail]`, a plain string for `[error]`. @param {import('./families').Status} status */
const errorOf = (status) => (status === 'failed' ? MODERATION_ERROR : status === 'error' ? UPSTREAM_ERROR : null);

/** @param {string|undefined} contentType */
const mimeOf = (contentType) => (contentType || 'application/octet-stream').split(';')[0].trim().toLowerCase();

/**
 * @param {import('./state').State} st
 * @param {{progressRandom: (jobSeq: number) => () => number}} engine
 */
function createVideoRoutes(st, engine) {
	const { options, jobs } = st;

	/** @param {Job} job @param {import('./families').Status} status */
	const statusWord = (job, status) => (job.upperStatus ? UPPER_WORDS[status] : familyOf(job).word(status, options));

	/** The generation-3 task object (`task_id` = `id`; `completed_at`, `video_url`, `error` only when they apply). @param {Job} job @param {ReturnType<typeof stateOf>} s */
	const taskObject = (job, s) => {
		/** @type {Record<string, unknown>} */
		const v = { id: job.id, task_id: job.id, object: 'video', model: job.model, status: statusWord(job, s.status), progress: s.progress, created_at: Math.floor(job.createdMs / 1000) };
		if (s.completedMs !== null) {
			v.completed_at = Math.floor(s.completedMs / 1000);
			const url = videoUrl(st, job, s.completedMs);
			if (url) v.video_url = url;
		}
		const error = errorOf(s.status);
		if (error) v.error = error;
		return v;
	};

	/** The OpenAI Video object (Sora), `[comet]`: without null fields and prompt, with a file-host video_url. @param {Job} job @param {ReturnType<typeof stateOf>} s */
	const soraObject = (job, s) => {
		const completedAt = s.completedMs === null ? null : Math.floor(s.completedMs / 1000);
		/** @type {Record<string, unknown>} */
		const v = {
			id: job.id,
			object: 'video',
			model: job.model,
			status: statusWord(job, s.status),
			progress: s.progress,
			created_at: Math.floor(job.createdMs / 1000),
			completed_at: completedAt,
			expires_at: completedAt === null ? null : completedAt + 3600,
			prompt: job.prompt,
			size: job.size,
			seconds: job.seconds,
			remixed_from_video_id: job.remixedFrom,
			error: errorOf(s.status),
		};
		if (job.cometShape) {
			delete v.prompt;
			for (const k of Object.keys(v)) if (v[k] === null) delete v[k];
			if (s.status === 'completed') v.video_url = `${st.fileHostUrl}/files/${job.id}.mp4`;
		}
		return v;
	};

	/** @param {Job} job @param {number} [now] @returns {Record<string, unknown>} */
	const videoObject = (job, now = Date.now()) => {
		const s = stateOf(job, now);
		return familyOf(job).shape === 'task' ? taskObject(job, s) : soraObject(job, s);
	};

	/** @param {string} id */
	const liveJob = (id) => {
		const job = jobs.get(id);
		return job && job.deletedMs === null ? job : undefined;
	};
	/** @param {string} id */
	const notFound = (id) => json(404, errorBody(`Video with id '${id}' not found.`, 'invalid_request_error', 'not_found', null));

	/** `video_` + 48 hex digits (Sora), or `task_` + 32 letters and digits. @param {import('./families').Family} family */
	const newId = (family) => (family.idPrefix === 'video_' ? `video_${hex(24)}` : `task_${token(32)}`);

	/**
	 * @param {{prompt: string, model: string, size: string|null, seconds: string, resolution: string|null, aspectRatio: string|null, remixedFrom: string|null, inputReferences: import('./state').InputReference[], fields: Record<string, string>, rec: import('./state').RequestRecord}} p
	 * @returns {Job}
	 */
	const newJob = (p) => {
		const m = promptMarkers(p.prompt);
		const renderMs = Math.max(0, m.renderMs ?? options.renderMs);
		const queuedMs = Math.max(0, Math.min(renderMs, m.queuedMs ?? options.queuedMs ?? renderMs / 4));
		const seq = ++st.counters.job;
		const family = modelSpec(p.model).family;
		/** @type {Job} */
		const job = {
			id: newId(family),
			seq,
			model: p.model,
			family: family.name,
			prompt: p.prompt,
			size: p.size,
			seconds: p.seconds,
			resolution: p.resolution,
			aspectRatio: p.aspectRatio,
			createdMs: Date.now(),
			renderMs,
			queuedMs,
			fail: m.fail,
			never: m.never,
			endsInError: m.error,
			cometShape: m.comet,
			upperStatus: m.upper,
			remixedFrom: p.remixedFrom,
			inputReference: p.inputReferences[0] ?? null,
			inputReferences: p.inputReferences,
			characterUrl: null,
			characterTimestamps: null,
			fields: p.fields,
			deletedMs: null,
			requestSeq: p.rec.seq,
			progressSteps: options.progressMode === 'uneven' ? unevenSteps(engine.progressRandom(seq), queuedMs, renderMs) : null,
		};
		jobs.set(job.id, job);
		p.rec.jobId = job.id;
		return job;
	};

	/** The prompt, or a 400. @param {Record<string, unknown>} body @returns {string|Reply} */
	const requiredPrompt = (body) => {
		const prompt = body.prompt;
		if (typeof prompt === 'string' && prompt.trim() !== '') return prompt;
		return invalid("Missing required parameter: 'prompt'.", 'missing_required_parameter', 'prompt');
	};

	/** The model, `sora-2` when absent, or a 400. @param {Record<string, unknown>} body @returns {string|Reply} */
	const modelOf = (body) => {
		const model = body.model === undefined || body.model === '' ? 'sora-2' : body.model;
		if (typeof model === 'string') return model;
		return json(400, errorBody("Invalid type for 'model': expected a string.", 'invalid_request_error', 'invalid_type', 'model'));
	};

	/** An uploaded reference file, or a 400. @param {import('./multipart').MultipartPart} f @param {string|null} size */
	const referenceFile = (f, size) => {
		const type = mimeOf(f.contentType || undefined);
		if (options.checkMime && !ALLOWED_MIME.includes(type)) {
			return invalid(`Invalid file 'input_reference': unsupported mimetype ('${type}'). Supported file formats are 'image/jpeg', 'image/png', 'image/webp', and 'video/mp4'.`, 'unsupported_file_mimetype', 'input_reference');
		}
		const dims = imageSize(f.data);
		if (options.strictReferenceSize && dims && size !== null && WXH.test(size) && `${dims.width}x${dims.height}` !== size) {
			return invalid(`Inpaint image must match the requested width and height (got ${dims.width}x${dims.height}, expected ${size}).`, 'invalid_value', 'input_reference');
		}
		/** @type {import('./state').InputReference} */
		const ref = { kind: 'file', filename: f.filename, contentType: f.contentType, bytes: f.data.length, sha256: sha256(f.data), width: dims ? dims.width : null, height: dims ? dims.height : null };
		return ref;
	};

	/** `input_reference` as a URL or file id (bracketed multipart fields or a JSON object/string). @param {Record<string, any>} body @param {Record<string, string>} fields */
	const referenceLink = (body, fields) => {
		const ref = body.input_reference;
		const obj = ref && typeof ref === 'object' ? ref : undefined;
		const imageUrl = fields['input_reference[image_url]'] ?? obj?.image_url;
		const fileId = fields['input_reference[file_id]'] ?? obj?.file_id;
		/** @type {import('./state').InputReference|null} */
		let link = null;
		if (typeof ref === 'string' && ref !== '') link = { kind: 'url', imageUrl: ref, fileId: null };
		else if (imageUrl !== undefined || fileId !== undefined) link = { kind: 'url', imageUrl: imageUrl ?? null, fileId: fileId ?? null };
		return link;
	};

	/**
	 * Every `input_reference` file in upload order, or the one link; a 400 when the model takes fewer or a file is refused.
	 * @param {string} model @param {ReturnType<typeof formFields>} form @param {string|null} size @returns {import('./state').InputReference[]|Reply}
	 */
	const inputReferences = (model, form, size) => {
		const refFiles = form.files.filter((f) => f.name === 'input_reference');
		const link = refFiles.length ? null : referenceLink(form.body, form.fields);
		const tooMany = referenceCountError(modelSpec(model), model, link ? 1 : refFiles.length);
		if (tooMany) return tooMany;
		if (link) return [link];
		/** @type {import('./state').InputReference[]} */
		const refs = [];
		for (const f of refFiles) {
			const ref = referenceFile(f, size);
			if (isReply(ref)) return ref;
			refs.push(ref);
		}
		return refs;
	};

	/** @param {Ctx} ctx @returns {Reply} */
	const createVideo = (ctx) => {
		const bad = requireBody(ctx, ['json', 'multipart']);
		if (bad) return bad;
		if (ctx.bodyKind === 'json' && (!ctx.jsonBody || typeof ctx.jsonBody !== 'object' || Array.isArray(ctx.jsonBody))) {
			return invalid('The request body must be a JSON object.');
		}
		const form = formFields(ctx);
		const model = modelOf(form.body);
		if (isReply(model)) return model;
		const retired = retiredAnswer(options, model, ctx.rec);
		if (retired) return retired;
		const prompt = requiredPrompt(form.body);
		if (isReply(prompt)) return prompt;
		const params = checkCreate(modelSpec(model), model, form.body);
		if (isReply(params)) return params;
		const refs = inputReferences(model, form, params.size);
		if (isReply(refs)) return refs;
		const m = promptMarkers(prompt);
		if (m.status) return markerStatus(m.status, options.faults);
		const job = newJob({ ...params, prompt, model, remixedFrom: null, inputReferences: refs, fields: form.fields, rec: ctx.rec });
		job.characterUrl = typeof form.body.character_url === 'string' ? form.body.character_url : null;
		job.characterTimestamps = typeof form.body.character_timestamps === 'string' ? form.body.character_timestamps : null;
		return json(200, videoObject(job));
	};

	/** @param {Ctx} ctx @param {string} id @returns {Reply} */
	const remixVideo = (ctx, id) => {
		const bad = requireBody(ctx, ['json', 'multipart']);
		if (bad) return bad;
		const form = formFields(ctx);
		const prompt = requiredPrompt(form.body);
		if (isReply(prompt)) return prompt;
		const source = liveJob(id);
		if (!source) return notFound(id);
		const retired = retiredAnswer(options, source.model, ctx.rec);
		if (retired) return retired;
		if (!familyOf(source).remix) return invalid(`remix is not supported for model ${source.model}`, 'invalid_request');
		const status = stateOf(source, Date.now()).status;
		if (status !== 'completed') {
			return invalid(`Video '${id}' is ${status === 'in_progress' || status === 'queued' ? 'not completed yet' : 'failed'}; only completed videos can be remixed.`, 'invalid_video_status');
		}
		const m = promptMarkers(prompt);
		if (m.status) return markerStatus(m.status, options.faults);
		const { model, size, seconds, resolution, aspectRatio } = source;
		const job = newJob({ prompt, model, size, seconds, resolution, aspectRatio, remixedFrom: source.id, inputReferences: [], fields: form.fields, rec: ctx.rec });
		return json(200, videoObject(job));
	};

	/** The page limit, or a 400. @param {string|null} raw */
	const pageLimit = (raw) => {
		const limit = raw === null || raw === '' ? 20 : Number(raw);
		if (Number.isInteger(limit) && limit >= 1 && limit <= 100) return limit;
		return invalid(`Invalid value for 'limit': expected an integer between 1 and 100.`, 'invalid_value', 'limit');
	};

	/** @param {Ctx} ctx @returns {Reply} */
	const listVideos = (ctx) => {
		const q = ctx.url.searchParams;
		const order = q.get('order') || 'desc';
		if (order !== 'asc' && order !== 'desc') return invalid(`Invalid value for 'order': expected 'asc' or 'desc'.`, 'invalid_value', 'order');
		const limit = pageLimit(q.get('limit'));
		if (isReply(limit)) return limit;
		const all = [...jobs.values()].sort((a, b) => (order === 'asc' ? a.seq - b.seq : b.seq - a.seq));
		let start = 0;
		const after = q.get('after');
		if (after) {
			const cursor = jobs.get(after); // a deleted cursor still marks its position
			if (!cursor) return invalid(`Invalid 'after': no video with id '${after}'.`, 'invalid_value', 'after');
			start = all.indexOf(cursor) + 1;
		}
		const rest = all.slice(start).filter((j) => j.deletedMs === null);
		const page = rest.slice(0, limit);
		const now = Date.now();
		return json(200, {
			object: 'list',
			data: page.map((j) => videoObject(j, now)),
			first_id: page.length ? page[0].id : null,
			last_id: page.length ? page[page.length - 1].id : null,
			has_more: rest.length > page.length,
		});
	};

	/** The JSON error for a job that has no file yet (or never will), else null. @param {Job} job */
	const notFinished = (job) => {
		const status = stateOf(job, Date.now()).status;
		if (status === 'failed' || status === 'error') return invalid(`Video '${job.id}' failed; it has no content.`, 'video_failed');
		if (status !== 'completed') return invalid(`Video is not ready yet, use GET /v1/videos/${job.id} to check status.`, 'video_not_ready');
		return null;
	};

	/** @param {keyof typeof VARIANTS} variant @returns {Reply} */
	const fileBytes = (variant) => {
		const v = VARIANTS[variant];
		const b = variantBytes(v.file, options.videoBytes);
		return { kind: 'binary', status: 200, type: v.type, length: b.length, source: b.source };
	};

	/** What a gateway answers on the content route of a family without one (`noContentAnswer`). @param {Ctx} ctx @param {string} model */
	const noContentRoute = (ctx, model) => {
		if (options.noContentAnswer === 'task_not_exist') return invalid('task_not_exist', 'task_not_exist');
		if (options.noContentAnswer === 'unsupported') return invalid(`Content retrieval is not supported for model ${model}; download the task's video_url instead.`, 'invalid_request');
		return json(404, errorBody(`Invalid URL (${ctx.req.method} ${ctx.url.pathname})`, 'invalid_request_error', 'not_found', null));
	};

	/** @param {Ctx} ctx @param {string} id @returns {Reply} */
	const content = (ctx, id) => {
		const found = liveJob(id);
		if (found && !familyOf(found).contentRoute) return noContentRoute(ctx, found.model);
		const variant = ctx.url.searchParams.get('variant') || 'video';
		if (!Object.prototype.hasOwnProperty.call(VARIANTS, variant)) {
			return invalid(`Invalid value for 'variant': expected one of 'video', 'thumbnail', 'spritesheet'.`, 'invalid_value', 'variant');
		}
		if (!found) return notFound(id);
		const unfinished = notFinished(found);
		if (unfinished) return unfinished;
		if (options.contentRedirect) return { kind: 'redirect', status: 302, location: `${st.fileHostUrl}/files/${id}.${VARIANTS[variant].ext}` };
		return fileBytes(variant);
	};

	/** GET /v1/video-files/{id}.mp4: a `video_url` on the API origin (Bearer key required, as for every /v1 route). @param {Ctx} _ctx @param {string} id @returns {Reply} */
	const videoFile = (_ctx, id) => {
		const job = liveJob(id);
		if (!job) return notFound(id);
		return notFinished(job) || fileBytes('video');
	};

	/** @param {string} id @returns {Reply} */
	const retrieveVideo = (id) => {
		const job = liveJob(id);
		if (!job) return notFound(id);
		/** @type {Record<string, string>} */
		const pollAfter = {};
		if (options.pollAfterMs !== undefined && options.pollAfterMs !== null) pollAfter['openai-poll-after-ms'] = String(options.pollAfterMs);
		return json(200, videoObject(job), pollAfter);
	};

	/** @param {string} id @returns {Reply} */
	const deleteVideo = (id) => {
		const job = liveJob(id);
		if (!job) return notFound(id);
		job.deletedMs = Date.now();
		return json(200, { id, object: 'video.deleted', deleted: true });
	};

	return { videoObject, liveJob, createVideo, remixVideo, listVideos, content, videoFile, retrieveVideo, deleteVideo };
}

module.exports = { createVideoRoutes };
