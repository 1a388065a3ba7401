/**
 * Issue 18: the hand-over examples in `n8n start` (regular mode, as self-hosted n8n and n8n Cloud
 * run), with renders longer than the workflow's own execution timeout, and n8n killed with SIGKILL
 * while every render's execution is parked in a Wait node. n8n is started again on the same user
 * folder; every video must then be delivered exactly once, from one paid create each.
 *
 * Timing (seconds), chosen so one run takes about two minutes: executionTimeout 100, renders of
 * 104-108, Start Render waits 10, Check Render 25, the Wait 66 (n8n parks a Wait of 65 s only
 * when its clock does not tick between two reads; 66 always parks). An execution that checked (25)
 * and parked (66) has 9 s of its timeout left when it resumes:
 * enough to hand over, which is all it does then. The next execution delivers.
 */
const { fixtures } = require('../../tools/stand-in');
const { hostVersions, readBinary, readExecutions, startN8n } = require('../../tools/n8n-harness');
const { paidOf, requestsSince, sha256, useHostFolder, useSoraSuite } = require('./lib/sora-e2e');
const lr = require('./lib/long-renders');

// jest 29 ignores `testTimeout` inside a `projects` entry
jest.setTimeout(600_000);

const TIMING = { executionTimeoutS: 100, createTimeoutS: 10, checkTimeoutS: 25, waitS: 66 };
const LOOP_PROMPTS = ['[render:104000] a train along a cliff', '[render:106000] a paper boat in the rain', '[render:108000] coffee poured in slow motion'];
const HOOK_PROMPT = '[render:106000] a lighthouse in a storm';
const LOOP_PATH = 'long-renders-start';
const HOOK_PATH = 'cometapi-video';
/** Executions that are not finished yet. */
const UNFINISHED = new Set(['new', 'running', 'waiting', 'unknown']);

const suite = useSoraSuite({ timingsTitle: 'Long renders e2e timings' });
/** @param {import('../../tools/n8n-harness/executions').StoredExecution[]} executions */
const statusLine = (executions) => executions.map((e) => `${e.id}:${e.mode}:${e.status}`).join(' ');

