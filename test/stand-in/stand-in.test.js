// @ts-check
// Faithfulness tests for the CometAPI stand-in, driven mostly by the official `openai` npm package:
// a client nobody here wrote, so the stand-in's wire format is checked against real expectations.
// Plain JavaScript (not .ts): jest's unit project only matches *.test.js, and n8n's community lint
// applies its node rules to every .ts file in the package.
'use strict';

const net = require('node:net');
const zlib = require('node:zlib');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { OpenAI, toFile } = require('openai');
const { startStandIn, fixtures, parseMultipart, imageSize, DEFAULT_FAULTS } = require('../../tools/stand-in');

const KEY = 'sk-test';
const RENDER_MS = 300;
/** @type {import('../../tools/stand-in').StandIn} */
let s;
/** @type {OpenAI} */
let client;

const DEFAULTS = { renderMs: RENDER_MS, queuedMs: undefined, chatDelayMs: 10, pollAfterMs: undefined, contentRedirect: false, videoBytes: undefined, checkMime: true, strictReferenceSize: false, gzip: true, apiKey: KEY };

beforeAll(async () => {
	s = await startStandIn({ apiKey: KEY, renderMs: RENDER_MS, chatDelayMs: 10 });
	client = new OpenAI({ apiKey: KEY, baseURL: `${s.baseUrl}/v1`, maxRetries: 0 });
});
afterAll(async () => {
	await s.close();
});
beforeEach(() => {
	s.setOptions({ ...DEFAULTS, faults: { ...DEFAULT_FAULTS } });
	s.reset();
});

/** @param {number} ms */
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls with the SDK until the video is terminal; returns every status seen.
 * @param {string} id @param {number} [timeoutMs]
 */
async function waitDone(id, timeoutMs = 5000) {
	const seen = [];
	const until = Date.now() + timeoutMs;
	for (;;) {
		const v = await client.videos.retrieve(id);
		seen.push(v);
		if (v.status === 'completed' || v.status === 'failed') return { video: v, seen };
		if (Date.now() > until) throw new Error(`timeout waiting for ${id}: ${v.status} ${v.progress}`);
		await delay(40);
	}
}

/** @param {string} p @param {RequestInit} [init] */
const raw = (p, init = {}) => fetch(`${s.baseUrl}${p}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers || {}) } });

/**
 * A bare HTTP/1.0 exchange over a TCP socket (no http module, so nothing can intercept it and no
 * chunked framing hides how the server cut its writes). Returns the header block and every read.
 * @param {string} base @param {string} method @param {string} p @param {Record<string, string>} headers @param {string} [body]
 * @returns {Promise<{head: string, status: number, headers: Record<string, string>, reads: Buffer[], body: Buffer}>}
 */
function rawHttp(base, method, p, headers, body = '') {
	const { hostname, port } = new URL(base);
	return new Promise((resolve, reject) => {
		const sock = net.connect(Number(port), hostname);
		/** @type {Buffer[]} */
		const reads = [];
		sock.on('data', (d) => reads.push(d));
		sock.on('error', reject);
		sock.on('end', () => {
			const all = Buffer.concat(reads);
			const split = all.indexOf('\r\n\r\n');
			const head = all.toString('latin1', 0, split);
			/** @type {Record<string, string>} */
			const hs = {};
			for (const line of head.split('\r\n').slice(1)) hs[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
			let skip = split + 4;
			const bodyReads = [];
			for (const r of reads) {
				if (skip >= r.length) skip -= r.length;
				else {
					bodyReads.push(r.subarray(skip));
					skip = 0;
				}
			}
			resolve({ head, status: Number(head.split(' ')[1]), headers: hs, reads: bodyReads, body: all.subarray(split + 4) });
		});
		const b = Buffer.from(body);
		sock.write(`${method} ${p} HTTP/1.0\r\nHost: ${hostname}:${port}\r\n${Object.entries({ ...headers, 'content-length': String(b.length) }).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
		sock.write(b);
	});
}

/** @param {Promise<unknown>} promise */
async function apiError(promise) {
	try {
		await promise;
	} catch (e) {
		return /** @type {any} */ (e);
	}
	throw new Error('expected an error');
}

describe('fixtures', () => {
	test('are small real media files with the expected sizes', () => {
		expect(fixtures.video.toString('latin1', 4, 8)).toBe('ftyp');
		expect(fixtures.video.length).toBeLessThan(20000);
		expect(imageSize(fixtures.reference)).toEqual({ width: 64, height: 64 });
		expect(imageSize(fixtures.thumbnail)).toEqual({ width: 160, height: 90 });
		expect(imageSize(fixtures.spritesheet)).toEqual({ width: 400, height: 90 });
	});
});

