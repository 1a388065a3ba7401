// @ts-check
// The stand-in serves every model family CometAPI documents on /v1/videos (issue 17), over real HTTP:
// ids, status words and shapes, create validation, references, the content route or a signed video_url
// on the file host, remix refusals, retired models and the model list.
// Expectations come from /work/shared/docs/cometapi-video-models.md, not from the stand-in's own tables.
'use strict';

const crypto = require('node:crypto');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startStandIn, fixtures } = require('../../tools/stand-in');
const { pngOfSize } = require('../support/images');

const KEY = 'sk-families';
/** @type {import('../../tools/stand-in').StandIn} */
let s;
/** The options as started, restored before each test. @type {import('../../tools/stand-in').StandIn['options']} */
let initial;

beforeAll(async () => {
	s = await startStandIn({ apiKey: KEY, renderMs: 40, chatDelayMs: 1 });
	initial = { ...s.options, faults: { ...s.options.faults } };
});
afterAll(async () => {
	await s.close();
});
beforeEach(() => {
	s.setOptions({ ...initial, faults: { ...initial.faults } });
	s.reset();
});

/** @param {string} p @param {RequestInit} [init] */
const api = (p, init = {}) => fetch(`${s.baseUrl}${p}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers || {}) } });
/** @param {string} p @param {RequestInit} [init] @returns {Promise<any>} */
const apiJson = async (p, init) => (await api(p, init)).json();
/** @param {Buffer} b */
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** @typedef {{data: Buffer, filename: string, type: string}} Upload */
const PNG = { data: fixtures.reference, filename: 'ref.png', type: 'image/png' };

/**
 * A multipart create, as every family's page documents it.
 * @param {Record<string, string>} fields @param {Upload[]} [files]
 * @returns {Promise<{status: number, headers: Headers, body: any}>}
 */
async function create(fields, files = []) {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	for (const f of files) form.append('input_reference', new Blob([f.data], { type: f.type }), f.filename);
	const r = await api('/v1/videos', { method: 'POST', body: form });
	return { status: r.status, headers: r.headers, body: await r.json() };
}

/** Creates a job that is complete at once; resolves its retrieve answer. @param {Record<string, string>} fields */
async function completed(fields) {
	const c = await create({ ...fields, prompt: `${fields.prompt || 'done'} [render:0]` });
	expect(c.status).toBe(200);
	return apiJson(`/v1/videos/${c.body.id}`);
}

/** The file host's 403 or file for a URL, with no key. @param {string} url */
const fileHost = async (url) => {
	const r = await fetch(url);
	return { status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
};

const TASK_FIELDS = ['id', 'task_id', 'object', 'model', 'status', 'progress', 'created_at'];

// model, id prefix, the queued / running / done words, and the defaults the job records
const MODELS = [
	['sora-2', 'video_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '720x1280', resolution: null, aspectRatio: null }],
	['sora-2-pro', 'video_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '720x1280', resolution: null, aspectRatio: null }],
	['sora-2-all', 'video_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '720x1280', resolution: null, aspectRatio: null }],
	['sora-2-pro-all', 'video_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '720x1280', resolution: null, aspectRatio: null }],
	['veo3.1-fast', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '1280x720', resolution: null, aspectRatio: null }],
	['veo3.1', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '1280x720', resolution: null, aspectRatio: null }],
	['veo3-fast', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '1280x720', resolution: null, aspectRatio: null }],
	['veo3', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '1280x720', resolution: null, aspectRatio: null }],
	['veo3.1-pro', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '1280x720', resolution: null, aspectRatio: null }],
	['doubao-seedance-2-0', 'task_', ['SUBMITTED', 'IN_PROGRESS', 'SUCCESS'], { seconds: '5', size: '16:9', resolution: '720p', aspectRatio: null }],
	['doubao-seedance-2-0-fast', 'task_', ['SUBMITTED', 'IN_PROGRESS', 'SUCCESS'], { seconds: '5', size: '16:9', resolution: '720p', aspectRatio: null }],
	['doubao-seedance-1-5-pro', 'task_', ['SUBMITTED', 'IN_PROGRESS', 'SUCCESS'], { seconds: '5', size: '16:9', resolution: '720p', aspectRatio: null }],
	['doubao-seedance-1-0-pro', 'task_', ['SUBMITTED', 'IN_PROGRESS', 'SUCCESS'], { seconds: '5', size: '16:9', resolution: '720p', aspectRatio: null }],
	['wan2.6', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '5', size: '1920x1080', resolution: null, aspectRatio: null }],
	['wan2.7', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '5', size: '1920x1080', resolution: null, aspectRatio: null }],
	['viduq3-turbo', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '5', size: '1280x720', resolution: null, aspectRatio: null }],
	['viduq3', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '5', size: '1280x720', resolution: null, aspectRatio: null }],
	['happyhorse-1.0', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '5', size: '1920x1080', resolution: null, aspectRatio: null }],
	['omni-fast', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: null, resolution: '720p', aspectRatio: '16:9' }],
	['kling-v2-master', 'task_', ['queued', 'in_progress', 'completed'], { seconds: '4', size: '720x1280', resolution: null, aspectRatio: null }],
];

describe('ids, shapes and status words', () => {
	test.each(MODELS)('%s: id %s, status words %j, defaults recorded', async (model, prefix, [queued, running, done], defaults) => {
		const c = await create({ model, prompt: 'a lighthouse [render:100000]' });
		expect(c.status).toBe(200);
		expect(c.body.id.startsWith(prefix)).toBe(true);
		expect(c.body).toMatchObject({ object: 'video', model, status: queued, progress: 0, created_at: expect.any(Number) });
		expect(s.jobs.get(c.body.id)).toMatchObject({ model, prompt: 'a lighthouse [render:100000]', ...defaults });
		const r = await completed({ model, prompt: 'a lighthouse' });
		expect(r.status).toBe(done);
		const run = await create({ model, prompt: 'a lighthouse [render:100000] [queued:0]' });
		expect((await apiJson(`/v1/videos/${run.body.id}`)).status).toBe(running);
		if (prefix === 'video_') {
			expect(c.body.id).toMatch(/^video_[0-9a-f]{48}$/);
			expect(c.body).toMatchObject({ prompt: 'a lighthouse [render:100000]', seconds: defaults.seconds, size: defaults.size, error: null });
			expect(r).not.toHaveProperty('video_url');
			return;
		}
		expect(c.body.id).toMatch(/^task_[A-Za-z0-9]{32}$/);
		expect(Object.keys(c.body).sort()).toEqual([...TASK_FIELDS].sort());
		expect(c.body.task_id).toBe(c.body.id);
		expect(Object.keys(r).sort()).toEqual([...TASK_FIELDS, 'completed_at', 'video_url'].sort());
		expect(r).toMatchObject({ task_id: r.id, progress: 100, completed_at: expect.any(Number), video_url: expect.any(String) });
	});

	test('seedanceStatus lower: the lowercase revision of the Seedance page', async () => {
		s.setOptions({ seedanceStatus: 'lower' });
		const c = await create({ model: 'doubao-seedance-2-0', prompt: 'x [render:100000]' });
		expect(c.body.status).toBe('queued');
		expect((await completed({ model: 'doubao-seedance-2-0' })).status).toBe('completed');
		expect((await completed({ model: 'doubao-seedance-2-0', prompt: '[error]' })).status).toBe('error');
	});

	test.each([
		['veo3.1', 'failed', 'error'],
		['doubao-seedance-2-0', 'FAILED', 'ERROR'],
		['wan2.6', 'failed', 'error'],
		['viduq3', 'failed', 'error'],
		['happyhorse-1.0', 'failed', 'error'],
		['omni-fast', 'failed', 'failed'], // Omni documents no `error` status
		['kling-v2-master', 'failed', 'error'],
		['sora-2', 'failed', 'error'],
	])('%s: [fail] ends %s with an {code, message} error; [error] ends %s with a plain-string error', async (model, failedWord, errorWord) => {
		const failed = await completed({ model, prompt: 'bad [fail]' });
		expect(failed).toMatchObject({ status: failedWord, progress: 0, error: { code: 'moderation_blocked', message: expect.any(String) } });
		expect(failed).not.toHaveProperty('video_url');
		const errored = await completed({ model, prompt: 'bad [error]' });
		expect(errored.status).toBe(errorWord);
		expect(typeof errored.error).toBe('string');
		expect(errored.error.length).toBeGreaterThan(0);
		expect(errored).not.toHaveProperty('video_url');
		expect(errored.completed_at ?? null).toBeNull();
	});

	test('markers work on every family: [never], [status:NNN], [upper], [render:N]', async () => {
		const never = await create({ model: 'wan2.7', prompt: 'x [never] [render:10] [queued:0]' });
		await new Promise((r) => setTimeout(r, 30));
		expect(await apiJson(`/v1/videos/${never.body.id}`)).toMatchObject({ status: 'in_progress', progress: 42 });
		const refused = await create({ model: 'doubao-seedance-2-0', prompt: 'x [status:503]' });
		expect(refused.status).toBe(503);
		expect(s.jobs.has(refused.body.id)).toBe(false);
		const upper = await completed({ model: 'veo3.1', prompt: '[upper]' });
		expect(upper.status).toBe('SUCCESS');
		const slow = await create({ model: 'omni-fast', prompt: 'x [render:1234]' });
		expect(s.jobs.get(slow.body.id)).toMatchObject({ renderMs: 1234, family: 'omni' });
	});
});

describe('create validation: 400 before any job', () => {
	test.each([
		['veo3.1', { seconds: '5' }, 'invalid_value', 'seconds', /4, 6, 8/],
		['veo3.1-fast', { size: '1080x1920' }, 'invalid_value', 'size', /1280x720, 720x1280, 1920x1080, 3840x2160/],
		['doubao-seedance-2-0', { seconds: '16' }, 'InvalidParameter', 'seconds', /duration.*4 through 15/],
		['doubao-seedance-2-0-fast', { seconds: '3' }, 'InvalidParameter', 'seconds', /duration.*4 through 15/],
		['doubao-seedance-1-5-pro', { seconds: '13' }, 'InvalidParameter', 'seconds', /duration.*4 through 12/],
		['doubao-seedance-1-0-pro', { seconds: '1' }, 'InvalidParameter', 'seconds', /duration.*2 through 10/],
		['doubao-seedance-1-0-pro', { seconds: 'ten' }, 'InvalidParameter', 'seconds', /duration/],
		['doubao-seedance-2-0', { size: '720p' }, 'InvalidParameter', 'size', /21:9, 16:9, 4:3, 1:1, 3:4, 9:16/],
		['doubao-seedance-2-0', { resolution: '1080p' }, 'InvalidParameter', 'resolution', /480p, 720p for model/],
		['doubao-seedance-2-0-fast', { resolution: '1080p' }, 'InvalidParameter', 'resolution', /480p, 720p for model/],
		['doubao-seedance-1-5-pro', { resolution: '4k' }, 'InvalidParameter', 'resolution', /480p, 720p, 1080p/],
		['wan2.6', { seconds: '7' }, 'invalid_value', 'seconds', /5, 10, 15/],
		['wan2.7', { seconds: '16' }, 'invalid_value', 'seconds', /2 through 15/],
		['wan2.7', { size: '1088x832' }, 'invalid_value', 'size', /wan2\.7/],
		['viduq3', { seconds: '17' }, 'invalid_value', 'seconds', /1 through 16/],
		['viduq3-turbo', { size: '720x1280' }, 'invalid_value', 'size', /640x352/],
		['happyhorse-1.0', { seconds: '2' }, 'invalid_value', 'seconds', /3 through 15/],
		['happyhorse-1.0', { size: '1248x1632' }, 'invalid_value', 'size', /happyhorse-1\.0/],
		['omni-fast', { size: '1280x720' }, 'unsupported_parameter', 'size', /'size' is not supported with model omni-fast/],
		['omni-fast', { resolution: '480p' }, 'invalid_value', 'resolution', /720p, 1080p/],
		['omni-fast', { aspect_ratio: '4:3' }, 'invalid_value', 'aspect_ratio', /16:9, 9:16, 1:1/],
	])('%s %j: 400 %s on %s', async (model, fields, code, param, message) => {
		const r = await create({ model, prompt: 'checked', .../** @type {Record<string, string>} */ (fields) });
		expect(r.status).toBe(400);
		expect(Object.keys(r.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
		expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
		expect(r.body.error.message).toMatch(message);
		expect(s.jobs.size).toBe(0);
		expect(s.paidRequests()).toEqual([expect.objectContaining({ status: 400, jobId: null })]);
	});

	test.each([
		['veo3.1', { seconds: '8', size: '3840x2160' }, { seconds: '8', size: '3840x2160' }],
		['doubao-seedance-2-0', { seconds: '15', size: '21:9', resolution: '480p' }, { seconds: '15', size: '21:9', resolution: '480p' }],
		['doubao-seedance-2-0-fast', { seconds: '4', size: '1470x630' }, { seconds: '4', size: '1470x630', resolution: '720p' }],
		['doubao-seedance-1-5-pro', { seconds: '12', resolution: '1080p', size: '9:16' }, { seconds: '12', resolution: '1080p', size: '9:16' }],
		['doubao-seedance-1-0-pro', { seconds: '2', size: '1248x704' }, { seconds: '2', size: '1248x704' }],
		['wan2.6', { seconds: '15', size: '1632x1248' }, { seconds: '15', size: '1632x1248' }],
		['wan2.7', { seconds: '2', size: '1440x1440' }, { seconds: '2', size: '1440x1440' }],
		['viduq3-turbo', { seconds: '16', size: '640x352' }, { seconds: '16', size: '640x352' }],
		['viduq3', { seconds: '1', size: '1920x1080' }, { seconds: '1', size: '1920x1080' }],
		['happyhorse-1.0', { seconds: '15', size: '1080x1920' }, { seconds: '15', size: '1080x1920' }],
		['omni-fast', { seconds: '8', resolution: '1080p', aspect_ratio: '1:1' }, { seconds: '8', size: null, resolution: '1080p', aspectRatio: '1:1' }],
		// Sora and models the table does not know: only whole seconds and WIDTHxHEIGHT, as before
		['sora-2', { seconds: '7', size: '64x64' }, { seconds: '7', size: '64x64' }],
		['sora-2-pro-all', { seconds: '25', size: '1792x1024' }, { seconds: '25', size: '1792x1024' }],
		['seedance-2-5-260628', { seconds: '30', size: '854x480', resolution: 'any' }, { seconds: '30', size: '854x480', resolution: null, family: 'unknown' }],
	])('%s takes %j and records it', async (model, fields, recorded) => {
		const r = await create({ model, prompt: 'fine', .../** @type {Record<string, string>} */ (fields) });
		expect(r.status).toBe(200);
		expect(s.jobs.get(r.body.id)).toMatchObject({ model, ...recorded, fields: { model, prompt: 'fine', ...fields } });
	});
});

describe('reference images', () => {
	const uploads = [
		{ data: fixtures.reference, filename: 'a.png', type: 'image/png' },
		{ data: fixtures.spritesheet, filename: 'b.jpg', type: 'image/jpeg' },
		{ data: fixtures.thumbnail, filename: 'c.webp', type: 'image/webp' },
	];

	test('Seedance 2.0: repeated input_reference parts are recorded in upload order (name, type, bytes, sha256, pixel size)', async () => {
		const r = await create({ model: 'doubao-seedance-2-0', prompt: '[Image 1] meets [Image 2] under [Image 3]' }, uploads);
		expect(r.status).toBe(200);
		const job = s.jobs.get(r.body.id);
		expect(job?.inputReferences).toEqual([
			{ kind: 'file', filename: 'a.png', contentType: 'image/png', bytes: fixtures.reference.length, sha256: sha256(fixtures.reference), width: 64, height: 64 },
			{ kind: 'file', filename: 'b.jpg', contentType: 'image/jpeg', bytes: fixtures.spritesheet.length, sha256: sha256(fixtures.spritesheet), width: 400, height: 90 },
			{ kind: 'file', filename: 'c.webp', contentType: 'image/webp', bytes: fixtures.thumbnail.length, sha256: sha256(fixtures.thumbnail), width: 160, height: 90 },
		]);
		expect(job?.inputReference).toEqual(job?.inputReferences[0]);
		expect(s.paidRequests()[0].bodySummary?.files?.map((f) => f.filename)).toEqual(['a.png', 'b.jpg', 'c.webp']);
	});

	test('Seedance 2.0 takes 9 references, not 10', async () => {
		const nine = Array.from({ length: 9 }, (_, i) => ({ data: pngOfSize(10 + i, 10), filename: `r${i}.png`, type: 'image/png' }));
		const ok = await create({ model: 'doubao-seedance-2-0-fast', prompt: 'nine' }, nine);
		expect(ok.status).toBe(200);
		expect(s.jobs.get(ok.body.id)?.inputReferences.map((r) => r.width)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
		const ten = await create({ model: 'doubao-seedance-2-0', prompt: 'ten' }, [...nine, PNG]);
		expect(ten.status).toBe(400);
		expect(ten.body.error).toMatchObject({ code: 'InvalidParameter', param: 'input_reference', message: expect.stringContaining('At most 9') });
		expect(s.jobs.size).toBe(1);
	});

	test.each([
		['doubao-seedance-1-5-pro', 'seedance-1-5-pro'],
		['doubao-seedance-1-0-pro', 'seedance-1-0-pro'],
	])('%s is text-only: the r2v answer', async (model, upstream) => {
		const r = await create({ model, prompt: 'x' }, [PNG]);
		expect(r.status).toBe(400);
		expect(r.body.error).toMatchObject({ message: `the specified task_type r2v does not support model ${upstream}`, code: 'InvalidParameter', param: 'input_reference' });
		expect(s.jobs.size).toBe(0);
	});

	test.each(['wan2.6', 'wan2.7', 'viduq3-turbo', 'viduq3', 'happyhorse-1.0', 'omni-fast'])('%s is text-only: a file or a URL reference is a 400 naming input_reference', async (model) => {
		const file = await create({ model, prompt: 'x' }, [PNG]);
		expect(file.status).toBe(400);
		expect(file.body.error).toMatchObject({ code: 'unsupported_parameter', param: 'input_reference' });
		expect(file.body.error.message).toContain(model);
		const link = await create({ model, prompt: 'x', 'input_reference[image_url]': 'https://example.com/a.png' });
		expect(link.status).toBe(400);
		expect(link.body.error.param).toBe('input_reference');
		expect(s.jobs.size).toBe(0);
	});

	test('Veo takes a first and a last frame, not three; Sora takes one', async () => {
		const two = await create({ model: 'veo3.1', prompt: 'first to last' }, uploads.slice(0, 2));
		expect(two.status).toBe(200);
		expect(s.jobs.get(two.body.id)?.inputReferences.map((r) => r.filename)).toEqual(['a.png', 'b.jpg']);
		const three = await create({ model: 'veo3.1-fast', prompt: 'x' }, uploads);
		expect(three.status).toBe(400);
		expect(three.body.error).toMatchObject({ code: 'invalid_value', param: 'input_reference', message: expect.stringContaining('At most 2') });
		const sora = await create({ model: 'sora-2', prompt: 'x' }, uploads.slice(0, 2));
		expect(sora.body.error.message).toBe('Only one input_reference may be provided.');
		expect(s.jobs.size).toBe(1);
	});

	test('strictReferenceSize compares exact WIDTHxHEIGHT sizes only (not Seedance ratio labels)', async () => {
		s.setOptions({ strictReferenceSize: true });
		expect((await create({ model: 'doubao-seedance-2-0', prompt: 'x', size: '16:9' }, [PNG])).status).toBe(200);
		const exact = await create({ model: 'doubao-seedance-2-0', prompt: 'x', size: '1280x720' }, [PNG]);
		expect(exact.status).toBe(400);
		expect(exact.body.error.message).toContain('64x64');
	});
});

describe('fetching the file', () => {
	test.each(['veo3.1', 'wan2.6', 'viduq3', 'happyhorse-1.0', 'omni-fast'])('%s: the content route (key, MP4; JSON error while running) and a signed video_url on the file host', async (model) => {
		const running = await create({ model, prompt: 'x [render:100000]' });
		const early = await api(`/v1/videos/${running.body.id}/content`);
		expect(early.status).toBe(400);
		expect(early.headers.get('content-type')).toBe('application/json');
		expect((await early.json()).error.code).toBe('video_not_ready');
		const done = await completed({ model });
		const content = await api(`/v1/videos/${done.id}/content`);
		expect(content.headers.get('content-type')).toBe('video/mp4');
		expect(Buffer.from(await content.arrayBuffer()).equals(fixtures.video)).toBe(true);
		expect((await fetch(`${s.baseUrl}/v1/videos/${done.id}/content`)).status).toBe(401);
		expect(done.video_url.startsWith(`${s.fileHostUrl}/signed/${done.id}.mp4?`)).toBe(true);
		const file = await fileHost(done.video_url);
		expect(file).toMatchObject({ status: 200, type: 'video/mp4' });
		expect(file.body.equals(fixtures.video)).toBe(true);
	});

	test('Seedance has no content route: 404 not_found while running and when done; the signed video_url works without the key', async () => {
		const running = await create({ model: 'doubao-seedance-2-0', prompt: 'x [render:100000]' });
		const done = await completed({ model: 'doubao-seedance-2-0' });
		for (const id of [running.body.id, done.id]) {
			const r = await api(`/v1/videos/${id}/content`);
			expect(r.status).toBe(404);
			expect(await r.json()).toEqual({ error: { message: `Invalid URL (GET /v1/videos/${id}/content)`, type: 'invalid_request_error', code: 'not_found', param: null } });
		}
		expect(done.status).toBe('SUCCESS');
		const url = new URL(done.video_url);
		expect(url.origin).toBe(s.fileHostUrl);
		expect(url.pathname).toBe(`/signed/${done.id}.mp4`);
		expect(Number(url.searchParams.get('expires'))).toBe(done.completed_at + 3600);
		expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		expect((await apiJson(`/v1/videos/${done.id}`)).video_url).toBe(done.video_url); // the same URL on every retrieve
		const file = await fileHost(done.video_url);
		expect(file.status).toBe(200);
		expect(file.body.equals(fixtures.video)).toBe(true);
		expect(s.fileHostRequests()).toEqual([expect.objectContaining({ server: 'files', method: 'GET', path: `/signed/${done.id}.mp4`, status: 200, denied: null })]);
		expect(s.fileHostRequests()[0].headers.authorization).toBeUndefined();
		expect(s.requests.filter((r) => r.server === 'api').every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
	});

	test.each([
		['task_not_exist', { message: 'task_not_exist', type: 'invalid_request_error', code: 'task_not_exist', param: null }],
		['unsupported', { message: expect.stringContaining('doubao-seedance-1-0-pro'), type: 'invalid_request_error', code: 'invalid_request', param: null }],
	])('noContentAnswer %s: a 400 with a JSON error instead', async (answer, error) => {
		s.setOptions({ noContentAnswer: /** @type {any} */ (answer) });
		const done = await completed({ model: 'doubao-seedance-1-0-pro' });
		const r = await api(`/v1/videos/${done.id}/content`);
		expect(r.status).toBe(400);
		expect(await r.json()).toEqual({ error });
	});

	test('the file host refuses a wrong, missing or expired signature with 403 and logs why', async () => {
		const done = await completed({ model: 'doubao-seedance-2-0' });
		const url = new URL(done.video_url);
		const expires = Number(url.searchParams.get('expires'));
		const tampered = new URL(url);
		tampered.searchParams.set('signature', (url.searchParams.get('signature') || '').replace(/^./, (c) => (c === '0' ? '1' : '0')));
		const longer = new URL(url);
		longer.searchParams.set('expires', String(expires + 3600));
		const otherFile = new URL(url);
		otherFile.pathname = '/signed/task_other.mp4';
		const bare = `${s.fileHostUrl}${url.pathname}`;
		for (const u of [tampered.href, longer.href, otherFile.href, bare]) {
			const r = await fileHost(u);
			expect(r).toMatchObject({ status: 403, type: 'application/xml' });
			expect(r.body.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');
		}
		s.setOptions({ videoUrlTtlS: 0 });
		const stale = (await apiJson(`/v1/videos/${done.id}`)).video_url;
		expect(Number(new URL(stale).searchParams.get('expires'))).toBe(done.completed_at);
		const expired = await fileHost(stale);
		expect(expired.status).toBe(403);
		expect(expired.body.toString()).toContain('<Message>Request has expired</Message>');
		expect(s.fileHostRequests().map((r) => [r.status, r.denied])).toEqual([
			[403, 'signature'],
			[403, 'signature'],
			[403, 'signature'],
			[403, 'signature'],
			[403, 'expired'],
		]);
	});

	test('the file-host log shows an Authorization header when one is sent (so a leaked key would show), and is served over the control endpoint', async () => {
		const done = await completed({ model: 'veo3.1' });
		await (await fetch(done.video_url, { headers: { authorization: `Bearer ${KEY}` } })).arrayBuffer();
		await (await fetch(done.video_url)).arrayBuffer();
		expect(s.fileHostRequests().map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, undefined]);
		const logged = await (await fetch(`${s.baseUrl}/__stand-in/file-host-requests`)).json();
		expect(logged.map((/** @type {any} */ r) => [r.server, r.headers.authorization ?? null])).toEqual([['files', `Bearer ${KEY}`], ['files', null]]);
	});

	test('videoBytes: the signed URL serves the generated MP4 of exactly N bytes', async () => {
		const N = 3 * 1024 * 1024;
		s.setOptions({ videoBytes: N });
		const done = await completed({ model: 'doubao-seedance-2-0' });
		const head = await fetch(done.video_url, { method: 'HEAD' });
		expect(head.headers.get('content-length')).toBe(String(N));
		const body = Buffer.from(await (await fetch(done.video_url)).arrayBuffer());
		expect(body.length).toBe(N);
		expect(body.toString('latin1', 4, 8)).toBe('ftyp');
		expect(s.fileHostRequests().at(-1)?.bytesSent).toBe(N);
	});

	test('videoUrlOnApiOrigin: video_url is a path on the API that takes the Bearer key, for Seedance too', async () => {
		s.setOptions({ videoUrlOnApiOrigin: true });
		for (const model of ['doubao-seedance-2-0', 'veo3.1']) {
			const done = await completed({ model });
			expect(done.video_url).toBe(`${s.baseUrl}/v1/video-files/${done.id}.mp4`);
			const anonymous = await fetch(done.video_url);
			expect(anonymous.status).toBe(401);
			const keyed = await fetch(done.video_url, { headers: { authorization: `Bearer ${KEY}` } });
			expect(keyed.headers.get('content-type')).toBe('video/mp4');
			expect(Buffer.from(await keyed.arrayBuffer()).equals(fixtures.video)).toBe(true);
		}
		const running = await create({ model: 'doubao-seedance-2-0', prompt: 'x [render:100000]' });
		expect((await apiJson(`/v1/video-files/${running.body.id}.mp4`)).error.code).toBe('video_not_ready');
		expect((await api('/v1/video-files/task_nope.mp4')).status).toBe(404);
		expect(s.fileHostRequests()).toEqual([]);
	});

	test('a model the table does not know: task_ id, the content route, and video_url on the API origin', async () => {
		const done = await completed({ model: 'runway-gen4' });
		expect(done).toMatchObject({ task_id: done.id, status: 'completed', video_url: `${s.baseUrl}/v1/video-files/${done.id}.mp4` });
		const content = await api(`/v1/videos/${done.id}/content`);
		expect(Buffer.from(await content.arrayBuffer()).equals(fixtures.video)).toBe(true);
		expect(s.jobs.get(done.id)?.family).toBe('unknown');
	});
});

describe('remix', () => {
	test.each(['veo3.1', 'doubao-seedance-2-0', 'wan2.6', 'viduq3', 'happyhorse-1.0', 'omni-fast', 'sora-2-all', 'sora-2-pro-all', 'kling-v2-master'])(
		'a completed %s job cannot be remixed: 400, nothing created',
		async (model) => {
			const done = await completed({ model });
			const r = await api(`/v1/videos/${done.id}/remix`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'at night' }) });
			expect(r.status).toBe(400);
			expect((await r.json()).error).toEqual({ message: `remix is not supported for model ${model}`, type: 'invalid_request_error', code: 'invalid_request', param: null });
			expect(s.jobs.size).toBe(1);
			expect(s.paidRequests().at(-1)).toMatchObject({ status: 400, jobId: null });
		},
	);

	test.each(['sora-2', 'sora-2-pro'])('a completed %s job can be remixed', async (model) => {
		const done = await completed({ model, size: '1280x720' });
		const r = await apiJson(`/v1/videos/${done.id}/remix`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'at night' }) });
		expect(r).toMatchObject({ model, remixed_from_video_id: done.id, size: '1280x720', status: 'queued' });
		expect(r.id).toMatch(/^video_/);
	});
});

describe('retired models', () => {
	const json = { 'content-type': 'application/json' };

	test('no channel: 503 model_not_found as new-api words it, no job, refused and not paid, and gone from /v1/models', async () => {
		const before = await completed({ model: 'sora-2' });
		s.setOptions({ retiredModels: ['sora-2', 'sora-2-pro'] });
		const answers = [];
		for (const fields of [{ model: 'sora-2', prompt: 'x' }, { model: 'sora-2-pro', prompt: 'x' }, { prompt: 'no model means sora-2' }]) answers.push(await create(fields));
		expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
		const [first] = answers;
		expect(first.body).toEqual({
			error: { message: `No available channel for model sora-2 under group default (request id: ${first.headers.get('x-request-id')})`, type: 'new_api_error', code: 'model_not_found', param: null },
		});
		expect(first.headers.get('retry-after')).toBeNull();
		expect(answers[1].body.error.message).toMatch(/^No available channel for model sora-2-pro under group default \(request id: req_[0-9a-f]+\)$/);
		const remix = await api(`/v1/videos/${before.id}/remix`, { method: 'POST', headers: json, body: JSON.stringify({ prompt: 'y' }) });
		expect(remix.status).toBe(503);
		const chat = await api('/v1/chat/completions', { method: 'POST', headers: json, body: JSON.stringify({ model: 'sora-2', messages: [{ role: 'user', content: 'x' }] }) });
		expect(chat.status).toBe(503);
		expect((await chat.json()).error.code).toBe('model_not_found');
		expect(s.jobs.size).toBe(1);
		expect(s.chats.size).toBe(0);
		const attempts = s.paidAttempts();
		expect(attempts).toHaveLength(6);
		expect(attempts.slice(1).map((r) => [r.status, r.refused, r.paid, r.jobId])).toEqual(Array(5).fill([503, true, false, null]));
		const ids = (await apiJson('/v1/models')).data.map((/** @type {{id: string}} */ m) => m.id);
		expect(ids).not.toContain('sora-2');
		expect(ids).not.toContain('sora-2-pro');
		expect(ids).toEqual(expect.arrayContaining(['sora-2-all', 'veo3.1']));
		expect((await create({ model: 'veo3.1', prompt: 'still served' })).status).toBe(200);
	});

	test('the Chinese form and the OpenAI-style 404', async () => {
		s.setOptions({ retiredModels: ['sora-2'], retiredAnswer: 'no-channel-zh' });
		const zh = await create({ model: 'sora-2', prompt: 'x' });
		expect(zh.status).toBe(503);
		expect(zh.body.error).toMatchObject({ message: `当前分组 default 下对于模型 sora-2 无可用渠道 (request id: ${zh.headers.get('x-request-id')})`, type: 'new_api_error', code: 'model_not_found' });
		s.setOptions({ retiredAnswer: 'openai-404' });
		const gone = await create({ model: 'sora-2', prompt: 'x' });
		expect(gone.status).toBe(404);
		expect(gone.body).toEqual({ error: { message: 'The model `sora-2` does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found', param: null } });
		expect(s.jobs.size).toBe(0);
	});

	test('the model is refused before its fields are checked, as the gateway picks a channel first', async () => {
		s.setOptions({ retiredModels: ['veo3.1'] });
		const r = await create({ model: 'veo3.1', prompt: '', seconds: '99' });
		expect(r.status).toBe(503);
	});
});

describe('GET /v1/models', () => {
	const VIDEO_MODELS = MODELS.map(([id]) => id).filter((id) => id !== 'kling-v2-master');

	test('every family\'s models, a few others, OpenAI-shaped; model_type on request', async () => {
		const list = await apiJson('/v1/models');
		expect(list.object).toBe('list');
		const ids = list.data.map((/** @type {{id: string}} */ m) => m.id);
		expect(ids).toEqual(expect.arrayContaining([...VIDEO_MODELS, 'gpt-4o', 'gpt-image-1', 'kling-v2-master', 'runway-gen4', 'hailuo-02']));
		expect(new Set(ids).size).toBe(ids.length);
		for (const m of list.data) {
			expect(Object.keys(m).sort()).toEqual(['created', 'id', 'object', 'owned_by']);
			expect(m).toMatchObject({ object: 'model', created: expect.any(Number), owned_by: expect.any(String) });
		}
		s.setOptions({ modelTypes: true });
		const typed = (await apiJson('/v1/models')).data;
		/** @param {string} id */
		const typeOf = (id) => typed.find((/** @type {{id: string}} */ m) => m.id === id).model_type;
		expect(VIDEO_MODELS.map(typeOf)).toEqual(VIDEO_MODELS.map(() => 'video'));
		expect([typeOf('gpt-4o'), typeOf('gpt-image-1'), typeOf('hailuo-02')]).toEqual(['text', 'image', 'video']);
	});

	test('the models option replaces the list (ids or records as given)', async () => {
		s.setOptions({ models: ['veo3.1', 'brand-new', { id: 'raw', note: 'as given' }] });
		expect((await apiJson('/v1/models')).data).toEqual([
			{ id: 'veo3.1', object: 'model', created: expect.any(Number), owned_by: 'google' },
			{ id: 'brand-new', object: 'model', created: expect.any(Number), owned_by: 'custom' },
			{ id: 'raw', note: 'as given' },
		]);
	});
});

describe('list, delete and the CLI', () => {
	test('list and delete work for every family', async () => {
		const ids = [];
		// queued long enough that the list still shows them queued on a loaded machine
		for (const model of ['sora-2', 'veo3.1', 'doubao-seedance-2-0', 'omni-fast']) ids.push((await create({ model, prompt: 'listed [queued:60000] [render:60000]' })).body.id);
		const list = await apiJson('/v1/videos?order=asc');
		expect(list.data.map((/** @type {{id: string}} */ v) => v.id)).toEqual(ids);
		expect(list.data[2]).toMatchObject({ task_id: ids[2], status: 'SUBMITTED' });
		expect(await apiJson(`/v1/videos/${ids[2]}`, { method: 'DELETE' })).toEqual({ id: ids[2], object: 'video.deleted', deleted: true });
		expect((await api(`/v1/videos/${ids[2]}`)).status).toBe(404);
		expect((await apiJson('/v1/videos')).data).toHaveLength(3);
	});

	test('cli.js --help lists the new options', () => {
		const help = execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'tools', 'stand-in', 'cli.js'), '--help'], { encoding: 'utf8' });
		for (const flag of ['--seedance-status', '--no-content-answer', '--video-url-ttl-s', '--video-url-on-api-origin', '--retired-models', '--retired-answer', '--model-types', '--models', '/file-host-requests']) {
			expect(help).toContain(flag);
		}
	});
});