describe.each(hostVersions())('n8n %s (n8n start): renders longer than the execution timeout, n8n killed while they are parked', (version) => {
	const loop = lr.longRenderWorkflow('lrLoopKill0001', { path: LOOP_PATH, prompts: LOOP_PROMPTS, timing: TIMING });
	const hook = lr.webhookWorkflow('lrHookKill0001', TIMING);
	const folder = useHostFolder(suite, version, { workflows: [loop, hook] });
	/** @type {Awaited<ReturnType<typeof lr.startCallbackReceiver>>} */
	let receiver;
	beforeAll(async () => {
		receiver = await lr.startCallbackReceiver();
	});
	afterAll(async () => {
		if (receiver) await receiver.close();
	});

	it('delivers every video exactly once after the restart, from one paid create each', async () => {
		const { standIn, apiKey, timed } = suite;
		const mark = standIn.requests.length;
		const all = () => [...readExecutions(folder, loop.id), ...readExecutions(folder, hook.id)];

		const first = await timed(version, 'publish + n8n start', () => startN8n(folder, { activate: [loop.id, hook.id], webhook: { path: HOOK_PATH } }));
		const started = await lr.postWhenLive(first.webhookUrl(LOOP_PATH), {});
		expect(started.status).toBe(200);
		const accepted = await lr.postWhenLive(first.webhookUrl(HOOK_PATH), { prompt: HOOK_PROMPT, callbackUrl: receiver.url() });
		expect(`${accepted.status} ${accepted.text}`).toMatch(/^202 /);
		expect(accepted.ms).toBeLessThan(1000);

		// every render's execution checked once and is parked in the database
		const parked = await lr.until(
			() => {
				const waiting = all().filter((e) => e.status === 'waiting');
				return waiting.length === LOOP_PROMPTS.length + 1 && waiting;
			},
			90_000,
			() => statusLine(all()),
		);
		expect(parked.every((e) => e.mode === 'integrated' && e.waitTill !== null)).toBe(true);
		expect(receiver.received).toEqual([]);

		// n8n polls for due executions at start-up and every 60 s after. Killed 45 s before the
		// first resume, the restarted n8n finds them at its start-up poll, and its next poll comes
		// some 20 s after they resumed: n8n 1.x resumes without claiming the execution, and a
		// poll that finds one while it resumes starts it a second time (2.x claims it atomically)
		await lr.sleep(Math.min(...parked.map((e) => /** @type {number} */ (e.waitTill))) - 45_000 - Date.now());
		const killedAt = Date.now();
		await first.kill();
		const second = await timed(version, 'n8n start again after SIGKILL', () => startN8n(folder, { webhook: { path: HOOK_PATH } }));
		const downS = lr.seconds(Date.now() - killedAt);

		const finished = await lr.until(
			() => {
				const executions = all();
				return executions.every((e) => !UNFINISHED.has(e.status)) && receiver.received.length > 0 && executions;
			},
			200_000,
			() => statusLine(all()),
		);
		await lr.sleep(3000); // nothing may arrive twice
		const executions = all();
		expect(executions.length).toBe(finished.length);
		await timed(version, 'stop n8n', () => second.stop());

		// one paid create per video, each render longer than any execution may last
		const paid = paidOf(requestsSince(standIn, mark)).filter((r) => r.jobId);
		expect(paid.map((r) => r.bodySummary.fields.prompt).sort()).toEqual([...LOOP_PROMPTS, HOOK_PROMPT].sort());
		const videoOf = (/** @type {string} */ prompt) => /** @type {string} */ (paid.find((r) => r.bodySummary.fields.prompt === prompt).jobId);
		const loopVideos = LOOP_PROMPTS.map(videoOf);
		const hookVideo = videoOf(HOOK_PROMPT);
		expect(accepted.json).toEqual({ id: hookVideo, status: 'queued' });
		for (const id of paid.map((r) => r.jobId)) expect(standIn.jobs.get(id).renderMs).toBeGreaterThan(TIMING.executionTimeoutS * 1000);

		const loopExecutions = executions.filter((e) => e.workflowId === loop.id);
		const loopReport = lr.videoReport(loopExecutions, loopVideos, { startNode: 'Start Render', deliver: lr.DELIVER });
		const hookReport = lr.videoReport(
			executions.filter((e) => e.workflowId === hook.id),
			[hookVideo],
			{ startNode: 'Start Render', deliver: 'Send Video to Callback' },
		);
		const callbacks = receiver.received;
		const report = {
			host: version,
			restarts: 1,
			downS,
			restartS: lr.seconds(second.startupMs),
			answer202Ms: accepted.ms,
			startRenderHeldS: lr.seconds(lr.heldMs(/** @type {any} */ (loopExecutions.find((e) => lr.runDataOf(e)['Start Render'])))),
			longestExecutionS: lr.seconds(Math.max(...executions.map(lr.spanMs))),
			videos: [
				...loopReport.map((v) => ({ example: lr.LONG_RENDER, ...lr.videoNumbers(standIn, v) })),
				{ example: lr.WEBHOOK, ...lr.videoNumbers(standIn, hookReport[0], callbacks.map((c) => c.time)) },
			],
		};
		console.log(`long renders, n8n ${version}, regular mode:\n${JSON.stringify(report, null, 2)}`);

		// every execution ended well; those parked at the kill finished in the new process
		expect(statusLine(executions)).not.toMatch(/:(error|crashed|canceled)\b/);
		for (const before of parked) {
			const after = executions.find((e) => e.id === before.id);
			expect(after && after.status).toBe('success');
			expect(/** @type {any} */ (after).stoppedAt).toBeGreaterThan(killedAt);
		}
		for (const node of [lr.FAILED, lr.GAVE_UP, 'Failure Notice', 'Unfinished Notice']) {
			expect(executions.filter((e) => lr.runDataOf(e)[node]).map((e) => e.id)).toEqual([]);
		}

		// each video delivered once, after the restart, in the first check after it: within one poll interval (10 s) of its completion
		for (const video of [...loopReport, ...hookReport]) {
			expect(video.deliveries).toHaveLength(1);
			expect(video.deliveries[0].time).toBeGreaterThan(killedAt);
		}
		for (const video of report.videos) {
			expect(video.deliveredAfterCompletionS).toHaveLength(1);
			expect(video.deliveredAfterCompletionS[0]).toBeLessThan(12);
		}

		// no execution lasted as long as its timeout, parked time included; every video took longer than that
		for (const execution of executions) expect(lr.spanMs(execution)).toBeLessThan(TIMING.executionTimeoutS * 1000);
		for (const video of loopReport) expect(video.deliveries[0].time - standIn.jobs.get(video.videoId).createdMs).toBeGreaterThan(TIMING.executionTimeoutS * 1000);
		expect(callbacks[0].time - standIn.jobs.get(hookVideo).createdMs).toBeGreaterThan(TIMING.executionTimeoutS * 1000);

		// the long-render example: Store the Video got each video's MP4
		const stored = loopExecutions.flatMap((e) => lr.itemsOf(e, lr.DELIVER));
		expect(stored.map((i) => i.json.id).sort()).toEqual([...loopVideos].sort());
		for (const item of stored) expect(readBinary(folder, item.binary.data).equals(fixtures.video)).toBe(true);

		// the webhook example: the caller's URL got the MP4 once, and nothing of the key
		expect(callbacks).toHaveLength(1);
		expect(callbacks[0]).toMatchObject({ method: 'POST', url: '/videos', sha256: sha256(fixtures.video) });
		expect(callbacks[0].headers).toMatchObject({ 'content-type': 'video/mp4', 'x-video-id': hookVideo });
		expect(lr.receivedText(callbacks)).not.toContain(apiKey);

		// the stand-in served each MP4 once
		const downloads = requestsSince(standIn, mark).filter((r) => r.method === 'GET' && /\/content$/.test(r.path) && r.status === 200);
		expect(downloads.map((r) => r.path).sort()).toEqual([...loopVideos, hookVideo].map((id) => `/v1/videos/${id}/content`).sort());
		expect(first.log() + second.log()).not.toContain(apiKey);
	});
});
