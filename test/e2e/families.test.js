/**
 * Every model family of /v1/videos through node version 3 in real n8n hosts (test/e2e/hosts.json),
 * against the CometAPI stand-in, which serves each family as cometapi-video-models.md describes
 * (task_ ids; Seedance's upper-case status words, no content route and a signed video_url on
 * another host). Per host: one execution holds a branch per family (Veo, Seedance with two
 * reference images, Wan text-only and with a reference it refuses, a model the catalogue does not
 * know, in the Model field and by expression, Download and Retrieve with wait of task ids); one
 * more lets a retired model fail the run; and one each runs a Create as 0.2.0 saved it (node
 * versions 1 and 2). Prints per host: executions, wall time, paid requests and bytes per family.
 */
const { executeWorkflow, hostVersions, nodeError, nodeOutput, readBinary } = require('../../tools/n8n-harness');
const { fixtures } = require('../../tools/stand-in');
const { PROMPTS, UNKNOWN_MODEL, familiesWorkflow, retiredWorkflow, savedWorkflows } = require('./fixtures/family-workflows');
const { paidOf, requestsSince, sha256, useHostFolder, useSoraSuite } = require('./lib/sora-e2e');

// jest 29 ignores `testTimeout` inside a `projects` entry
jest.setTimeout(600_000);

const POLL = 0.25;
const suite = useSoraSuite({ timingsTitle: 'Model family e2e timings', standIn: { renderMs: 1200 } });
const { apiKey, timed } = suite;
/** @type {Awaited<ReturnType<typeof import('../../tools/stand-in').startStandIn>>} */
let standIn;
/** @type {import('../../tools/n8n-harness/cli').WorkflowFixture} */
let main;
const retired = retiredWorkflow(POLL);
const saved = savedWorkflows(POLL);
/** @type {string[]} */
const measured = [];

beforeAll(() => {
	standIn = suite.standIn;
	main = familiesWorkflow({ pngBase64: fixtures.reference.toString('base64'), webpBase64: fixtures.thumbnail.toString('base64'), pollInterval: POLL });
});
afterAll(() => {
	if (measured.length) console.log(`Model family e2e, per host:\n${measured.join('\n')}`);
});

/** @param {{ stdout: string, stderr: string }} result */
function expectNoKeyLeak(result) {
	expect(result.stdout).not.toContain(apiKey);
	expect(result.stderr).not.toContain(apiKey);
}

/** The create request's multipart text fields. @param {any} request */
const sentFields = (request) => request.bodySummary.fields;

/** The video id a file request is for: `/v1/videos/<id>/content`, `/signed/<id>.mp4`, `/v1/video-files/<id>.mp4`. @param {string} path */
const fileRequestId = (path) => (/^\/v1\/videos\/([^/]+)\/content$/.exec(path) || /^\/(?:signed|v1\/video-files)\/([^/]+)\.mp4$/.exec(path) || [])[1];

/**
 * Paid requests and downloaded video bytes per family, from the stand-in's log.
 * @param {any[]} requests
 */
function perFamily(requests) {
	/** @type {Map<string, { paid: number, bytes: number }>} */
	const families = new Map();
	const entry = (/** @type {string} */ family) => families.get(family) || families.set(family, { paid: 0, bytes: 0 }).get(family);
	for (const r of paidOf(requests)) entry(r.jobId ? standIn.jobs.get(r.jobId).family : 'no job').paid += 1;
	for (const r of requests) {
		const id = fileRequestId(r.path);
		if (id && r.status === 200 && standIn.jobs.has(id)) entry(standIn.jobs.get(id).family).bytes += r.bytesSent || 0;
	}
	return [...families].map(([family, { paid, bytes }]) => `${family} ${paid} paid, ${bytes} B`).join('; ');
}

