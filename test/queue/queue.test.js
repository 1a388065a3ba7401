/**
 * The newest n8n 2.x host in queue mode (Redis + Postgres, one main, two workers) running Sora workflows
 * against the CometAPI stand-in: waiting in place and a Wait-node loop (fixtures/), and the long-render
 * example with a worker killed. See test/queue/README.md.
 *   npx jest --config test/queue/jest.config.js
 */
const fs = require('node:fs');
const nodePath = require('node:path');

const { HOST_VERSION, ensurePackages, startCluster } = require('../../tools/queue-cluster');
const { fixtures } = require('../../tools/stand-in');
const { cometCredential, fastPolling, findNode, paidOf, requestsSince, useSoraSuite } = require('../e2e/lib/sora-e2e');
const lr = require('../e2e/lib/long-renders');

jest.setTimeout(600_000);

// the packages first: without Redis and Postgres nothing else is worth starting
beforeAll(() => ensurePackages());
const suite = useSoraSuite({ standIn: { renderMs: 1000 } });
const { apiKey } = suite;
/** @type {any} */ let standIn;
/** @type {any} */ let cluster;
const numbers = {};
const RENDER_B = 6000;
const N_B = 3;
/** As in test/e2e/long-renders.test.js: renders longer than the execution timeout, a Wait that parks. */
const LONG_RENDER_ID = 'qLongRender';
const LONG_RENDER_PATH = 'long-renders-start';
const LONG_RENDER_TIMING = { executionTimeoutS: 100, createTimeoutS: 10, checkTimeoutS: 25, waitS: 66 };
const LONG_RENDER_PROMPTS = ['[render:104000] a train along a cliff', '[render:106000] a paper boat in the rain', '[render:108000] coffee poured in slow motion'];

/**
 * A workflow of fixtures/ with a fixed id: the two shapes this suite compares, as the examples had
 * them before issue 18 (the webhook answering with the MP4, the Wait loop in one execution).
 * @param {string} name @param {string} id
 */
function loadFixture(name, id) {
	return { ...JSON.parse(fs.readFileSync(nodePath.join(__dirname, 'fixtures', `${name}.json`), 'utf8')), id };
}

/** The wait-in-place webhook on another path (own webhookId, so several can be live). */
function hookWorkflow(id, path, poll, settings) {
	const wf = loadFixture('wait-in-place-webhook', id);
	fastPolling(wf, poll);
	const hook = findNode(wf, 'Webhook');
	hook.parameters.path = path;
	delete hook.webhookId; // the harness derives a stable, unique one from the workflow id
	for (const n of wf.nodes) delete n.id;
	if (settings) wf.settings = { ...wf.settings, ...settings };
	return wf;
}

/** The Wait loop started by a webhook (answers at once) instead of the Manual Trigger. */
function loopWorkflow(id, path, waitSeconds) {
	const wf = loadFixture('wait-node-loop', id);
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	trigger.type = 'n8n-nodes-base.webhook';
	trigger.typeVersion = 2;
	trigger.parameters = { httpMethod: 'POST', path, options: {} };
	findNode(wf, 'Start Render').parameters.prompt = '={{ $json.body.prompt }}';
	findNode(wf, 'Wait 30 Seconds').parameters.amount = waitSeconds;
	for (const n of wf.nodes) {
		delete n.id;
		delete n.webhookId;
	}
	return wf;
}

const post = (path, prompt, timeoutMs = 120_000) =>
	fetch(cluster.main.webhookUrl(path), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ prompt }),
		signal: AbortSignal.timeout(timeoutMs),
	});

/** rows of execution_entity for a workflow: [id, status, startedAt ms, stoppedAt ms] */
function executions(workflowId) {
	return cluster
		.sql(
			`select id, status, coalesce(extract(epoch from "startedAt")*1000,0)::bigint, coalesce(extract(epoch from "stoppedAt")*1000,0)::bigint ` +
				`from execution_entity where "workflowId"='${workflowId}' order by id`,
		)
		.map(([id, status, s, e]) => ({ id, status, startedAt: Number(s), stoppedAt: Number(e) }));
}

/**
 * Fires N_B renders of RENDER_B ms through the Wait-loop webhook at `path`, waits until all of
 * `workflowId`'s executions succeeded, and measures how far apart their paid creates were.
 * @param {string} path @param {string} tag @param {string} workflowId @param {number} timeoutMs
 */
