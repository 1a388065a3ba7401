// @ts-check
'use strict';
/** The stand-in's state: live options, the request log, jobs, chats, counters and timers. */

const { DEFAULT_FAULTS } = require('./faults');
const { createTimers, hex } = require('./util');

/**
 * @typedef {object} StandInOptions
 * @property {string} apiKey
 * @property {number} renderMs
 * @property {number|undefined} queuedMs
 * @property {number} port
 * @property {number} fileHostPort
 * @property {number|undefined} pollAfterMs
 * @property {boolean} contentRedirect
 * @property {number|undefined} videoBytes
 * @property {number} chatDelayMs
 * @property {import('./faults').Faults} faults
 * @property {boolean} log
 * @property {boolean} gzip                compress JSON answers when the client accepts gzip (as the real edge does)
 * @property {boolean} checkMime           reject input_reference parts whose type is not image/jpeg|png|webp or video/mp4
 * @property {boolean} strictReferenceSize reject an input_reference image whose pixel size differs from `size`
 * @property {number} maxBodyBytes         larger request bodies get 413
 * @property {number|[number, number]} createLatencyMs  how long a create or remix takes to answer (a range: seeded draw)
 * @property {'linear'|'uneven'} progressMode  uneven: progress stalls, then jumps (seeded per job)
 * @property {'upper'|'lower'} seedanceStatus  Seedance's status words: SUBMITTED/IN_PROGRESS/SUCCESS/FAILED or the lowercase revision
 * @property {'not_found'|'task_not_exist'|'unsupported'} noContentAnswer  GET /v1/videos/{id}/content for a family without that route
 * @property {number} videoUrlTtlS          a signed video_url expires this many seconds after the job completed
 * @property {boolean} videoUrlOnApiOrigin  video_url on the API origin (Bearer key required) instead of the signed file host
 * @property {string[]} retiredModels        create, remix and chat with these models answer like a gateway without a channel; not listed
 * @property {'no-channel'|'no-channel-zh'|'openai-404'} retiredAnswer  503 model_not_found (English or Chinese) or 404 model_not_found
 * @property {boolean} modelTypes           GET /v1/models records carry model_type
 * @property {(string|Record<string, unknown>)[]|undefined} models  replaces GET /v1/models' list (an id, or a record sent as given)
 */

/**
 * @typedef {object} RequestRecord
 * @property {number} seq            arrival order (both servers share the counter)
 * @property {number} time           arrival time, ms since epoch
 * @property {'api'|'files'} server
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {Record<string, string|string[]|undefined>} headers  lower-cased request headers, as received
 * @property {BodySummary|null} bodySummary
 * @property {number|'dropped'|'aborted'|null} status  null while the answer has not started
 * @property {null|'429'|'5xx'|'drop'|'truncate'|'paid429'|'paid503'} fault
 * @property {boolean} handled        reached the route handler (auth passed, not faulted before it)
 * @property {boolean} paid           a paid route (create, remix, chat) that reached the handler
 * @property {boolean} paidRoute      a request to a paid route, whether or not it reached the handler
 * @property {boolean} refused        answered an error status by a fault before the handler ran (not processed)
 * @property {string|null} jobId      the video or chat id this request created, if any
 * @property {string|null} requestId  the x-request-id answered
 * @property {number|null} bytesSent  body bytes sent, for binary answers
 * @property {number|null} durationMs
 * @property {number} latencyMs      the createLatencyMs drawn for this create or remix (0 otherwise)
 * @property {null|'signature'|'expired'} denied  why the file host answered 403 to a signed URL
 */

/**
 * @typedef {object} FilePartSummary
 * @property {string} name
 * @property {string|null} filename
 * @property {string|null} contentType
 * @property {number} bytes
 * @property {string} sha256
 */

/**
 * @typedef {object} ChatMessageSummary
 * @property {string} role
 * @property {string[]} texts
 * @property {string[]} imageUrls
 */

/**
 * @typedef {object} BodySummary
 * @property {'json'|'multipart'|'other'|'invalid'} kind
 * @property {number} bytes
 * @property {string|null} contentType
 * @property {unknown} [json]                       parsed JSON, long strings shortened
 * @property {Record<string, string>} [fields]      multipart text fields (last one wins), long values shortened
 * @property {FilePartSummary[]} [files]            multipart file parts
 * @property {ChatMessageSummary[]} [messages]      chat messages (text and image_url parts)
 * @property {string} [error]                       why the body could not be parsed
 */

