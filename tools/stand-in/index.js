// @ts-check
'use strict';
/**
 * A local stand-in for CometAPI's /v1/videos (Sora 2 in the OpenAI Videos API shape, and the Veo, Seedance,
 * Wan, Vidu, HappyHorse and Omni task families) plus the chat format.
 * Plain Node.js built-ins only, two HTTP servers on 127.0.0.1: the API and a "third-party" file host.
 * Also exports the language-model stand-in for agent tests (llm.js). See README.md in this folder.
 */

const { createState } = require('./state');
const { createFaultEngine, mulberry32, DEFAULT_FAULTS } = require('./faults');
const { fixtures, imageSize } = require('./media');
const { parseMultipart } = require('./multipart');
const { createVideoRoutes } = require('./videos');
const { createChatRoutes } = require('./chat');
const { createRouter } = require('./routes');
const { createApiHandler, createFileHandler } = require('./servers');
const { createControl } = require('./control');
const { makeServer, listen, shut } = require('./http');
const { startLlmStandIn } = require('./llm');

/**
 * @typedef {import('./state').RequestRecord} RequestRecord @typedef {import('./state').Job} Job
 * @typedef {import('./state').ChatRecord} ChatRecord @typedef {import('./state').StandInOptions} StandInOptions
 */

/**
 * @typedef {object} StandIn
 * @property {string} baseUrl
 * @property {string} fileHostUrl
 * @property {RequestRecord[]} requests
 * @property {Map<string, Job>} jobs
 * @property {Map<string, ChatRecord>} chats
 * @property {StandInOptions} options
 * @property {() => RequestRecord[]} paidRequests  paid requests that reached the handler
 * @property {() => RequestRecord[]} paidAttempts  every request to a paid route, refused and dropped ones included
 * @property {() => RequestRecord[]} fileHostRequests  every request the file host received, headers as received
 * @property {number} openRequests      requests (both servers) whose answer has not ended yet
 * @property {number} peakOpenRequests  the most open at once since start, reset() or resetPeakOpenRequests()
 * @property {() => void} resetPeakOpenRequests  the peak restarts from the requests open now
 * @property {(partial: import('./state').StandInOptionsInput) => void} setOptions
 * @property {() => void} reset
 * @property {(id: string) => Record<string, unknown>|null} video  the Video object of a job as it would be answered now
 * @property {() => Promise<void>} close
 */

/**
 * Starts the API server and the file host on 127.0.0.1.
 * @param {import('./state').StandInOptionsInput} [opts]
 * @returns {Promise<StandIn>}
 */
async function startStandIn(opts = {}) {
	const st = createState(opts);
	const engine = createFaultEngine(() => st.options.faults);
	const videos = createVideoRoutes(st, engine);
	const route = createRouter(st.options, videos, createChatRoutes(st));
	/** @type {StandIn} */
	let handle;
	const control = createControl(st, { handle: () => handle, videoObject: videos.videoObject });
	const apiServer = makeServer('stand-in', createApiHandler(st, { engine, route, control }));
	const fileServer = makeServer('stand-in', createFileHandler(st, engine));
	const apiPort = await listen(apiServer, st.options.port);
	st.baseUrl = `http://127.0.0.1:${apiPort}`;
	try {
		st.fileHostUrl = `http://127.0.0.1:${await listen(fileServer, st.options.fileHostPort)}`;
	} catch (e) {
		apiServer.close();
		throw e;
	}
	handle = {
		baseUrl: st.baseUrl,
		fileHostUrl: st.fileHostUrl,
		requests: st.requests,
		jobs: st.jobs,
		chats: st.chats,
		options: st.options,
		paidRequests: () => st.requests.filter((r) => r.paid),
		paidAttempts: () => st.requests.filter((r) => r.paidRoute),
		fileHostRequests: () => st.requests.filter((r) => r.server === 'files'),
		get openRequests() {
			return st.open.now;
		},
		get peakOpenRequests() {
			return st.open.peak;
		},
		resetPeakOpenRequests: () => {
			st.open.peak = st.open.now;
		},
		setOptions: (partial) => {
			const { faults, ...rest } = partial;
			for (const [k, v] of Object.entries(rest)) {
				if (k === 'port' || k === 'fileHostPort') continue; // fixed once listening
				/** @type {any} */ (st.options)[k] = v;
			}
			if (faults) {
				st.options.faults = { ...st.options.faults, ...faults };
				engine.reset();
			}
		},
		reset: () => {
			st.requests.length = 0;
			st.jobs.clear();
			st.chats.clear();
			st.counters.job = 0; // job numbers seed uneven progress: the same again after a reset
			st.open.peak = st.open.now;
			engine.reset();
		},
		video: (id) => {
			const job = videos.liveJob(id);
			return job ? videos.videoObject(job) : null;
		},
		close: async () => {
			if (st.timers.isClosed()) return;
			st.timers.close();
			await Promise.all([shut(apiServer), shut(fileServer)]);
		},
	};
	return handle;
}

module.exports = { startStandIn, startLlmStandIn, fixtures, parseMultipart, mulberry32, imageSize, DEFAULT_FAULTS };
