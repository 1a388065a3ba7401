const { Readable } = require('node:stream');
const nock = require('nock');
const { runNode, readBinary } = require('../support/run-node');
const { API, FILES, API_KEY, MP4, trackUnexpectedRequests } = require('../support/api');
const { sseData, readChatStream, lastVideoUrl } = require('../../nodes/SoraVideo/transport/chat-stream');

const unexpected = trackUnexpectedRequests();
const runChat = (parameters) => runNode({ parameters: { operation: 'chat', ...parameters } });

function chunk(content, extra = {}) {
	return `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'sora-2', choices: [{ index: 0, delta: { content }, ...extra }] })}\n\n`;
}

/** Cuts text into pieces of `size` bytes, so events and even characters straddle chunk boundaries. */
function pieces(text, size) {
	const bytes = Buffer.from(text);
	const out = [];
	for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
	return out;
}

const LINK = `${FILES}/cdn/dance.mp4`;
const STREAM =
	': keep-alive\n\n' +
	chunk('> ⚡ Generating... 30%\n') +
	chunk('> ✅ Done, [Watch](https://files.example.test/cdn/preview.mp4) ') +
	chunk(`and the final cut: [Watch video](${LINK}) ~`) +
	chunk('', { finish_reason: 'stop' }) +
	'data: [DONE]\n\n' +
	chunk('after the end, ignored');

describe('server-sent events', () => {
	test.each([1, 3, 7, 64])('events split into %i-byte chunks assemble to the same text', async (size) => {
		const answer = await readChatStream(Readable.from(pieces(STREAM, size)));
		expect(answer.content).toBe(
			`> ⚡ Generating... 30%\n> ✅ Done, [Watch](https://files.example.test/cdn/preview.mp4) and the final cut: [Watch video](${LINK}) ~`,
		);
		expect(answer.finishReason).toBe('stop');
		expect(answer.model).toBe('sora-2');
	});

	test('CRLF line endings and multi-line data are understood', async () => {
		const events = [];
		for await (const data of sseData(Readable.from(['data: a\r\ndata: b\r\n\r\ndata: c\r', '\n\r\n']))) events.push(data);
		expect(events).toEqual(['a\nb', 'c']);
	});

	test('an error event stops the stream with its message', async () => {
		const text = chunk('starting') + 'data: {"error":{"message":"upstream failed","type":"comet_api_error"}}\n\n';
		await expect(readChatStream(Readable.from([text]))).rejects.toThrow('upstream failed');
	});

	test('the last video link wins; trailing punctuation and non-video links are ignored', () => {
		expect(lastVideoUrl(`see https://a.test/x.mp4, then https://b.test/y.MP4?sig=1. and https://c.test/page`)).toBe(
			'https://b.test/y.MP4?sig=1',
		);
		expect(lastVideoUrl('no link here')).toBeUndefined();
	});
});

