// The retry decisions, on their own (transport/retry.ts `decide`): which outcome of a request is
// tried again, after how long, and which ends it, for safe and for paid requests.
const { decide } = require('../../nodes/SoraVideo/transport/retry');
const { DEFAULT_RETRY } = require('../../nodes/SoraVideo/actions/run/limits');

const policy = { ...DEFAULT_RETRY, maxRetries: 2, maxRefusals: 2, maxRefusalWaitMs: 10_000 };
const first = { attempt: 0, refusals: 0, spentMs: 0 };
const answer = (status, body = {}, headers = {}) => ({ status, headers, body });
const SAFE = {};
const PAID = { paid: true };

describe('a safe request (status check, list, download)', () => {
	test('an answer below 400 is done', () => {
		expect(decide(policy, SAFE, answer(200), first)).toEqual({ next: 'done' });
		expect(decide(policy, SAFE, answer(302), first)).toEqual({ next: 'done' });
	});

	test.each([408, 409, 429, 500, 502, 503, 504, 524])(
		'%i is tried again after a pause',
		(status) => {
			const decision = decide(policy, SAFE, answer(status), first);
			expect(decision).toMatchObject({ next: 'retry', refusal: false });
			expect(decision.afterMs).toBeGreaterThanOrEqual(500);
			expect(decision.afterMs).toBeLessThanOrEqual(1000);
		},
	);

	test('the pause the server asks for wins', () => {
		expect(decide(policy, SAFE, answer(503, {}, { 'retry-after-ms': '250' }), first)).toEqual({
			next: 'retry',
			afterMs: 250,
			refusal: false,
		});
	});

	test('a connection that failed is tried again, until the tries are used', () => {
		expect(decide(policy, SAFE, { unanswered: 'ECONNRESET' }, first)).toMatchObject({
			next: 'retry',
		});
		expect(decide(policy, SAFE, { unanswered: 'ECONNRESET' }, { ...first, attempt: 2 })).toEqual({
			next: 'fail',
			because: 'unanswered',
			mayHaveStarted: false,
		});
	});

	test.each([400, 401, 403, 404, 422])('%i ends the request at once', (status) => {
		expect(decide(policy, SAFE, answer(status), first)).toEqual({
			next: 'fail',
			because: 'answer',
			mayHaveStarted: false,
		});
	});

	test('a 500 that says the request was invalid is not tried again', () => {
		expect(
			decide(policy, SAFE, answer(500, { error: { code: 'invalid_request' } }), first),
		).toMatchObject({ next: 'fail' });
	});

	test('a request of its own may allow fewer tries than the policy', () => {
		expect(decide(policy, { maxRetries: 0 }, answer(502), first)).toMatchObject({
			next: 'fail',
			because: 'answer',
		});
	});

	describe('one that waits out refusals (the list read to find a lost answer\'s job)', () => {
		const PATIENT = { waitsOutRefusals: true };

		test('a refusal is waited out within the refusal bounds, however many tries it took', () => {
			expect(decide(policy, SAFE, answer(429, {}, { 'retry-after': '1' }), { ...first, attempt: 2 })).toMatchObject({ next: 'fail', because: 'answer' });
			expect(decide(policy, PATIENT, answer(429, {}, { 'retry-after': '1' }), { ...first, attempt: 5, refusals: 1 })).toEqual({
				next: 'retry',
				afterMs: 1000,
				refusal: true,
			});
		});

		test('refusals past the bounds end it as refused', () => {
			expect(decide(policy, PATIENT, answer(503), { ...first, attempt: 2, refusals: 2 })).toEqual({
				next: 'fail',
				because: 'refused',
				mayHaveStarted: false,
			});
			expect(decide(policy, PATIENT, answer(429, {}, { 'retry-after': '11' }), first)).toMatchObject({ next: 'fail', because: 'refused' });
		});

		test('its other failures use up its tries, refusals not counted', () => {
			expect(decide(policy, PATIENT, { unanswered: 'ECONNRESET' }, { ...first, attempt: 3, refusals: 2 })).toMatchObject({
				next: 'retry',
				refusal: false,
			});
			expect(decide(policy, PATIENT, answer(502), { ...first, attempt: 4, refusals: 2 })).toEqual({
				next: 'fail',
				because: 'answer',
				mayHaveStarted: false,
			});
		});

		test('an answer that waiting cannot change still ends it at once', () => {
			for (const status of [400, 401, 404]) {
				expect(decide(policy, PATIENT, answer(status), first)).toMatchObject({ next: 'fail', because: 'answer' });
			}
		});
	});
});

describe('a paid request (create, remix, chat)', () => {
	test('a refusal is waited out within both bounds, then the request fails as refused', () => {
		expect(decide(policy, PAID, answer(429, {}, { 'retry-after': '2' }), first)).toEqual({
			next: 'retry',
			afterMs: 2000,
			refusal: true,
		});
		expect(decide(policy, PAID, answer(503), { ...first, refusals: 1 })).toMatchObject({
			next: 'retry',
			refusal: true,
		});
		// a third refusal passes maxRefusals (2), and a pause past maxRefusalWaitMs is not taken
		expect(decide(policy, PAID, answer(503), { ...first, refusals: 2 })).toEqual({
			next: 'fail',
			because: 'refused',
			mayHaveStarted: false,
		});
		expect(decide(policy, PAID, answer(429, {}, { 'retry-after': '11' }), first)).toEqual({
			next: 'fail',
			because: 'refused',
			mayHaveStarted: false,
		});
	});

	test('an exhausted quota is no refusal: waiting does not cure it', () => {
		expect(
			decide(policy, PAID, answer(429, { error: { code: 'insufficient_quota' } }), first),
		).toEqual({ next: 'fail', because: 'answer', mayHaveStarted: false });
	});

	test('a server error that is not a refusal may have started a job: never sent again', () => {
		for (const status of [500, 502, 504, 524]) {
			expect(decide(policy, PAID, answer(status), first)).toEqual({
				next: 'fail',
				because: 'answer',
				mayHaveStarted: true,
			});
		}
	});

	test('a model the gateway has no channel for (503 model_not_found) is an answer, not a refusal', () => {
		const noChannel = {
			error: {
				message: 'No available channel for model sora-2 under group default',
				code: 'model_not_found',
			},
		};
		expect(decide(policy, PAID, answer(503, noChannel), first)).toEqual({
			next: 'fail',
			because: 'answer',
			mayHaveStarted: false,
		});
		expect(
			decide(
				policy,
				PAID,
				answer(503, { error: { message: '当前分组 default 下对于模型 sora-2 无可用渠道' } }),
				first,
			),
		).toMatchObject({ mayHaveStarted: false });
	});

	test('a connection refused before anything was sent is sent again; a reset after sending is not', () => {
		expect(decide(policy, PAID, { unanswered: 'ECONNREFUSED' }, first)).toMatchObject({
			next: 'retry',
			refusal: false,
		});
		expect(decide(policy, PAID, { unanswered: 'ECONNRESET' }, first)).toEqual({
			next: 'fail',
			because: 'unanswered',
			mayHaveStarted: true,
		});
	});
});
