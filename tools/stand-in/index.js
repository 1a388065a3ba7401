// @ts-check
'use strict';
/**
 * A local stand-in for CometAPI's Sora 2 endpoints (OpenAI Videos API shape plus the chat format).
 * Plain Node.js built-ins only, two HTTP servers on 127.0.0.1: the API and a "third-party" file host.
 * See README.md in this folder for every option and behaviour.
 */

const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { Readable } = require('node:stream');

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {object} Faults
 * @property {number} seed             PRNG seed (mulberry32); same seed + same request order = same faults
 * @property {number} rate5xx          fraction of eligible requests answered 500/502/503
 * @property {number[]} statuses5xx    statuses to pick from for rate5xx (default [500, 502, 503])
 * @property {number} rateDrop         fraction of eligible requests whose socket is destroyed without an answer
 * @property {boolean} dropAfterCreate a dropped paid request is dropped AFTER its job was created ("fate unknown")
 * @property {boolean} errorAfterCreate a 5xx'd paid request gets its 5xx AFTER its job was created
 * @property {number} burst429         probability that an eligible request starts a burst of 429 answers
 * @property {number} burstLength      length K of a 429 burst (the starting request included)
 * @property {number|null} retryAfterS `Retry-After` seconds on 429 answers (null: no header)
 * @property {number} rateTruncate     fraction of binary downloads cut off (socket closed) after half the bytes
 * @property {number} slowMs           latency added before answering every eligible request
 * @property {boolean} fileHost        faults also apply to the file host (default: API only)
 */

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
 * @property {Faults} faults
 * @property {boolean} log
 * @property {boolean} gzip                compress JSON answers when the client accepts gzip (as the real edge does)
 * @property {boolean} checkMime           reject input_reference parts whose type is not image/jpeg|png|webp or video/mp4
 * @property {boolean} strictReferenceSize reject an input_reference image whose pixel size differs from `size`
 * @property {number} maxBodyBytes         larger request bodies get 413
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
 * @property {null|'429'|'5xx'|'drop'|'truncate'} fault
 * @property {boolean} handled        reached the route handler (auth passed, not faulted before it)
 * @property {boolean} paid           a paid route (create, remix, chat) that reached the handler
 * @property {string|null} jobId      the video or chat id this request created, if any
 * @property {string|null} requestId  the x-request-id answered
 * @property {number|null} bytesSent  body bytes sent, for binary answers
 * @property {number|null} durationMs
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

/**
 * @typedef {object} StandIn
 * @property {string} baseUrl
 * @property {string} fileHostUrl
 * @property {RequestRecord[]} requests
 * @property {Map<string, Job>} jobs
 * @property {Map<string, ChatRecord>} chats
 * @property {StandInOptions} options
 * @property {() => RequestRecord[]} paidRequests
 * @property {(partial: Partial<Omit<StandInOptions, 'faults'>> & { faults?: Partial<Faults> }) => void} setOptions
 * @property {() => void} reset
 * @property {(id: string) => Record<string, unknown>|null} video  the Video object of a job as it would be answered now
 * @property {() => Promise<void>} close
 */

// ---------------------------------------------------------------------------------------------
// Fixtures and generated media
// ---------------------------------------------------------------------------------------------

const FIXTURE_DIR = path.join(__dirname, 'fixtures');
const fixtures = {
	video: fs.readFileSync(path.join(FIXTURE_DIR, 'video.mp4')),
	thumbnail: fs.readFileSync(path.join(FIXTURE_DIR, 'thumbnail.webp')),
	spritesheet: fs.readFileSync(path.join(FIXTURE_DIR, 'spritesheet.jpg')),
	reference: fs.readFileSync(path.join(FIXTURE_DIR, 'reference.png')),
	paths: {
		video: path.join(FIXTURE_DIR, 'video.mp4'),
		thumbnail: path.join(FIXTURE_DIR, 'thumbnail.webp'),
		spritesheet: path.join(FIXTURE_DIR, 'spritesheet.jpg'),
		reference: path.join(FIXTURE_DIR, 'reference.png'),
	},
};

/** @type {Record<string, {file: 'video'|'thumbnail'|'spritesheet', type: string, ext: string}>} */
const VARIANTS = {
	video: { file: 'video', type: 'video/mp4', ext: 'mp4' },
	thumbnail: { file: 'thumbnail', type: 'image/webp', ext: 'webp' },
	spritesheet: { file: 'spritesheet', type: 'image/jpeg', ext: 'jpg' },
};

