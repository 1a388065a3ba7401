// @ts-check
'use strict';
/** The request log: one record per request to either server, in arrival order. */

const { hex } = require('./util');

/**
 * @param {import('./state').State} st @param {'api'|'files'} server
 * @param {import('node:http').IncomingMessage} req @param {URL} url @param {boolean} paidRoute
 * @returns {import('./state').RequestRecord}
 */
function newRecord(st, server, req, url, paidRoute) {
	/** @type {import('./state').RequestRecord} */
	const rec = {
		seq: ++st.counters.request,
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
		paidRoute,
		refused: false,
		jobId: null,
		requestId: server === 'api' ? `req_${hex(16)}` : null,
		bytesSent: null,
		durationMs: null,
		latencyMs: 0,
		denied: null,
	};
	st.requests.push(rec);
	return rec;
}

/** @param {import('./state').RequestRecord} rec */
const logLine = (rec) => {
	const query = Object.keys(rec.query).length ? '?' + new URLSearchParams(rec.query) : '';
	return `[stand-in] ${rec.server} ${rec.method} ${rec.path}${query} -> ${rec.status}${rec.fault ? ` (fault ${rec.fault})` : ''}${rec.jobId ? ` ${rec.jobId}` : ''} ${rec.durationMs}ms\n`;
};

/**
 * Counts the request as open until its answer ends; then fills in its duration and final status.
 * @param {import('./state').State} st @param {import('node:http').ServerResponse} res @param {import('./state').RequestRecord} rec
 */
function watch(st, res, rec) {
	const started = Date.now();
	st.trackOpen(res);
	res.on('close', () => {
		rec.durationMs = Date.now() - started;
		if (rec.status === null) rec.status = res.headersSent ? res.statusCode : 'aborted';
		if (st.options.log) process.stderr.write(logLine(rec));
	});
}

module.exports = { newRecord, watch };
