// @ts-check
'use strict';
/** The video routes: create, remix, retrieve, list, content, delete. */

const { VARIANTS, imageSize, variantBytes } = require('./media');
const { promptMarkers, markerStatus } = require('./markers');
const { stateOf, unevenSteps } = require('./progress');
const { requireBody, formFields } = require('./body');
const { json, invalid, invalidValue } = require('./reply');
const { errorBody, hex, sha256 } = require('./util');

const ALLOWED_MIME = ['image/jpeg', 'image/png', 'image/webp', 'video/mp4'];
const STATUS_WORDS = { queued: 'QUEUED', in_progress: 'IN_PROGRESS', completed: 'SUCCESS', failed: 'FAILED' };
const MODERATION_ERROR = { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' };

/** @typedef {import('./body').Ctx} Ctx @typedef {import('./reply').Reply} Reply @typedef {import('./state').Job} Job */

const REPLY_KINDS = new Set(['json', 'binary', 'redirect', 'sse', 'delayed-json']);
/** @param {unknown} v @returns {v is Reply} */
const isReply = (v) => !!v && typeof v === 'object' && REPLY_KINDS.has(/** @type {any} */ (v).kind);

/** @param {string|undefined} contentType */
const mimeOf = (contentType) => (contentType || 'application/octet-stream').split(';')[0].trim().toLowerCase();

/**
 * @param {import('./state').State} st
 * @param {{progressRandom: (jobSeq: number) => () => number}} engine
 */
function createVideoRoutes(st, engine) {
	const { options, jobs } = st;

	/** @param {Job} job @param {number} [now] @returns {Record<string, unknown>} */
	const videoObject = (job, now = Date.now()) => {
		const s = stateOf(job, now);
		const completedAt = s.completedMs === null ? null : Math.floor(s.completedMs / 1000);
		/** @type {Record<string, unknown>} */
		const v = {
			id: job.id,
			object: 'video',
			model: job.model,
			status: job.upperStatus ? STATUS_WORDS[s.status] : s.status,
			progress: s.progress,
			created_at: Math.floor(job.createdMs / 1000),
			completed_at: completedAt,
			expires_at: completedAt === null ? null : completedAt + 3600,
			prompt: job.prompt,
			size: job.size,
			seconds: job.seconds,
			remixed_from_video_id: job.remixedFrom,
			error: s.status === 'failed' ? MODERATION_ERROR : null,
		};
		if (job.cometShape) {
			delete v.prompt;
			for (const k of Object.keys(v)) if (v[k] === null) delete v[k];
			if (s.status === 'completed') v.video_url = `${st.fileHostUrl}/files/${job.id}.mp4`;
		}
		return v;
	};

	/** @param {string} id */
	const liveJob = (id) => {
		const job = jobs.get(id);
		return job && job.deletedMs === null ? job : undefined;
	};
	/** @param {string} id */
	const notFound = (id) => json(404, errorBody(`Video with id '${id}' not found.`, 'invalid_request_error', 'not_found', null));

	/**
	 * @param {{prompt: string, model: string, size: string, seconds: string, remixedFrom: string|null, inputReference: import('./state').InputReference|null, fields: Record<string, string>, rec: import('./state').RequestRecord}} p
	 * @returns {Job}
	 */
	const newJob = (p) => {
		const m = promptMarkers(p.prompt);
		const renderMs = Math.max(0, m.renderMs ?? options.renderMs);
		const queuedMs = Math.max(0, Math.min(renderMs, m.queuedMs ?? options.queuedMs ?? renderMs / 4));
		const seq = ++st.counters.job;
		/** @type {Job} */
		const job = {
			id: `video_${hex(24)}`,
			seq,
			model: p.model,
			prompt: p.prompt,
			size: p.size,
			seconds: p.seconds,
			createdMs: Date.now(),
			renderMs,
			queuedMs,
			fail: m.fail,
			never: m.never,
			cometShape: m.comet,
			upperStatus: m.upper,
			remixedFrom: p.remixedFrom,
			inputReference: p.inputReference,
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

	/** The create parameters with their defaults, or a 400. @param {Record<string, unknown>} body */
	const createParams = (body) => {
		const prompt = requiredPrompt(body);
		if (isReply(prompt)) return prompt;
		const seconds = body.seconds === undefined ? '4' : body.seconds;
		if (typeof seconds !== 'string' || !/^\d+$/.test(seconds)) return invalidValue('seconds', "a string of whole seconds such as '4', '8' or '12'", seconds);
		const size = body.size === undefined ? '720x1280' : body.size;
		if (typeof size !== 'string' || !/^\d+x\d+$/.test(size)) return invalidValue('size', "WIDTHxHEIGHT such as '720x1280'", size);
		const model = body.model === undefined || body.model === '' ? 'sora-2' : body.model;
		if (typeof model !== 'string') return json(400, errorBody("Invalid type for 'model': expected a string.", 'invalid_request_error', 'invalid_type', 'model'));
		return { prompt, seconds, size, model };
	};

	/** An uploaded reference file, or a 400. @param {import('./multipart').MultipartPart} f @param {string} size */
	const referenceFile = (f, size) => {
		const type = mimeOf(f.contentType || undefined);
		if (options.checkMime && !ALLOWED_MIME.includes(type)) {
			return invalid(`Invalid file 'input_reference': unsupported mimetype ('${type}'). Supported file formats are 'image/jpeg', 'image/png', 'image/webp', and 'video/mp4'.`, 'unsupported_file_mimetype', 'input_reference');
		}
		const dims = imageSize(f.data);
		if (options.strictReferenceSize && dims && `${dims.width}x${dims.height}` !== size) {
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

	/** @param {ReturnType<typeof formFields>} form @param {string} size @returns {import('./state').InputReference|null|Reply} */
	const inputReference = (form, size) => {
		const refFiles = form.files.filter((f) => f.name === 'input_reference');
		if (refFiles.length > 1) return invalid('Only one input_reference may be provided.', 'invalid_value', 'input_reference');
		if (refFiles.length === 1) return referenceFile(refFiles[0], size);
		return referenceLink(form.body, form.fields);
	};

	/** @param {Ctx} ctx @returns {Reply} */
	const createVideo = (ctx) => {
		const bad = requireBody(ctx, ['json', 'multipart']);
		if (bad) return bad;
		if (ctx.bodyKind === 'json' && (!ctx.jsonBody || typeof ctx.jsonBody !== 'object' || Array.isArray(ctx.jsonBody))) {
			return invalid('The request body must be a JSON object.');
		}
		const form = formFields(ctx);
		const params = createParams(form.body);
		if (isReply(params)) return params;
		const ref = inputReference(form, params.size);
		if (isReply(ref)) return ref;
		const m = promptMarkers(params.prompt);
		if (m.status) return markerStatus(m.status, options.faults);
		const job = newJob({ ...params, remixedFrom: null, inputReference: ref, fields: form.fields, rec: ctx.rec });
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
		const status = stateOf(source, Date.now()).status;
		if (status !== 'completed') {
			return invalid(`Video '${id}' is ${status === 'failed' ? 'failed' : 'not completed yet'}; only completed videos can be remixed.`, 'invalid_video_status');
		}
		const m = promptMarkers(prompt);
		if (m.status) return markerStatus(m.status, options.faults);
		const job = newJob({ prompt, model: source.model, size: source.size, seconds: source.seconds, remixedFrom: source.id, inputReference: null, fields: form.fields, rec: ctx.rec });
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

	/** @param {Ctx} ctx @param {string} id @returns {Reply} */
	const content = (ctx, id) => {
		const variant = ctx.url.searchParams.get('variant') || 'video';
		const v = VARIANTS[variant];
		if (!Object.prototype.hasOwnProperty.call(VARIANTS, variant)) {
			return invalid(`Invalid value for 'variant': expected one of 'video', 'thumbnail', 'spritesheet'.`, 'invalid_value', 'variant');
		}
		const job = liveJob(id);
		if (!job) return notFound(id);
		const status = stateOf(job, Date.now()).status;
		if (status === 'failed') return invalid(`Video '${id}' failed; it has no content.`, 'video_failed');
		if (status !== 'completed') return invalid(`Video is not ready yet, use GET /v1/videos/${id} to check status.`, 'video_not_ready');
		if (options.contentRedirect) return { kind: 'redirect', status: 302, location: `${st.fileHostUrl}/files/${id}.${v.ext}` };
		const b = variantBytes(v.file, options.videoBytes);
		return { kind: 'binary', status: 200, type: v.type, length: b.length, source: b.source };
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

	return { videoObject, liveJob, createVideo, remixVideo, listVideos, content, retrieveVideo, deleteVideo };
}

module.exports = { createVideoRoutes };
