/**
 * The Sora Video node in real n8n hosts (test/e2e/hosts.json), against the local CometAPI stand-in.
 * The package is built once (`npm run build`, skipped with E2E_SKIP_BUILD=1) and installed into each
 * host the way the Community Nodes panel does. Per host: one execution covers list, create+wait,
 * remix, retrieve, the three downloads, delete, a reference image from an upstream node's binary,
 * chat, and both Continue On Fail modes; further executions cover the default binary mode, a failed
 * job and a time-out. Install the hosts first: scripts/install-n8n-hosts.sh
 */
const { executeWorkflow, hostVersions, nodeError, nodeOutput, readBinary } = require('../../tools/n8n-harness');
const { fixtures } = require('../../tools/stand-in');
const { PROMPTS, STORYBOARD, badInputWorkflow, createOnly, mainWorkflow } = require('./fixtures/sora-workflows');
const { paidOf, requestsSince, sha256, useHostFolder, useSoraSuite } = require('./lib/sora-e2e');

// jest 29 ignores `testTimeout` inside a `projects` entry
jest.setTimeout(600_000);

const POLL = 0.25;
const suite = useSoraSuite({ timingsTitle: 'Sora node e2e timings', standIn: { renderMs: 1200, chatDelayMs: 30 } });
const { apiKey, timed } = suite;

/** @type {import('../../tools/n8n-harness/cli').WorkflowFixture} built once the stand-in's file host URL is known */
let main;
/** @type {Awaited<ReturnType<typeof import('../../tools/stand-in').startStandIn>>} */
let standIn;

beforeAll(() => {
	standIn = suite.standIn;
	main = mainWorkflow({
		referencePngBase64: fixtures.reference.toString('base64'),
		pollInterval: POLL,
		fileHostUrl: standIn.fileHostUrl,
	});
});

/** Creates videos directly on the stand-in (no n8n) until at least `count` are live, so List pages. */
async function ensureLiveVideos(count) {
	const live = () => [...standIn.jobs.values()].filter((job) => job.deletedMs === null).length;
	while (live() < count) {
		const batch = Math.min(25, count - live());
		await Promise.all(
			Array.from({ length: batch }, async (_, i) => {
				const response = await fetch(`${standIn.baseUrl}/v1/videos`, {
					method: 'POST',
					headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
					body: JSON.stringify({ prompt: `filler ${i} [render:1]` }),
				});
				if (response.status !== 200) throw new Error(`filler create: HTTP ${response.status}`);
				await response.arrayBuffer();
			}),
		);
	}
}

/** @param {import('../../tools/n8n-harness/cli').ExecuteResult} result */
function expectNoKeyLeak(result) {
	expect(result.stdout).not.toContain(apiKey);
	expect(result.stderr).not.toContain(apiKey);
}

/** @param {any} item @param {string} property */
function binaryOf(item, property = 'data') {
	expect(item.binary).toBeDefined();
	const binary = item.binary[property];
	expect(binary).toBeDefined();
	return binary;
}

const inDefaultMode = createOnly('soraDefault00001', PROMPTS.plain, { pollInterval: POLL, timeout: 60 });
const failed = createOnly('soraFailed000001', PROMPTS.failed, { pollInterval: 0.2, timeout: 60 });
const timesOut = createOnly('soraTimeout00001', PROMPTS.never, { pollInterval: 0.3, timeout: 2 });
const badInput = badInputWorkflow();