async function runLoops(path, tag, workflowId, timeoutMs) {
	const mark = standIn.requests.length;
	const started = Date.now();
	await Promise.all(Array.from({ length: N_B }, (_, i) => post(path, `[render:${RENDER_B}] parallel ${tag}${i}`).then((r) => r.text())));
	await lr.until(() => {
		const ex = executions(workflowId);
		return ex.length === N_B && ex.every((e) => e.status === 'success');
	}, timeoutMs, () => `the loops of ${workflowId}`);
	const paid = paidOf(requestsSince(standIn, mark));
	const creates = paid.map((r) => r.time);
	return { totalS: (Date.now() - started) / 1000, paid, createSpreadS: (Math.max(...creates) - Math.min(...creates)) / 1000 };
}

/** execution ids per worker, from "Worker started execution <id>" log lines */
function startedByWorker() {
	return cluster.workers.map((w) => [...w.log().matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]));
}

beforeAll(async () => {
	standIn = suite.standIn;
	const t0 = Date.now();
	cluster = await startCluster({
		tarball: suite.tarball,
		workers: 2,
		concurrency: 1,
		credentials: [cometCredential({ apiKey, baseUrl: standIn.baseUrl })],
		workflows: [
			hookWorkflow('qHook', 'sora-video', 0.25),
			hookWorkflow('qInplace', 'sora-inplace', 0.25),
			hookWorkflow('qTimeout', 'sora-timeout', 0.25, { executionTimeout: 3 }),
			loopWorkflow('qLoopShort', 'sora-loop-short', 1),
			loopWorkflow('qLoopLong', 'sora-loop-long', 66),
			lr.longRenderWorkflow(LONG_RENDER_ID, { path: LONG_RENDER_PATH, prompts: LONG_RENDER_PROMPTS, timing: LONG_RENDER_TIMING }),
		],
		publish: ['qHook', 'qInplace', 'qTimeout', 'qLoopShort', 'qLoopLong', LONG_RENDER_ID],
		webhook: { path: 'sora-loop-long', method: 'POST' },
	});
	numbers.startupS = (Date.now() - t0) / 1000;
});

afterAll(async () => {
	if (cluster) await cluster.stop();
	console.log(`queue-mode numbers:\n${JSON.stringify(numbers, null, 2)}`);
});

