// @ts-check
'use strict';
/** The stand-in's state: live options, the request log, jobs, chats, counters and timers. */

const { DEFAULT_FAULTS } = require('./faults');
const { createTimers } = require('./util');

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
 * @property {string} size
 * @property {string} seconds
 * @property {number} createdMs
 * @property {number} renderMs
 * @property {number} queuedMs
 * @property {boolean} fail
 * @property {boolean} never
 * @property {boolean} cometShape   `[comet]`: omit null fields and prompt, add video_url when completed
 * @property {boolean} upperStatus  `[upper]`: QUEUED / IN_PROGRESS / SUCCESS / FAILED
 * @property {string|null} remixedFrom
 * @property {InputReference|null} inputReference
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
		fileHostUrl: '',
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
