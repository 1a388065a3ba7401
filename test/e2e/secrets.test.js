/**
 * The API key never leaks, through a real n8n (every host in hosts.json). With a distinctive key,
 * one execution runs every operation and every error path the stand-ins can produce, each Sora node
 * set to "On Error: Continue" (success paths; 401 with provider messages that echo the whole key, as
 * JSON and as text, and with the key in the error's type/code/param too; the stand-in's own 401 for a
 * refused key; 404s; a [fail] job; a time-out; refused creates (400, 429, 500 invalid_request); a
 * download before completion; dropped paid requests whose fate is unknown; chat with its link on the
 * file host, a chat error and a chat without link; content answered with a 302 to the file host).
 * Four more executions let a node fail the whole workflow (the error with its stack goes into the
 * execution's top-level error): an echoed 401, an echoed 400 with the key in every field, a time-out
 * and a dropped create. The sweep then runs once more at log level debug, only to search its log.
 *
 * Searched for the key (and its base64 form): the execution JSON (outputs, errors, descriptions,
 * stacks), the CLI's whole stdout/stderr at log levels info and debug, every file n8n left in its user folder
 * (database, binary data; the harness's own import input with the plain credential excepted), and
 * every request the file host received. The key must travel only as `Authorization: Bearer <key>` to
 * the credential's own origin, and no request to the file host may carry an Authorization header.
 *
 * SECRETS_HOSTS=2.8.4 limits the hosts (default: all of hosts.json).
 */
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { executeWorkflow, executionError, hostVersions, nodeError, nodeOutput, readBinary, runN8nCli } = require('../../tools/n8n-harness');
const { startStandIn, fixtures } = require('../../tools/stand-in');
const { NODE_TYPE, useHostFolder, useSoraSuite } = require('./lib/sora-e2e');

// jest 29 ignores `testTimeout` inside a `projects` entry
jest.setTimeout(600_000);

const KEY = `sk-live-LEAKCHECK-${randomBytes(16).toString('hex')}`;
/** Forms of the key searched for: as is, and base64 (alone and in a Basic/Bearer header value). */
const NEEDLES = [KEY, Buffer.from(KEY).toString('base64'), Buffer.from(`Bearer ${KEY}`).toString('base64')];
const POLL = 0.2;
const TIMEOUT_S = 3;

/** @param {string} text */
const leaksIn = (text) => NEEDLES.filter((needle) => text.includes(needle));

/**
 * The places in a parsed execution where the key is: JSON paths of the strings (and keys) holding it.
 * @param {any} value @param {string} [at]
 * @returns {string[]}
 */
function leakPaths(value, at = '$') {
	if (typeof value === 'string') return leaksIn(value).length ? [`${at} = ${JSON.stringify(value.length > 160 ? `${value.slice(0, 160)}…` : value)}`] : [];
	if (!value || typeof value !== 'object') return [];
	return Object.entries(value).flatMap(([k, v]) => [
		...(leaksIn(k).length ? [`${at} has a key with it`] : []),
		...leakPaths(v, Array.isArray(value) ? `${at}[${k}]` : `${at}.${k}`),
	]);
}

// --- a provider that echoes the key back in its errors ---------------------------------------------

/**
 * An OpenAI-style API that refuses everything and repeats the caller's key in the refusal. The first
 * path segment picks the answer (the credential's Base URL carries it: `<url>/json401` ->
 * `/json401/v1/...`):
 *   json401  401 `{"error":{"message":"Incorrect API key provided: <key>. ..."}}`
 *   text401  401 text/plain `Unauthorized: <key> is not a valid key`
 *   all400   400 with the key in message, type, code and param, and in a response header
 */