describe.each(hostVersions())('n8n %s', (version) => {
	let executions = 0;
	let started = 0;
	let hostMark = 0;
	// before the folder's set-up, so the wall time includes the install and the imports
	beforeAll(() => {
		started = Date.now();
		hostMark = standIn.requests.length;
	});
	const folder = useHostFolder(suite, version, { workflows: () => [main, retired, saved.v1, saved.v2] });
	/** @param {string} step @param {{ id: string }} workflow */
	const execute = (step, workflow) => {
		executions += 1;
		return timed(version, step, () => executeWorkflow(folder, workflow.id));
	};
	afterAll(() => {
		const requests = requestsSince(standIn, hostMark);
		measured.push(
			`  n8n ${version.padEnd(9)} ${executions} executions, ${((Date.now() - started) / 1000).toFixed(1)} s wall (import included), ` +
				`${paidOf(requests).length} paid requests; ${perFamily(requests)}`,
		);
	});

	describe('every family in one execution (node version 3)', () => {
		/** @type {import('../../tools/n8n-harness/cli').ExecuteResult} */
		let result;
		/** @type {any[]} */
		let requests;
		/** @param {string} name */
		const out = (name) => nodeOutput(result.run, name);
		/** @param {string} id */
		const fileRequests = (id) => requests.filter((r) => fileRequestId(r.path) === id);
		/** @param {string} id */
		const createOf = (id) => {
			const creates = paidOf(requests).filter((r) => r.jobId === id);
			expect(creates).toHaveLength(1);
			return creates[0];
		};
		/** The MP4 in an output item, compared byte for byte with what the stand-in serves. @param {any} item @param {string} [property] */
		const expectVideo = (item, property = 'data') => {
			const binary = item.binary && item.binary[property];
			expect(binary).toMatchObject({ fileName: `${item.json.id}.mp4`, mimeType: 'video/mp4' });
			expect(readBinary(folder, binary).equals(fixtures.video)).toBe(true);
		};
		/** Fetched once through the content route, with the key, and never from the file host. @param {string} id */
		const expectContentRoute = (id) => {
			const files = fileRequests(id);
			expect(files.map((r) => [r.server, r.path, r.status])).toEqual([['api', `/v1/videos/${id}/content`, 200]]);
			expect(files[0].headers.authorization).toBe(`Bearer ${apiKey}`);
		};
		/** Fetched from the signed video_url on the file host, never with an Authorization header. @param {string} id */
		const signedDownloads = (id) => {
			const signed = standIn.fileHostRequests().filter((r) => requests.includes(r) && r.path === `/signed/${id}.mp4`);
			for (const r of signed) {
				expect(r.status).toBe(200);
				expect(r.denied).toBeNull();
				expect(r.headers.authorization).toBeUndefined();
				expect(JSON.stringify(r.headers)).not.toContain(apiKey);
			}
			return signed;
		};

		beforeAll(async () => {
			const mark = standIn.requests.length;
			result = await execute('execute every family', main);
			requests = requestsSince(standIn, mark);
		});

		it('finishes the workflow (the refused Wan item continues as an error item)', () => {
			expect(result.exitCode).toBe(0);
			expect(result.run.status).toBe('success');
		});

		it('Veo: create + wait sends seconds and size as given, attaches the MP4 fetched from /content with the key', () => {
			const [item, ...rest] = out('Create Veo');
			expect(rest).toHaveLength(0);
			expect(item.json).toMatchObject({ object: 'video', model: 'veo3.1-fast', status: 'completed', progress: 100 });
			expect(item.json.id).toMatch(/^task_/);
			expect(item.json.task_id).toBe(item.json.id);
			expect(sentFields(createOf(item.json.id))).toEqual({ model: 'veo3.1-fast', prompt: PROMPTS.veo, seconds: '8', size: '720x1280' });
			expect(standIn.jobs.get(item.json.id)).toMatchObject({ family: 'veo', seconds: '8', size: '720x1280', inputReferences: [] });
			expectVideo(item);
			expectContentRoute(item.json.id);
		});

		it('Seedance 2.0: two reference images from upstream binaries go out in order, upper-case statuses are waited through, the MP4 comes from the signed video_url without the key', () => {
			const [item] = out('Create Seedance');
			const { id } = item.json;
			expect(id).toMatch(/^task_/);
			expect(item.json).toMatchObject({ model: 'doubao-seedance-2-0', status: 'SUCCESS', progress: 100 });
			const create = createOf(id);
			expect(create.bodySummary.kind).toBe('multipart');
			expect(sentFields(create)).toEqual({ model: 'doubao-seedance-2-0', prompt: PROMPTS.seedance, seconds: '5', size: '9:16', resolution: '480p' });
			const references = [
				{ contentType: 'image/png', bytes: fixtures.reference.length, sha256: sha256(fixtures.reference) },
				{ contentType: 'image/webp', bytes: fixtures.thumbnail.length, sha256: sha256(fixtures.thumbnail) },
			];
			expect(create.bodySummary.files).toEqual(references.map((r) => expect.objectContaining({ name: 'input_reference', ...r })));
			const job = standIn.jobs.get(id);
			expect(job.inputReferences).toEqual(references.map((r) => expect.objectContaining({ kind: 'file', ...r })));
			// Create went straight to the video_url (Seedance has no content route): Download's is the only /content request
			const [fetched] = signedDownloads(id);
			expect(fetched).toBeDefined();
			expectVideo(item);
			// it kept polling while the stand-in answered SUBMITTED / IN_PROGRESS, and fetched the file after the one that said SUCCESS
			const polls = requests.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}` && r.seq < fetched.seq);
			const doneAt = job.createdMs + job.renderMs;
			expect(polls.filter((r) => r.time < doneAt).length).toBeGreaterThanOrEqual(1);
			expect(polls.filter((r) => r.time >= doneAt)).toHaveLength(1);
		});

		it('Download of a Seedance task id: the content route answers 404, the file comes from the job\'s video_url, without the key', () => {
			const { id } = out('Create Seedance')[0].json;
			const [item] = out('Download Seedance');
			expect(item.json).toEqual({ id, variant: 'video', fileName: `${id}.mp4`, mimeType: 'video/mp4', fileSize: fixtures.video.length });
			expectVideo(item, 'video');
			const content = fileRequests(id).filter((r) => r.server === 'api');
			expect(content.map((r) => [r.path, r.status])).toEqual([[`/v1/videos/${id}/content`, 404]]);
			const signed = signedDownloads(id);
			// one for Create, one for Download (after its content request)
			expect(signed).toHaveLength(2);
			expect(signed[1].seq).toBeGreaterThan(content[0].seq);
		});

		it('Retrieve with wait picks up a task started without waiting (upper-case statuses) and attaches its MP4', () => {
			const [startedItem] = out('Start Seedance');
			expect(startedItem.json).toMatchObject({ model: 'doubao-seedance-2-0-fast', status: 'SUBMITTED' });
			expect(startedItem.binary).toBeUndefined();
			const { id } = startedItem.json;
			expect(id).toMatch(/^task_/);
			const [item] = out('Retrieve Seedance');
			expect(item.json).toMatchObject({ id, status: 'SUCCESS', progress: 100 });
			expectVideo(item);
			expect(signedDownloads(id)).toHaveLength(1);
			// Resolution was left at the model's default, which the form fills in
			expect(sentFields(createOf(id))).toEqual({ model: 'doubao-seedance-2-0-fast', prompt: PROMPTS.seedanceLater, seconds: '4', size: '16:9', resolution: '720p' });
		});

		it('Wan 2.6 text-only: sends 10 s and 1088x832, attaches the MP4 from /content', () => {
			const [item] = out('Create Wan');
			expect(item.json).toMatchObject({ model: 'wan2.6', status: 'completed' });
			expect(sentFields(createOf(item.json.id))).toEqual({ model: 'wan2.6', prompt: PROMPTS.wan, seconds: '10', size: '1088x832' });
			expectVideo(item);
			expectContentRoute(item.json.id);
		});

		it('Wan 2.6 (by expression) with a reference image is refused before paying, naming the item, the field and the model', () => {
			const items = out('Create Wan with Reference');
			expect(items).toHaveLength(1);
			const [item] = items;
			expect(item.json.error).toBe('Item 0, field "Reference Image Field": wan2.6 makes videos from text only and takes no reference image');
			expect(item.json.description).toBe('Remove the reference image, or choose a model that takes one.');
			expect(item.binary).toBeUndefined();
			const attempts = requests.filter((r) => r.paidRoute && sentFields(r) && sentFields(r).prompt === PROMPTS.wanWithReference);
			expect(attempts).toHaveLength(0);
		});

		it.each([
			['Create Unknown Model', PROMPTS.unknown, '7', '1000x600'],
			['Create Unknown by Expression', PROMPTS.unknownByExpression, '3', '640x480'],
		])('%s: a model the catalogue does not know gets seconds and size unchanged, nothing else, and its MP4', (node, prompt, seconds, size) => {
			const [item] = out(node);
			expect(item.json).toMatchObject({ model: UNKNOWN_MODEL, status: 'completed' });
			expect(sentFields(createOf(item.json.id))).toEqual({ model: UNKNOWN_MODEL, prompt, seconds, size });
			expect(standIn.jobs.get(item.json.id)).toMatchObject({ family: 'unknown', seconds, size });
			expectVideo(item);
			expectContentRoute(item.json.id);
		});

		it('pays once per Create node: 6 creates, each with its model, nothing for the refused item', () => {
			const paid = paidOf(requests);
			expect(paid.map((r) => sentFields(r).model).sort()).toEqual(
				['veo3.1-fast', 'doubao-seedance-2-0', 'doubao-seedance-2-0-fast', 'wan2.6', UNKNOWN_MODEL, UNKNOWN_MODEL].sort(),
			);
			expect(requests.filter((r) => r.paidRoute)).toHaveLength(paid.length);
			expect(new Set(paid.map((r) => r.jobId)).size).toBe(6);
		});

		it('sends the key only to the API: never to the file host, never in the output or the log', () => {
			expectNoKeyLeak(result);
			for (const r of requests) {
				if (r.server === 'api') expect(r.headers.authorization).toBe(`Bearer ${apiKey}`);
				else expect(r.headers.authorization).toBeUndefined();
			}
		});
	});

	it('a retired model (sora-2, answered 503 model_not_found) fails the item once, unpaid, naming the model and the video models the account serves', async () => {
		standIn.setOptions({ retiredModels: ['sora-2'] });
		const mark = standIn.requests.length;
		let result;
		try {
			result = await execute('execute retired model', retired);
		} finally {
			standIn.setOptions({ retiredModels: [] });
		}
		const requests = requestsSince(standIn, mark);
		expect(result.exitCode).toBe(1);
		const attempts = requests.filter((r) => r.paidRoute);
		expect(attempts).toHaveLength(1);
		expect(attempts[0]).toMatchObject({ status: 503, refused: true, paid: false });
		expect(attempts[0].jobId).toBeFalsy();
		expect(sentFields(attempts[0])).toMatchObject({ model: 'sora-2', prompt: PROMPTS.retired });
		const error = nodeError(result.run, 'Create');
		expect(error.message).toMatch(/^The model sora-2 is not served by this CometAPI account or relay \(.*No available channel for model sora-2/);
		expect(error.description).toMatch(/^Nothing was started and nothing was paid for\. Video models it serves: .+\. Choose one of them as Model\.$/);
		const served = /Video models it serves: (.+?)(?:, …)?\. Choose/.exec(error.description)[1].split(', ');
		expect(served.slice(0, 3)).toEqual(['sora-2-pro', 'sora-2-all', 'sora-2-pro-all']);
		expect(served).toEqual(expect.arrayContaining(['veo3.1-fast', 'doubao-seedance-2-0', 'wan2.6']));
		expect(served).not.toContain('sora-2');
		expect(requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
		expect(requests.filter((r) => r.path.startsWith('/v1/videos/'))).toHaveLength(0);
		expectNoKeyLeak(result);
	});

	it.each([
		['1', 'v1', PROMPTS.savedV1, '8', '720x1280'],
		['2', 'v2', PROMPTS.savedV2, '4', '1280x720'],
	])('a version-%s Create as 0.2.0 saved it still renders sora-2 with the fields it stored (or its defaults)', async (_, key, prompt, seconds, size) => {
		const mark = standIn.requests.length;
		const result = await execute(`execute saved version ${key}`, saved[/** @type {'v1'|'v2'} */ (key)]);
		const requests = requestsSince(standIn, mark);
		expect(result.exitCode).toBe(0);
		const [item] = nodeOutput(result.run, 'Create');
		expect(item.json).toMatchObject({ model: 'sora-2', status: 'completed', seconds, size });
		expect(item.json.id).toMatch(/^video_/);
		const paid = paidOf(requests);
		expect(paid).toHaveLength(1);
		expect(sentFields(paid[0])).toEqual({ model: 'sora-2', prompt, seconds, size });
		expect(readBinary(folder, item.binary.data).equals(fixtures.video)).toBe(true);
		expect(requests.filter((r) => r.path === `/v1/videos/${item.json.id}/content`).map((r) => r.status)).toEqual([200]);
		expectNoKeyLeak(result);
	});
});
