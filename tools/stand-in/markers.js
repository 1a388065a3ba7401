// @ts-check
'use strict';
/** Prompt markers: per-job switches a test writes into the prompt (see README). */

const { FIVE_XX, retryHeaders } = require('./faults');
const { errorBody } = require('./util');
const { json } = require('./reply');

/**
 * The fault switches a prompt chooses. Case-sensitive, anywhere in the prompt.
 * @param {string} prompt
 */
function promptMarkers(prompt) {
	const number = (/** @type {RegExp} */ re) => {
		const m = re.exec(prompt);
		return m ? Number(m[1]) : null;
	};
	return {
		fail: prompt.includes('[fail]'),
		never: prompt.includes('[never]'),
		error: prompt.includes('[error]'),
		renderMs: number(/\[render:(\d+)\]/),
		queuedMs: number(/\[queued:(\d+)\]/),
		status: number(/\[status:(\d{3})\]/),
		comet: prompt.includes('[comet]'),
		upper: prompt.includes('[upper]'),
		chatNoLink: prompt.includes('[chat-nolink]'),
		chatError: prompt.includes('[chat-error]'),
	};
}

/**
 * `[status:NNN]`: the create is refused with that status (a 500 carries code invalid_request).
 * @param {number} status @param {import('./faults').Faults} faults
 */
function markerStatus(status, faults) {
	if (status === 429) return json(429, errorBody('Rate limit reached for requests.', 'requests', 'rate_limit_exceeded', null), retryHeaders(faults));
	if (status === 500) return json(500, errorBody('Invalid request: the upstream rejected the parameters.', 'comet_api_error', 'invalid_request', null));
	const known = FIVE_XX[status];
	if (known) return json(status, errorBody(known.message, known.type, known.code, null));
	return json(status, errorBody(`Request refused with status ${status} (stand-in marker).`, 'invalid_request_error', 'stand_in_status', null));
}

module.exports = { promptMarkers, markerStatus };