async function startEchoProvider() {
	/** @type {Array<{ method: string, url: string, headers: Record<string, any> }>} */
	const received = [];
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			received.push({ method: String(req.method), url: String(req.url), headers: { ...req.headers } });
			const given = String(req.headers.authorization || '').replace(/^Bearer\s+/i, '');
			const mode = (/^\/([^/]+)\//.exec(String(req.url)) || [])[1];
			if (mode === 'text401') {
				res.writeHead(401, { 'content-type': 'text/plain' });
				res.end(`Unauthorized: ${given} is not a valid key`);
				return;
			}
			const body =
				mode === 'all400'
					? { error: { message: `Key ${given} may not use this model.`, type: `denied_for_${given}`, code: `key_${given}`, param: given } }
					: { error: { message: `Incorrect API key provided: ${given}. You can find your API key in your dashboard.`, type: 'invalid_request_error', code: 'invalid_api_key', param: null } };
			res.writeHead(mode === 'all400' ? 400 : 401, { 'content-type': 'application/json', 'x-echo-key': given });
			res.end(JSON.stringify(body));
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}`,
		received,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

// --- workflows --------------------------------------------------------------------------------------

/** @param {string} id */
const cred = (id) => ({ cometApi: { id, name: id } });
const MANUAL = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
let y = 0;
/**
 * @param {string} name @param {string} credentialId @param {Record<string, any>} parameters
 * @param {{ x?: number, onError?: string | null }} [extra]
 */
function sora(name, credentialId, parameters, extra = {}) {
	const onError = extra.onError === undefined ? 'continueRegularOutput' : extra.onError;
	return {
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [extra.x || 220, (y += 20)],
		parameters: { resource: 'video', ...parameters },
		credentials: cred(credentialId),
		...(onError ? { onError } : {}),
	};
}
/** @param {string} name @param {string[]} values @param {string} field */
function itemsOf(name, values, field) {
	return [
		{
			name,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [220, (y += 20)],
			parameters: { assignments: { assignments: [{ id: 'v', name: 'values', value: JSON.stringify(values), type: 'array' }] }, options: {} },
		},
		{
			name: `${name} (split)`,
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [330, y],
			parameters: { fieldToSplitOut: 'values', include: 'noOtherFields', options: { destinationFieldName: field } },
		},
	];
}
/** @param {Record<string, string[]>} map source -> targets (output 0); `name#1` as a key for output 1 */
function connect(map) {
	/** @type {Record<string, any>} */
	const connections = {};
	for (const [key, targets] of Object.entries(map)) {
		const [source, output = '0'] = key.split('#');
		connections[source] = connections[source] || { main: [] };
		while (connections[source].main.length <= Number(output)) connections[source].main.push([]);
		connections[source].main[Number(output)].push(...targets.map((node) => ({ node, type: 'main', index: 0 })));
	}
	return connections;
}

const wait = { waitForCompletion: true, binaryPropertyName: 'data', options: { pollInterval: POLL, timeout: 60 } };
const CREATE_ERROR_PROMPTS = [
	'[fail] [render:500] A storm the moderation blocks',
	'[never] A render that never finishes',
	'[status:500] Refused with invalid_request',
	'[status:429] Refused: rate limited',
	'[status:400] Refused: bad request',
	'[comet] [render:500] A comet-shaped answer',
	'[upper] [render:500] Status words in capitals',
];
const CHAT_PROMPTS = [
	'A girl dancing in the rain, duration: 5 seconds',
	'[chat-error] A chat the relay breaks',
	'[chat-nolink] A chat without a link',
];
const MISSING = 'video_0000000000000000000000000000000000000000missing';

/** @param {string} fileHostUrl */
function sweepWorkflow(fileHostUrl) {
	y = 0;
	const ok = 'leak-ok';
	const nodes = [
		MANUAL,
		// success paths on stand-in A (content answers 302 to the file host)
		sora('Create', ok, { operation: 'create', model: 'sora-2', prompt: '[render:600] A red fox in the snow', seconds: '4', size: '1280x720', ...wait }),
		sora('Remix', ok, { operation: 'remix', videoId: '={{ $json.id }}', prompt: 'Same fox, at night', ...wait }, { x: 440 }),
		sora('Retrieve', ok, { operation: 'retrieve', videoId: "={{ $('Create').item.json.id }}" }, { x: 660 }),
		sora('Download Video', ok, { operation: 'download', videoId: "={{ $('Create').item.json.id }}", variant: 'video', binaryPropertyName: 'video' }, { x: 880 }),
		sora('Download Thumbnail', ok, { operation: 'download', videoId: "={{ $('Create').item.json.id }}", variant: 'thumbnail', binaryPropertyName: 'thumbnail' }, { x: 1100 }),
		sora('Download Spritesheet', ok, { operation: 'download', videoId: "={{ $('Create').item.json.id }}", variant: 'spritesheet', binaryPropertyName: 'spritesheet' }, { x: 1320 }),
		sora('Delete', ok, { operation: 'delete', videoId: "={{ $('Remix').item.json.id }}" }, { x: 1540 }),
		sora('List', ok, { operation: 'list', returnAll: false, limit: 5, order: 'desc' }),
		sora('Create Ref URL', ok, {
			operation: 'create', model: 'sora-2', prompt: '[render:800] The first frame comes alive', seconds: '4', size: '400x90', waitForCompletion: false,
			options: { referenceImageUrl: `${fileHostUrl}/files/first-frame.jpg` },
		}),
		sora('Download Not Ready', ok, { operation: 'download', videoId: '={{ $json.id }}', variant: 'video', binaryPropertyName: 'data' }, { x: 440 }),
		...itemsOf('Chat Prompts', CHAT_PROMPTS, 'prompt'),
		sora('Chat', ok, { operation: 'chat', model: 'sora-2', prompt: '={{ $json.prompt }}', imageUrl: '', binaryPropertyName: 'data' }, { x: 440 }),
		// error paths on stand-in A
		...itemsOf('Error Prompts', CREATE_ERROR_PROMPTS, 'prompt'),
		sora('Create Errors', ok, {
			operation: 'create', model: 'sora-2', prompt: '={{ $json.prompt }}', seconds: '4', size: '720x1280',
			waitForCompletion: true, binaryPropertyName: 'data', options: { pollInterval: POLL, timeout: TIMEOUT_S },
		}, { x: 440 }),
		sora('Retrieve 404', ok, { operation: 'retrieve', videoId: MISSING }),
		sora('Download 404', ok, { operation: 'download', videoId: MISSING, variant: 'video', binaryPropertyName: 'data' }),
		sora('Remix 404', ok, { operation: 'remix', videoId: MISSING, prompt: 'Remix of nothing', waitForCompletion: false }),
		sora('Delete 404', ok, { operation: 'delete', videoId: MISSING }),
		// stand-in B drops every request, paid ones after the job or chat was made
		sora('Create Dropped', 'leak-drop', { operation: 'create', model: 'sora-2', prompt: 'A dropped create', seconds: '4', size: '1280x720', waitForCompletion: false }),
		sora('Remix Dropped', 'leak-drop', { operation: 'remix', videoId: 'video_source0001', prompt: 'A dropped remix', waitForCompletion: false }),
		sora('Chat Dropped', 'leak-drop', { operation: 'chat', model: 'sora-2', prompt: 'A dropped chat', imageUrl: '', binaryPropertyName: 'data' }),
		// the echoing provider
		sora('Create 401 Echo', 'leak-json401', { operation: 'create', model: 'sora-2', prompt: 'Echo 401', seconds: '4', size: '1280x720', ...wait }),
		sora('Retrieve 401 Echo', 'leak-json401', { operation: 'retrieve', videoId: 'video_echo0001' }),
		sora('List 401 Echo', 'leak-json401', { operation: 'list', returnAll: true, order: 'desc' }),
		sora('Download 401 Echo', 'leak-json401', { operation: 'download', videoId: 'video_echo0001', variant: 'thumbnail', binaryPropertyName: 'data' }),
		sora('Delete 401 Echo', 'leak-json401', { operation: 'delete', videoId: 'video_echo0001' }),
		sora('Chat 401 Echo', 'leak-json401', { operation: 'chat', model: 'sora-2', prompt: 'Echo chat', imageUrl: '', binaryPropertyName: 'data' }),
		sora('Create 401 Text', 'leak-text401', { operation: 'create', model: 'sora-2', prompt: 'Echo text', seconds: '4', size: '1280x720', waitForCompletion: false }),
		sora('Download 401 Text', 'leak-text401', { operation: 'download', videoId: 'video_echo0001', variant: 'video', binaryPropertyName: 'data' }),
		sora('Create 400 Everywhere', 'leak-all400', { operation: 'create', model: 'sora-2', prompt: 'Echo everywhere', seconds: '4', size: '1280x720', waitForCompletion: false }),
		sora('Create 401 Error Output', 'leak-json401', { operation: 'create', model: 'sora-2', prompt: 'Echo to the error output', seconds: '4', size: '1280x720', waitForCompletion: false }, { onError: 'continueErrorOutput' }),
		{ name: 'Error Output', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, (y += 20)], parameters: {} },
		// stand-in C expects another key: its own 401 (shows a 5-character prefix only)
		sora('List Wrong Key', 'leak-wrongkey', { operation: 'list', returnAll: false, limit: 5, order: 'desc' }),
	];
	const fromStart = nodes
		.filter((n) => n.name !== 'Start' && !['Remix', 'Retrieve', 'Download Video', 'Download Thumbnail', 'Download Spritesheet', 'Delete', 'Download Not Ready', 'Chat', 'Create Errors', 'Error Output'].includes(n.name) && !n.name.endsWith('(split)'))
		.map((n) => n.name);
	return {
		id: 'soraLeakSweep001',
		name: 'sora e2e: API key leak sweep',
		nodes,
		connections: connect({
			Start: fromStart,
			Create: ['Remix'],
			Remix: ['Retrieve'],
			Retrieve: ['Download Video'],
			'Download Video': ['Download Thumbnail'],
			'Download Thumbnail': ['Download Spritesheet'],
			'Download Spritesheet': ['Delete'],
			'Create Ref URL': ['Download Not Ready'],
			'Chat Prompts': ['Chat Prompts (split)'],
			'Chat Prompts (split)': ['Chat'],
			'Error Prompts': ['Error Prompts (split)'],
			'Error Prompts (split)': ['Create Errors'],
			'Create 401 Error Output#1': ['Error Output'],
		}),
	};
}

