// The node as an AI Agent's tool: n8n runs the same code under the type `<type>Tool` and hands the
// model only each item's JSON, so as a tool the node returns a few fields and never the file.
const nock = require('nock');
const { NodeHelpers } = require('n8n-workflow');
const { NODE_TYPE, runNode } = require('../support/run-node');
const { API, FILES, MP4, video, trackUnexpectedRequests } = require('../support/api');
const { SoraVideo } = require('../../nodes/SoraVideo/SoraVideo.node');

const unexpected = trackUnexpectedRequests();
const TOOL_TYPE = `${NODE_TYPE}Tool`;
const fast = { pollInterval: 0.1 };

const LONG_PROMPT = 'A paper airplane glides across a sunlit desk, slow motion. '.repeat(40);
const COMPLETED = video('video_1', {
	status: 'completed',
	progress: 100,
	prompt: LONG_PROMPT,
	created_at: 1760000000,
	completed_at: 1760000090,
	expires_at: 1760003690,
	remixed_from_video_id: null,
	error: null,
});
const FAILED = video('video_1', { status: 'failed', progress: 99, error: { code: 'moderation_blocked', message: 'Blocked by moderation.' } });
const SHAPED_COMPLETED = {
	id: 'video_1',
	status: 'completed',
	progress: 100,
	seconds: '4',
	size: '1280x720',
	model: 'sora-2',
	expires_at: 1760003690,
};

function renderThatCompletes(answer = COMPLETED) {
	return nock(API).post('/v1/videos').reply(200, video('video_1')).get('/v1/videos/video_1').reply(200, answer);
}

const createAndWait = { operation: 'create', prompt: LONG_PROMPT, seconds: '4', size: '1280x720', options: fast };

describe('Create as a tool', () => {
	test('returns the finished job as a few fields, without downloading the MP4 the model could not use', async () => {
		const scope = renderThatCompletes();
		const { items, error } = await runNode({ type: TOOL_TYPE, parameters: createAndWait });
		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: SHAPED_COMPLETED, pairedItem: { item: 0 } }]);
		scope.done();
		// no GET /content: the download option is on by default, but nothing was fetched
		expect(unexpected).toEqual([]);
	});

	test('the same parameters on the regular node return the whole object and the MP4 (the difference)', async () => {
		const scope = renderThatCompletes()
			.get('/v1/videos/video_1/content')
			.query(true)
			.reply(200, MP4, { 'content-type': 'video/mp4', 'content-length': String(MP4.length) });
		const { items, error } = await runNode({ parameters: createAndWait });
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual(COMPLETED);
		expect(items[0].binary.data).toMatchObject({ mimeType: 'video/mp4' });
		expect(JSON.stringify(items[0].json).length).toBeGreaterThan(2000);
		scope.done();
	});

	test('without waiting returns the queued job at once: one paid request, no status check', async () => {
		const scope = nock(API).post('/v1/videos').reply(200, video('video_2'));
		const { items, error } = await runNode({
			type: TOOL_TYPE,
			parameters: { operation: 'create', prompt: 'a lighthouse', waitForCompletion: false },
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual([
			{ id: 'video_2', status: 'queued', progress: 0, seconds: '4', size: '1280x720', model: 'sora-2' },
		]);
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('keeps the link of a CometAPI-shaped object, the only fetchable one the API gives', async () => {
		const link = `${FILES}/files/video_1.mp4?sig=abc`;
		const scope = renderThatCompletes({ ...COMPLETED, video_url: link });
		const { items } = await runNode({ type: TOOL_TYPE, parameters: createAndWait });
		expect(items[0].json).toEqual({ ...SHAPED_COMPLETED, video_url: link });
		scope.done();
	});

	test('a failed render comes back as the result, naming the video, so the agent can tell the user', async () => {
		const scope = nock(API).post('/v1/videos').reply(200, video('video_1')).get('/v1/videos/video_1').reply(200, FAILED);
		const { items, error } = await runNode({ type: TOOL_TYPE, parameters: createAndWait });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ videoId: 'video_1', error: expect.stringContaining('Video video_1 failed: Blocked by moderation.') });
		expect(items[0].binary).toBeUndefined();
		scope.done();
	});

	test('set to stop the workflow on error, the tool fails as the regular node does', async () => {
		const scope = nock(API).post('/v1/videos').reply(200, video('video_1')).get('/v1/videos/video_1').reply(200, FAILED);
		const { items, error } = await runNode({ type: TOOL_TYPE, parameters: createAndWait, onError: 'stopWorkflow' });
		expect(items).toEqual([]);
		expect(error.message).toContain('Video video_1 failed: Blocked by moderation.');
		scope.done();
	});

	test('bad input is reported before any paid request', async () => {
		const { items } = await runNode({ type: TOOL_TYPE, parameters: { operation: 'create', prompt: '   ' } });
		expect(items).toHaveLength(1);
		expect(items[0].json.error).toMatch(/prompt/i);
		expect(unexpected).toEqual([]);
	});
});