describe(`n8n ${HOST_VERSION} queue mode: main + 2 workers (concurrency 1), Redis, Postgres, binary data in the database`, () => {
	it('(a) ten webhook executions fired together: ten MP4s, ten paid creates, spread over both workers', async () => {
		const mark = standIn.requests.length;
		const started = Date.now();
		const prompts = Array.from({ length: 10 }, (_, i) => `[render:1000] clip ${i} of ten`);
		const responses = await Promise.all(
			prompts.map(async (p) => {
				const r = await post('sora-video', p);
				return { status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
			}),
		);
		numbers.a_tenWebhooksS = (Date.now() - started) / 1000;
		for (const r of responses) {
			expect(`${r.status} ${r.type}`).toMatch(/^200 video\/mp4/);
			expect(r.body.equals(fixtures.video)).toBe(true);
		}
		const paid = paidOf(requestsSince(standIn, mark));
		expect(paid).toHaveLength(10);
		expect(paid.map((p) => p.bodySummary.fields.prompt).sort()).toEqual([...prompts].sort());
		expect(new Set(paid.map((p) => p.jobId)).size).toBe(10);

		const ids = executions('qHook').map((e) => e.id);
		expect(ids).toHaveLength(10);
		const perWorker = startedByWorker().map((list) => list.filter((id) => ids.includes(id)));
		numbers.a_executionsPerWorker = perWorker.map((l) => l.length);
		expect(perWorker[0].length).toBeGreaterThan(0);
		expect(perWorker[1].length).toBeGreaterThan(0);
		expect(perWorker[0].length + perWorker[1].length).toBe(10);
		expect(executions('qHook').every((e) => e.status === 'success')).toBe(true);
	});

	it('the long-render example: renders longer than the execution timeout, the worker that ran them killed while they are parked; each delivered once', async () => {
		const mark = standIn.requests.length;
		const started = await lr.postJson(cluster.main.webhookUrl(LONG_RENDER_PATH), {});
		expect(started.status).toBe(200);
		const stored = () => cluster.readExecutions(LONG_RENDER_ID);
		const parked = await lr.until(() => {
			const waiting = stored().filter((e) => e.status === 'waiting');
			return waiting.length === LONG_RENDER_PROMPTS.length && waiting;
		}, 90_000, () => 'every render parked');
		const entry = stored().find((e) => e.mode === 'webhook');
		const ranIt = cluster.workers.find((w) => new RegExp(`Worker started execution ${entry.id}\\b`).test(w.log()));
		const other = cluster.workers.find((w) => w !== ranIt);
		const killedAt = Date.now();
		await ranIt.kill();
		await lr.until(() => {
			const now = stored();
			const finished = now.every((e) => ['success', 'error', 'canceled', 'crashed'].includes(e.status));
			return finished && now.flatMap((e) => lr.itemsOf(e, lr.DELIVER)).length >= LONG_RENDER_PROMPTS.length;
		}, 200_000, () => 'every render delivered');
		await lr.sleep(3000); // nothing may arrive twice
		const executions = stored();

		const paid = paidOf(requestsSince(standIn, mark)).filter((r) => r.jobId);
		expect(paid.map((r) => r.bodySummary.fields.prompt).sort()).toEqual([...LONG_RENDER_PROMPTS].sort());
		const videos = paid.map((r) => r.jobId);
		const report = lr.videoReport(executions, videos, { startNode: 'Start Render', deliver: lr.DELIVER });
		numbers.lr_killedWorker = ranIt.name;
		numbers.lr_startRenderHeldS = lr.seconds(lr.heldMs(entry));
		numbers.lr_videos = report.map((v) => lr.videoNumbers(standIn, v));
		console.log(`long renders, n8n ${HOST_VERSION}, queue mode, ${ranIt.name} killed:\n${JSON.stringify(numbers.lr_videos, null, 2)}`);

		expect(executions.map((e) => `${e.id}:${e.status}`).filter((s) => !s.endsWith(':success'))).toEqual([]);
		for (const before of parked) {
			// resumed by the worker still alive, after the kill
			expect(executions.find((e) => e.id === before.id).stoppedAt).toBeGreaterThan(killedAt);
			expect(other.log()).toMatch(new RegExp(`Worker started execution ${before.id}\\b`));
		}
		for (const node of [lr.FAILED, lr.GAVE_UP]) expect(executions.filter((e) => lr.runDataOf(e)[node]).map((e) => e.id)).toEqual([]);
		for (const video of report) {
			expect(video.deliveries).toHaveLength(1);
			expect(video.deliveries[0].time).toBeGreaterThan(killedAt);
		}
		for (const video of numbers.lr_videos) expect(video.deliveredAfterCompletionS[0]).toBeLessThan(12);
		const delivered = executions.flatMap((e) => lr.itemsOf(e, lr.DELIVER));
		expect(delivered.map((i) => i.json.id).sort()).toEqual([...videos].sort());
		for (const item of delivered) expect(item.binary.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${item.json.id}.mp4` });
		const downloads = requestsSince(standIn, mark).filter((r) => r.method === 'GET' && /\/content$/.test(r.path) && r.status === 200);
		expect(downloads.map((r) => r.path).sort()).toEqual(videos.map((id) => `/v1/videos/${id}/content`).sort());

		// two workers again for the cases below
		await cluster.replaceWorker(ranIt.index);
	});

	describe('one worker left, concurrency 1', () => {
		beforeAll(async () => {
			await cluster.workers[1].stop();
		});

		it(`(b) ${N_B} renders of ${RENDER_B / 1000} s: wait in place serialises, a Wait node of 66 s frees the worker`, async () => {
			const prompt = (i) => `[render:${RENDER_B}] parallel ${i}`;
			// wait in place
			const started = Date.now();
			const rs = await Promise.all(Array.from({ length: N_B }, (_, i) => post('sora-inplace', prompt(i)).then(async (r) => [r.status, Buffer.from(await r.arrayBuffer())])));
			numbers.b_waitInPlaceTotalS = (Date.now() - started) / 1000;
			for (const [status, body] of rs) {
				expect(status).toBe(200);
				expect(body.equals(fixtures.video)).toBe(true);
			}

			// Wait-node loop, Wait 1 s: below 65 s the Wait node sleeps inside the worker (slot held)
			const short = await runLoops('sora-loop-short', 's', 'qLoopShort', 180_000);
			numbers.b_loopWait1sTotalS = short.totalS;
			numbers.b_loopWait1sCreateSpreadS = short.createSpreadS;

			// Wait-node loop, Wait 66 s: the execution is stored as waiting, the worker takes the next job
			const long = await runLoops('sora-loop-long', 'l', 'qLoopLong', 240_000);
			expect(long.paid).toHaveLength(N_B);
			numbers.b_loopWaitParkedTotalS = long.totalS;
			numbers.b_loopWaitParkedCreateSpreadS = long.createSpreadS;
			console.log(`(b) wait in place: ${numbers.b_waitInPlaceTotalS} s; loop with Wait 1 s: ${numbers.b_loopWait1sTotalS} s; loop with Wait 66 s: ${numbers.b_loopWaitParkedTotalS} s (creates within ${numbers.b_loopWaitParkedCreateSpreadS} s)`);
			// in place: one after another on the single slot
			expect(numbers.b_waitInPlaceTotalS).toBeGreaterThan((N_B * RENDER_B) / 1000 - 1);
			// 66 s loop: all renders started within one render time (the worker was free while they waited)
			expect(numbers.b_loopWaitParkedCreateSpreadS).toBeLessThan(RENDER_B / 1000);
		});

		it('(c) stopping a wait-in-place execution from the main instance stops the worker promptly', async () => {
			const mark = standIn.requests.length;
			const pending = post('sora-inplace', '[never] cancel me', 120_000).then(
				(r) => r.status,
				(e) => `error ${e.message}`,
			);
			const exec = await lr.until(() => executions('qInplace').find((e) => e.status === 'running'), 60_000, () => 'running execution');
			const job = await lr.until(() => paidOf(requestsSince(standIn, mark))[0], 30_000, () => 'create');
			await lr.sleep(1500); // let it poll a few times

			// owner (REST setup, no auth needed on a fresh instance), then the stop endpoint
			const headers = { 'content-type': 'application/json', 'browser-id': 'queue-test-browser' };
			const setup = await fetch(`${cluster.main.baseUrl}/rest/owner/setup`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ email: 'owner@example.com', firstName: 'Queue', lastName: 'Owner', password: 'QueueMode-Passw0rd' }),
			});
			expect(setup.status).toBe(200);
			const cookie = (setup.headers.get('set-cookie') || '').split(';')[0];
			const stopAt = Date.now();
			const stop = await fetch(`${cluster.main.baseUrl}/rest/executions/${exec.id}/stop`, { method: 'POST', headers: { ...headers, cookie } });
			const stopText = await stop.text();
			expect(`${stop.status} ${stopText.slice(0, 300)}`).toMatch(/^200/);
			const ended = new RegExp(`Worker (finished|errored while running) execution ${exec.id}\\b`);
			await lr.until(() => ended.test(cluster.workers[0].log()) || /cancel/i.test(cluster.workers[0].log().split(`execution ${exec.id}`).slice(-1)[0]), 30_000, () => 'worker to end the job').catch(() => undefined);
			numbers.c_stopRestCallS = (Date.now() - stopAt) / 1000;
			await lr.sleep(3000);
			const polls = requestsSince(standIn, mark).filter((r) => r.method === 'GET' && r.path === `/v1/videos/${job.jobId}`);
			const lastPoll = Math.max(...polls.map((r) => r.time));
			numbers.c_lastStatusPollAfterStopS = (lastPoll - stopAt) / 1000;
			numbers.c_executionStatus = executions('qInplace').find((e) => e.id === exec.id).status;
			numbers.c_webhookAnswer = await pending;
			console.log(`(c) stop: last status poll ${numbers.c_lastStatusPollAfterStopS} s after the stop request; status ${numbers.c_executionStatus}`);
			expect(numbers.c_lastStatusPollAfterStopS).toBeLessThan(1);
			expect(numbers.c_executionStatus).toBe('canceled');
		});

		it('(c) executionTimeout 3 s on a worker: the node ends its wait before the timeout, so the execution finishes and the caller hears which video it was', async () => {
			const mark = standIn.requests.length;
			const started = Date.now();
			// from 0.3.0 a wait ends in time before the workflow's own timeout (3 s here: at 2.25 s), so
			// n8n never has to cancel the execution, and what the node says is kept and answered
			const answer = await post('sora-timeout', '[render:8000] slower than the timeout', 20_000).then(
				async (r) => ({ status: r.status, type: r.headers.get('content-type'), text: Buffer.from(await r.arrayBuffer()).toString('utf8') }),
				(e) => ({ status: 0, type: '', text: `no answer after ${(Date.now() - started) / 1000} s (${e.name})` }),
			);
			numbers.c_timeoutAnswer = `${answer.status} ${answer.type} ${answer.text.length} bytes`;
			const ex = await lr.until(() => executions('qTimeout').find((e) => e.status !== 'running' && e.status !== 'new'), 60_000, () => 'timeout execution');
			numbers.c_timeoutStatus = ex.status;
			numbers.c_timeoutExecutionS = (ex.stoppedAt - ex.startedAt) / 1000;
			const job = paidOf(requestsSince(standIn, mark))[0];
			const polls = requestsSince(standIn, mark).filter((q) => q.method === 'GET' && q.path === `/v1/videos/${job.jobId}`);
			numbers.c_timeoutLastPollAfterStopS = (Math.max(...polls.map((q) => q.time)) - ex.stoppedAt) / 1000;
			console.log(`(c) executionTimeout 3 s: status ${ex.status} after ${numbers.c_timeoutExecutionS} s; answer ${numbers.c_timeoutAnswer}`);
			expect(ex.status).not.toBe('canceled');
			expect(numbers.c_timeoutExecutionS).toBeLessThan(3);
			expect(numbers.c_timeoutLastPollAfterStopS).toBeLessThan(1);
			expect(answer.type).not.toMatch(/video\/mp4/);
			expect(answer.text).toContain(job.jobId);
		});
	});
});