/** Workflows where one node stops the execution (no "On Error" setting). */
const HARD = [
	{ id: 'soraLeakHard0001', node: 'Create 401', credential: 'leak-json401', parameters: { prompt: 'Hard echo', waitForCompletion: false } },
	{ id: 'soraLeakHard0002', node: 'Create 400', credential: 'leak-all400', parameters: { prompt: 'Hard echo everywhere', waitForCompletion: false } },
	{ id: 'soraLeakHard0003', node: 'Create Timeout', credential: 'leak-ok', parameters: { prompt: '[never] Hard time-out', ...wait, options: { pollInterval: POLL, timeout: 1 } } },
	{ id: 'soraLeakHard0004', node: 'Create Dropped', credential: 'leak-drop', parameters: { prompt: 'Hard drop', waitForCompletion: false } },
];
/** @param {(typeof HARD)[number]} hard */
function hardWorkflow(hard) {
	y = 0;
	return {
		id: hard.id,
		name: `sora e2e: leak, ${hard.node}`,
		nodes: [
			MANUAL,
			sora(hard.node, hard.credential, { operation: 'create', model: 'sora-2', seconds: '4', size: '1280x720', ...hard.parameters }, { onError: null }),
		],
		connections: connect({ Start: [hard.node] }),
	};
}

