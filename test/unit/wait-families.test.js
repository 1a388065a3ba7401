// Retrieve and the wait for the families beside Sora: `task_` ids, Seedance's upper-case status
// words (and the lower-case ones of a newer revision), and the provider's reason when a job fails,
// given as a plain text or as {code, message}.
const nock = require('nock');
const { runNode } = require('../support/run-node');
const { API, trackUnexpectedRequests } = require('../support/api');
const { captureCreates, task } = require('../support/families');
const { phaseOf } = require('../../nodes/SoraVideo/actions/job/wait');

const unexpected = trackUnexpectedRequests();
const ID = 'task_abc123';
const SEEDANCE = 'doubao-seedance-2-0';
const seedanceJob = (fields) => task(ID, SEEDANCE, fields);

/** Answers the status checks of task_abc123 with `answers`, in order, once each. */
function statusChecks(answers) {
	const scope = nock(API);
	for (const answer of answers) scope.get(`/v1/videos/${ID}`).reply(200, answer);
	return scope;
}

/** Retrieve with wait for task_abc123, without downloading. */
async function waitForTask(options = {}) {
	return await runNode({
		parameters: { operation: 'retrieve', videoId: ID, waitForCompletion: true, options: { pollInterval: 0.1, download: false, ...options } },
		typeVersion: 3,
	});
}

describe('status words, whatever their case', () => {
	test.each(['completed', 'SUCCESS', 'success', 'Succeeded', 'COMPLETED'])('"%s" means completed', (status) => {
		expect(phaseOf(status)).toBe('completed');
	});

	test.each(['failed', 'FAILED', 'ERROR', 'error', 'Failed'])('"%s" means failed', (status) => {
		expect(phaseOf(status)).toBe('failed');
	});

	test.each(['SUBMITTED', 'submitted', 'queued', 'QUEUED', 'IN_PROGRESS', 'in_progress', 'processing', ''])('"%s" means still running', (status) => {
		expect(phaseOf(status)).toBe('running');
	});
});

describe('Retrieve with wait, by a task_ id', () => {
	test('Seedance SUBMITTED -> IN_PROGRESS -> SUCCESS ends the wait as completed', async () => {
		const done = seedanceJob({ status: 'SUCCESS', progress: 100, completed_at: 1779938219 });
		const scope = statusChecks([
			seedanceJob({ status: 'SUBMITTED' }),
			seedanceJob({ status: 'IN_PROGRESS', progress: 45 }),
			done,
		]);
		const { items, error } = await waitForTask();
		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: done, pairedItem: { item: 0 } }]);
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('the lower-case words of a newer revision work the same', async () => {
		const scope = statusChecks([
			seedanceJob({ status: 'queued' }),
			seedanceJob({ status: 'in_progress', progress: 60 }),
			seedanceJob({ status: 'completed', progress: 100 }),
		]);
		const { items, error } = await waitForTask();
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: ID, status: 'completed' });
		scope.done();
	});

	test('without wait, a task_ id is looked up once and returned as the API gave it', async () => {
		const answer = seedanceJob({ status: 'IN_PROGRESS', progress: 45, completed_at: null });
		const scope = statusChecks([answer]);
		const { items, error } = await runNode({ parameters: { operation: 'retrieve', videoId: ` ${ID} ` }, typeVersion: 3 });
		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: answer, pairedItem: { item: 0 } }]);
		scope.done();
	});
});

describe('a job that fails names its id and the provider reason', () => {
	test.each([
		['FAILED with a plain text', { status: 'FAILED', error: 'The prompt was rejected by the content filter' }, 'The prompt was rejected by the content filter'],
		['ERROR with {code, message}', { status: 'ERROR', error: { code: 'provider_timeout', message: 'Upstream render timed out' } }, 'Upstream render timed out (provider_timeout)'],
		['failed with a message and no code', { status: 'failed', error: { message: 'Out of credit' } }, 'Out of credit'],
		['error with no reason', { status: 'error', error: null }, 'the provider gave no reason'],
		['FAILED with an empty text', { status: 'FAILED', error: '  ' }, 'the provider gave no reason'],
	])('%s', async (_, fields, reason) => {
		statusChecks([seedanceJob({ status: 'IN_PROGRESS' }), seedanceJob(fields)]);
		const { error } = await waitForTask({ download: true });
		expect(error.message).toBe(`Video ${ID} failed: ${reason}`);
		expect(error.context.videoId).toBe(ID);
		expect(error.description).toMatch(/ended the job without a video/);
		// nothing is downloaded for a failed job
		expect(unexpected).toEqual([]);
	});
});

test('Create and wait: a Wan task is polled by the id the create answered, until completed', async () => {
	const scope = nock(API);
	const creates = captureCreates(scope, task('task_wan1', 'wan2.6'));
	scope
		.get('/v1/videos/task_wan1')
		.reply(200, task('task_wan1', 'wan2.6', { status: 'in_progress', progress: 50 }))
		.get('/v1/videos/task_wan1')
		.reply(200, task('task_wan1', 'wan2.6', { status: 'completed', progress: 100 }));
	const { items, error } = await runNode({
		parameters: { operation: 'create', model: 'wan2.6', prompt: 'x', options: { pollInterval: 0.1, download: false } },
		typeVersion: 3,
	});
	expect(error).toBeUndefined();
	expect(creates).toHaveLength(1);
	expect(items[0].json).toMatchObject({ id: 'task_wan1', status: 'completed', model: 'wan2.6' });
	scope.done();
	expect(unexpected).toEqual([]);
});
