// @ts-check
'use strict';
/** The two servers' request handlers: the API (auth, faults, routes) and the "third-party" file host. */

const { readBody, sendJson, sendBinary, drop } = require('./http');
const { parseBody } = require('./body');
const { newRecord, watch } = require('./log');
const { isPaidRoute, isCreateRoute } = require('./routes');
const { FIVE_XX, retryHeaders } = require('./faults');
const { VARIANTS, variantBytes } = require('./media');
const { errorBody } = require('./util');
const { json } = require('./reply');
const { signedUrlDenial, DENIAL_BODIES } = require('./signed-urls');

/** @typedef {import('node:http').IncomingMessage} Req @typedef {import('node:http').ServerResponse} Res @typedef {import('./state').RequestRecord} Rec */

const RATE_LIMITED = errorBody('Rate limit reached for requests. Please retry after a short wait.', 'requests', 'rate_limit_exceeded', null);

/** @param {string} auth the Authorization header as sent */
function unauthorized(auth) {
	const given = auth.replace(/^Bearer\s+/i, '');
	const msg = given
		? `Incorrect API key provided: ${given.slice(0, 5)}***. You can find your API key in your dashboard.`
		: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
	return json(401, errorBody(msg, 'invalid_request_error', given ? 'invalid_api_key' : null, null));
}

/**
 * @param {import('./state').State} st
 * @param {{engine: ReturnType<typeof import('./faults').createFaultEngine>, route: (ctx: import('./body').Ctx) => import('./reply').Reply, control: (req: Req, res: Res, url: URL) => Promise<void>}} deps
 */
function createApiHandler(st, { engine, route, control }) {
	const { options } = st;

	/** @param {Req} req @param {Res} res @param {Rec} rec @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
	const send = (req, res, rec, status, body, headers = {}) => sendJson(req, res, rec, status, body, headers, options.gzip);

	/**
	 * The error answer of a fault: 429 (with Retry-After), 5xx, or a paid 429/503 (with Retry-After).
	 * @param {Req} req @param {Res} res @param {Rec} rec @param {'429'|'5xx'|'paid429'|'paid503'} kind @param {number} status
	 */
	const sendFault = (req, res, rec, kind, status) => {
		rec.fault = kind;
		if (kind === '429' || kind === 'paid429') return send(req, res, rec, 429, RATE_LIMITED, retryHeaders(options.faults));
		const e = FIVE_XX[status] || FIVE_XX[500];
		send(req, res, rec, status, errorBody(e.message, e.type, e.code, null), kind === 'paid503' ? retryHeaders(options.faults) : {});
	};

	/** The handler's answer, or a 500 when it throws. @param {import('./body').Ctx} ctx @returns {import('./reply').Reply} */
	const handle = (ctx) => {
		try {
			return route(ctx);
		} catch (e) {
			process.stderr.write(`[stand-in] handler error: ${e instanceof Error ? e.stack : e}\n`);
			return json(500, errorBody('Internal stand-in error.', 'server_error', null, null));
		}
	};

	/** @param {Req} req @param {Res} res @param {Rec} rec @param {import('./reply').Reply} reply @param {boolean} truncate */
	const sendReply = async (req, res, rec, reply, truncate) => {
		switch (reply.kind) {
			case 'json':
				send(req, res, rec, reply.status, reply.body, reply.headers);
				return;
			case 'delayed-json':
				if (reply.delayMs === null) return; // never answers
				await st.timers.sleep(reply.delayMs);
				if (res.destroyed) return;
				send(req, res, rec, reply.status, reply.body);
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
		}
	};

	/** @param {Req} req @param {Res} res */
	return async (req, res) => {
		const url = new URL(req.url || '/', 'http://127.0.0.1');
		if (url.pathname.startsWith('/__stand-in/')) return control(req, res, url);
		const method = String(req.method);
		const paidRoute = isPaidRoute(method, url.pathname);
		const rec = newRecord(st, 'api', req, url, paidRoute);
		watch(st, res, rec);
		const eligible = url.pathname.startsWith('/v1/') && url.pathname !== '/v1/models';
		const plan = engine.plan({ eligible, paid: paidRoute });
		if (isCreateRoute(method, url.pathname)) rec.latencyMs = engine.latency(options.createLatencyMs);
		const slowMs = eligible ? options.faults.slowMs : 0;

		if (plan.before === 'drop') {
			await st.timers.sleep(slowMs);
			return drop(res, rec);
		}
		const raw = await readBody(req, options.maxBodyBytes);
		if (raw === null) return send(req, res, rec, 413, errorBody(`Request body too large (limit ${options.maxBodyBytes} bytes).`, 'invalid_request_error', 'request_too_large', null));
		const parsed = parseBody(req, raw);
		rec.bodySummary = parsed.summary;
		await st.timers.sleep(slowMs);
		if (res.destroyed) return;
		if (plan.before) {
			rec.refused = true;
			return sendFault(req, res, rec, plan.before, plan.status);
		}

		/** @type {import('./reply').Reply} */
		let reply;
		const auth = String(req.headers.authorization || '');
		if (auth !== `Bearer ${options.apiKey}`) reply = unauthorized(auth);
		else {
			await st.timers.sleep(rec.latencyMs);
			rec.handled = true;
			rec.paid = paidRoute;
			reply = handle({ req, url, rec, raw, bodyKind: parsed.kind, jsonBody: parsed.jsonBody, parts: parsed.parts, bodyError: parsed.error });
			if (res.destroyed) return; // the client gave up during createLatencyMs; the job exists
		}
		if (plan.after === 'drop') return drop(res, rec); // the job exists, the client never hears of it
		if (plan.after === '5xx') return sendFault(req, res, rec, '5xx', plan.status);
		await sendReply(req, res, rec, reply, plan.truncate);
	};
}