describe('official video endpoints through the openai SDK', () => {
	test('models list (the cheap credential test)', async () => {
		const page = await client.models.list();
		expect(page.data.map((m) => m.id)).toEqual(expect.arrayContaining(['sora-2', 'sora-2-pro']));
		expect(s.requests.at(-1)).toMatchObject({ server: 'api', method: 'GET', path: '/v1/models', status: 200, paid: false });
	});

	test('create (multipart, defaults) then retrieve until completed', async () => {
		const created = await client.videos.create({ prompt: 'A paper airplane glides across a desk.' });
		expect(created).toMatchObject({ object: 'video', status: 'queued', progress: 0, model: 'sora-2', seconds: '4', size: '720x1280', completed_at: null, expires_at: null, remixed_from_video_id: null, error: null, prompt: 'A paper airplane glides across a desk.' });
		expect(created.id).toMatch(/^video_[0-9a-f]{48}$/);
		expect(typeof created.created_at).toBe('number');
		const { video, seen } = await waitDone(created.id);
		expect(video.status).toBe('completed');
		expect(video.progress).toBe(100);
		expect(video.expires_at).toBe(/** @type {number} */ (video.completed_at) + 3600);
		expect(seen.some((v) => v.status === 'in_progress' && v.progress > 0 && v.progress < 100)).toBe(true);
		const progress = seen.map((v) => v.progress);
		expect([...progress].sort((a, b) => a - b)).toEqual(progress);
		const rec = s.requests.find((r) => r.method === 'POST');
		expect(rec).toMatchObject({ path: '/v1/videos', status: 200, paid: true, handled: true, jobId: created.id });
		expect(rec?.bodySummary).toMatchObject({ kind: 'multipart', fields: { prompt: 'A paper airplane glides across a desk.' }, files: [] });
		expect(s.paidRequests()).toHaveLength(1);
	});

	test('create with options and an input_reference file (toFile)', async () => {
		const file = await toFile(fixtures.reference, 'ref.png', { type: 'image/png' });
		const created = await client.videos.create({ prompt: 'a cat', model: 'sora-2-pro', seconds: '8', size: '1280x720', input_reference: file });
		expect(created).toMatchObject({ model: 'sora-2-pro', seconds: '8', size: '1280x720' });
		const job = s.jobs.get(created.id);
		expect(job?.inputReference).toEqual({
			kind: 'file',
			filename: 'ref.png',
			contentType: 'image/png',
			bytes: fixtures.reference.length,
			sha256: require('node:crypto').createHash('sha256').update(fixtures.reference).digest('hex'),
			width: 64,
			height: 64,
		});
		const files = s.requests.at(-1)?.bodySummary?.files;
		expect(files).toEqual([expect.objectContaining({ name: 'input_reference', filename: 'ref.png', contentType: 'image/png', bytes: fixtures.reference.length })]);
	});

	test('an input_reference without an image content type is refused like OpenAI does (checkMime)', async () => {
		const file = await toFile(fixtures.reference, 'ref.bin');
		const err = await apiError(client.videos.create({ prompt: 'a cat', input_reference: file }));
		expect(err.status).toBe(400);
		expect(err.param).toBe('input_reference');
		expect(err.message).toContain("unsupported mimetype ('application/octet-stream')");
		expect(s.jobs.size).toBe(0);
		s.setOptions({ checkMime: false });
		const ok = await client.videos.create({ prompt: 'a cat', input_reference: file });
		expect(s.jobs.get(ok.id)?.inputReference?.contentType).toBe('application/octet-stream');
	});

	test('strictReferenceSize refuses a reference image of another pixel size', async () => {
		s.setOptions({ strictReferenceSize: true });
		const file = await toFile(fixtures.reference, 'ref.png', { type: 'image/png' });
		const err = await apiError(client.videos.create({ prompt: 'a cat', size: '720x1280', input_reference: file }));
		expect(err.status).toBe(400);
		expect(err.message).toContain('64x64');
		const ok = await client.videos.create({ prompt: 'a cat', size: /** @type {any} */ ('64x64'), input_reference: file });
		expect(ok.size).toBe('64x64');
	});

	test('input_reference as an image_url object becomes bracketed multipart fields', async () => {
		const created = await client.videos.create({ prompt: 'a dog', input_reference: { image_url: 'https://example.com/a.png' } });
		expect(s.jobs.get(created.id)?.inputReference).toEqual({ kind: 'url', imageUrl: 'https://example.com/a.png', fileId: null });
		expect(s.requests.at(-1)?.bodySummary?.fields).toHaveProperty(['input_reference[image_url]'], 'https://example.com/a.png');
	});

	test('validation errors are OpenAI-shaped 400s', async () => {
		let err = await apiError(client.videos.create({ prompt: '' }));
		expect(err.status).toBe(400);
		expect(err.error).toEqual({ message: "Missing required parameter: 'prompt'.", type: 'invalid_request_error', code: 'missing_required_parameter', param: 'prompt' });
		err = await apiError(client.videos.create({ prompt: 'x', size: /** @type {any} */ ('720p') }));
		expect(err.param).toBe('size');
		const res = await raw('/v1/videos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'x', seconds: 4 }) });
		expect(res.status).toBe(400);
		expect((await res.json()).error.param).toBe('seconds');
		const bad = await raw('/v1/videos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":' });
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.type).toBe('invalid_request_error');
		expect(s.jobs.size).toBe(0);
	});

	test('remix: source must be completed, unknown source is 404, result is a new job', async () => {
		const src = await client.videos.create({ prompt: 'source', size: '1280x720', seconds: '8' });
		let err = await apiError(client.videos.remix(src.id, { prompt: 'too early' }));
		expect(err.status).toBe(400);
		expect(err.code).toBe('invalid_video_status');
		err = await apiError(client.videos.remix('video_nope', { prompt: 'x' }));
		expect(err.status).toBe(404);
		await waitDone(src.id);
		const remix = await client.videos.remix(src.id, { prompt: 'make it blue' });
		expect(remix).toMatchObject({ status: 'queued', remixed_from_video_id: src.id, prompt: 'make it blue', size: '1280x720', seconds: '8' });
		expect(remix.id).not.toBe(src.id);
		expect((await waitDone(remix.id)).video.status).toBe('completed');
		expect(s.paidRequests().map((r) => r.path)).toEqual(['/v1/videos', `/v1/videos/${src.id}/remix`, '/v1/videos/video_nope/remix', `/v1/videos/${src.id}/remix`]);
		expect(s.paidRequests().map((r) => r.status)).toEqual([200, 400, 404, 200]);
		expect(s.paidRequests()[3].bodySummary).toMatchObject({ kind: 'json', json: { prompt: 'make it blue' } });
	});

	test('list pages with cursors (desc default, asc), and skips deleted videos', async () => {
		s.setOptions({ renderMs: 100000 });
		const ids = [];
		for (let i = 0; i < 5; i++) ids.push((await client.videos.create({ prompt: `clip ${i}` })).id);
		const pages = [];
		for await (const page of (await client.videos.list({ limit: 2 })).iterPages()) pages.push(page.data.map((v) => v.id));
		expect(pages).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
		const asc = [];
		for await (const v of client.videos.list({ limit: 2, order: 'asc' })) asc.push(v.id);
		expect(asc).toEqual(ids);
		const first = await client.videos.list({ limit: 3, order: 'asc' });
		expect(first).toMatchObject({ last_id: ids[2], has_more: true });
		expect(await (await raw('/v1/videos?limit=3&order=asc')).json()).toMatchObject({ object: 'list', first_id: ids[0], last_id: ids[2], has_more: true });
		await client.videos.delete(ids[3]);
		const after = await raw(`/v1/videos?order=asc&after=${ids[2]}`);
		expect(await after.json()).toMatchObject({ first_id: ids[4], last_id: ids[4], has_more: false });
		const all = await raw('/v1/videos');
		expect((await all.json()).data).toHaveLength(4);
		expect((await raw('/v1/videos?limit=0')).status).toBe(400);
		const empty = await (await raw(`/v1/videos?after=${ids[4]}`)).json();
		expect(empty.data.map((/** @type {any} */ v) => v.id)).toEqual([ids[2], ids[1], ids[0]]);
		expect(empty.has_more).toBe(false);
	});

	test('delete, then retrieve, delete and content are 404', async () => {
		const v = await client.videos.create({ prompt: 'short-lived' });
		expect(await client.videos.delete(v.id)).toEqual({ id: v.id, object: 'video.deleted', deleted: true });
		for (const p of [client.videos.retrieve(v.id), client.videos.delete(v.id), client.videos.downloadContent(v.id)]) {
			const err = await apiError(p);
			expect(err.status).toBe(404);
			expect(err.constructor.name).toBe('NotFoundError');
		}
		expect(s.jobs.get(v.id)?.deletedMs).toEqual(expect.any(Number));
	});

	test('downloadContent: error before completion, then the three variants with their types', async () => {
		const v = await client.videos.create({ prompt: 'downloadable' });
		const early = await apiError(client.videos.downloadContent(v.id));
		expect(early.status).toBe(400);
		expect(early.code).toBe('video_not_ready');
		await waitDone(v.id);
		for (const [variant, type, buf] of /** @type {const} */ ([
			['video', 'video/mp4', fixtures.video],
			['thumbnail', 'image/webp', fixtures.thumbnail],
			['spritesheet', 'image/jpeg', fixtures.spritesheet],
		])) {
			const res = await client.videos.downloadContent(v.id, { variant });
			expect(res.headers.get('content-type')).toBe(type);
			expect(res.headers.get('content-length')).toBe(String(buf.length));
			expect(Buffer.from(await res.arrayBuffer()).equals(buf)).toBe(true);
		}
		const def = await client.videos.downloadContent(v.id);
		expect(Buffer.from(await def.arrayBuffer()).equals(fixtures.video)).toBe(true);
		const contentRecs = s.requests.filter((r) => r.path.endsWith('/content') && r.status === 200);
		expect(contentRecs.map((r) => r.query.variant)).toEqual(['video', 'thumbnail', 'spritesheet', undefined]);
		expect(contentRecs[0].bytesSent).toBe(fixtures.video.length);
		expect((await raw(`/v1/videos/${v.id}/content?variant=gif`)).status).toBe(400);
	});

	test('pollAfterMs adds openai-poll-after-ms to retrieve answers', async () => {
		const v = await client.videos.create({ prompt: 'x' });
		let { response } = await client.videos.retrieve(v.id).withResponse();
		expect(response.headers.get('openai-poll-after-ms')).toBeNull();
		s.setOptions({ pollAfterMs: 1234 });
		({ response } = await client.videos.retrieve(v.id).withResponse());
		expect(response.headers.get('openai-poll-after-ms')).toBe('1234');
	});
});

