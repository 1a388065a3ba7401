// Shared pieces of the unit tests for the video families beside Sora (issue 17): the jobs their
// API answers with, and a Create run (node version 3) whose create requests are captured.
const nock = require('nock');
const { runNode } = require('./run-node');
const { API, multipartParts } = require('./api');

/** A job as the families beside Sora answer it: a `task_` id, `task_id` as its alias, no seconds or size. */
function task(id, model, fields = {}) {
	return { id, task_id: id, object: 'video', model, status: 'queued', progress: 0, created_at: 1779938152, ...fields };
}

/** Records every create request on `scope`: its headers, its parts in order, and its text fields. */
function captureCreates(scope, answer, times = 1) {
	const creates = [];
	scope
		.post('/v1/videos')
		.times(times)
		.reply(function (_uri, body) {
			const parts = multipartParts(this.req.headers['content-type'], body);
			const fields = Object.fromEntries(parts.filter((part) => part.value !== undefined).map((part) => [part.name, part.value]));
			creates.push({ headers: this.req.headers, parts, fields, files: parts.filter((part) => part.value === undefined) });
			return [200, answer];
		});
	return creates;
}

/**
 * Runs a version 3 Create that does not wait, with the API answering `answer`; returns the node's
 * result and what its create request sent (undefined when none was sent).
 */
async function createOnce(parameters, { items, answer = task('task_1', 'any') } = {}) {
	const scope = nock(API);
	const creates = captureCreates(scope, answer);
	const result = await runNode({
		parameters: { operation: 'create', prompt: 'a paper boat on a pond', waitForCompletion: false, ...parameters },
		items,
		typeVersion: 3,
	});
	return { ...result, sent: creates[0] };
}

module.exports = { task, captureCreates, createOnce };