describe('Chat operation', () => {
	function chatApi(reply) {
		const seen = {};
		const scope = nock(API)
			.post('/v1/chat/completions', (body) => {
				seen.body = body;
				return true;
			})
			.reply(function () {
				seen.headers = this.req.headers;
				return reply();
			});
		return { scope, seen };
	}

	test('streams the answer, finds the link and fetches the video without the API key', async () => {
		const { scope, seen } = chatApi(() => [200, Readable.from(pieces(STREAM, 5)), { 'content-type': 'text/event-stream' }]);
		let fileHeaders;
		const files = nock(FILES)
			.get('/cdn/dance.mp4')
			.reply(function () {
				fileHeaders = this.req.headers;
				return [200, MP4, { 'content-type': 'video/mp4' }];
			});
		const { items, error } = await runChat({
			model: 'sora-2',
			prompt: 'a girl dancing, duration: 10 seconds',
			imageUrl: 'https://img.example.test/start.png',
			binaryPropertyName: 'video',
		});
		expect(error).toBeUndefined();
		expect(seen.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(seen.body).toEqual({
			model: 'sora-2',
			stream: true,
			messages: [
				{
					role: 'user',
					content: [
						{ type: 'text', text: 'a girl dancing, duration: 10 seconds' },
						{ type: 'image_url', image_url: { url: 'https://img.example.test/start.png' } },
					],
				},
			],
		});
		expect(fileHeaders.authorization).toBeUndefined();
		expect(items[0].json).toMatchObject({ videoUrl: LINK, fileName: 'dance.mp4', mimeType: 'video/mp4', model: 'sora-2' });
		expect(items[0].json.content).toContain('[Watch video]');
		expect((await readBinary(items[0].binary.video)).equals(MP4)).toBe(true);
		expect(JSON.stringify(items)).not.toContain(API_KEY);
		scope.done();
		files.done();
		expect(unexpected).toEqual([]);
	});

	test('a plain JSON chat.completion answer works too', async () => {
		const { scope } = chatApi(() => [
			200,
			{ id: 'chatcmpl-2', object: 'chat.completion', model: 'sora-2', choices: [{ message: { role: 'assistant', content: `Here: ${LINK}` }, finish_reason: 'stop' }] },
		]);
		const files = nock(FILES).get('/cdn/dance.mp4').reply(200, MP4, { 'content-type': 'video/mp4' });
		const { items, error } = await runChat({ prompt: 'x' });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ content: `Here: ${LINK}`, videoUrl: LINK, id: 'chatcmpl-2' });
		expect(items[0].binary.data.fileName).toBe('dance.mp4');
		scope.done();
		files.done();
	});

	test('no link in the answer is an error quoting the end of the text, and nothing is fetched', async () => {
		const text = chunk('> Generating... 100%\n') + chunk('Sorry, the content policy blocked this video.') + 'data: [DONE]\n\n';
		const { scope } = chatApi(() => [200, Readable.from([text]), { 'content-type': 'text/event-stream' }]);
		const { error } = await runChat({ prompt: 'x' });
		expect(error.message).toBe('Chat generation gave no video link');
		expect(error.description).toBe(
			'The answer ended with: "> Generating... 100%\nSorry, the content policy blocked this video.". The chat request reached CometAPI and may have been charged; chat generations cannot be looked up: check your CometAPI usage before you run this item again.',
		);
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('an error event is an API error with the provider message', async () => {
		const text = chunk('> Queuing') + 'data: {"error":{"message":"upstream failed","type":"comet_api_error"}}\n\n';
		const { scope } = chatApi(() => [200, Readable.from([text]), { 'content-type': 'text/event-stream' }]);
		const { error } = await runChat({ prompt: 'x' });
		expect(error.message).toBe('Chat generation failed: upstream failed');
		scope.done();
	});

	test('the paid chat request is not repeated after a 502 (it may have started)', async () => {
		const { scope } = chatApi(() => [502, { error: { message: 'bad gateway' } }]);
		const { error } = await runChat({ prompt: 'x' });
		expect(error.message).toBe('Chat generation failed: bad gateway');
		expect(error.description).toContain('Chat generations cannot be looked up');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a refused chat (503) is sent again within the default bounds, then says how often it was refused', async () => {
		let posts = 0;
		const scope = nock(API)
			.post('/v1/chat/completions')
			.times(9)
			.reply(() => {
				posts++;
				return [503, { error: { message: 'overloaded' } }, { 'retry-after-ms': '5' }];
			});
		const { error } = await runChat({ prompt: 'x' });
		// 1 try + 8 refusal retries (DEFAULT_REFUSAL_RETRIES)
		expect(posts).toBe(9);
		expect(error.message).toBe('Chat generation failed: overloaded (refused 9 times in 0 s)');
		expect(error.description).toContain('Run the item again later.');
		scope.done();
		expect(unexpected).toEqual([]);
	});

	test('a video link that cannot be fetched keeps the paid answer and says why', async () => {
		const { scope } = chatApi(() => [200, { choices: [{ message: { content: `[v](${LINK})` } }] }]);
		const files = nock(FILES).get('/cdn/dance.mp4').times(5).reply(404, 'gone');
		const { items, error } = await runChat({ prompt: 'x' });
		expect(error).toBeUndefined();
		expect(items[0].json.videoUrl).toBe(LINK);
		expect(items[0].json.downloadError).toBe('Download chat video failed: gone');
		expect(items[0].binary).toBeUndefined();
		scope.done();
		expect(files.pendingMocks()).toHaveLength(1); // a 404 is not retried
	});
});
