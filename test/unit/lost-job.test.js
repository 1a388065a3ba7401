// Looking for a lost answer's job, on its own: the search over a listing (no I/O, the time given)
// and the run's ledger, which keeps two items from adopting one job.
const { findLostJob } = require('../../nodes/SoraVideo/actions/job/lost-job');
const { JobLedger } = require('../../nodes/SoraVideo/actions/run/ledger');

const SENT_S = 1_760_000_000;
const since = (SENT_S - 120) * 1000;
const request = {
	kind: 'create',
	prompt: 'A kite',
	model: 'sora-2',
	seconds: '4',
	size: '1280x720',
};
const job = (id, fields = {}) => ({
	id,
	status: 'queued',
	model: 'sora-2',
	seconds: '4',
	size: '1280x720',
	prompt: 'A kite',
	created_at: SENT_S,
	...fields,
});
const listing = (videos, complete = true) => ({ videos, complete });
const nobody = () => false;

describe('findLostJob', () => {
	test('adopts the oldest matching job created since the send', () => {
		const found = findLostJob(
			listing([
				job('video_2', { created_at: SENT_S + 5 }),
				job('video_1', { created_at: SENT_S + 1 }),
			]),
			request,
			since,
			nobody,
		);
		expect(found).toEqual({ found: expect.objectContaining({ id: 'video_1' }) });
	});

	test('skips jobs from before the send (less the clock skew), other parameters, and jobs already claimed', () => {
		const videos = [
			job('video_old', { created_at: SENT_S - 121 }),
			job('video_size', { size: '720x1280' }),
			job('video_prompt', { prompt: 'A boat' }),
			job('video_mine'),
		];
		expect(findLostJob(listing(videos), request, since, (id) => id === 'video_mine')).toEqual({
			absent: true,
		});
		expect(findLostJob(listing(videos), request, since, nobody)).toEqual({
			found: expect.objectContaining({ id: 'video_mine' }),
		});
	});

	test('a job that shows no prompt may be it: unclear, naming it', () => {
		const found = findLostJob(
			listing([job('task_1', { prompt: undefined })]),
			request,
			since,
			nobody,
		);
		expect(found).toEqual({
			unclear: 'Jobs since then that may be it (their prompt or time is not shown): task_1.',
		});
	});

	test('a listing that did not reach back to the send is unclear, not absent', () => {
		expect(findLostJob(listing([], false), request, since, nobody)).toEqual({
			unclear: 'The list holds more than 100 newer videos.',
		});
	});

	test('a remix is found by its source video and prompt', () => {
		const remix = { kind: 'remix', prompt: 'at night', sourceVideoId: 'video_src' };
		const videos = [
			job('video_r2', { prompt: 'at night', remixed_from_video_id: 'video_other' }),
			job('video_r1', { prompt: 'at night', remixed_from_video_id: 'video_src' }),
		];
		expect(findLostJob(listing(videos), remix, since, nobody)).toEqual({
			found: expect.objectContaining({ id: 'video_r1' }),
		});
	});
});

describe('JobLedger', () => {
	test('takes its settle delay from whoever creates it', () => {
		expect(new JobLedger({ settleMs: 5 }).timing.settleMs).toBe(5);
		expect(new JobLedger().timing.settleMs).toBeGreaterThan(0);
	});

	test('a search waits until the identical requests in flight have settled, one search at a time', async () => {
		const ledger = new JobLedger({ settleMs: 0 });
		const events = [];
		let answer;
		const inFlight = ledger.track('k', () => new Promise((resolve) => (answer = resolve)));
		const searches = [1, 2].map((n) =>
			ledger.searchAlone('k', async () => {
				events.push(`search ${n} starts`);
				await Promise.resolve();
				events.push(`search ${n} ends`);
				return n;
			}),
		);
		await new Promise((resolve) => setImmediate(resolve));
		expect(events).toEqual([]);
		events.push('request settles');
		answer('video_1');
		expect(await inFlight).toBe('video_1');
		expect(await Promise.all(searches)).toEqual([1, 2]);
		expect(events).toEqual([
			'request settles',
			'search 1 starts',
			'search 1 ends',
			'search 2 starts',
			'search 2 ends',
		]);
	});

	test('a request for a key waits for a running search of that key, so the search never sees its job half-way', async () => {
		const ledger = new JobLedger({ settleMs: 0 });
		const events = [];
		let finish;
		const search = ledger.searchAlone(
			'k',
			() => new Promise((resolve) => (finish = () => resolve(events.push('search ends')))),
		);
		await new Promise((resolve) => setImmediate(resolve));
		const request = ledger.track('k', async () => events.push('request sent'));
		await new Promise((resolve) => setImmediate(resolve));
		expect(events).toEqual([]);
		finish();
		await Promise.all([search, request]);
		expect(events).toEqual(['search ends', 'request sent']);
	});

	test('claims are per ledger, so each run starts with none', () => {
		const one = new JobLedger();
		one.claim('video_1');
		expect(one.isClaimed('video_1')).toBe(true);
		expect(new JobLedger().isClaimed('video_1')).toBe(false);
	});
});