describe('auth and unknown things', () => {
	test('a wrong key is a 401 AuthenticationError; a missing key is a 401 too', async () => {
		const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${s.baseUrl}/v1`, maxRetries: 0 });
		const err = await apiError(bad.videos.create({ prompt: 'x' }));
		expect(err.status).toBe(401);
		expect(err.constructor.name).toBe('AuthenticationError');
		expect(err.code).toBe('invalid_api_key');
		expect(err.requestID).toMatch(/^req_/);
		expect((await apiError(bad.models.list())).status).toBe(401);
		const res = await fetch(`${s.baseUrl}/v1/videos`);
		expect(res.status).toBe(401);
		expect(Object.keys((await res.json()).error).sort()).toEqual(['code', 'message', 'param', 'type']);
		expect(s.jobs.size).toBe(0);
		expect(s.paidRequests()).toHaveLength(0);
	});

	test('unknown video id is 404 NotFoundError; unknown route is an OpenAI-shaped 404', async () => {
		const err = await apiError(client.videos.retrieve('video_doesnotexist'));
		expect(err.status).toBe(404);
		expect(err.constructor.name).toBe('NotFoundError');
		expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found', param: null });
		const res = await raw('/v1/nothing');
		expect(res.status).toBe(404);
		expect((await res.json()).error.message).toBe('Invalid URL (GET /v1/nothing)');
	});
});

describe('multipart parsing', () => {
	test('hand-written body: preamble, quoted boundary, escaped quote in a name, binary part with CRLF and dashes', async () => {
		const boundary = 'b0und:ary with space';
		const bin = Buffer.from([0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x62, 0xff, 0x0d, 0x0a, 0x0d, 0x0a, 0x00]);
		const body = Buffer.concat([
			Buffer.from(`preamble to ignore\r\n--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nline1\r\nline2 \u00e9\r\n`),
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="character_url"\r\n\r\nhttps://example.com/c.mp4\r\n`),
			Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="character_timestamps"\r\n\r\n1,3\r\n`),
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="we\\"ird"\r\n\r\nq\r\n`),
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nsora-2-pro-all\r\n`),
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="seconds"\r\n\r\n10\r\n`),
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="input_reference"; filename="b\\"in.png"\r\nContent-Type: image/png\r\n\r\n`),
			bin,
			Buffer.from(`\r\n--${boundary}--\r\nepilogue`),
		]);
		const ct = `multipart/form-data; boundary="${boundary}"`;
		const parts = parseMultipart(body, ct);
		expect(parts.map((p) => p.name)).toEqual(['prompt', 'character_url', 'character_timestamps', 'we"ird', 'model', 'seconds', 'input_reference']);
		expect(parts[0].data.toString()).toBe('line1\r\nline2 \u00e9');
		expect(parts[6]).toMatchObject({ filename: 'b"in.png', contentType: 'image/png' });
		expect(parts[6].data.equals(bin)).toBe(true);

		const res = await raw('/v1/videos', { method: 'POST', headers: { 'content-type': ct }, body });
		expect(res.status).toBe(200);
		const v = await res.json();
		expect(v).toMatchObject({ model: 'sora-2-pro-all', seconds: '10', prompt: 'line1\r\nline2 \u00e9' });
		const job = s.jobs.get(v.id);
		expect(job).toMatchObject({ characterUrl: 'https://example.com/c.mp4', characterTimestamps: '1,3' });
		expect(job?.inputReference).toMatchObject({ filename: 'b"in.png', bytes: bin.length });
		expect(job?.fields).toMatchObject({ 'we"ird': 'q' });
	});

	test('malformed multipart is a 400, JSON create works too', async () => {
		const res = await raw('/v1/videos', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nno end' });
		expect(res.status).toBe(400);
		expect(s.requests.at(-1)?.bodySummary?.kind).toBe('invalid');
		const ok = await raw('/v1/videos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'json', model: 'sora-2-all', seconds: '15', character_url: 'https://x/c.mp4', character_timestamps: '0,2' }) });
		const v = await ok.json();
		expect(v).toMatchObject({ seconds: '15', model: 'sora-2-all' });
		expect(s.jobs.get(v.id)).toMatchObject({ characterUrl: 'https://x/c.mp4', characterTimestamps: '0,2' });
	});
});