describe.each(hostVersions())('n8n %s', (version) => {
	const folder = useHostFolder(suite, version, { workflows: () => [main, inDefaultMode, failed, timesOut, badInput] });

	describe('every operation in one execution (filesystem binary mode)', () => {
		/** @type {import('../../tools/n8n-harness/cli').ExecuteResult} */
		let result;
		/** @type {any[]} */
		let requests;
		/** @param {string} name @param {number} [outputIndex] */
		const out = (name, outputIndex = 0) => nodeOutput(result.run, name, { outputIndex });

		beforeAll(async () => {
			await ensureLiveVideos(205);
			const mark = standIn.requests.length;
			result = await timed(version, 'execute all operations', () => executeWorkflow(folder, main.id));
			requests = requestsSince(standIn, mark);
		});

		it('loads the node and finishes the workflow (Continue On Fail keeps the failed items going)', () => {
			expect(result.run.data.resultData.runData.Create).toBeDefined();
			expect(result.exitCode).toBe(0);
			expect(result.run.status).toBe('success');
		});

		it('create waits until completed and attaches the MP4 as <id>.mp4 (filesystem mode)', () => {
			const [item, ...rest] = out('Create');
			expect(rest).toHaveLength(0);
			expect(item.json).toMatchObject({ object: 'video', status: 'completed', progress: 100, model: 'sora-2', seconds: '4', size: '1280x720' });
			expect(item.json.id).toMatch(/^video_/);
			expect(typeof item.json.expires_at).toBe('number');
			const binary = binaryOf(item);
			expect(binary).toMatchObject({ fileName: `${item.json.id}.mp4`, mimeType: 'video/mp4' });
			expect(binary.id).toMatch(/^filesystem/);
			expect(readBinary(folder, binary).equals(fixtures.video)).toBe(true);
			expect(item.pairedItem).toEqual({ item: 0 });
			const job = standIn.jobs.get(item.json.id);
			expect(job).toMatchObject({ prompt: PROMPTS.create, model: 'sora-2', seconds: '4', size: '1280x720' });
			// it polled: several status checks, and exactly one once the job was completed (the later
			// Retrieve node, after the remix request, checks the same video once more)
			const remixSeq = paidOf(requests).find((r) => r.path.endsWith('/remix')).seq;
			const polls = requests.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${item.json.id}` && r.seq < remixSeq);
			expect(polls.length).toBeGreaterThanOrEqual(2);
			expect(polls.filter((r) => r.time >= job.createdMs + job.renderMs)).toHaveLength(1);
		});

		it('remix waits for the new video and downloads it', () => {
			const created = out('Create')[0].json;
			const [item] = out('Remix');
			expect(item.json).toMatchObject({ status: 'completed', remixed_from_video_id: created.id, progress: 100 });
			expect(item.json.id).not.toBe(created.id);
			const binary = binaryOf(item);
			expect(binary).toMatchObject({ fileName: `${item.json.id}.mp4`, mimeType: 'video/mp4' });
			expect(readBinary(folder, binary).equals(fixtures.video)).toBe(true);
			const remixCalls = paidOf(requests).filter((r) => r.path === `/v1/videos/${created.id}/remix`);
			expect(remixCalls).toHaveLength(1);
			expect(remixCalls[0].bodySummary.json || remixCalls[0].bodySummary.fields).toMatchObject({ prompt: PROMPTS.remix });
		});

		it('retrieve returns the Video object once', () => {
			const created = out('Create')[0].json;
			const items = out('Retrieve');
			expect(items).toHaveLength(1);
			expect(items[0].json).toMatchObject({ id: created.id, status: 'completed', progress: 100, object: 'video' });
			expect(items[0].binary).toBeUndefined();
		});

		it.each([
			['Download Video', 'video', 'video', 'mp4', 'video/mp4'],
			['Download Thumbnail', 'thumbnail', 'thumbnail', 'webp', 'image/webp'],
			['Download Spritesheet', 'spritesheet', 'spritesheet', 'jpg', 'image/jpeg'],
		])('%s: the %s variant as binary', (nodeName, variant, property, extension, mimeType) => {
			const created = out('Create')[0].json;
			const [item] = out(nodeName);
			const fileName = `${created.id}.${extension}`;
			const bytes = fixtures[/** @type {'video'|'thumbnail'|'spritesheet'} */ (variant)];
			expect(item.json).toEqual({ id: created.id, variant, fileName, mimeType, fileSize: bytes.length });
			const binary = binaryOf(item, property);
			expect(binary).toMatchObject({ fileName, mimeType });
			expect(readBinary(folder, binary).equals(bytes)).toBe(true);
			const calls = requests.filter((r) => r.path === `/v1/videos/${created.id}/content` && r.query.variant === variant);
			// the video variant was also fetched once by Create's own download
			expect(calls).toHaveLength(variant === 'video' ? 2 : 1);
		});

		it('delete removes the video', () => {
			const remixed = out('Remix')[0].json;
			expect(out('Delete').map((i) => i.json)).toEqual([{ id: remixed.id, deleted: true }]);
			expect(standIn.jobs.get(remixed.id).deletedMs).not.toBeNull();
		});

		it('list with Return All pages through every video, newest first', () => {
			const listCalls = requests.filter((r) => r.method === 'GET' && r.path === '/v1/videos');
			const allCalls = listCalls.filter((r) => r.query.order === 'desc');
			const firstSeq = allCalls[0].seq;
			const deletedBefore = new Set(
				standIn.requests.filter((r) => r.method === 'DELETE' && r.status === 200 && r.seq < firstSeq).map((r) => r.path.split('/').pop()),
			);
			const expected = [...standIn.jobs.values()]
				.filter((job) => job.requestSeq < firstSeq && !deletedBefore.has(job.id))
				.sort((a, b) => b.seq - a.seq)
				.map((job) => job.id);
			expect(expected.length).toBeGreaterThan(200);
			const items = out('List All');
			expect(items.map((i) => i.json.id)).toEqual(expected);
			expect(allCalls).toHaveLength(Math.ceil(expected.length / 100));
			expect(allCalls.slice(1).every((r) => typeof r.query.after === 'string')).toBe(true);
			expect(items.every((i) => i.pairedItem && i.pairedItem.item === 0)).toBe(true);
			expect(items[0].json).toMatchObject({ object: 'video' });
		});

		it('list with a limit returns one page, oldest first', () => {
			const items = out('List First 3');
			const oldest = [...standIn.jobs.values()].sort((a, b) => a.seq - b.seq).filter((j) => j.deletedMs === null).slice(0, 3);
			expect(items.map((i) => i.json.id)).toEqual(oldest.map((j) => j.id));
		});

		it('uploads the reference image from the upstream node\'s binary field', () => {
			const [item] = out('Create with Reference');
			expect(item.json).toMatchObject({ status: 'queued', object: 'video' });
			expect(item.binary).toBeUndefined();
			const job = standIn.jobs.get(item.json.id);
			expect(job.inputReference).toMatchObject({
				kind: 'file',
				contentType: 'image/png',
				bytes: fixtures.reference.length,
				sha256: sha256(fixtures.reference),
				width: 64,
				height: 64,
			});
			const create = paidOf(requests).find((r) => r.jobId === item.json.id);
			expect(create.bodySummary.kind).toBe('multipart');
			expect(create.bodySummary.files).toEqual([expect.objectContaining({ name: 'input_reference', sha256: sha256(fixtures.reference) })]);
		});

		it('fetches a reference image URL without the API key and uploads it', () => {
			const [item] = out('Create with Reference URL');
			expect(item.json).toMatchObject({ status: 'queued', size: '400x90', seconds: '8' });
			const job = standIn.jobs.get(item.json.id);
			expect(job.inputReference).toMatchObject({ kind: 'file', contentType: 'image/jpeg', sha256: sha256(fixtures.spritesheet) });
			const fetched = requests.filter((r) => r.server === 'files' && r.path === '/files/first-frame.jpg');
			expect(fetched.length).toBeGreaterThanOrEqual(1);
			for (const r of fetched) expect(r.headers.authorization).toBeUndefined();
		});

		it('sends the character fields of the self-developed models', () => {
			const [item] = out('Create Storyboard');
			const job = standIn.jobs.get(item.json.id);
			expect(job).toMatchObject({
				model: 'sora-2-all',
				seconds: '10',
				characterUrl: `${standIn.fileHostUrl}/files/cameo.mp4`,
				characterTimestamps: '1,3',
			});
			// the character video is the API's to fetch, not the node's
			expect(requests.filter((r) => r.server === 'files' && r.path === '/files/cameo.mp4')).toHaveLength(0);
		});

		it('sends storyboard shots exactly in the documented prompt shape ("Shot 1:\\nduration: 4sec\\nScene: ...", LF line breaks)', () => {
			const [item] = out('Create Storyboard');
			const job = standIn.jobs.get(item.json.id);
			// JSON.stringify shows \r\n versus \n in the failure message
			expect(JSON.stringify(job.prompt)).toBe(JSON.stringify(STORYBOARD.prompt));
		});

		it('chat streams the answer and fetches the video link without the API key', () => {
			const [item] = out('Chat');
			expect(item.json.content).toContain('Video generated successfully');
			expect(item.json.videoUrl).toMatch(new RegExp(`^${standIn.fileHostUrl}/files/chat_[0-9a-f]+\\.mp4$`));
			const binary = binaryOf(item);
			expect(binary.mimeType).toBe('video/mp4');
			expect(binary.fileName).toMatch(/^chat_[0-9a-f]+\.mp4$/);
			expect(readBinary(folder, binary).equals(fixtures.video)).toBe(true);
			const fileRequests = requests.filter((r) => r.server === 'files');
			const path = new URL(item.json.videoUrl).pathname;
			expect(fileRequests.filter((r) => r.path === path)).toHaveLength(1);
			for (const r of fileRequests) {
				expect(r.headers.authorization).toBeUndefined();
				expect(JSON.stringify(r.headers)).not.toContain(apiKey);
			}
			const chats = paidOf(requests).filter((r) => r.path === '/v1/chat/completions');
			expect(chats).toHaveLength(1);
			expect(chats[0].bodySummary.json).toMatchObject({ model: 'sora-2', stream: true });
		});

		it('Continue On Fail (regular output): the failed item becomes {error, videoId}, the good one has its video, order and pairedItem kept', () => {
			const items = out('Create (continue)');
			expect(items).toHaveLength(2);
			const [bad, good] = items;
			expect(bad.pairedItem).toEqual({ item: 0 });
			expect(good.pairedItem).toEqual({ item: 1 });
			expect(Object.keys(bad.json).sort()).toEqual(expect.arrayContaining(['error', 'videoId']));
			expect(bad.json.videoId).toMatch(/^video_/);
			expect(bad.json.error).toContain(bad.json.videoId);
			expect(bad.json.error).toContain('Your request was blocked by our moderation system.');
			expect(bad.binary).toBeUndefined();
			expect(standIn.jobs.get(bad.json.videoId)).toMatchObject({ prompt: PROMPTS.continueFail, fail: true });
			expect(good.json).toMatchObject({ status: 'completed' });
			expect(standIn.jobs.get(good.json.id).prompt).toBe(PROMPTS.continueGood);
			expect(readBinary(folder, binaryOf(good)).equals(fixtures.video)).toBe(true);
		});

		it('works on the items of one node side by side: both creates are sent before either job is polled', () => {
			const [bad, good] = out('Create (continue)');
			const ids = [bad.json.videoId, good.json.id];
			const creates = paidOf(requests).filter((r) => ids.includes(r.jobId));
			expect(creates).toHaveLength(2);
			const firstPoll = requests.find((r) => r.method === 'GET' && ids.some((id) => r.path === `/v1/videos/${id}`));
			expect(Math.max(...creates.map((r) => r.seq))).toBeLessThan(firstPoll.seq);
		});

		it('Continue On Fail (error output): the failed item goes to the error output, the good one to the success output', () => {
			// n8n moves an item to the error output only when it carries `item.error`, and then shows it
			// as { error } alone (WorkflowExecute, both hosts): the message itself names the video
			const failure = out('Create (error output)', 1);
			expect(out('Create (error output)', 0).map((item) => item.json.status)).toEqual(['completed']);
			expect(failure).toHaveLength(1);
			expect(failure[0].json).toEqual({ error: expect.stringMatching(/^Video video_\w+ failed: Your request was blocked by our moderation system\./) });
			const videoId = /video_\w+/.exec(failure[0].json.error)[0];
			expect(paidOf(requests).some((r) => r.jobId === videoId)).toBe(true);
		});

		it('sends every paid request once: 8 creates, 1 remix, 1 chat', () => {
			const paid = paidOf(requests);
			const creates = paid.filter((r) => r.method === 'POST' && r.path === '/v1/videos');
			expect(creates).toHaveLength(8);
			expect(paid.filter((r) => r.path.endsWith('/remix'))).toHaveLength(1);
			expect(paid.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
			expect(paid).toHaveLength(10);
			const jobIds = paid.map((r) => r.jobId);
			expect(jobIds.every(Boolean)).toBe(true);
			expect(new Set(jobIds).size).toBe(jobIds.length);
			// line breaks compared loosely here: the storyboard test checks them
			const prompts = creates.map((r) => String((r.bodySummary.fields || r.bodySummary.json || {}).prompt).replace(/\r\n/g, '\n')).sort();
			expect(prompts).toEqual(
				[
					PROMPTS.create,
					PROMPTS.reference,
					PROMPTS.referenceUrl,
					STORYBOARD.prompt,
					PROMPTS.continueFail,
					PROMPTS.continueGood,
					PROMPTS.continueFail,
					PROMPTS.continueGood,
				].sort(),
			);
		});

		it('never shows the API key in the output or the log, and sends it to the API only', () => {
			expectNoKeyLeak(result);
			for (const r of requests) {
				if (r.server === 'api') expect(r.headers.authorization).toBe(`Bearer ${apiKey}`);
				else expect(r.headers.authorization).toBeUndefined();
			}
		});
	});

	it('create with wait attaches the MP4 inline in default binary mode (download via a 302 to the file host, without the key)', async () => {
		standIn.setOptions({ contentRedirect: true });
		const mark = standIn.requests.length;
		let result;
		try {
			result = await timed(version, 'execute create [default binary mode]', () =>
				executeWorkflow(folder, inDefaultMode.id, { env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' } }),
			);
		} finally {
			standIn.setOptions({ contentRedirect: false });
		}
		const requests = requestsSince(standIn, mark);
		expect(result.exitCode).toBe(0);
		const [item] = nodeOutput(result.run, 'Create');
		expect(item.json).toMatchObject({ status: 'completed', progress: 100 });
		const binary = binaryOf(item);
		expect(binary).toMatchObject({ fileName: `${item.json.id}.mp4`, mimeType: 'video/mp4' });
		expect(binary.id).toBeUndefined();
		expect(Buffer.from(binary.data, 'base64').equals(fixtures.video)).toBe(true);
		expect(paidOf(requests)).toHaveLength(1);
		const content = requests.filter((r) => r.path === `/v1/videos/${item.json.id}/content`);
		expect(content.map((r) => r.status)).toEqual([302]);
		const file = requests.filter((r) => r.server === 'files');
		expect(file.map((r) => [r.path, r.status])).toEqual([[`/files/${item.json.id}.mp4`, 200]]);
		expect(file[0].headers.authorization).toBeUndefined();
		expectNoKeyLeak(result);
	});

	/**
	 * Runs a workflow whose one Create fails (exit code 1) after paying exactly once; the node's
	 * error names that video.
	 * @param {string} step @param {{ id: string }} workflow
	 */
	async function runFailingCreate(step, workflow) {
		const mark = standIn.requests.length;
		const result = await timed(version, step, () => executeWorkflow(folder, workflow.id));
		const requests = requestsSince(standIn, mark);
		expect(result.exitCode).toBe(1);
		const paid = paidOf(requests);
		expect(paid).toHaveLength(1);
		const videoId = paid[0].jobId;
		const error = nodeError(result.run, 'Create');
		expect(error.message).toContain(videoId);
		return { result, requests, videoId, error };
	}

	it('a failed job fails the execution (exit code 1) with the video id and the moderation message, created once', async () => {
		const { result, requests, videoId, error } = await runFailingCreate('execute failed job', failed);
		expect(result.run.status).toBe('error');
		expect(error.message).toContain('Your request was blocked by our moderation system.');
		// polling stops at the first answer that says failed, and a failed video is not downloaded
		const job = standIn.jobs.get(videoId);
		const failedAt = job.createdMs + job.renderMs;
		const pollsAfterFailure = requests.filter((r) => r.path === `/v1/videos/${videoId}` && r.time >= failedAt);
		expect(pollsAfterFailure).toHaveLength(1);
		expect(requests.filter((r) => r.path.endsWith('/content'))).toHaveLength(0);
		expectNoKeyLeak(result);
	});

	it('a wait that times out names the video id, its last status and progress, and how to continue', async () => {
		const started = Date.now();
		const { result, requests, videoId, error } = await runFailingCreate('execute time-out (2 s)', timesOut);
		expect(error.message).toContain('in_progress');
		expect(error.message).toContain('42%');
		expect(`${error.message} ${error.description}`).toMatch(/Retrieve|Download/);
		expect(error.description).toContain(videoId);
		expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
		const polls = requests.filter((r) => r.path === `/v1/videos/${videoId}`);
		expect(polls.length).toBeGreaterThanOrEqual(3);
		expectNoKeyLeak(result);
	});

	it('bad input stops the node before any paid request, naming the item and the field', async () => {
		const mark = standIn.requests.length;
		const result = await timed(version, 'execute bad input', () => executeWorkflow(folder, badInput.id));
		expect(result.exitCode).toBe(1);
		const error = nodeError(result.run, 'Create');
		expect(error.message).toMatch(/Item 1\b/);
		expect(error.message).toContain('size');
		expect(error.message).toContain('720p');
		expect(paidOf(requestsSince(standIn, mark))).toHaveLength(0);
		expect(requestsSince(standIn, mark)).toHaveLength(0);
	});
});
