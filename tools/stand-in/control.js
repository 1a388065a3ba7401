// @ts-check
'use strict';
/** Control endpoints under /__stand-in/ on the API server, for the CLI: no auth, not logged, no faults. */

const { readBody } = require('./http');

/**
 * @param {import('./state').State} st
 * @param {{handle: () => import('./index').StandIn, videoObject: (job: import('./state').Job) => Record<string, unknown>}} deps
 */
function createControl(st, { handle, videoObject }) {
	const jobsWithVideos = () => [...st.jobs.values()].map((j) => ({ ...j, video: j.deletedMs === null ? videoObject(j) : null }));
	/** @type {Record<string, (body: string) => unknown>} */
	const endpoints = {
		'GET /__stand-in/requests': () => st.requests,
		'GET /__stand-in/paid-requests': () => handle().paidRequests(),
		'GET /__stand-in/file-host-requests': () => handle().fileHostRequests(),
		'GET /__stand-in/jobs': jobsWithVideos,
		'GET /__stand-in/chats': () => [...st.chats.values()],
		'GET /__stand-in/options': () => st.options,
		'GET /__stand-in/open-requests': () => ({ open: handle().openRequests, peak: handle().peakOpenRequests }),
		'POST /__stand-in/options': (body) => {
			handle().setOptions(JSON.parse(body || '{}'));
			return st.options;
		},
		'POST /__stand-in/reset': () => {
			handle().reset();
			return { ok: true };
		},
	};

	/** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
	return async (req, res, url) => {
		const raw = (await readBody(req, st.options.maxBodyBytes)) || Buffer.alloc(0);
		/** @param {number} status @param {unknown} body */
		const reply = (status, body) => {
			const buf = Buffer.from(JSON.stringify(body, null, 1));
			res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(buf.length) });
			res.end(buf);
		};
		const endpoint = endpoints[`${req.method} ${url.pathname}`];
		if (!endpoint) return reply(404, { error: 'unknown control path' });
		try {
			return reply(200, endpoint(raw.toString('utf8')));
		} catch (e) {
			return reply(400, { error: e instanceof Error ? e.message : String(e) });
		}
	};
}

module.exports = { createControl };
