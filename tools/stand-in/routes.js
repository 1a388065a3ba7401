// @ts-check
'use strict';
/** The API's route table. */

const { json } = require('./reply');
const { errorBody } = require('./util');
const { listModels } = require('./catalogue');

const REMIX_PATH = /^\/v1\/videos\/([^/]+)\/remix$/;

/** Create, remix and chat start paid work. @param {string} method @param {string} p */
const isPaidRoute = (method, p) => method === 'POST' && (p === '/v1/videos' || p === '/v1/chat/completions' || REMIX_PATH.test(p));
/** The paid routes whose answer `createLatencyMs` delays. @param {string} method @param {string} p */
const isCreateRoute = (method, p) => method === 'POST' && (p === '/v1/videos' || REMIX_PATH.test(p));

/**
 * @param {import('./state').StandInOptions} options
 * @param {ReturnType<typeof import('./videos').createVideoRoutes>} videos
 * @param {ReturnType<typeof import('./chat').createChatRoutes>} chat
 */
function createRouter(options, videos, chat) {
	/** @type {{method: string, path: RegExp, handle: (ctx: import('./body').Ctx, id: string) => import('./reply').Reply}[]} */
	const table = [
		{ method: 'GET', path: /^\/v1\/models$/, handle: () => listModels(options) },
		{ method: 'POST', path: /^\/v1\/videos$/, handle: videos.createVideo },
		{ method: 'GET', path: /^\/v1\/videos$/, handle: videos.listVideos },
		{ method: 'POST', path: /^\/v1\/chat\/completions$/, handle: chat.chatCompletions },
		{ method: 'GET', path: /^\/v1\/videos\/([^/]+)$/, handle: (_ctx, id) => videos.retrieveVideo(id) },
		{ method: 'DELETE', path: /^\/v1\/videos\/([^/]+)$/, handle: (_ctx, id) => videos.deleteVideo(id) },
		{ method: 'POST', path: REMIX_PATH, handle: videos.remixVideo },
		{ method: 'GET', path: /^\/v1\/videos\/([^/]+)\/content$/, handle: videos.content },
		{ method: 'GET', path: /^\/v1\/video-files\/([^/]+)\.mp4$/, handle: videos.videoFile },
	];

	/** HEAD is answered as GET. @param {import('./body').Ctx} ctx @returns {import('./reply').Reply} */
	return (ctx) => {
		const method = ctx.req.method === 'HEAD' ? 'GET' : ctx.req.method;
		const p = ctx.url.pathname;
		for (const r of table) {
			const m = r.method === method ? r.path.exec(p) : null;
			if (m) return r.handle(ctx, m[1] === undefined ? '' : decodeURIComponent(m[1]));
		}
		return json(404, errorBody(`Invalid URL (${ctx.req.method} ${p})`, 'invalid_request_error', null, null));
	};
}

module.exports = { createRouter, isPaidRoute, isCreateRoute };