describe('prompt markers', () => {
	test('[fail] goes in_progress, then failed with moderation_blocked; content is an error', async () => {
		const v = await client.videos.create({ prompt: 'bad [fail]' });
		const { video, seen } = await waitDone(v.id);
		expect(seen.some((x) => x.status === 'in_progress')).toBe(true);
		expect(video).toMatchObject({ status: 'failed', completed_at: null, error: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' } });
		expect((await apiError(client.videos.downloadContent(v.id))).status).toBe(400);
		expect((await apiError(client.videos.remix(v.id, { prompt: 'x' }))).status).toBe(400);
	});

	test('[never] stays in_progress with progress stuck at 42', async () => {
		const v = await client.videos.create({ prompt: 'hang [never] [render:100]' });
		await delay(250);
		const a = await client.videos.retrieve(v.id);
		expect(a).toMatchObject({ status: 'in_progress', progress: 42 });
	});

	test('[render:N] sets this job\'s render time; [queued:N] its queued time', async () => {
		s.setOptions({ renderMs: 60000 });
		const fast = await client.videos.create({ prompt: 'quick [render:150] [queued:0]' });
		const slow = await client.videos.create({ prompt: 'slow' });
		expect((await client.videos.retrieve(fast.id)).status).toBe('in_progress');
		await delay(200);
		expect((await client.videos.retrieve(fast.id)).status).toBe('completed');
		expect((await client.videos.retrieve(slow.id)).status).toBe('queued');
		expect(s.jobs.get(fast.id)).toMatchObject({ renderMs: 150, queuedMs: 0 });
		expect(s.jobs.get(slow.id)).toMatchObject({ renderMs: 60000, queuedMs: 15000 });
	});

	test('[comet] omits null fields and adds video_url; [upper] uses SUCCESS-style statuses', async () => {
		const c = await client.videos.create({ prompt: 'c [comet] [render:50]' });
		expect(c).not.toHaveProperty('completed_at');
		expect(c).not.toHaveProperty('error');
		await delay(80);
		const done = /** @type {any} */ (await client.videos.retrieve(c.id));
		expect(done.video_url).toBe(`${s.fileHostUrl}/files/${c.id}.mp4`);
		expect(done.expires_at).toEqual(expect.any(Number));
		const u = await client.videos.create({ prompt: 'u [upper] [render:50]' });
		expect(u.status).toBe('QUEUED');
		await delay(80);
		expect((await client.videos.retrieve(u.id)).status).toBe('SUCCESS');
	});

	test('[status:500] refuses the create with a 500 whose code is invalid_request; no job', async () => {
		const err = await apiError(client.videos.create({ prompt: 'x [status:500]' }));
		expect(err.status).toBe(500);
		expect(err.code).toBe('invalid_request');
		expect(s.jobs.size).toBe(0);
	});
});

describe('chat format', () => {
	const messages = /** @type {any} */ ([
		{ role: 'user', content: [{ type: 'text', text: 'video of a girl dancing' }, { type: 'image_url', image_url: { url: 'https://example.com/ref.png' } }] },
	]);

	test('streamed: progress text, a link to the file host, [DONE]; the link serves the MP4 without auth', async () => {
		const stream = await client.chat.completions.create({ model: 'sora-2', stream: true, messages });
		let text = '';
		let chunks = 0;
		for await (const c of stream) {
			expect(c.object).toBe('chat.completion.chunk');
			text += c.choices[0]?.delta?.content || '';
			chunks++;
		}
		expect(chunks).toBeGreaterThan(5);
		expect(text).toContain('Generating... 30%');
		const link = /\[Watch video\]\((http[^)]+\.mp4)\)/.exec(text);
		expect(link?.[1]).toMatch(new RegExp(`^${s.fileHostUrl}/files/chat_[0-9a-f]+\\.mp4$`));
		const chat = [...s.chats.values()][0];
		expect(chat).toMatchObject({ stream: true, state: 'done', fileUrl: link?.[1], prompt: 'video of a girl dancing' });
		const rec = s.requests.find((r) => r.path === '/v1/chat/completions');
		expect(rec?.bodySummary?.messages).toEqual([{ role: 'user', texts: ['video of a girl dancing'], imageUrls: ['https://example.com/ref.png'] }]);
		expect(rec?.paid).toBe(true);

		const file = await fetch(/** @type {string} */ (link?.[1]));
		expect(file.headers.get('content-type')).toBe('video/mp4');
		expect(Buffer.from(await file.arrayBuffer()).equals(fixtures.video)).toBe(true);
		const fileRec = s.requests.find((r) => r.server === 'files');
		expect(fileRec).toMatchObject({ method: 'GET', status: 200 });
		expect(fileRec?.headers.authorization).toBeUndefined();
	});

	test('events are split across TCP reads, including inside a multi-byte character', async () => {
		const res = await rawHttp(s.baseUrl, 'POST', '/v1/chat/completions', { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, JSON.stringify({ model: 'sora-2', stream: true, messages }));
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
		const reads = res.reads;
		expect(reads.length).toBeGreaterThan(5);
		const midEvent = reads.filter((b) => !b.toString('latin1').endsWith('\n\n'));
		expect(midEvent.length).toBeGreaterThan(3);
		const brokenUtf8 = reads.filter((b) => !Buffer.from(b.toString('utf8'), 'utf8').equals(b));
		expect(brokenUtf8.length).toBeGreaterThan(0);
		const all = res.body.toString('utf8');
		expect(all.startsWith(': keep-alive\n\ndata: {')).toBe(true);
		expect(all.endsWith('data: [DONE]\n\n')).toBe(true);
	});

	test('not streamed: one chat.completion with the whole text', async () => {
		const res = await client.chat.completions.create({ model: 'sora-2', messages });
		expect(res.object).toBe('chat.completion');
		const content = res.choices[0].message.content || '';
		expect(content).toContain('Generating... 100%');
		expect(content).toMatch(/\[Watch video\]\(http:\/\/127\.0\.0\.1:\d+\/files\/chat_[0-9a-f]+\.mp4\)/);
		expect([...s.chats.values()][0]).toMatchObject({ stream: false, state: 'done' });
	});

	test('[chat-nolink] ends without a link; [chat-error] sends an error event', async () => {
		const nolink = /** @type {any} */ ([{ role: 'user', content: 'cat [chat-nolink]' }]);
		let text = '';
		for await (const c of await client.chat.completions.create({ model: 'sora-2', stream: true, messages: nolink })) text += c.choices[0]?.delta?.content || '';
		expect(text).toContain('Generating');
		expect(text).not.toMatch(/https?:\/\//);

		const errMsgs = /** @type {any} */ ([{ role: 'user', content: [{ type: 'text', text: 'cat [chat-error]' }] }]);
		const stream = await client.chat.completions.create({ model: 'sora-2', stream: true, messages: errMsgs });
		const err = await apiError(
			(async () => {
				for await (const c of stream) void c;
			})(),
		);
		expect(err.message).toContain('upstream failed');
		expect(err.type).toBe('comet_api_error');

		const nonStream = await apiError(client.chat.completions.create({ model: 'sora-2', messages: errMsgs }));
		expect(nonStream.status).toBe(500);
		expect(nonStream.error).toMatchObject({ message: 'upstream failed', type: 'comet_api_error' });
	});

	test('[fail] in chat reports the failure without a link', async () => {
		const res = await client.chat.completions.create({ model: 'sora-2', messages: /** @type {any} */ ([{ role: 'user', content: 'x [fail]' }]) });
		expect(res.choices[0].message.content).toContain('blocked by our moderation system');
		expect(res.choices[0].message.content).not.toContain('http');
	});
});

describe('faults', () => {
	/** Runs n list requests (eligible) interleaved with model requests (never faulted); returns statuses. */
	async function sequence(n = 40) {
		const out = [];
		for (let i = 0; i < n; i++) {
			try {
				const r = await raw('/v1/videos?limit=1');
				await r.arrayBuffer();
				out.push(r.status);
			} catch {
				out.push('dropped');
			}
			const m = await raw('/v1/models');
			expect(m.status).toBe(200);
			await m.arrayBuffer();
		}
		return out;
	}

	test('rate5xx: seeded, repeatable, 500/502/503 with error bodies, models never faulted', async () => {
		s.setOptions({ faults: { seed: 7, rate5xx: 0.4 } });
		const a = await sequence();
		expect(a.filter((x) => x === 200).length).toBeGreaterThan(10);
		expect(a.filter((x) => typeof x === 'number' && x >= 500).length).toBeGreaterThan(5);
		expect(new Set(a.filter((x) => x !== 200))).toEqual(new Set([500, 502, 503]));
		const rec = s.requests.find((r) => r.fault === '5xx');
		expect(rec?.handled).toBe(false);
		s.reset(); // also re-seeds
		expect(await sequence()).toEqual(a);
		s.setOptions({ faults: { seed: 8 } });
		expect(await sequence()).not.toEqual(a);
		const body = await (async () => {
			s.setOptions({ faults: { seed: 1, rate5xx: 1 } });
			return (await raw('/v1/videos')).json();
		})();
		expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
	});

	test('the SDK retries 5xx by itself and gets through (seeded)', async () => {
		s.setOptions({ faults: { seed: 3, rate5xx: 0.5 } });
		const retrying = new OpenAI({ apiKey: KEY, baseURL: `${s.baseUrl}/v1`, maxRetries: 8 });
		// @ts-ignore: shorten the SDK's backoff for the test
		retrying.calculateDefaultRetryTimeoutMillis = () => 5;
		for (let i = 0; i < 5; i++) expect((await retrying.videos.list()).data).toEqual([]);
		const statuses = s.requests.map((r) => r.status);
		expect(statuses.filter((x) => x === 200)).toHaveLength(5);
		expect(statuses.filter((x) => typeof x === 'number' && x >= 500).length).toBeGreaterThan(0);
	});

	test('rateDrop: sockets destroyed without an answer; paid requests dropped before the job exists', async () => {
		s.setOptions({ faults: { seed: 5, rateDrop: 0.5 } });
		const a = await sequence(20);
		expect(a).toContain('dropped');
		expect(a).toContain(200);
		expect(s.requests.filter((r) => r.status === 'dropped').length).toBe(a.filter((x) => x === 'dropped').length);
		s.reset();
		expect(await sequence(20)).toEqual(a);

		s.setOptions({ faults: { seed: 1, rateDrop: 1 } });
		const err = await apiError(client.videos.create({ prompt: 'lost' }));
		expect(err.constructor.name).toBe('APIConnectionError');
		expect(s.jobs.size).toBe(0);
		expect(s.paidRequests()).toHaveLength(0);
		expect(s.requests.at(-1)).toMatchObject({ status: 'dropped', fault: 'drop', handled: false });
	});

	test('dropAfterCreate: the job exists but the client never hears (fate unknown)', async () => {
		s.setOptions({ faults: { seed: 1, rateDrop: 1, dropAfterCreate: true } });
		const err = await apiError(client.videos.create({ prompt: 'orphan' }));
		expect(err.constructor.name).toBe('APIConnectionError');
		expect(s.jobs.size).toBe(1);
		const paid = s.paidRequests();
		expect(paid).toHaveLength(1);
		expect(paid[0]).toMatchObject({ status: 'dropped', jobId: [...s.jobs.keys()][0] });
		// non-paid requests are still dropped before the handler
		await expect(raw('/v1/videos')).rejects.toThrow();
		expect(s.requests.at(-1)).toMatchObject({ handled: false, status: 'dropped' });
		s.setOptions({ faults: { rateDrop: 0 } });
		const orphan = [...s.jobs.keys()][0];
		expect((await client.videos.retrieve(orphan)).prompt).toBe('orphan');
	});

	test('errorAfterCreate: a 5xx on a paid request after its job was created', async () => {
		s.setOptions({ faults: { seed: 1, rate5xx: 1, errorAfterCreate: true } });
		const err = await apiError(client.videos.create({ prompt: 'billed anyway' }));
		expect(err.status).toBeGreaterThanOrEqual(500);
		expect(s.jobs.size).toBe(1);
		expect(s.paidRequests()[0]).toMatchObject({ fault: '5xx', jobId: [...s.jobs.keys()][0] });
	});

	test('burst429: bursts of K consecutive 429s with Retry-After; seeded', async () => {
		s.setOptions({ faults: { seed: 11, burst429: 0.15, burstLength: 3, retryAfterS: 2 } });
		const statuses = [];
		/** @type {(string|null)[]} */
		const retryAfter = [];
		for (let i = 0; i < 60; i++) {
			const r = await raw('/v1/videos');
			await r.arrayBuffer();
			statuses.push(r.status);
			if (r.status === 429) retryAfter.push(r.headers.get('retry-after'));
		}
		expect(statuses).toContain(429);
		expect(new Set(retryAfter)).toEqual(new Set(['2']));
		// every run of 429s is a whole number of bursts (>= K), except one cut off by the end
		const runs = statuses.join(',').split(/,?200,?/).filter(Boolean).map((r) => r.split(',').length);
		const lastRunAtEnd = statuses.at(-1) === 429;
		runs.forEach((len, i) => {
			if (!(lastRunAtEnd && i === runs.length - 1)) expect(len).toBeGreaterThanOrEqual(3);
		});
		const body = await (async () => {
			s.setOptions({ faults: { burst429: 1 } });
			return (await raw('/v1/videos')).json();
		})();
		expect(body.error.code).toBe('rate_limit_exceeded');
		s.setOptions({ faults: { seed: 11, burst429: 0.15, burstLength: 3, retryAfterS: 2 } });
		s.reset();
		const again = [];
		for (let i = 0; i < 60; i++) {
			const r = await raw('/v1/videos');
			await r.arrayBuffer();
			again.push(r.status);
		}
		expect(again).toEqual(statuses);
	});

	test('slowMs delays eligible answers but never /v1/models', async () => {
		s.setOptions({ faults: { slowMs: 150 } });
		let t = Date.now();
		await (await raw('/v1/videos')).arrayBuffer();
		expect(Date.now() - t).toBeGreaterThanOrEqual(140);
		t = Date.now();
		await (await raw('/v1/models')).arrayBuffer();
		expect(Date.now() - t).toBeLessThan(100);
	});

	test('rateTruncate cuts a download after half the bytes', async () => {
		const v = await client.videos.create({ prompt: 'x [render:0]' });
		s.setOptions({ faults: { rateTruncate: 1 } });
		const res = await client.videos.downloadContent(v.id);
		expect(res.headers.get('content-length')).toBe(String(fixtures.video.length));
		await expect(res.arrayBuffer()).rejects.toThrow();
		const rec = s.requests.at(-1);
		expect(rec).toMatchObject({ fault: 'truncate', status: 200, bytesSent: Math.floor(fixtures.video.length / 2) });
	});

	test('file host faults only when faults.fileHost is set', async () => {
		s.setOptions({ faults: { rate5xx: 1 } });
		expect((await fetch(`${s.fileHostUrl}/files/x.mp4`)).status).toBe(200);
		s.setOptions({ faults: { rate5xx: 1, fileHost: true } });
		expect((await fetch(`${s.fileHostUrl}/files/x.mp4`)).status).toBeGreaterThanOrEqual(500);
	});
});

describe('big downloads and redirects', () => {
	test('videoBytes: the SDK downloads exactly N bytes (50 MB) of MP4-looking data', async () => {
		const N = 50 * 1024 * 1024;
		s.setOptions({ videoBytes: N });
		const v = await client.videos.create({ prompt: 'big [render:0]' });
		const res = await client.videos.downloadContent(v.id);
		expect(res.headers.get('content-length')).toBe(String(N));
		const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
		let total = 0;
		/** @type {Buffer|null} */
		let head = null;
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (!head) head = Buffer.from(value.subarray(0, 64));
			total += value.length;
		}
		expect(total).toBe(N);
		const ftypLen = fixtures.video.readUInt32BE(0);
		expect(head?.subarray(0, ftypLen).equals(fixtures.video.subarray(0, ftypLen))).toBe(true);
		expect(head?.toString('latin1', ftypLen + 4, ftypLen + 8)).toBe('mdat');
		expect(head?.readUInt32BE(ftypLen)).toBe(N - ftypLen);
		expect(s.requests.at(-1)?.bytesSent).toBe(N);
		// the file host serves the same generated bytes
		const f = await fetch(`${s.fileHostUrl}/files/${v.id}.mp4`, { method: 'HEAD' });
		expect(f.headers.get('content-length')).toBe(String(N));
	}, 30000);

	test('videoBytes streams without buffering: the stand-in\'s RSS grows far less than the bytes sent', async () => {
		// The client runs in a child process so that this process's RSS is the stand-in's alone
		// (an in-process fetch client's own garbage would dominate the measurement).
		const N = 100 * 1024 * 1024;
		s.setOptions({ videoBytes: N });
		const v = await client.videos.create({ prompt: 'big [render:0]' });
		const url = `${s.baseUrl}/v1/videos/${v.id}/content`;
		const script = `require('node:http').get(process.argv[1], { headers: { authorization: 'Bearer ${KEY}' } }, (res) => {
			let n = 0; res.on('data', (c) => { n += c.length; }); res.on('end', () => process.stdout.write(String(n)));
		});`;
		const rss0 = process.memoryUsage().rss;
		let peak = rss0;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 5);
		const received = await new Promise((resolve, reject) => {
			const child = spawn(process.execPath, ['-e', script, url], { stdio: ['ignore', 'pipe', 'inherit'] });
			let out = '';
			child.stdout.on('data', (d) => (out += d));
			child.on('error', reject);
			child.on('exit', () => resolve(Number(out)));
		});
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().rss);
		if (process.env.STAND_IN_DEBUG) console.log(`rss growth ${((peak - rss0) / 1048576).toFixed(1)} MB for ${N / 1048576} MB sent`);
		expect(received).toBe(N);
		expect(s.requests.at(-1)?.bytesSent).toBe(N);
		expect(peak - rss0).toBeLessThan(30 * 1024 * 1024);
	}, 30000);

	test('contentRedirect: 302 to the file host, which serves the same bytes without auth', async () => {
		s.setOptions({ contentRedirect: true });
		const v = await client.videos.create({ prompt: 'redirected [render:0]' });
		const manual = await raw(`/v1/videos/${v.id}/content?variant=thumbnail`, { redirect: 'manual' });
		expect(manual.status).toBe(302);
		expect(manual.headers.get('location')).toBe(`${s.fileHostUrl}/files/${v.id}.webp`);
		const direct = await fetch(/** @type {string} */ (manual.headers.get('location')));
		expect(Buffer.from(await direct.arrayBuffer()).equals(fixtures.thumbnail)).toBe(true);
		expect(s.requests.at(-1)).toMatchObject({ server: 'files', path: `/files/${v.id}.webp`, status: 200 });
		expect(s.requests.at(-1)?.headers.authorization).toBeUndefined();

		for (const [variant, buf] of /** @type {const} */ ([['video', fixtures.video], ['spritesheet', fixtures.spritesheet]])) {
			const res = await client.videos.downloadContent(v.id, { variant });
			expect(Buffer.from(await res.arrayBuffer()).equals(buf)).toBe(true);
		}
		const fileRecs = s.requests.filter((r) => r.server === 'files');
		expect(fileRecs.map((r) => r.path)).toEqual([`/files/${v.id}.webp`, `/files/${v.id}.mp4`, `/files/${v.id}.jpg`]);
		// Node's fetch (undici) drops Authorization on a cross-origin redirect, as the Fetch standard says
		expect(fileRecs.map((r) => r.headers.authorization)).toEqual([undefined, undefined, undefined]);
	});
});