// --- searching ------------------------------------------------------------------------------------

/**
 * Every file under `dir` (n8n's database, binary data, settings) with a needle in it, except the
 * harness's import inputs, which hold the plain credential by design.
 * @param {string} dir
 */
function filesWithLeak(dir) {
	const found = [];
	const walk = (/** @type {string} */ current) => {
		for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) {
				if (entry.name === 'harness-inputs' || entry.name === 'node_modules') continue;
				walk(full);
			} else if (entry.isFile() && fs.statSync(full).size < 200 * 1024 * 1024) {
				const text = fs.readFileSync(full).toString('latin1');
				const hits = NEEDLES.flatMap((needle) => {
					const at = [];
					for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) at.push(i);
					// what precedes each hit tells which data holds it
					return at.map((i) => JSON.stringify(text.slice(Math.max(0, i - 40), i).replace(/[^\x20-\x7e]/g, '.')));
				});
				if (hits.length) found.push({ file: path.relative(dir, full), before: hits });
			}
		}
	};
	walk(dir);
	return found;
}

/**
 * Where in a stand-in's log the key travels: only as the Authorization header to its API.
 * @param {any[]} requests
 */
function misplacedKeys(requests) {
	const wrong = [];
	for (const r of requests) {
		const { authorization, ...otherHeaders } = r.headers;
		const rest = JSON.stringify({ ...r, headers: otherHeaders });
		if (leaksIn(rest).length) wrong.push({ server: r.server, method: r.method, path: r.path, where: 'url, body or another header' });
		if (r.server === 'files' && authorization !== undefined) wrong.push({ server: 'files', path: r.path, where: 'authorization header' });
		if (r.server === 'api' && authorization !== undefined && authorization !== `Bearer ${KEY}`) {
			wrong.push({ server: 'api', path: r.path, where: `unexpected authorization ${authorization.slice(0, 12)}…` });
		}
	}
	return wrong;
}