describe('the other operations as tools', () => {
	test('Retrieve of a failed job gives the model the reason as {code, message}', async () => {
		const failed = video('video_3', { status: 'failed', progress: 99, prompt: 'x', error: { code: 'moderation_blocked', message: 'Blocked.', param: null } });
		const scope = nock(API).get('/v1/videos/video_3').reply(200, failed);
		const { items, error } = await runNode({ type: TOOL_TYPE, parameters: { operation: 'retrieve', videoId: 'video_3' } });
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({
			id: 'video_3',
			status: 'failed',
			progress: 99,
			seconds: '4',
			size: '1280x720',
			model: 'sora-2',
			error: { code: 'moderation_blocked', message: 'Blocked.' },
		});
		scope.done();
	});

	test('List gives one short object per video', async () => {
		const videos = Array.from({ length: 20 }, (_, i) => ({ ...COMPLETED, id: `video_${i}` }));
		const scope = nock(API).get('/v1/videos').query(true).reply(200, { object: 'list', data: videos, has_more: false });
		const { items, error } = await runNode({ type: TOOL_TYPE, parameters: { operation: 'list', limit: 20 } });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json)).toEqual(videos.map((v) => ({ ...SHAPED_COMPLETED, id: v.id })));
		// what n8n sends the model: JSON.stringify of the items' JSON
		expect(JSON.stringify(items.map((item) => item.json)).length).toBeLessThan(4096);
		scope.done();
	});

	test('Download leaves the file out of the answer and says which file it was', async () => {
		const scope = nock(API)
			.get('/v1/videos/video_4/content')
			.query({ variant: 'thumbnail' })
			.reply(200, Buffer.from('RIFF0000WEBPVP8 '), { 'content-type': 'image/webp' });
		const { items, error } = await runNode({
			type: TOOL_TYPE,
			parameters: { operation: 'download', videoId: 'video_4', variant: 'thumbnail' },
		});
		expect(error).toBeUndefined();
		expect(items).toEqual([{ json: { id: 'video_4', variant: 'thumbnail', fileSize: 16 }, pairedItem: { item: 0 } }]);
		scope.done();
	});

	test('Delete answers id and deleted', async () => {
		const scope = nock(API).delete('/v1/videos/video_5').reply(200, { id: 'video_5', object: 'video.deleted', deleted: true });
		const { items } = await runNode({ type: TOOL_TYPE, parameters: { operation: 'delete', videoId: 'video_5' } });
		expect(items[0].json).toEqual({ id: 'video_5', deleted: true });
		scope.done();
	});

	test('Chat answers with the link and does not fetch the file', async () => {
		const link = `${FILES}/files/chat_1.mp4`;
		const content = `> Generating... 50%\n> Generating... 100%\n> Video generated successfully, [Watch video](${link})`;
		const scope = nock(API)
			.post('/v1/chat/completions')
			.reply(200, { id: 'chatcmpl-1', object: 'chat.completion', model: 'sora-2', choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] });
		const { items, error } = await runNode({ type: TOOL_TYPE, parameters: { operation: 'chat', prompt: 'a dancer' } });
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ id: 'chatcmpl-1', model: 'sora-2', video_url: link });
		expect(items[0].binary).toBeUndefined();
		scope.done();
		// no request to the file host
		expect(unexpected).toEqual([]);
	});
});

describe('what the model reads about the tool', () => {
	const base = new SoraVideo().description;
	// n8n's tool copy of the type: the same description under the name `<name>Tool`
	const toolType = { description: { ...base, name: `${base.name}Tool` } };

	/** The node's parameters as n8n resolves them at run time, and the tool description it derives. */
	function resolved(description, parameters) {
		const node = { name: 'Sora Video', type: TOOL_TYPE, typeVersion: 1, parameters: { resource: 'video', ...parameters } };
		node.parameters = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
		return { parameters: node.parameters, text: NodeHelpers.getToolDescriptionForNode(node, { description }) };
	}

	test.each([
		['create', { waitForCompletion: true }, [/paid render/, /minutes/, /waits until it is finished/, /Never the video file/]],
		['create', { waitForCompletion: false }, [/paid render/, /minutes/, /returns at once/, /"queued"/, /Check it later by its id/]],
		['remix', { waitForCompletion: true }, [/paid render/, /minutes/, /waits/]],
		['remix', { waitForCompletion: false }, [/paid render/, /returns at once/]],
		['retrieve', {}, [/once/, /Starts no paid work/, /queued, in_progress, completed or failed/]],
		['retrieve', { waitForCompletion: true }, [/Waits until/, /Starts no paid work/, /minutes/]],
		['download', {}, [/The file is not passed to you/]],
		['list', {}, [/Starts no paid work/]],
		['delete', {}, [/cannot be undone/]],
		['chat', {}, [/paid render/, /minutes/, /video_url/]],
	])('%s %j: says what it does, how long it takes, what it costs and returns', (operation, parameters, patterns) => {
		const { text } = resolved(toolType.description, { operation, ...parameters });
		for (const pattern of patterns) expect(text).toMatch(pattern);
		expect(text.length).toBeLessThan(600);
	});

	test('every create and remix description says it returns the id the model needs for the next call', () => {
		for (const operation of ['create', 'remix']) {
			for (const waitForCompletion of [true, false]) {
				expect(resolved(toolType.description, { operation, waitForCompletion }).text).toMatch(/Returns JSON: id, status/);
			}
		}
	});

	test('a description the user wrote is what the model reads', () => {
		const { text } = resolved(toolType.description, { operation: 'create', toolDescription: 'Make one clip for the newsletter.' });
		expect(text).toBe('Make one clip for the newsletter.');
	});

	test('the regular node has no tool description field', () => {
		const { parameters } = resolved(base, { operation: 'create' });
		expect(parameters).not.toHaveProperty('toolDescription');
		expect(parameters.prompt).toBe('');
	});
});