/**
 * A plain-text or XML answer from the file host.
 * @param {Res} res @param {Rec} rec @param {number} status @param {string} type @param {string} body @param {Record<string, string>} [headers]
 */
function sendText(res, rec, status, type, body, headers = {}) {
	rec.status = status;
	res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
	res.end(body);
}

/**
 * The file host: `/files/<name>` for anyone, `/signed/<id>.mp4?expires=&signature=` only while the
 * signature matches and has not expired (else 403, `rec.denied` says why).
 * @param {import('./state').State} st @param {ReturnType<typeof import('./faults').createFaultEngine>} engine
 */
function createFileHandler(st, engine) {
	const { options } = st;
	/** @param {Res} res @param {Rec} rec @param {'video'|'thumbnail'|'spritesheet'} variant @param {boolean} truncate */
	const sendFile = (res, rec, variant, truncate) => {
		const b = variantBytes(variant, options.videoBytes);
		sendBinary(res, rec, { type: VARIANTS[variant].type, length: b.length, source: b.source, headers: { 'cache-control': 'private, max-age=3600' } }, truncate);
	};
	/** @param {Req} req @param {Res} res */
	return async (req, res) => {
		const url = new URL(req.url || '/', 'http://127.0.0.1');
		const rec = newRecord(st, 'files', req, url, false);
		watch(st, res, rec);
		const fault = options.faults.fileHost ? engine.decide() : { kind: 'none', status: 0, truncate: false };
		await readBody(req, options.maxBodyBytes);
		if (options.faults.fileHost) await st.timers.sleep(options.faults.slowMs);
		if (res.destroyed) return;
		if (fault.kind === 'drop') return drop(res, rec);
		if (fault.kind === '429' || fault.kind === '5xx') {
			rec.fault = fault.kind;
			rec.refused = true;
			const retry = fault.kind === '429' ? retryHeaders(options.faults) : {};
			return sendText(res, rec, fault.status, 'text/plain', fault.kind === '429' ? 'Too Many Requests' : 'Upstream error', retry);
		}
		rec.handled = true;
		const readable = req.method === 'GET' || req.method === 'HEAD';
		const signed = /^\/signed\/([A-Za-z0-9_.-]+\.mp4)$/.exec(url.pathname);
		if (signed && readable) {
			rec.denied = signedUrlDenial(st, signed[1], url.searchParams, Date.now());
			if (rec.denied) return sendText(res, rec, 403, 'application/xml', DENIAL_BODIES[rec.denied]);
			return sendFile(res, rec, 'video', fault.truncate);
		}
		const m = /^\/files\/([A-Za-z0-9_.-]+)\.(mp4|webp|jpg|jpeg)$/.exec(url.pathname);
		if (!m || !readable) return sendText(res, rec, 404, 'text/plain', 'Not Found');
		sendFile(res, rec, m[2] === 'mp4' ? 'video' : m[2] === 'webp' ? 'thumbnail' : 'spritesheet', fault.truncate);
	};
}

module.exports = { createApiHandler, createFileHandler };
