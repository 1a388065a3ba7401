// @ts-check
// The stand-in's paid-request faults (issue 10), create latency, uneven progress and the open-request
// counter (issue 13), driven through the official `openai` npm package and plain fetch.
'use strict';

const { OpenAI } = require('openai');
const { startStandIn } = require('../../tools/stand-in');

const KEY = 'sk-test';
/** @type {import('../../tools/stand-in').StandIn} */
let s;
/** @type {OpenAI} */
let client;

beforeEach(async () => {
	s = await startStandIn({ apiKey: KEY, renderMs: 200, chatDelayMs: 1 });
	client = new OpenAI({ apiKey: KEY, baseURL: `${s.baseUrl}/v1`, maxRetries: 0 });
});
afterEach(async () => {
	await s.close();
});

/** @param {number} ms */
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {string} path @param {RequestInit} [init] */
const call = (path, init = {}) => fetch(`${s.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...(init.headers || {}) } });

/** A JSON create; resolves the status and the answer's headers. @param {string} prompt */
async function create(prompt) {
	const r = await call('/v1/videos', { method: 'POST', body: JSON.stringify({ prompt }) });
	return { status: r.status, headers: r.headers, body: await r.json() };
}

/** @param {Promise<unknown>} p @returns {Promise<any>} */
const apiError = (p) => p.then(() => { throw new Error('expected an error'); }, (e) => e);

describe('paid-request faults', () => {
	test('paidBurst429: bursts of 429 on paid requests only, with Retry-After and retry-after-ms, before any job; seeded', async () => {
		s.setOptions({ faults: { seed: 4, paidBurst429: 0.3, paidBurstLength: 2, retryAfterS: 2, retryAfterMs: 1500 } });
		const run = async () => {
			const out = [];
			for (let i = 0; i < 24; i++) {
				const r = await create(`item ${i}`);
				out.push(r.status);
				if (r.status === 429) {
					expect(r.headers.get('retry-after')).toBe('2');
					expect(r.headers.get('retry-after-ms')).toBe('1500');
					expect(r.body.error.code).toBe('rate_limit_exceeded');
				}
				const list = await call('/v1/videos?limit=1'); // not paid: never refused
				expect(list.status).toBe(200);
				await list.arrayBuffer();
			}
			return out;
		};
		const statuses = await run();
		expect(statuses).toContain(429);
		expect(statuses).toContain(200);
		const refused = s.requests.filter((r) => r.refused);
		expect(refused.length).toBe(statuses.filter((x) => x === 429).length);
		for (const r of refused) {
			expect(r).toMatchObject({ fault: 'paid429', paidRoute: true, handled: false, paid: false, jobId: null, status: 429, requestId: expect.stringMatching(/^req_/) });
		}
		// every refusal can be counted per item from the logged body
		const perItem = refused.map((r) => /** @type {any} */ (r.bodySummary?.json).prompt);
		expect(new Set(perItem).size).toBe(perItem.length);
		expect(s.jobs.size).toBe(statuses.filter((x) => x === 200).length);
		expect(s.paidAttempts()).toHaveLength(24);
		expect(s.paidRequests()).toHaveLength(s.jobs.size);
		s.reset();
		expect(await run()).toEqual(statuses);
	});

	test('a refusal carries x-request-id (the SDK reports it), also for remix and chat; paidRate503 carries Retry-After', async () => {
		const source = await client.videos.create({ prompt: 'source' });
		await delay(250);
		s.setOptions({ faults: { paidRate503: 1, retryAfterS: 3 } });
		const created = await apiError(client.videos.create({ prompt: 'refused' }));
		expect(created.status).toBe(503);
		expect(created.headers.get('retry-after')).toBe('3');
		expect(created.requestID).toBe(s.requests.at(-1)?.requestId);
		const remix = await apiError(client.videos.remix(source.id, { prompt: 'refused remix' }));
		expect(remix.status).toBe(503);
		const chat = await apiError(client.chat.completions.create({ model: 'sora-2', messages: [{ role: 'user', content: 'refused chat' }] }));
		expect(chat.status).toBe(503);
		expect(s.requests.slice(-3).map((r) => [r.path.replace(source.id, 'ID'), r.fault, r.refused])).toEqual([
			['/v1/videos', 'paid503', true],
			['/v1/videos/ID/remix', 'paid503', true],
			['/v1/chat/completions', 'paid503', true],
		]);
		expect(s.jobs.size).toBe(1);
		expect(s.chats.size).toBe(0);
		expect((await client.videos.retrieve(source.id)).status).toBe('completed'); // polls are not paid
	});

	test('paid options leave the general fault sequence as it was', async () => {
		const generalRun = async () => {
			const out = [];
			for (let i = 0; i < 30; i++) {
				const r = await call('/v1/videos?limit=1');
				await r.arrayBuffer();
				out.push(r.status);
				if (i % 3 === 0) await (await call('/v1/videos', { method: 'POST', body: JSON.stringify({ prompt: `p${i}` }) })).arrayBuffer();
			}
			return out;
		};
		s.setOptions({ faults: { seed: 9, rate5xx: 0.3 } });
		const plain = await generalRun();
		s.setOptions({ faults: { seed: 9, rate5xx: 0.3, paidRate503: 0.5, paidBurst429: 0.2 } });
		s.reset();
		expect(await generalRun()).toEqual(plain);
	});

	test('dropAfterCreate works for remix: the new job exists, the client hears nothing', async () => {
		const source = await client.videos.create({ prompt: 'source' });
		await delay(250);
		s.setOptions({ faults: { rateDrop: 1, dropAfterCreate: true } });
		const err = await apiError(client.videos.remix(source.id, { prompt: 'orphan remix' }));
		expect(err.constructor.name).toBe('APIConnectionError');
		const rec = s.requests.at(-1);
		expect(rec).toMatchObject({ status: 'dropped', paid: true, refused: false });
		expect(s.jobs.get(String(rec?.jobId))?.remixedFrom).toBe(source.id);
	});

	test('errorAfterCreate answers a status chosen from statuses5xx (504, 524) after the job exists', async () => {
		s.setOptions({ faults: { rate5xx: 1, statuses5xx: [504, 524], errorAfterCreate: true } });
		const seen = new Set();
		for (let i = 0; i < 12; i++) seen.add((await create(`billed ${i}`)).status);
		expect(seen).toEqual(new Set([504, 524]));
		expect(s.jobs.size).toBe(12);
		expect(s.paidRequests().every((r) => r.jobId && r.fault === '5xx' && !r.refused)).toBe(true);
	});

	test('paidRateDropAfterCreate and paidRateErrorAfterCreate hit only paid requests, after the job exists', async () => {
		s.setOptions({ faults: { paidRateErrorAfterCreate: 1, paidStatusesAfterCreate: [502] } });
		const r = await create('error after');
		expect(r.status).toBe(502);
		expect(r.body.error.code).toBe('bad_response_status_code');
		expect(s.jobs.size).toBe(1);
		const list = await call('/v1/videos');
		expect(list.status).toBe(200);
		expect((await list.json()).data).toHaveLength(1);
		s.setOptions({ faults: { paidRateErrorAfterCreate: 0, paidRateDropAfterCreate: 1 } });
		await expect(create('drop after')).rejects.toThrow();
		expect(s.jobs.size).toBe(2);
		expect(s.requests.at(-1)).toMatchObject({ status: 'dropped', paid: true });
	});

	test('the list carries what a node needs to find a job it may have created', async () => {
		await client.videos.create({ prompt: 'find me', seconds: '8', size: '1280x720', model: 'sora-2-pro' });
		await client.videos.create({ prompt: 'and me [comet]' });
		const list = await client.videos.list();
		const [comet, plain] = list.data;
		expect(plain).toMatchObject({ prompt: 'find me', model: 'sora-2-pro', seconds: '8', size: '1280x720', created_at: expect.any(Number) });
		expect(Math.abs(plain.created_at - Date.now() / 1000)).toBeLessThan(5);
		expect(comet).toMatchObject({ model: 'sora-2', seconds: '4', size: '720x1280', created_at: expect.any(Number) });
		expect(comet).not.toHaveProperty('prompt');
	});
});

describe('create latency, uneven progress, open requests', () => {
	test('createLatencyMs: a number delays every create and remix; a range draws seeded values', async () => {
		s.setOptions({ createLatencyMs: 150 });
		const t0 = Date.now();
		await create('slow');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
		expect(s.requests.at(-1)?.latencyMs).toBe(150);
		const list = await call('/v1/videos');
		await list.arrayBuffer();
		expect(s.requests.at(-1)?.latencyMs).toBe(0);

		s.setOptions({ createLatencyMs: [20, 120], faults: { seed: 5 } });
		s.reset();
		const draw = async () => {
			for (let i = 0; i < 6; i++) await create(`r${i}`);
			return s.requests.map((r) => r.latencyMs);
		};
		const first = await draw();
		expect(first.every((ms) => ms >= 20 && ms <= 120)).toBe(true);
		expect(new Set(first).size).toBeGreaterThan(1);
		s.requests.forEach((r) => expect(Number(r.durationMs)).toBeGreaterThanOrEqual(r.latencyMs - 2));
		s.reset();
		expect(await draw()).toEqual(first);
	});

	test("progressMode 'uneven': progress stalls, then jumps, never falls, and completes at renderMs; seeded per job", async () => {
		s.setOptions({ renderMs: 800, queuedMs: 0, progressMode: 'uneven', faults: { seed: 3 } });
		const v = await client.videos.create({ prompt: 'uneven' });
		const samples = [];
		for (;;) {
			const now = await client.videos.retrieve(v.id);
			samples.push(now.progress);
			if (now.status === 'completed') break;
			await delay(15);
		}
		const job = s.jobs.get(v.id);
		expect(Date.now() - Number(job?.createdMs)).toBeGreaterThanOrEqual(800);
		const steps = /** @type {{atMs: number, progress: number}[]} */ (job?.progressSteps);
		expect(steps.length).toBeGreaterThanOrEqual(2);
		const inProgress = samples.slice(0, -1);
		for (let i = 1; i < inProgress.length; i++) expect(inProgress[i]).toBeGreaterThanOrEqual(inProgress[i - 1]);
		expect(new Set(inProgress).size).toBeLessThanOrEqual(steps.length + 1); // only the step levels (and 0)
		expect(inProgress.length - new Set(inProgress).size).toBeGreaterThan(5); // it stalls
		expect(samples.at(-1)).toBe(100);

		s.reset();
		const again = await client.videos.create({ prompt: 'uneven' });
		expect(s.jobs.get(again.id)?.progressSteps).toEqual(steps);
		s.setOptions({ progressMode: 'linear' });
		const linear = await client.videos.create({ prompt: 'linear' });
		expect(s.jobs.get(linear.id)?.progressSteps).toBeNull();
	});

	test('openRequests and peakOpenRequests count requests in flight; the peak resets', async () => {
		s.setOptions({ createLatencyMs: 200 });
		expect(s.openRequests).toBe(0);
		const pending = Promise.all([1, 2, 3, 4, 5].map((i) => create(`open ${i}`)));
		await delay(100);
		expect(s.openRequests).toBe(5);
		await pending;
		await delay(20);
		expect(s.openRequests).toBe(0);
		expect(s.peakOpenRequests).toBe(5);
		const ctl = await (await fetch(`${s.baseUrl}/__stand-in/open-requests`)).json();
		expect(ctl).toEqual({ open: 0, peak: 5 });
		s.resetPeakOpenRequests();
		expect(s.peakOpenRequests).toBe(0);
		await create('one more');
		expect(s.peakOpenRequests).toBe(1);
		s.reset();
		expect(s.peakOpenRequests).toBe(0);
	});
});
