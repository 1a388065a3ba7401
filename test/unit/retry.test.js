// The retry policy for paid requests: refusals (429, 503, Retry-After) are waited out within
// bounds the user sets; everything that may have started a job is never simply sent again.
const nock = require('nock');
const { runNode } = require('../support/run-node');
const { API, video, trackUnexpectedRequests } = require('../support/api');
const { isRefusal, isUncertainAnswer, refusalPauseMs, requestIdOf } = require('../../nodes/SoraVideo/transport/retry');
const { DEFAULT_RETRY } = require('../../nodes/SoraVideo/actions/run/limits');

const unexpected = trackUnexpectedRequests();
const RATE_LIMITED = { error: { message: 'Rate limit reached for requests', type: 'rate_limit_error', code: 'rate_limit_exceeded' } };

/** A create endpoint that answers the given replies in order, and counts the POSTs. */
function creates(replies) {
	const seen = { posts: 0, times: [] };
	const scope = nock(API);
	for (const reply of replies) {
		scope.post('/v1/videos').reply(() => {
			seen.posts++;
			seen.times.push(Date.now());
			return reply;
		});
	}
	return { scope, seen };
}

const createParams = (options = {}) => ({ operation: 'create', prompt: 'a fox', waitForCompletion: false, options });

describe('refused paid requests are sent again', () => {
	test('a 429 with retry-after-ms is waited out, then the create goes through once', async () => {
		const { scope, seen } = creates([
			[429, RATE_LIMITED, { 'retry-after-ms': '150' }],
			[429, RATE_LIMITED, { 'retry-after-ms': '150' }],
			[200, video('video_1')],
		]);
		const { items, error } = await runNode({ parameters: createParams() });
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe('video_1');
		expect(seen.posts).toBe(3);
		// the server's delay is honoured between tries
		expect(seen.times[1] - seen.times[0]).toBeGreaterThanOrEqual(140);
		expect(seen.times[2] - seen.times[1]).toBeGreaterThanOrEqual(140);
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a 503 without Retry-After is retried with backoff (a refusal, nothing was started)', async () => {
		const { scope, seen } = creates([[503, { error: { message: 'Service busy', code: 'service_unavailable' } }], [200, video('video_2')]]);
		const { items, error } = await runNode({ parameters: createParams() });
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe('video_2');
		expect(seen.posts).toBe(2);
		// exponential backoff from 1 s, jittered down to half at most
		expect(seen.times[1] - seen.times[0]).toBeGreaterThanOrEqual(480);
		scope.done();
	});

	test('refused more often than Refusal Retries: the error counts the refusals and names the request id', async () => {
		const refusal = [429, RATE_LIMITED, { 'retry-after-ms': '10', 'x-request-id': 'req_abc123' }];
		const { scope, seen } = creates([refusal, refusal, refusal]);
		const { error } = await runNode({ parameters: createParams({ maxRefusalRetries: 2 }) });
		expect(seen.posts).toBe(3);
		expect(error.message).toBe('Create video failed: Rate limit reached for requests (refused 3 times in 0 s, request id req_abc123)');
		expect(error.description).toContain('HTTP 429, code rate_limit_exceeded.');
		expect(error.description).toContain('no job was started and nothing was paid for');
		expect(error.description).toContain('Raise Refusal Retries or Max Wait for Refusals');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('the total wait is bounded too: Max Wait for Refusals stops before the retries run out', async () => {
		const refusal = [503, { error: { message: 'busy' } }, { 'retry-after-ms': '400' }];
		const { scope, seen } = creates([refusal, refusal, refusal]);
		const started = Date.now();
		const { error } = await runNode({ parameters: createParams({ maxRefusalWait: 1 }) });
		// 0.4 s + 0.4 s fit into 1 s; a third pause would end at 1.2 s
		expect(seen.posts).toBe(3);
		expect(error.message).toBe('Create video failed: busy (refused 3 times in 1 s)');
		expect(Date.now() - started).toBeLessThan(2500);
		scope.done();
	});

	test('a Retry-After longer than the whole bound fails at once instead of waiting in vain', async () => {
		const { scope, seen } = creates([[429, RATE_LIMITED, { 'retry-after': '3600' }]]);
		const started = Date.now();
		const { error } = await runNode({ parameters: createParams() });
		expect(seen.posts).toBe(1);
		expect(error.message).toBe('Create video failed: Rate limit reached for requests (refused 1 time in 0 s)');
		expect(Date.now() - started).toBeLessThan(2000);
		scope.done();
	});

	test('an exhausted quota (429 insufficient_quota) is not waited out', async () => {
		const { scope, seen } = creates([[429, { error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } }]]);
		const { error } = await runNode({ parameters: createParams() });
		expect(seen.posts).toBe(1);
		expect(error.message).toBe('Create video failed: You exceeded your current quota');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('the request id in the message is named when no header carries one', async () => {
		const body = { error: { message: 'upstream load saturated (request id: 20251201-abcdef)', code: 'rate_limit' } };
		const { scope } = creates([[429, body]]);
		const { error } = await runNode({ parameters: createParams({ maxRefusalRetries: 0 }) });
		expect(error.message).toBe(
			'Create video failed: upstream load saturated (request id: 20251201-abcdef) (refused 1 time in 0 s, request id 20251201-abcdef)',
		);
		scope.done();
	});

	test('a remix is refused and retried the same way', async () => {
		const scope = nock(API)
			.post('/v1/videos/video_src/remix')
			.reply(429, RATE_LIMITED, { 'retry-after-ms': '10' })
			.post('/v1/videos/video_src/remix')
			.reply(200, video('video_r', { remixed_from_video_id: 'video_src' }));
		const { items, error } = await runNode({
			parameters: { operation: 'remix', videoId: 'video_src', prompt: 'at night', waitForCompletion: false },
		});
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe('video_r');
		scope.done();
	});

	test('a 400 is not a refusal: never sent again; its request id is in the details', async () => {
		const { scope, seen } = creates([[400, { error: { message: 'Invalid size', code: 'invalid_value' } }, { 'x-request-id': 'req_400' }]]);
		const { error } = await runNode({ parameters: createParams() });
		expect(seen.posts).toBe(1);
		expect(error.message).toBe('Create video failed: Invalid size');
		expect(error.description).toContain('Request id: req_400.');
		scope.done();
		expect(unexpected).toEqual([]);
	});
});

describe('the policy, rule by rule', () => {
	test('which answers are refusals', () => {
		expect(isRefusal(429, {}, RATE_LIMITED)).toBe(true);
		expect(isRefusal(429, {}, { error: { code: 'insufficient_quota' } })).toBe(false);
		expect(isRefusal(503, {}, {})).toBe(true);
		expect(isRefusal(502, { 'retry-after': '2' }, {})).toBe(true);
		expect(isRefusal(409, { 'retry-after-ms': '100' }, {})).toBe(true);
		expect(isRefusal(502, {}, {})).toBe(false);
		expect(isRefusal(400, {}, {})).toBe(false);
	});

	test('which answers leave the outcome open', () => {
		for (const status of [500, 502, 504, 524]) expect(isUncertainAnswer(status, {}, {})).toBe(true);
		expect(isUncertainAnswer(500, {}, { error: { code: 'invalid_request' } })).toBe(false);
		expect(isUncertainAnswer(503, {}, {})).toBe(false);
		expect(isUncertainAnswer(502, { 'retry-after': '1' }, {})).toBe(false);
		expect(isUncertainAnswer(404, {}, {})).toBe(false);
	});

	test('the refusal pause: the header, else exponential with jitter, within both bounds', () => {
		const policy = { ...DEFAULT_RETRY, maxRefusals: 3, maxRefusalWaitMs: 10_000 };
		expect(refusalPauseMs(policy, 1, 0, { 'retry-after': '2' })).toBe(2000);
		expect(refusalPauseMs(policy, 1, 0, { 'retry-after-ms': '250' })).toBe(250);
		for (let n = 1; n <= 3; n++) {
			const pause = refusalPauseMs(policy, n, 0, {});
			expect(pause).toBeGreaterThanOrEqual(500 * 2 ** (n - 1));
			expect(pause).toBeLessThanOrEqual(1000 * 2 ** (n - 1));
		}
		expect(refusalPauseMs(policy, 4, 0, {})).toBeUndefined();
		expect(refusalPauseMs(policy, 1, 9000, { 'retry-after': '2' })).toBeUndefined();
		expect(refusalPauseMs(policy, 1, 0, { 'retry-after': '11' })).toBeUndefined();
	});

	test('the request id: the header first, else one named in the message', () => {
		expect(requestIdOf({ 'x-request-id': 'req_1' }, 'request id: other')).toBe('req_1');
		expect(requestIdOf({}, 'saturated (request id: 2025abc-99)')).toBe('2025abc-99');
		expect(requestIdOf({}, 'Rate limit reached')).toBeUndefined();
	});
});