/**
 * @typedef {object} InputReference
 * @property {'file'|'url'} kind
 * @property {string|null} [filename]
 * @property {string|null} [contentType]
 * @property {number} [bytes]
 * @property {string} [sha256]
 * @property {number|null} [width]
 * @property {number|null} [height]
 * @property {string|null} [imageUrl]
 * @property {string|null} [fileId]
 */

/**
 * @typedef {object} Job
 * @property {string} id
 * @property {number} seq
 * @property {string} model
 * @property {string} prompt
 * @property {string} family        the family's name (families.js), 'unknown' for a model not in the table
 * @property {string|null} size     null for a model without size (omni-fast)
 * @property {string} seconds
 * @property {string|null} resolution   recorded for models that read it, default filled in
 * @property {string|null} aspectRatio  recorded for models that read it, default filled in
 * @property {number} createdMs
 * @property {number} renderMs
 * @property {number} queuedMs
 * @property {boolean} fail
 * @property {boolean} never
 * @property {boolean} endsInError  `[error]`: ends with status error (a plain-string error)
 * @property {boolean} cometShape   `[comet]`: omit null fields and prompt, add video_url when completed
 * @property {boolean} upperStatus  `[upper]`: QUEUED / IN_PROGRESS / SUCCESS / FAILED
 * @property {string|null} remixedFrom
 * @property {InputReference|null} inputReference  the first reference (file or link)
 * @property {InputReference[]} inputReferences    every reference, files in upload order
 * @property {string|null} characterUrl
 * @property {string|null} characterTimestamps
 * @property {Record<string, string>} fields  every text field received (JSON values stringified)
 * @property {number|null} deletedMs
 * @property {number} requestSeq  seq of the request that created it
 * @property {{atMs: number, progress: number}[]|null} progressSteps  `progressMode: 'uneven'`: from atMs (since creation) on, progress is at least this
 */

/**
 * @typedef {object} ChatRecord
 * @property {string} id
 * @property {number} createdMs
 * @property {string} model
 * @property {boolean} stream
 * @property {string} prompt        all text parts of user messages joined by newlines
 * @property {ChatMessageSummary[]} messages
 * @property {string|null} fileUrl  the link the answer carries (null for [chat-nolink]/[chat-error]/[fail]/[never])
 * @property {'running'|'done'|'error'|'failed'|'aborted'} state
 * @property {number} requestSeq
 */


/** @returns {Omit<StandInOptions, 'faults'>} */
const defaultOptions = () => ({
	apiKey: 'sk-test',
	renderMs: 3000,
	queuedMs: undefined,
	port: 0,
	fileHostPort: 0,
	pollAfterMs: undefined,
	contentRedirect: false,
	videoBytes: undefined,
	chatDelayMs: 200,
	log: false,
	gzip: true,
	checkMime: true,
	strictReferenceSize: false,
	maxBodyBytes: 64 * 1024 * 1024,
	createLatencyMs: 0,
	progressMode: 'linear',
	seedanceStatus: 'upper',
	noContentAnswer: 'not_found',
	videoUrlTtlS: 3600,
	videoUrlOnApiOrigin: false,
	retiredModels: [],
	retiredAnswer: 'no-channel',
	modelTypes: false,
	models: undefined,
});

/** @typedef {Partial<Omit<StandInOptions, 'faults'>> & { faults?: Partial<import('./faults').Faults> }} StandInOptionsInput */

/** @param {StandInOptionsInput} opts */
function createState(opts) {
	/** @type {StandInOptions} */
	const options = { ...defaultOptions(), ...opts, faults: { ...DEFAULT_FAULTS, ...(opts.faults || {}) } };
	if (!options.apiKey) throw new Error('startStandIn: apiKey is required');
	const open = { now: 0, peak: 0 };
	return {
		options,
		/** @type {RequestRecord[]} */
		requests: [],
		/** @type {Map<string, Job>} */
		jobs: new Map(),
		/** @type {Map<string, ChatRecord>} */
		chats: new Map(),
		counters: { request: 0, job: 0 },
		timers: createTimers(),
		baseUrl: '',
		fileHostUrl: '',
		signingKey: hex(32),
		open,
		/** Counts one request in flight until its answer ends. @param {import('node:http').ServerResponse} res */
		trackOpen: (res) => {
			open.now++;
			open.peak = Math.max(open.peak, open.now);
			res.on('close', () => {
				open.now--;
			});
		},
	};
}

/** @typedef {ReturnType<typeof createState>} State */

module.exports = { createState };