/** @param {number} seed */
function mulberry32(seed) {
	let a = seed | 0;
	return function next() {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const FILLER_BLOCK = (() => {
	const rnd = mulberry32(0x50a2);
	const b = Buffer.allocUnsafe(64 * 1024);
	for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
	return b;
})();

/** The fixture's real `ftyp` box (first box of the MP4). */
const FTYP = (() => {
	const v = fixtures.video;
	const size = v.readUInt32BE(0);
	if (v.toString('latin1', 4, 8) !== 'ftyp' || size < 8 || size > v.length) throw new Error('fixture video.mp4 does not start with ftyp');
	return v.subarray(0, size);
})();

/**
 * The head of a generated MP4-looking stream of `total` bytes: the fixture's ftyp box, then an
 * `mdat` box header spanning the rest. Filler (a fixed pseudo-random 64 KiB block, repeated) follows.
 * @param {number} total
 */
function generatedHead(total) {
	const rest = total - FTYP.length;
	let mdat = Buffer.alloc(0);
	if (rest >= 16 && rest > 0xffffffff) {
		mdat = Buffer.alloc(16);
		mdat.writeUInt32BE(1, 0);
		mdat.write('mdat', 4, 'latin1');
		mdat.writeBigUInt64BE(BigInt(rest), 8);
	} else if (rest >= 8) {
		mdat = Buffer.alloc(8);
		mdat.writeUInt32BE(rest, 0);
		mdat.write('mdat', 4, 'latin1');
	}
	return Buffer.concat([FTYP, mdat]).subarray(0, total);
}

/**
 * Streams `limit` bytes (default all) of the generated video of `total` bytes, chunk by chunk, without
 * holding more than one 64 KiB block: every chunk is a view of the same buffers.
 * @param {number} total
 * @param {number} [limit]
 * @returns {Readable}
 */
function generatedVideoStream(total, limit = total) {
	const head = generatedHead(total);
	let sent = 0;
	return new Readable({
		highWaterMark: 64 * 1024,
		read() {
			if (sent >= limit) {
				this.push(null);
				return;
			}
			/** @type {Buffer} */
			let chunk;
			if (sent < head.length) chunk = head.subarray(sent, Math.min(head.length, limit));
			else {
				const off = (sent - head.length) % FILLER_BLOCK.length;
				chunk = FILLER_BLOCK.subarray(off, Math.min(FILLER_BLOCK.length, off + (limit - sent)));
			}
			sent += chunk.length;
			this.push(chunk);
		},
	});
}

/**
 * Pixel size of a PNG, JPEG or WebP image, or null.
 * @param {Buffer} b
 * @returns {{width: number, height: number}|null}
 */
function imageSize(b) {
	try {
		if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
			return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
		}
		if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
			let i = 2;
			while (i + 9 < b.length) {
				if (b[i] !== 0xff) return null;
				const marker = b[i + 1];
				if (marker === 0xff) {
					i++;
					continue;
				}
				const len = b.readUInt16BE(i + 2);
				if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
					return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
				}
				i += 2 + len;
			}
			return null;
		}
		if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
			const kind = b.toString('latin1', 12, 16);
			if (kind === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
			if (kind === 'VP8L') {
				const bits = b.readUInt32LE(21);
				return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
			}
			if (kind === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
		}
	} catch {
		return null;
	}
	return null;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** @param {number} n */
const hex = (n) => crypto.randomBytes(n).toString('hex');
/** @param {Buffer} b */
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * An OpenAI-shaped error.
 * @param {string} message
 * @param {string} type
 * @param {string|null} [code]
 * @param {string|null} [param]
 */
function errorBody(message, type, code = null, param = null) {
	return { error: { message, type, code, param } };
}

/**
 * @param {unknown} value
 * @param {number} [max]
 * @returns {unknown}
 */
function shorten(value, max = 300) {
	if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…(${value.length} chars)` : value;
	if (Array.isArray(value)) return value.map((v) => shorten(v, max));
	if (value && typeof value === 'object') {
		/** @type {Record<string, unknown>} */
		const out = {};
		for (const [k, v] of Object.entries(value)) out[k] = shorten(v, max);
		return out;
	}
	return value;
}

/**
 * Parses a header parameter list such as `form-data; name="a\"b"; filename*=UTF-8''x%20y.png`.
 * @param {string} header
 * @returns {{value: string, params: Record<string, string>}}
 */
function parseHeaderParams(header) {
	/** @type {Record<string, string>} */
	const params = {};
	let i = header.indexOf(';');
	const value = (i < 0 ? header : header.slice(0, i)).trim().toLowerCase();
	if (i < 0) return { value, params };
	i++;
	while (i < header.length) {
		while (i < header.length && /[\s;]/.test(header[i])) i++;
		let key = '';
		while (i < header.length && header[i] !== '=' && header[i] !== ';') key += header[i++];
		key = key.trim().toLowerCase();
		if (header[i] !== '=') {
			if (key) params[key] = '';
			continue;
		}
		i++;
		let val = '';
		if (header[i] === '"') {
			i++;
			while (i < header.length && header[i] !== '"') {
				if (header[i] === '\\' && i + 1 < header.length) i++;
				val += header[i++];
			}
			i++;
		} else {
			while (i < header.length && header[i] !== ';') val += header[i++];
			val = val.trim();
		}
		if (key.endsWith('*')) {
			const m = /^([^']*)'[^']*'(.*)$/.exec(val);
			if (m) {
				try {
					val = decodeURIComponent(m[2]);
				} catch {
					val = m[2];
				}
			}
			params[key.slice(0, -1)] = val;
		} else if (!(key in params)) params[key] = val;
	}
	return { value, params };
}

/**
 * @typedef {object} MultipartPart
 * @property {string} name
 * @property {string|null} filename
 * @property {string|null} contentType
 * @property {Buffer} data
 */

/**
 * A strict multipart/form-data parser (RFC 7578 / 2046): boundary from the header (quoted or not),
 * optional preamble, CRLF before every delimiter, binary-safe part bodies, closing `--boundary--`.
 * @param {Buffer} body
 * @param {string} contentType
 * @returns {MultipartPart[]}
 */
function parseMultipart(body, contentType) {
	const { params } = parseHeaderParams(contentType);
	const boundary = params.boundary;
	if (!boundary) throw new Error('multipart body without a boundary parameter');
	const delim = Buffer.from(`--${boundary}`, 'latin1');
	const nextDelim = Buffer.from(`\r\n--${boundary}`, 'latin1');
	/** @type {MultipartPart[]} */
	const parts = [];
	let pos;
	if (body.subarray(0, delim.length).equals(delim)) pos = delim.length;
	else {
		const at = body.indexOf(nextDelim);
		if (at < 0) throw new Error('multipart boundary not found');
		pos = at + nextDelim.length;
	}
	for (;;) {
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing delimiter
		while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
		if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new Error('malformed multipart delimiter line');
		pos += 2;
		const headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
		let headerText;
		let dataStart;
		if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
			headerText = '';
			dataStart = pos + 2;
		} else {
			if (headerEnd < 0) throw new Error('unterminated multipart part headers');
			headerText = body.toString('utf8', pos, headerEnd);
			dataStart = headerEnd + 4;
		}
		const end = /** @type {number} */ (body.indexOf(nextDelim, dataStart));
		if (end < 0) throw new Error('multipart body without a closing boundary');
		/** @type {Record<string, string>} */
		const headers = {};
		for (const line of headerText.split('\r\n')) {
			const c = line.indexOf(':');
			if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
		}
		const disp = parseHeaderParams(headers['content-disposition'] || '');
		if (disp.value !== 'form-data' || !('name' in disp.params)) throw new Error('multipart part without Content-Disposition: form-data; name=');
		parts.push({
			name: disp.params.name,
			filename: 'filename' in disp.params ? disp.params.filename : null,
			contentType: headers['content-type'] || null,
			data: body.subarray(dataStart, end),
		});
		pos = end + nextDelim.length;
	}
}

/**
 * Text and image_url parts of chat messages.
 * @param {unknown} messages
 * @returns {ChatMessageSummary[]}
 */
function summarizeMessages(messages) {
	if (!Array.isArray(messages)) return [];
	return messages.map((m) => {
		/** @type {ChatMessageSummary} */
		const out = { role: String(m && m.role), texts: [], imageUrls: [] };
		const content = m && m.content;
		if (typeof content === 'string') out.texts.push(content);
		else if (Array.isArray(content)) {
			for (const part of content) {
				if (part && part.type === 'text' && typeof part.text === 'string') out.texts.push(part.text);
				if (part && part.type === 'image_url') {
					const url = typeof part.image_url === 'string' ? part.image_url : part.image_url && part.image_url.url;
					if (typeof url === 'string') out.imageUrls.push(url);
				}
			}
		}
		return out;
	});
}

/**
 * The fault switches a prompt chooses. Case-sensitive, anywhere in the prompt.
 * @param {string} prompt
 */
function promptMarkers(prompt) {
	const render = /\[render:(\d+)\]/.exec(prompt);
	const queued = /\[queued:(\d+)\]/.exec(prompt);
	const status = /\[status:(\d{3})\]/.exec(prompt);
	return {
		fail: prompt.includes('[fail]'),
		never: prompt.includes('[never]'),
		renderMs: render ? Number(render[1]) : null,
		queuedMs: queued ? Number(queued[1]) : null,
		status: status ? Number(status[1]) : null,
		comet: prompt.includes('[comet]'),
		upper: prompt.includes('[upper]'),
		chatNoLink: prompt.includes('[chat-nolink]'),
		chatError: prompt.includes('[chat-error]'),
	};
}

const DEFAULT_FAULTS = /** @type {Faults} */ ({
	seed: 1,
	rate5xx: 0,
	statuses5xx: [500, 502, 503],
	rateDrop: 0,
	dropAfterCreate: false,
	errorAfterCreate: false,
	burst429: 0,
	burstLength: 3,
	retryAfterS: 1,
	rateTruncate: 0,
	slowMs: 0,
	fileHost: false,
});

const MODELS = ['sora-2', 'sora-2-pro', 'sora-2-2025-10-06', 'sora-2-pro-2025-10-06', 'sora-2-2025-12-08', 'sora-2-all', 'sora-2-pro-all', 'sora-2-hd'];
const ALLOWED_MIME = ['image/jpeg', 'image/png', 'image/webp', 'video/mp4'];

/** @type {Record<number, {message: string, type: string, code: string|null}>} */
const FIVE_XX = {
	500: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null },
	502: { message: 'Bad gateway: upstream returned an invalid response.', type: 'comet_api_error', code: 'bad_response_status_code' },
	503: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: 'service_unavailable' },
	504: { message: 'Gateway timeout.', type: 'comet_api_error', code: 'gateway_timeout' },
	524: { message: 'A timeout occurred.', type: 'comet_api_error', code: 'timeout' },
};

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/**
 * What a route handler answers; the dispatcher sends it (or replaces it by an after-create fault).
 * @typedef {{kind: 'json', status: number, body: unknown, headers?: Record<string, string>}
 *   | {kind: 'binary', status: number, type: string, length: number, source: (limit: number) => Readable | Buffer, headers?: Record<string, string>}
 *   | {kind: 'redirect', status: number, location: string}
 *   | {kind: 'sse', run: (res: http.ServerResponse) => Promise<void>}
 *   | {kind: 'delayed-json', delayMs: number|null, status: number, body: unknown, onSent?: () => void}} Reply
 */

/** @returns {Reply} @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
const json = (status, body, headers) => ({ kind: 'json', status, body, headers });

/**
 * @param {Buffer} buf
 * @returns {(limit: number) => Buffer}
 */
const bufferSource = (buf) => (limit) => buf.subarray(0, limit);

// ---------------------------------------------------------------------------------------------
// The stand-in
// ---------------------------------------------------------------------------------------------

/**
 * Starts the API server and the file host on 127.0.0.1.
 * @param {Partial<Omit<StandInOptions, 'faults'>> & { faults?: Partial<Faults> }} [opts]
 * @returns {Promise<StandIn>}
 */
async function startStandIn(opts = {}) {
	/** @type {StandInOptions} */
	const options = {
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
		...opts,
		faults: { ...DEFAULT_FAULTS, ...(opts.faults || {}) },
	};
	if (!options.apiKey) throw new Error('startStandIn: apiKey is required');

	/** @type {RequestRecord[]} */
	const requests = [];
	/** @type {Map<string, Job>} */
	const jobs = new Map();
	/** @type {Map<string, ChatRecord>} */
	const chats = new Map();
	let seqCounter = 0;
	let jobSeq = 0;
	let closed = false;

	// Fault engine: 5 draws per eligible request, always, so decisions depend only on seed and order.
	let rnd = mulberry32(options.faults.seed);
	let burstRemaining = 0;
	const resetFaultState = () => {
		rnd = mulberry32(options.faults.seed);
		burstRemaining = 0;
	};
	/** @returns {{kind: 'none'|'429'|'5xx'|'drop', status: number, truncate: boolean}} */
	const decideFault = () => {
		const f = options.faults;
		const [rBurst, r5xx, rCode, rDrop, rTrunc] = [rnd(), rnd(), rnd(), rnd(), rnd()];
		const truncate = rTrunc < f.rateTruncate;
		if (burstRemaining > 0) {
			burstRemaining--;
			return { kind: '429', status: 429, truncate };
		}
		if (rBurst < f.burst429) {
			burstRemaining = Math.max(0, Math.floor(f.burstLength) - 1);
			return { kind: '429', status: 429, truncate };
		}
		if (r5xx < f.rate5xx) {
			const list = f.statuses5xx && f.statuses5xx.length ? f.statuses5xx : [500];
			return { kind: '5xx', status: list[Math.min(list.length - 1, Math.floor(rCode * list.length))], truncate };
		}
		if (rDrop < f.rateDrop) return { kind: 'drop', status: 0, truncate };
		return { kind: 'none', status: 0, truncate };
	};

	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();
	/** @param {number} ms @returns {Promise<void>} */
	const sleep = (ms) =>
		new Promise((resolve) => {
			if (closed) return;
			if (!(ms > 0)) {
				resolve();
				return;
			}
			const t = setTimeout(() => {
				timers.delete(t);
				resolve();
			}, ms);
			timers.add(t);
		});

	/** @type {string} */
	let fileHostUrl = '';

	// --- Video objects -------------------------------------------------------------------------

	/** @param {Job} job @param {number} now */
	const stateOf = (job, now) => {
		const t = now - job.createdMs;
		if (t < job.queuedMs) return { status: 'queued', progress: 0, completedMs: null };
		const span = Math.max(1, job.renderMs - job.queuedMs);
		const lin = Math.max(0, Math.min(100, Math.floor((100 * (t - job.queuedMs)) / span)));
		if (job.never) return { status: 'in_progress', progress: Math.min(42, lin), completedMs: null };
		if (t < job.renderMs) return { status: 'in_progress', progress: Math.min(99, lin), completedMs: null };
		if (job.fail) return { status: 'failed', progress: job.renderMs > job.queuedMs ? 99 : 0, completedMs: null };
		return { status: 'completed', progress: 100, completedMs: job.createdMs + job.renderMs };
	};

	/** @param {Job} job @param {number} [now] @returns {Record<string, unknown>} */
	const videoObject = (job, now = Date.now()) => {
		const st = stateOf(job, now);
		const completedAt = st.completedMs === null ? null : Math.floor(st.completedMs / 1000);
		/** @type {Record<string, unknown>} */
		const v = {
			id: job.id,
			object: 'video',
			model: job.model,
			status: st.status,
			progress: st.progress,
			created_at: Math.floor(job.createdMs / 1000),
			completed_at: completedAt,
			expires_at: completedAt === null ? null : completedAt + 3600,
			prompt: job.prompt,
			size: job.size,
			seconds: job.seconds,
			remixed_from_video_id: job.remixedFrom,
			error: st.status === 'failed' ? { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' } : null,
		};
		if (job.upperStatus) {
			v.status = { queued: 'QUEUED', in_progress: 'IN_PROGRESS', completed: 'SUCCESS', failed: 'FAILED' }[st.status];
		}
		if (job.cometShape) {
			delete v.prompt;
			for (const k of Object.keys(v)) if (v[k] === null) delete v[k];
			if (st.status === 'completed') v.video_url = `${fileHostUrl}/files/${job.id}.mp4`;
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
	 * Bytes of a variant (video honours videoBytes).
	 * @param {'video'|'thumbnail'|'spritesheet'} variant
	 * @returns {{length: number, source: (limit: number) => Readable | Buffer}}
	 */
	const variantBytes = (variant) => {
		if (variant === 'video' && options.videoBytes !== undefined && options.videoBytes !== null) {
			const total = Math.max(0, Math.floor(options.videoBytes));
			return { length: total, source: (limit) => generatedVideoStream(total, limit) };
		}
		const buf = fixtures[variant];
		return { length: buf.length, source: bufferSource(buf) };
	};

	// --- Route handlers ------------------------------------------------------------------------

	/**
	 * @typedef {object} Ctx
	 * @property {http.IncomingMessage} req
	 * @property {URL} url
	 * @property {RequestRecord} rec
	 * @property {Buffer} raw
	 * @property {'json'|'multipart'|'other'|'invalid'|'none'} bodyKind
	 * @property {any} jsonBody
	 * @property {MultipartPart[]} parts
	 * @property {string|null} bodyError
	 */

	/** @param {Ctx} ctx @param {string[]} kinds @returns {Reply|null} */
	const requireBody = (ctx, kinds) => {
		if (ctx.bodyKind === 'invalid') {
			return json(400, errorBody(`We could not parse the body of your request (${ctx.bodyError}). Send valid JSON or multipart/form-data.`, 'invalid_request_error', null, null));
		}
		if (!kinds.includes(ctx.bodyKind)) {
			return json(400, errorBody(`Unsupported content type '${ctx.req.headers['content-type'] || ''}'. Expected ${kinds.join(' or ')}.`, 'invalid_request_error', null, null));
		}
		return null;
	};

	/** @param {Ctx} ctx @returns {Reply} */
	const createVideo = (ctx) => {
		const bad = requireBody(ctx, ['json', 'multipart']);
		if (bad) return bad;
		/** @type {Record<string, string>} */
		const fields = {};
		/** @type {MultipartPart[]} */
		const files = [];
		/** @type {Record<string, unknown>} */
		let body = {};
		if (ctx.bodyKind === 'multipart') {
			for (const p of ctx.parts) {
				if (p.filename !== null) files.push(p);
				else fields[p.name] = p.data.toString('utf8');
			}
			body = fields;
		} else {
			if (!ctx.jsonBody || typeof ctx.jsonBody !== 'object' || Array.isArray(ctx.jsonBody)) {
				return json(400, errorBody('The request body must be a JSON object.', 'invalid_request_error', null, null));
			}
			body = ctx.jsonBody;
			for (const [k, v] of Object.entries(body)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
		}
		const prompt = body.prompt;
		if (typeof prompt !== 'string' || prompt.trim() === '') {
			return json(400, errorBody("Missing required parameter: 'prompt'.", 'invalid_request_error', 'missing_required_parameter', 'prompt'));
		}
		const seconds = body.seconds === undefined ? '4' : body.seconds;
		if (typeof seconds !== 'string' || !/^\d+$/.test(seconds)) {
			return json(400, errorBody(`Invalid value for 'seconds': expected a string of whole seconds such as '4', '8' or '12', got ${JSON.stringify(seconds)}.`, 'invalid_request_error', 'invalid_value', 'seconds'));
		}
		const size = body.size === undefined ? '720x1280' : body.size;
		if (typeof size !== 'string' || !/^\d+x\d+$/.test(size)) {
			return json(400, errorBody(`Invalid value for 'size': expected WIDTHxHEIGHT such as '720x1280', got ${JSON.stringify(size)}.`, 'invalid_request_error', 'invalid_value', 'size'));
		}
		const model = body.model === undefined || body.model === '' ? 'sora-2' : body.model;
		if (typeof model !== 'string') return json(400, errorBody("Invalid type for 'model': expected a string.", 'invalid_request_error', 'invalid_type', 'model'));

		/** @type {InputReference|null} */
		let inputReference = null;
		const refFiles = files.filter((f) => f.name === 'input_reference');
		if (refFiles.length > 1) {
			return json(400, errorBody('Only one input_reference may be provided.', 'invalid_request_error', 'invalid_value', 'input_reference'));
		}
		if (refFiles.length === 1) {
			const f = refFiles[0];
			const type = (f.contentType || 'application/octet-stream').split(';')[0].trim().toLowerCase();
			if (options.checkMime && !ALLOWED_MIME.includes(type)) {
				return json(400, errorBody(`Invalid file 'input_reference': unsupported mimetype ('${type}'). Supported file formats are 'image/jpeg', 'image/png', 'image/webp', and 'video/mp4'.`, 'invalid_request_error', 'unsupported_file_mimetype', 'input_reference'));
			}
			const dims = imageSize(f.data);
			if (options.strictReferenceSize && dims && `${dims.width}x${dims.height}` !== size) {
				return json(400, errorBody(`Inpaint image must match the requested width and height (got ${dims.width}x${dims.height}, expected ${size}).`, 'invalid_request_error', 'invalid_value', 'input_reference'));
			}
			inputReference = { kind: 'file', filename: f.filename, contentType: f.contentType, bytes: f.data.length, sha256: sha256(f.data), width: dims ? dims.width : null, height: dims ? dims.height : null };
		} else {
			const ref = body.input_reference;
			const imageUrl = fields['input_reference[image_url]'] ?? (ref && typeof ref === 'object' ? /** @type {any} */ (ref).image_url : undefined);
			const fileId = fields['input_reference[file_id]'] ?? (ref && typeof ref === 'object' ? /** @type {any} */ (ref).file_id : undefined);
			if (typeof ref === 'string' && ref !== '') inputReference = { kind: 'url', imageUrl: ref, fileId: null };
			else if (imageUrl !== undefined || fileId !== undefined) inputReference = { kind: 'url', imageUrl: imageUrl ?? null, fileId: fileId ?? null };
		}
		const m = promptMarkers(prompt);
		if (m.status) return markerStatus(m.status);
		const job = newJob({ prompt, model, size, seconds, remixedFrom: null, inputReference, fields, rec: ctx.rec });
		job.characterUrl = typeof body.character_url === 'string' ? body.character_url : null;
		job.characterTimestamps = typeof body.character_timestamps === 'string' ? body.character_timestamps : null;
		return json(200, videoObject(job));
	};

	/** `[status:NNN]`: the create is refused with that status (a 500 carries code invalid_request). @param {number} status */
	const markerStatus = (status) => {
		if (status === 429) return json(429, errorBody('Rate limit reached for requests.', 'requests', 'rate_limit_exceeded', null), retryHeaders());
		if (status === 500) return json(500, errorBody('Invalid request: the upstream rejected the parameters.', 'comet_api_error', 'invalid_request', null));
		const known = FIVE_XX[status];
		if (known) return json(status, errorBody(known.message, known.type, known.code, null));
		return json(status, errorBody(`Request refused with status ${status} (stand-in marker).`, 'invalid_request_error', 'stand_in_status', null));
	};

	/** @returns {Record<string, string>} */
	const retryHeaders = () => (options.faults.retryAfterS === null || options.faults.retryAfterS === undefined ? {} : { 'retry-after': String(options.faults.retryAfterS) });

	/**
	 * @param {{prompt: string, model: string, size: string, seconds: string, remixedFrom: string|null, inputReference: InputReference|null, fields: Record<string, string>, rec: RequestRecord}} p
	 * @returns {Job}
	 */
	const newJob = (p) => {
		const m = promptMarkers(p.prompt);
		const renderMs = Math.max(0, m.renderMs ?? options.renderMs);
		const queuedMs = Math.max(0, Math.min(renderMs, m.queuedMs ?? options.queuedMs ?? renderMs / 4));
		/** @type {Job} */
		const job = {
			id: `video_${hex(24)}`,
			seq: ++jobSeq,
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
		};
		jobs.set(job.id, job);
		p.rec.jobId = job.id;
		return job;
	};

	/** @param {Ctx} ctx @param {string} id @returns {Reply} */
	const remixVideo = (ctx, id) => {
		const bad = requireBody(ctx, ['json', 'multipart']);
		if (bad) return bad;
		/** @type {Record<string, string>} */
		const fields = {};
		if (ctx.bodyKind === 'multipart') for (const p of ctx.parts) if (p.filename === null) fields[p.name] = p.data.toString('utf8');
		const body = ctx.bodyKind === 'multipart' ? fields : ctx.jsonBody || {};
		if (ctx.bodyKind === 'json') for (const [k, v] of Object.entries(body)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
		const prompt = body.prompt;
		if (typeof prompt !== 'string' || prompt.trim() === '') {
			return json(400, errorBody("Missing required parameter: 'prompt'.", 'invalid_request_error', 'missing_required_parameter', 'prompt'));
		}
		const source = liveJob(id);
		if (!source) return notFound(id);
		const st = stateOf(source, Date.now()).status;
		if (st !== 'completed') {
			return json(400, errorBody(`Video '${id}' is ${st === 'failed' ? 'failed' : 'not completed yet'}; only completed videos can be remixed.`, 'invalid_request_error', 'invalid_video_status', null));
		}
		const m = promptMarkers(prompt);
		if (m.status) return markerStatus(m.status);
		const job = newJob({ prompt, model: source.model, size: source.size, seconds: source.seconds, remixedFrom: source.id, inputReference: null, fields, rec: ctx.rec });
		return json(200, videoObject(job));
	};

	/** @param {Ctx} ctx @returns {Reply} */
	const listVideos = (ctx) => {
		const q = ctx.url.searchParams;
		const order = q.get('order') || 'desc';
		if (order !== 'asc' && order !== 'desc') return json(400, errorBody(`Invalid value for 'order': expected 'asc' or 'desc'.`, 'invalid_request_error', 'invalid_value', 'order'));
		const limitRaw = q.get('limit');
		const limit = limitRaw === null || limitRaw === '' ? 20 : Number(limitRaw);
		if (!Number.isInteger(limit) || limit < 1 || limit > 100) return json(400, errorBody(`Invalid value for 'limit': expected an integer between 1 and 100.`, 'invalid_request_error', 'invalid_value', 'limit'));
		const all = [...jobs.values()].sort((a, b) => (order === 'asc' ? a.seq - b.seq : b.seq - a.seq));
		let start = 0;
		const after = q.get('after');
		if (after) {
			const cursor = jobs.get(after); // a deleted cursor still marks its position
			if (!cursor) return json(400, errorBody(`Invalid 'after': no video with id '${after}'.`, 'invalid_request_error', 'invalid_value', 'after'));
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
			return json(400, errorBody(`Invalid value for 'variant': expected one of 'video', 'thumbnail', 'spritesheet'.`, 'invalid_request_error', 'invalid_value', 'variant'));
		}
		const job = liveJob(id);
		if (!job) return notFound(id);
		const st = stateOf(job, Date.now()).status;
		if (st === 'failed') return json(400, errorBody(`Video '${id}' failed; it has no content.`, 'invalid_request_error', 'video_failed', null));
		if (st !== 'completed') return json(400, errorBody(`Video is not ready yet, use GET /v1/videos/${id} to check status.`, 'invalid_request_error', 'video_not_ready', null));
		if (options.contentRedirect) return { kind: 'redirect', status: 302, location: `${fileHostUrl}/files/${id}.${v.ext}` };
		const b = variantBytes(v.file);
		return { kind: 'binary', status: 200, type: v.type, length: b.length, source: b.source };
	};

	/** @param {Ctx} ctx @returns {Reply} */
	const chatCompletions = (ctx) => {
		const bad = requireBody(ctx, ['json']);
		if (bad) return bad;
		const body = ctx.jsonBody;
		if (!body || typeof body !== 'object' || !Array.isArray(body.messages) || body.messages.length === 0) {
			return json(400, errorBody("Missing required parameter: 'messages'.", 'invalid_request_error', 'missing_required_parameter', 'messages'));
		}
		const messages = summarizeMessages(body.messages);
		const prompt = messages.filter((m) => m.role === 'user').flatMap((m) => m.texts).join('\n');
		const m = promptMarkers(prompt);
		if (m.status) return markerStatus(m.status);
		const model = typeof body.model === 'string' && body.model ? body.model : 'sora-2';
		const stream = body.stream === true;
		const id = `chatcmpl-${hex(12)}`;
		const fileName = `chat_${hex(16)}.mp4`;
		const withLink = !m.chatNoLink && !m.chatError && !m.fail && !m.never;
		/** @type {ChatRecord} */
		const chat = { id, createdMs: Date.now(), model, stream, prompt, messages, fileUrl: withLink ? `${fileHostUrl}/files/${fileName}` : null, state: 'running', requestSeq: ctx.rec.seq };
		chats.set(id, chat);
		ctx.rec.jobId = id;
		const created = Math.floor(chat.createdMs / 1000);

		/** @type {string[]} the content pieces, one per chunk */
		const pieces = ['> 🕐 Queuing...\n\n'];
		const steps = m.never ? [10, 30, 42] : [10, 30, 55, 80, 100];
		for (const p of steps) pieces.push(`> ⚡ Generating... ${p}%\n\n`);
		if (m.fail) pieces.push('> ❌ Video generation failed: Your request was blocked by our moderation system.\n\n');
		else if (m.chatNoLink) pieces.push('> ✅ Generation complete\n\n');
		else if (!m.chatError && !m.never) pieces.push(`> ✅ Video generated successfully, [Watch video](${chat.fileUrl}) ~\n\n`);
		const upstreamError = { error: { message: 'upstream failed', type: 'comet_api_error', code: null, param: null } };

		if (!stream) {
			return {
				kind: 'delayed-json',
				delayMs: m.never ? null : options.chatDelayMs * pieces.length,
				status: m.chatError ? 500 : 200,
				body: m.chatError
					? upstreamError
					: {
							id,
							object: 'chat.completion',
							created,
							model,
							choices: [{ index: 0, message: { role: 'assistant', content: pieces.join('') }, finish_reason: 'stop' }],
							usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: 60, total_tokens: Math.ceil(prompt.length / 4) + 60 },
						},
				onSent: () => {
					chat.state = m.chatError ? 'error' : m.fail ? 'failed' : 'done';
				},
			};
		}
		/** @param {Record<string, unknown>} delta @param {string|null} finish */
		const chunk = (delta, finish) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
		/** @type {string[]} */
		const events = [': keep-alive\n\n', `data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }, null))}\n\n`];
		for (const p of pieces) events.push(`data: ${JSON.stringify(chunk({ content: p }, null))}\n\n`);
		if (m.chatError) events.push(`data: ${JSON.stringify(upstreamError)}\n\n`);
		else if (!m.never) events.push(`data: ${JSON.stringify(chunk({}, 'stop'))}\n\n`, 'data: [DONE]\n\n');
		return {
			kind: 'sse',
			run: async (res) => {
				res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': ctx.rec.requestId || '' });
				ctx.rec.status = 200;
				if (res.socket) res.socket.setNoDelay(true);
				// Each event is cut in two (inside a multi-byte character where it has one); the tail
				// goes out together with the head of the next event, in a separate TCP write.
				let carry = Buffer.alloc(0);
				for (const ev of events) {
					const buf = Buffer.from(ev, 'utf8');
					let cut = buf.findIndex((byte) => byte >= 0xc0);
					cut = cut > 0 ? cut + 1 : Math.floor(buf.length / 2);
					if (res.destroyed) break;
					res.write(Buffer.concat([carry, buf.subarray(0, cut)]));
					carry = buf.subarray(cut);
					await sleep(options.chatDelayMs);
				}
				if (res.destroyed) {
					chat.state = 'aborted';
					return;
				}
				if (m.never) {
					res.write(carry);
					return; // hangs until the client gives up or close()
				}
				res.end(carry);
				chat.state = m.chatError ? 'error' : m.fail ? 'failed' : 'done';
			},
		};
	};

	/** @param {Ctx} ctx @returns {Reply} */
	const route = (ctx) => {
		const method = ctx.req.method === 'HEAD' ? 'GET' : ctx.req.method;
		const p = ctx.url.pathname;
		let mm;
		if (p === '/v1/models' && method === 'GET') {
			return json(200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model', created: 1759881600, owned_by: 'openai' })) });
		}
		if (p === '/v1/videos' && method === 'POST') return createVideo(ctx);
		if (p === '/v1/videos' && method === 'GET') return listVideos(ctx);
		if (p === '/v1/chat/completions' && method === 'POST') return chatCompletions(ctx);
		if ((mm = /^\/v1\/videos\/([^/]+)$/.exec(p))) {
			const id = decodeURIComponent(mm[1]);
			if (method === 'GET') {
				const job = liveJob(id);
				if (!job) return notFound(id);
				return json(200, videoObject(job), options.pollAfterMs !== undefined && options.pollAfterMs !== null ? { 'openai-poll-after-ms': String(options.pollAfterMs) } : {});
			}
			if (method === 'DELETE') {
				const job = liveJob(id);
				if (!job) return notFound(id);
				job.deletedMs = Date.now();
				return json(200, { id, object: 'video.deleted', deleted: true });
			}
		}
		if ((mm = /^\/v1\/videos\/([^/]+)\/remix$/.exec(p)) && method === 'POST') return remixVideo(ctx, decodeURIComponent(mm[1]));
		if ((mm = /^\/v1\/videos\/([^/]+)\/content$/.exec(p)) && method === 'GET') return content(ctx, decodeURIComponent(mm[1]));
		return json(404, errorBody(`Invalid URL (${ctx.req.method} ${p})`, 'invalid_request_error', null, null));
	};

	/** @param {string} method @param {string} p */
	const isPaidRoute = (method, p) => method === 'POST' && (p === '/v1/videos' || p === '/v1/chat/completions' || /^\/v1\/videos\/[^/]+\/remix$/.test(p));

	// --- Sending -------------------------------------------------------------------------------

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {RequestRecord} rec @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
	const sendJson = (req, res, rec, status, body, headers = {}) => {
		let buf = Buffer.from(JSON.stringify(body));
		/** @type {Record<string, string>} */
		const h = { 'content-type': 'application/json', ...headers };
		if (rec.requestId) h['x-request-id'] = rec.requestId;
		if (options.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] || ''))) {
			buf = zlib.gzipSync(buf);
			h['content-encoding'] = 'gzip';
			h.vary = 'Accept-Encoding';
		}
		h['content-length'] = String(buf.length);
		rec.status = status;
		res.writeHead(status, h);
		res.end(buf);
	};

	/**
	 * @param {http.ServerResponse} res @param {RequestRecord} rec
	 * @param {{type: string, length: number, source: (limit: number) => Readable | Buffer, headers?: Record<string, string>}} b
	 * @param {boolean} truncate
	 */
	const sendBinary = (res, rec, b, truncate) => {
		const limit = truncate ? Math.floor(b.length / 2) : b.length;
		/** @type {Record<string, string>} */
		const h = { 'content-type': b.type, 'content-length': String(b.length), ...(b.headers || {}) };
		if (rec.requestId) h['x-request-id'] = rec.requestId;
		rec.status = 200;
		if (truncate) rec.fault = 'truncate';
		res.writeHead(200, h);
		if (res.req.method === 'HEAD') {
			res.end();
			return;
		}
		const src = b.source(limit);
		let sent = 0;
		const finishTruncated = () => {
			rec.bytesSent = sent;
			const sock = res.socket;
			if (sock) sock.end(() => sock.destroy());
		};
		if (Buffer.isBuffer(src)) {
			sent = src.length;
			if (truncate) res.write(src, finishTruncated);
			else {
				rec.bytesSent = sent;
				res.end(src);
			}
			return;
		}
		src.on('data', (c) => {
			sent += c.length;
		});
		src.on('end', () => {
			if (truncate) res.write('', finishTruncated);
			else rec.bytesSent = sent;
		});
		res.on('close', () => {
			if (rec.bytesSent === null) rec.bytesSent = sent; // the client went away mid-download
			src.destroy();
		});
		src.pipe(res, { end: !truncate });
	};

	/** @param {http.ServerResponse} res @param {RequestRecord} rec */
	const drop = (res, rec) => {
		rec.status = 'dropped';
		rec.fault = 'drop';
		res.socket?.destroy();
	};

	/** @param {http.IncomingMessage} req @returns {Promise<Buffer|null>} null when too large */
	const readBody = (req) =>
		new Promise((resolve, reject) => {
			/** @type {Buffer[]} */
			const chunks = [];
			let n = 0;
			let tooLarge = false;
			req.on('data', (c) => {
				n += c.length;
				if (n > options.maxBodyBytes) tooLarge = true;
				else chunks.push(c);
			});
			req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
			req.on('error', reject);
		});

	/** @param {'api'|'files'} server @param {http.IncomingMessage} req @param {URL} url @returns {RequestRecord} */
	const newRecord = (server, req, url) => {
		/** @type {RequestRecord} */
		const rec = {
			seq: ++seqCounter,
			time: Date.now(),
			server,
			method: String(req.method),
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: { ...req.headers },
			bodySummary: null,
			status: null,
			fault: null,
			handled: false,
			paid: false,
			jobId: null,
			requestId: server === 'api' ? `req_${hex(16)}` : null,
			bytesSent: null,
			durationMs: null,
		};
		requests.push(rec);
		return rec;
	};

	/** @param {http.ServerResponse} res @param {RequestRecord} rec */
	const watch = (res, rec) => {
		const started = Date.now();
		const done = () => {
			rec.durationMs = Date.now() - started;
			if (rec.status === null) rec.status = res.headersSent ? res.statusCode : 'aborted';
			if (options.log) {
				process.stderr.write(`[stand-in] ${rec.server} ${rec.method} ${rec.path}${Object.keys(rec.query).length ? '?' + new URLSearchParams(rec.query) : ''} -> ${rec.status}${rec.fault ? ` (fault ${rec.fault})` : ''}${rec.jobId ? ` ${rec.jobId}` : ''} ${rec.durationMs}ms\n`);
			}
		};
		res.on('close', done);
	};

	/**
	 * Parses a request body for the handler and the log.
	 * @param {http.IncomingMessage} req @param {Buffer} raw
	 * @returns {{kind: Ctx['bodyKind'], jsonBody: any, parts: MultipartPart[], error: string|null, summary: BodySummary|null}}
	 */
	const parseBody = (req, raw) => {
		const ct = req.headers['content-type'] || null;
		if (raw.length === 0 && !ct) return { kind: 'none', jsonBody: undefined, parts: [], error: null, summary: null };
		const type = ct ? ct.split(';')[0].trim().toLowerCase() : '';
		try {
			if (type === 'multipart/form-data') {
				const parts = parseMultipart(raw, String(ct));
				/** @type {Record<string, string>} */
				const fields = {};
				/** @type {FilePartSummary[]} */
				const files = [];
				for (const p of parts) {
					if (p.filename !== null) files.push({ name: p.name, filename: p.filename, contentType: p.contentType, bytes: p.data.length, sha256: sha256(p.data) });
					else fields[p.name] = /** @type {string} */ (shorten(p.data.toString('utf8')));
				}
				return { kind: 'multipart', jsonBody: undefined, parts, error: null, summary: { kind: 'multipart', bytes: raw.length, contentType: ct, fields, files } };
			}
			if (type === 'application/json' || (type === '' && raw.length > 0 && /^\s*[[{]/.test(raw.toString('utf8', 0, 64)))) {
				const parsed = JSON.parse(raw.toString('utf8'));
				/** @type {BodySummary} */
				const summary = { kind: 'json', bytes: raw.length, contentType: ct, json: shorten(parsed) };
				if (parsed && Array.isArray(parsed.messages)) summary.messages = summarizeMessages(parsed.messages).map((m) => ({ ...m, imageUrls: m.imageUrls.map((u) => /** @type {string} */ (shorten(u))) }));
				return { kind: 'json', jsonBody: parsed, parts: [], error: null, summary };
			}
		} catch (e) {
			const error = e instanceof Error ? e.message : String(e);
			return { kind: 'invalid', jsonBody: undefined, parts: [], error, summary: { kind: 'invalid', bytes: raw.length, contentType: ct, error } };
		}
		return { kind: raw.length ? 'other' : 'none', jsonBody: undefined, parts: [], error: null, summary: raw.length ? { kind: 'other', bytes: raw.length, contentType: ct } : null };
	};

	// --- The API server ------------------------------------------------------------------------

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	const onApiRequest = async (req, res) => {
		const url = new URL(req.url || '/', 'http://127.0.0.1');
		if (url.pathname.startsWith('/__stand-in/')) {
			await control(req, res, url);
			return;
		}
		const rec = newRecord('api', req, url);
		watch(res, rec);
		const eligible = url.pathname.startsWith('/v1/') && url.pathname !== '/v1/models';
		const fault = eligible ? decideFault() : { kind: 'none', status: 0, truncate: false };
		const paidRoute = isPaidRoute(String(req.method), url.pathname);
		const f = options.faults;
		const slowMs = eligible ? f.slowMs : 0;

		if (fault.kind === 'drop' && !(paidRoute && f.dropAfterCreate)) {
			await sleep(slowMs);
			drop(res, rec);
			return;
		}
		const raw = await readBody(req);
		if (raw === null) {
			sendJson(req, res, rec, 413, errorBody(`Request body too large (limit ${options.maxBodyBytes} bytes).`, 'invalid_request_error', 'request_too_large', null));
			return;
		}
		const parsed = parseBody(req, raw);
		rec.bodySummary = parsed.summary;
		await sleep(slowMs);
		if (res.destroyed) return;

		if (fault.kind === '429') {
			rec.fault = '429';
			sendJson(req, res, rec, 429, errorBody('Rate limit reached for requests. Please retry after a short wait.', 'requests', 'rate_limit_exceeded', null), retryHeaders());
			return;
		}
		const errorAfter = fault.kind === '5xx' && paidRoute && f.errorAfterCreate;
		if (fault.kind === '5xx' && !errorAfter) {
			rec.fault = '5xx';
			const e = FIVE_XX[fault.status] || FIVE_XX[500];
			sendJson(req, res, rec, fault.status, errorBody(e.message, e.type, e.code, null));
			return;
		}

		/** @type {Reply} */
		let reply;
		const auth = String(req.headers.authorization || '');
		if (auth !== `Bearer ${options.apiKey}`) {
			const given = auth.replace(/^Bearer\s+/i, '');
			const msg = given ? `Incorrect API key provided: ${given.slice(0, 5)}***. You can find your API key in your dashboard.` : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
			reply = json(401, errorBody(msg, 'invalid_request_error', given ? 'invalid_api_key' : null, null));
		} else {
			rec.handled = true;
			rec.paid = paidRoute;
			/** @type {Ctx} */
			const ctx = { req, url, rec, raw, bodyKind: parsed.kind, jsonBody: parsed.jsonBody, parts: parsed.parts, bodyError: parsed.error };
			try {
				reply = route(ctx);
			} catch (e) {
				process.stderr.write(`[stand-in] handler error: ${e instanceof Error ? e.stack : e}\n`);
				reply = json(500, errorBody('Internal stand-in error.', 'server_error', null, null));
			}
		}

		if (fault.kind === 'drop') {
			drop(res, rec); // dropAfterCreate: the job exists, the client never hears of it
			return;
		}
		if (errorAfter) {
			rec.fault = '5xx';
			const e = FIVE_XX[fault.status] || FIVE_XX[500];
			sendJson(req, res, rec, fault.status, errorBody(e.message, e.type, e.code, null));
			return;
		}
		await sendReply(req, res, rec, reply, fault.truncate);
	};

	/**
	 * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {RequestRecord} rec
	 * @param {Reply} reply @param {boolean} truncate
	 */
	const sendReply = async (req, res, rec, reply, truncate) => {
		switch (reply.kind) {
			case 'json':
				sendJson(req, res, rec, reply.status, reply.body, reply.headers);
				return;
			case 'delayed-json':
				if (reply.delayMs === null) return; // never answers
				await sleep(reply.delayMs);
				if (res.destroyed) return;
				sendJson(req, res, rec, reply.status, reply.body);
				if (reply.onSent) reply.onSent();
				return;
			case 'redirect':
				rec.status = reply.status;
				res.writeHead(reply.status, { location: reply.location, 'content-length': '0', ...(rec.requestId ? { 'x-request-id': rec.requestId } : {}) });
				res.end();
				return;
			case 'binary':
				sendBinary(res, rec, reply, truncate);
				return;
			case 'sse':
				await reply.run(res);
				return;
		}
	};

	// --- The file host -------------------------------------------------------------------------

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	const onFileRequest = async (req, res) => {
		const url = new URL(req.url || '/', 'http://127.0.0.1');
		const rec = newRecord('files', req, url);
		watch(res, rec);
		const fault = options.faults.fileHost ? decideFault() : { kind: 'none', status: 0, truncate: false };
		await readBody(req);
		if (options.faults.fileHost) await sleep(options.faults.slowMs);
		if (res.destroyed) return;
		if (fault.kind === 'drop') return drop(res, rec);
		if (fault.kind === '429' || fault.kind === '5xx') {
			rec.fault = fault.kind;
			rec.status = fault.status;
			const h = fault.kind === '429' ? retryHeaders() : {};
			res.writeHead(fault.status, { 'content-type': 'text/plain', ...h });
			res.end(fault.kind === '429' ? 'Too Many Requests' : 'Upstream error');
			return;
		}
		rec.handled = true;
		const m = /^\/files\/([A-Za-z0-9_.-]+)\.(mp4|webp|jpg|jpeg)$/.exec(url.pathname);
		if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) {
			rec.status = 404;
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('Not Found');
			return;
		}
		const variant = m[2] === 'mp4' ? 'video' : m[2] === 'webp' ? 'thumbnail' : 'spritesheet';
		const b = variantBytes(variant);
		sendBinary(res, rec, { type: VARIANTS[variant].type, length: b.length, source: b.source, headers: { 'cache-control': 'private, max-age=3600' } }, fault.truncate);
	};

	// --- Control endpoints (for the CLI; no auth, not logged, no faults) -------------------------

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url */
	const control = async (req, res, url) => {
		const raw = (await readBody(req)) || Buffer.alloc(0);
		/** @param {number} status @param {unknown} body */
		const reply = (status, body) => {
			const buf = Buffer.from(JSON.stringify(body, null, 1));
			res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(buf.length) });
			res.end(buf);
		};
		try {
			if (url.pathname === '/__stand-in/requests' && req.method === 'GET') return reply(200, requests);
			if (url.pathname === '/__stand-in/paid-requests' && req.method === 'GET') return reply(200, api.paidRequests());
			if (url.pathname === '/__stand-in/jobs' && req.method === 'GET') {
				return reply(200, [...jobs.values()].map((j) => ({ ...j, video: j.deletedMs === null ? videoObject(j) : null })));
			}
			if (url.pathname === '/__stand-in/chats' && req.method === 'GET') return reply(200, [...chats.values()]);
			if (url.pathname === '/__stand-in/options' && req.method === 'GET') return reply(200, options);
			if (url.pathname === '/__stand-in/options' && req.method === 'POST') {
				api.setOptions(JSON.parse(raw.toString('utf8') || '{}'));
				return reply(200, options);
			}
			if (url.pathname === '/__stand-in/reset' && req.method === 'POST') {
				api.reset();
				return reply(200, { ok: true });
			}
			return reply(404, { error: 'unknown control path' });
		} catch (e) {
			return reply(400, { error: e instanceof Error ? e.message : String(e) });
		}
	};

	// --- Servers -------------------------------------------------------------------------------

	/** @param {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>} handler */
	const makeServer = (handler) =>
		http.createServer((req, res) => {
			handler(req, res).catch((e) => {
				process.stderr.write(`[stand-in] ${e instanceof Error ? e.stack : e}\n`);
				if (!res.headersSent && !res.destroyed) {
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify(errorBody('Internal stand-in error.', 'server_error')));
				} else res.destroy();
			});
		});
	const apiServer = makeServer(onApiRequest);
	const fileServer = makeServer(onFileRequest);

	/** @param {http.Server} server @param {number} port @returns {Promise<number>} */
	const listen = (server, port) =>
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				server.off('error', reject);
				const addr = server.address();
				resolve(typeof addr === 'object' && addr ? addr.port : port);
			});
		});

	const apiPort = await listen(apiServer, options.port);
	let filePort;
	try {
		filePort = await listen(fileServer, options.fileHostPort);
	} catch (e) {
		apiServer.close();
		throw e;
	}
	fileHostUrl = `http://127.0.0.1:${filePort}`;

	/** @type {StandIn} */
	const api = {
		baseUrl: `http://127.0.0.1:${apiPort}`,
		fileHostUrl,
		requests,
		jobs,
		chats,
		options,
		paidRequests: () => requests.filter((r) => r.paid),
		setOptions: (partial) => {
			const { faults, ...rest } = partial;
			for (const [k, v] of Object.entries(rest)) {
				if (k === 'port' || k === 'fileHostPort') continue; // fixed once listening
				/** @type {any} */ (options)[k] = v;
			}
			if (faults) {
				options.faults = { ...options.faults, ...faults };
				resetFaultState();
			}
		},
		reset: () => {
			requests.length = 0;
			jobs.clear();
			chats.clear();
			resetFaultState();
		},
		video: (id) => {
			const job = liveJob(id);
			return job ? videoObject(job) : null;
		},
		close: async () => {
			if (closed) return;
			closed = true;
			for (const t of timers) clearTimeout(t);
			timers.clear();
			/** @param {http.Server} server @returns {Promise<void>} */
			const shut = (server) =>
				new Promise((resolve) => {
					server.close(() => resolve());
					server.closeAllConnections();
				});
			await Promise.all([shut(apiServer), shut(fileServer)]);
		},
	};
	return api;
}

module.exports = { startStandIn, fixtures, parseMultipart, mulberry32, imageSize, DEFAULT_FAULTS };