describe('log, options and lifecycle', () => {
	test('requests log records headers, query, body summaries, request ids and statuses in order', async () => {
		const v = await client.videos.create({ prompt: 'logged' });
		await client.videos.retrieve(v.id);
		await raw('/v1/videos?limit=5&order=asc');
		const [create, get, list] = s.requests;
		expect(create).toMatchObject({ seq: expect.any(Number), server: 'api', method: 'POST', path: '/v1/videos', status: 200, paid: true, jobId: v.id });
		expect(create.headers.authorization).toBe(`Bearer ${KEY}`);
		expect(String(create.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
		expect(get).toMatchObject({ method: 'GET', path: `/v1/videos/${v.id}`, bodySummary: null, paid: false, handled: true });
		expect(list.query).toEqual({ limit: '5', order: 'asc' });
		expect(get.seq).toBeGreaterThan(create.seq);
		expect(list.time).toBeGreaterThanOrEqual(create.time);
		const r = await client.videos.retrieve(v.id).withResponse();
		expect(s.requests.at(-1)?.requestId).toBe(r.response.headers.get('x-request-id'));
		expect(s.video(v.id)).toMatchObject({ id: v.id, object: 'video' });
	});

	test('JSON answers are gzipped when the client accepts gzip (as the real edge does)', async () => {
		const hdrs = { authorization: `Bearer ${KEY}`, 'accept-encoding': 'gzip' };
		const zipped = await rawHttp(s.baseUrl, 'GET', '/v1/models', hdrs);
		expect(zipped.headers['content-encoding']).toBe('gzip');
		expect(zipped.headers['content-length']).toBe(String(zipped.body.length));
		expect(JSON.parse(zlib.gunzipSync(zipped.body).toString()).object).toBe('list');
		s.setOptions({ gzip: false });
		const plain = await rawHttp(s.baseUrl, 'GET', '/v1/models', hdrs);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(JSON.parse(plain.body.toString()).object).toBe('list');
	});

	test('close() is prompt with a hanging stream open and a keep-alive socket', async () => {
		const t = await startStandIn({ apiKey: 'k', chatDelayMs: 5 });
		const c = new OpenAI({ apiKey: 'k', baseURL: `${t.baseUrl}/v1`, maxRetries: 0 });
		await c.models.list();
		const stream = await c.chat.completions.create({ model: 'sora-2', stream: true, messages: [{ role: 'user', content: 'x [never]' }] });
		const consumed = (async () => {
			for await (const ch of stream) void ch;
		})().catch((e) => e);
		await delay(100);
		const started = Date.now();
		await t.close();
		expect(Date.now() - started).toBeLessThan(500);
		await consumed;
		await expect(fetch(`${t.baseUrl}/v1/models`)).rejects.toThrow();
	});

	test('cli.js starts, prints its URLs, serves, and stops on SIGTERM', async () => {
		const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'tools', 'stand-in', 'cli.js'), '--api-key', 'sk-cli', '--render-ms', '100', '--video-bytes', '1K', '--seed', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
		try {
			/** @type {{baseUrl: string, fileHostUrl: string, pid: number}} */
			const info = await new Promise((resolve, reject) => {
				let buf = '';
				child.stdout.on('data', (d) => {
					buf += d;
					if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]));
				});
				child.on('exit', (code) => reject(new Error(`cli exited ${code}`)));
			});
			expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const c = new OpenAI({ apiKey: 'sk-cli', baseURL: `${info.baseUrl}/v1`, maxRetries: 0 });
			const v = await c.videos.create({ prompt: 'cli [render:0]' });
			const res = await c.videos.downloadContent(v.id);
			expect((await res.arrayBuffer()).byteLength).toBe(1024);
			const opts = await (await fetch(`${info.baseUrl}/__stand-in/options`, { method: 'POST', body: JSON.stringify({ renderMs: 5 }) })).json();
			expect(opts).toMatchObject({ renderMs: 5, faults: { seed: 3 } });
			const reqs = await (await fetch(`${info.baseUrl}/__stand-in/requests`)).json();
			expect(reqs.map((/** @type {any} */ r) => r.path)).toEqual(['/v1/videos', `/v1/videos/${v.id}/content`]);
		} finally {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
		}
	});
});
