// @ts-check
'use strict';
/** HTTP plumbing shared by the video stand-in and the language-model stand-in. */

const http = require('node:http');
const zlib = require('node:zlib');
const { errorBody } = require('./util');

/**
 * The part of a request record the senders fill in.
 * @typedef {{status: number|'dropped'|'aborted'|null, fault: string|null, requestId: string|null, bytesSent: number|null}} SentRecord
 */

/**
 * The request body, or null when it is larger than `maxBytes` (the rest is read and discarded).
 * @param {http.IncomingMessage} req @param {number} maxBytes @returns {Promise<Buffer|null>}
 */
const readBody = (req, maxBytes) =>
	new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let n = 0;
		let tooLarge = false;
		req.on('data', (c) => {
			n += c.length;
			if (n > maxBytes) tooLarge = true;
			else chunks.push(c);
		});
		req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
		req.on('error', reject);
	});

/**
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {SentRecord} rec
 * @param {number} status @param {unknown} body @param {Record<string, string>} headers
 * @param {boolean} gzip  compress when the client accepts gzip (as the real edge does)
 */
function sendJson(req, res, rec, status, body, headers, gzip) {
	let buf = Buffer.from(JSON.stringify(body));
	/** @type {Record<string, string>} */
	const h = { 'content-type': 'application/json', ...headers };
	if (rec.requestId) h['x-request-id'] = rec.requestId;
	if (gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] || ''))) {
		buf = zlib.gzipSync(buf);
		h['content-encoding'] = 'gzip';
		h.vary = 'Accept-Encoding';
	}
	h['content-length'] = String(buf.length);
	rec.status = status;
	res.writeHead(status, h);
	res.end(buf);
}

/**
 * @typedef {{type: string, length: number, source: (limit: number) => import('node:stream').Readable | Buffer, headers?: Record<string, string>}} BinaryBody
 */

/**
 * Sends a binary answer; `truncate` sends the full Content-Length, half the bytes, then closes.
 * @param {http.ServerResponse} res @param {SentRecord} rec @param {BinaryBody} b @param {boolean} truncate
 */
function sendBinary(res, rec, b, truncate) {
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
}

/** Destroys the socket without an answer. @param {http.ServerResponse} res @param {SentRecord} rec */
function drop(res, rec) {
	rec.status = 'dropped';
	rec.fault = 'drop';
	res.socket?.destroy();
}

/**
 * An HTTP server whose handler's unexpected errors become a 500 (or a destroyed socket mid-answer).
 * @param {string} label
 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>} handler
 */
const makeServer = (label, handler) =>
	http.createServer((req, res) => {
		handler(req, res).catch((e) => {
			process.stderr.write(`[${label}] ${e instanceof Error ? e.stack : e}\n`);
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify(errorBody('Internal stand-in error.', 'server_error')));
			} else res.destroy();
		});
	});

/** Listens on 127.0.0.1; resolves the port. @param {http.Server} server @param {number} port @returns {Promise<number>} */
const listen = (server, port) =>
	new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			const addr = server.address();
			resolve(typeof addr === 'object' && addr ? addr.port : port);
		});
	});

/** Stops a server and destroys its open sockets. @param {http.Server} server @returns {Promise<void>} */
const shut = (server) =>
	new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});

module.exports = { readBody, sendJson, sendBinary, drop, makeServer, listen, shut };