// --- the test ---------------------------------------------------------------------------------------

/** @type {Awaited<ReturnType<typeof startStandIn>>} */ let okApi;
/** @type {Awaited<ReturnType<typeof startStandIn>>} */ let dropApi;
/** @type {Awaited<ReturnType<typeof startStandIn>>} */ let otherKeyApi;
/** @type {Awaited<ReturnType<typeof startEchoProvider>>} */ let echo;

const suite = useSoraSuite({ timingsTitle: 'Secrets sweep timings', standIn: false });
const { timed } = suite;

beforeAll(async () => {
	okApi = await startStandIn({ apiKey: KEY, renderMs: 800, chatDelayMs: 20, contentRedirect: true });
	dropApi = await startStandIn({ apiKey: KEY, renderMs: 800, chatDelayMs: 20, faults: { seed: 7, rateDrop: 1, dropAfterCreate: true } });
	otherKeyApi = await startStandIn({ apiKey: 'sk-somebody-else-0000', renderMs: 800 });
	echo = await startEchoProvider();
});
afterAll(async () => {
	await Promise.all([okApi && okApi.close(), dropApi && dropApi.close(), otherKeyApi && otherKeyApi.close(), echo && echo.close()]);
});

const HOSTS = process.env.SECRETS_HOSTS ? process.env.SECRETS_HOSTS.split(',').map((v) => v.trim()) : hostVersions();

describe.each(HOSTS)('n8n %s: the API key never leaks', (version) => {
	const folder = useHostFolder(suite, version, {
		credentials: () =>
			[
				['leak-ok', okApi.baseUrl],
				['leak-drop', dropApi.baseUrl],
				['leak-wrongkey', otherKeyApi.baseUrl],
				['leak-json401', `${echo.url}/json401`],
				['leak-text401', `${echo.url}/text401`],
				['leak-all400', `${echo.url}/all400`],
			].map(([id, baseUrl]) => ({ id, name: id, type: 'cometApi', data: { apiKey: KEY, baseUrl } })),
		workflows: () => [sweepWorkflow(okApi.fileHostUrl), ...HARD.map(hardWorkflow)],
	});
	/** @type {import('../../tools/n8n-harness/cli').ExecuteResult} */
	let sweep;
	/** @type {Array<{ hard: (typeof HARD)[number], result: import('../../tools/n8n-harness/cli').ExecuteResult }>} */
	const hardRuns = [];
	/** @type {import('../../tools/n8n-harness/cli').CliResult} */
	let debugSweep;
	/** @type {any[]} */ let okLog;
	/** @type {any[]} */ let dropLog;
	let echoMark = 0;

	/** @param {string} name */
	const out = (name) => nodeOutput(sweep.run, name);
	/** @param {string} name */
	const only = (name) => {
		const items = out(name);
		expect(items).toHaveLength(1);
		return items[0].json;
	};

	beforeAll(async () => {
		if (!okApi || !folder.root) throw new Error('set-up failed (build, stand-ins or host): see the first error');
		for (const api of [okApi, dropApi, otherKeyApi]) api.reset();
		echoMark = echo.received.length;
		sweep = await timed(version, 'execute sweep (35 nodes)', () => executeWorkflow(folder, 'soraLeakSweep001'));
		okLog = okApi.requests.slice();
		dropLog = dropApi.requests.slice();
		for (const hard of HARD) {
			hardRuns.push({ hard, result: await timed(version, `execute ${hard.node} (stops)`, () => executeWorkflow(folder, hard.id)) });
		}
		// the sweep once more at log level debug, the most n8n writes about a run (at debug the
		// execution JSON is wrapped in log metadata, so this output is only searched, not parsed)
		debugSweep = await timed(version, 'execute sweep again (log level debug)', () =>
			runN8nCli(folder, ['execute', '--id=soraLeakSweep001', '--rawOutput'], { env: { N8N_LOG_LEVEL: 'debug' } }),
		);
	});

	it('runs the sweep to the end: every failure stays on its item', () => {
		expect(sweep.exitCode).toBe(0);
		expect(sweep.run.status).toBe('success');
	});

	it('covers the success paths (files through the file host)', () => {
		const created = only('Create');
		expect(created).toMatchObject({ status: 'completed' });
		expect(readBinary(folder, out('Create')[0].binary.data).equals(fixtures.video)).toBe(true);
		expect(only('Remix')).toMatchObject({ status: 'completed', remixed_from_video_id: created.id });
		expect(only('Retrieve')).toMatchObject({ id: created.id, status: 'completed' });
		expect(readBinary(folder, out('Download Video')[0].binary.video).equals(fixtures.video)).toBe(true);
		expect(readBinary(folder, out('Download Thumbnail')[0].binary.thumbnail).equals(fixtures.thumbnail)).toBe(true);
		expect(readBinary(folder, out('Download Spritesheet')[0].binary.spritesheet).equals(fixtures.spritesheet)).toBe(true);
		expect(only('Delete')).toMatchObject({ deleted: true });
		expect(out('List').map((i) => i.json.id)).toContain(created.id);
		expect(only('Create Ref URL')).toMatchObject({ status: 'queued' });
		const [chat] = out('Chat');
		expect(chat.json.videoUrl).toMatch(new RegExp(`^${okApi.fileHostUrl}/files/`));
		expect(readBinary(folder, chat.binary.data).equals(fixtures.video)).toBe(true);
		const files = okLog.filter((r) => r.server === 'files').map((r) => r.path);
		expect(files).toEqual(expect.arrayContaining([`/files/${created.id}.mp4`, `/files/${created.id}.webp`, `/files/${created.id}.jpg`, '/files/first-frame.jpg']));
		expect(files.some((p) => /^\/files\/chat_/.test(p))).toBe(true);
	});

	it('covers the error paths, each with a message that says what happened', () => {
		const errors = out('Create Errors').map((i) => i.json);
		expect(errors).toHaveLength(CREATE_ERROR_PROMPTS.length);
		expect(errors[0].error).toMatch(/^Video video_\w+ failed: Your request was blocked/);
		expect(errors[1].error).toMatch(new RegExp(`^Video video_\\w+ was not finished after ${TIMEOUT_S} s`));
		expect(errors[2].description).toMatch(/^HTTP 500, code invalid_request/);
		expect(errors[3].description).toMatch(/^HTTP 429/);
		expect(errors[4].description).toMatch(/^HTTP 400/);
		expect(errors[5]).toMatchObject({ status: 'completed' });
		expect(errors[6]).toMatchObject({ status: 'SUCCESS' });
		expect(only('Download Not Ready').description).toMatch(/^HTTP 400, code video_not_ready/);
		const chats = out('Chat').map((i) => i.json);
		expect(chats[1].error).toMatch(/upstream failed/);
		expect(chats[2].error).toMatch(/no video link/);
		for (const name of ['Retrieve 404', 'Download 404', 'Remix 404', 'Delete 404']) {
			expect(only(name)).toMatchObject({ videoId: MISSING, description: expect.stringMatching(/^HTTP 404/) });
		}
		// the lost create and remix are looked up in the video list, which the dropping stand-in cannot answer either
		for (const name of ['Create Dropped', 'Remix Dropped']) {
			expect(only(name).error).toMatch(
				/the connection to http:\/\/127\.0\.0\.1:\d+ was closed before an answer arrived; the video list could not be read to look for the job/,
			);
			expect(only(name).description).toMatch(/may have started a paid job, so it was not sent again/);
		}
		expect(only('Chat Dropped').error).toMatch(/the connection to http:\/\/127\.0\.0\.1:\d+ was closed before an answer arrived$/);
		expect(only('Chat Dropped').description).toMatch(/may have reached CometAPI/);
		expect(dropLog.filter((r) => r.paid)).toHaveLength(3);
		for (const name of ['Create 401 Echo', 'Retrieve 401 Echo', 'List 401 Echo', 'Download 401 Echo', 'Delete 401 Echo', 'Chat 401 Echo']) {
			expect(only(name).error).toMatch(/Incorrect API key provided: \[redacted\]/);
			expect(only(name).description).toMatch(/^HTTP 401/);
		}
		expect(only('Create 401 Text').error).toMatch(/Unauthorized: \[redacted\] is not a valid key/);
		expect(only('Download 401 Text').description).toMatch(/^HTTP 401/);
		expect(only('Create 400 Everywhere').error).toMatch(/Key \[redacted\] may not use this model/);
		expect(only('Error Output').error).toMatch(/Incorrect API key provided: \[redacted\]/);
		expect(only('List Wrong Key').error).toMatch(/Incorrect API key provided: sk-li\*\*\*/);
		// the echoing provider really echoed the key it got
		expect(echo.received.slice(echoMark).every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
	});

	it('leaves the key out of the execution JSON, the outputs and the errors', () => {
		expect(leakPaths(sweep.run)).toEqual([]);
	});

	it('leaves the key out of the CLI output and the n8n log (levels info and debug)', () => {
		expect(leaksIn(sweep.stdout)).toEqual([]);
		expect(leaksIn(sweep.stderr)).toEqual([]);
		expect(debugSweep.stdout).toMatch(/\bdebug\b/);
		expect(debugSweep.stdout).toContain('Incorrect API key provided: [redacted]');
		expect(leaksIn(debugSweep.stdout)).toEqual([]);
		expect(leaksIn(debugSweep.stderr)).toEqual([]);
	});

	it.each(HARD.map((h) => [h.node, h]))('a stopping node (%s) leaves the key out of the error, its stack and the log', (_, hard) => {
		const run = hardRuns.find((r) => r.hard === hard);
		expect(run).toBeDefined();
		const { result } = /** @type {any} */ (run);
		expect(result.exitCode).toBe(1);
		const error = nodeError(result.run, hard.node);
		expect(error).toBeDefined();
		expect(typeof (executionError(result.run) || {}).stack).toBe('string');
		expect({
			node: hard.node,
			execution: leakPaths(result.run),
			stdout: leaksIn(result.stdout),
			stderr: leaksIn(result.stderr),
		}).toEqual({ node: hard.node, execution: [], stdout: [], stderr: [] });
	});

	it('leaves the key out of every file n8n wrote (database, binary data)', () => {
		expect(filesWithLeak(folder.root)).toEqual([]);
	});

	it('sends the key only as Authorization to the credential\'s own origin, never to the file host', () => {
		const fileRequests = okLog.filter((r) => r.server === 'files');
		expect(fileRequests.length).toBeGreaterThanOrEqual(5);
		// every request of every run on this host (the sweep twice and the stopping nodes)
		expect(misplacedKeys(okApi.requests)).toEqual([]);
		expect(misplacedKeys(dropApi.requests)).toEqual([]);
		expect(misplacedKeys(otherKeyApi.requests)).toEqual([]);
		expect(echo.received.slice(echoMark).every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
		for (const r of fileRequests) {
			expect(r.headers.authorization).toBeUndefined();
			expect(leaksIn(JSON.stringify(r))).toEqual([]);
		}
		for (const r of okApi.requests.filter((x) => x.server === 'files')) expect(r.headers.authorization).toBeUndefined();
		expect(dropApi.requests.filter((r) => r.server === 'files')).toEqual([]);
		expect(otherKeyApi.requests.filter((r) => r.server === 'files')).toEqual([]);
	});
});
