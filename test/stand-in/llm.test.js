// @ts-check
// The language-model stand-in (tools/stand-in/llm.js), driven by the official `openai` npm package:
// tool calls filled from JSON schemas, the answer after a tool result, scripted turns, streamed
// tool_call deltas, and the record of what the model received.
'use strict';

const path = require('node:path');
const readline = require('node:readline');
const { once } = require('node:events');
const { spawn } = require('node:child_process');
const { OpenAI } = require('openai');
const { startLlmStandIn } = require('../../tools/stand-in');

const KEY = 'sk-llm-test';
/** @type {import('../../tools/stand-in/llm').LlmStandIn} */
let llm;
/** @type {OpenAI} */
let client;

const SORA_TOOL = {
	type: /** @type {const} */ ('function'),
	function: {
		name: 'Sora_Video',
		description: 'Creates a video',
		parameters: {
			type: 'object',
			properties: {
				prompt: { type: 'string' },
				seconds: { type: 'string', enum: ['4', '8', '12'] },
				count: { type: 'integer', minimum: 2 },
				loop: { type: ['boolean', 'null'] },
				style: { type: 'object', properties: { mood: { type: 'string' } }, required: ['mood'] },
				size: { type: 'string', default: '720x1280' },
				note: { type: 'string' },
			},
			required: ['prompt', 'seconds', 'count', 'loop', 'style', 'size'],
		},
	},
};
const RETRIEVE_TOOL = {
	type: /** @type {const} */ ('function'),
	function: { name: 'Retrieve_Video', description: 'Checks a video', parameters: { type: 'object', properties: { videoId: { type: 'string' } }, required: ['videoId'] } },
};

beforeAll(async () => {
	llm = await startLlmStandIn({ apiKey: KEY });
	client = new OpenAI({ apiKey: KEY, baseURL: `${llm.baseUrl}/v1`, maxRetries: 0 });
});
afterAll(async () => {
	await llm.close();
});
beforeEach(() => {
	llm.setOptions({ tool: undefined, args: { prompt: 'A paper airplane over a lake' }, turns: [] });
	llm.reset();
});

/**
 * Reads a streamed completion the way LangChain does: tool_call deltas joined by index.
 * @param {AsyncIterable<any>} stream
 */
async function collect(stream) {
	let text = '';
	/** @type {{id?: string, name?: string, arguments: string}[]} */
	const calls = [];
	let finish = null;
	let usage = null;
	let chunks = 0;
	for await (const chunk of stream) {
		chunks++;
		if (chunk.usage) usage = chunk.usage;
		const choice = chunk.choices[0];
		if (!choice) continue;
		text += choice.delta.content || '';
		for (const d of choice.delta.tool_calls || []) {
			const c = (calls[d.index] ||= { arguments: '' });
			if (d.id) c.id = d.id;
			if (d.function?.name) c.name = d.function.name;
			c.arguments += d.function?.arguments || '';
		}
		finish = choice.finish_reason || finish;
	}
	return { text, calls, finish, usage, chunks };
}

/**
 * A minimal agent loop: ask, run the tool the model calls with `execute`, hand back the result,
 * until the model answers with text.
 * @param {{stream: boolean, tools: any[], execute: (name: string, args: any) => string}} p
 */
async function runAgent({ stream, tools, execute }) {
	/** @type {any[]} */
	const messages = [{ role: 'system', content: 'You make videos.' }, { role: 'user', content: 'Make me a video of a paper airplane.' }];
	for (let i = 0; i < 5; i++) {
		let message;
		if (stream) {
			const r = await collect(await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, stream: true }));
			message = r.calls.length
				? { role: 'assistant', content: null, tool_calls: r.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
				: { role: 'assistant', content: r.text };
		} else {
			message = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools })).choices[0].message;
		}
		messages.push(message);
		if (!message.tool_calls || !message.tool_calls.length) return { text: String(message.content), messages };
		for (const call of message.tool_calls) {
			messages.push({ role: 'tool', tool_call_id: call.id, content: execute(call.function.name, JSON.parse(call.function.arguments)) });
		}
	}
	throw new Error('the agent did not finish in 5 turns');
}

describe('the language-model stand-in', () => {
	test('GET /v1/models lists models; a wrong key is a 401', async () => {
		const models = await client.models.list();
		expect(models.data.map((m) => m.id)).toEqual(['gpt-4o-mini', 'gpt-5-mini']);
		const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${llm.baseUrl}/v1`, maxRetries: 0 });
		await expect(bad.models.list()).rejects.toMatchObject({ status: 401 });
	});

	test('a user turn gets one tool call with every required parameter filled from the schema', async () => {
		const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'go' }], tools: [SORA_TOOL, RETRIEVE_TOOL] });
		const choice = r.choices[0];
		expect(choice.finish_reason).toBe('tool_calls');
		expect(choice.message.tool_calls).toHaveLength(1);
		const call = /** @type {any} */ (choice.message.tool_calls)[0];
		expect(call.function.name).toBe('Sora_Video');
		expect(call.id).toMatch(/^call_/);
		// strings from the args map, enum -> first value, integer -> minimum, nullable boolean -> false,
		// object -> its own required fields, default kept; `note` is optional and not in the map
		expect(JSON.parse(call.function.arguments)).toEqual({ prompt: 'A paper airplane over a lake', seconds: '4', count: 2, loop: false, style: { mood: 'stand-in mood' }, size: '720x1280' });
		expect(llm.toolCalls()).toEqual([expect.objectContaining({ name: 'Sora_Video', id: call.id, arguments: JSON.parse(call.function.arguments) })]);
	});

	test('the tool option picks the tool by name (substring or RegExp); optional parameters in args are sent', async () => {
		llm.setOptions({ tool: 'retrieve', args: { videoId: 'video_given', note: 'ignored: not in this schema' } });
		const a = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }], tools: [SORA_TOOL, RETRIEVE_TOOL] });
		expect(/** @type {any} */ (a.choices[0].message.tool_calls)[0].function).toEqual({ name: 'Retrieve_Video', arguments: '{"videoId":"video_given"}' });
		llm.setOptions({ tool: /^sora/i, args: { prompt: 'p', note: 'sent' } });
		const b = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }], tools: [RETRIEVE_TOOL, SORA_TOOL] });
		expect(JSON.parse(/** @type {any} */ (b.choices[0].message.tool_calls)[0].function.arguments)).toMatchObject({ prompt: 'p', note: 'sent' });
		llm.setOptions({ tool: 'nothing-like-this' });
		const c = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }], tools: [SORA_TOOL] });
		expect(c.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: expect.stringMatching(/None of the tools matches/) } });
		const d = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }] });
		expect(d.choices[0].message.content).toBe('No tools were offered.');
	});

	test('non-streamed agent run: the answer after the tool result names its id; the tool message is recorded with its size', async () => {
		const result = JSON.stringify([{ id: 'video_123abc', status: 'queued', progress: 0 }]);
		const { text } = await runAgent({ stream: false, tools: [SORA_TOOL], execute: () => result });
		expect(text).toBe('The tool returned the video id video_123abc (status: queued).');
		const [tm] = llm.toolMessages();
		expect(llm.toolMessages()).toHaveLength(1);
		expect(tm).toMatchObject({ content: result, bytes: Buffer.byteLength(result), json: JSON.parse(result), hasBase64: false, toolCallId: llm.toolCalls()[0].id });
		expect(llm.completions().map((r) => [r.turn, r.stream, r.answer?.kind])).toEqual([
			[0, false, 'tool_call'],
			[1, false, 'text'],
		]);
	});

	test('streamed: tool_call deltas (name first, arguments in pieces), finish_reason tool_calls, usage when asked', async () => {
		const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'go' }], tools: [SORA_TOOL], stream: true, stream_options: { include_usage: true } });
		const r = await collect(stream);
		expect(r.finish).toBe('tool_calls');
		expect(r.calls).toHaveLength(1);
		expect(r.calls[0].name).toBe('Sora_Video');
		expect(JSON.parse(r.calls[0].arguments)).toMatchObject({ prompt: 'A paper airplane over a lake' });
		expect(r.chunks).toBeGreaterThanOrEqual(5); // role+name, 3 argument pieces, finish, usage
		expect(r.usage).toMatchObject({ total_tokens: expect.any(Number) });
		expect(llm.requests.at(-1)).toMatchObject({ stream: true, status: 200 });
	});

	test('streamed agent run with the SDK\'s own stream helper: the final text carries the id', async () => {
		const { text } = await runAgent({ stream: true, tools: [SORA_TOOL], execute: () => JSON.stringify({ id: 'video_streamed', status: 'completed' }) });
		expect(text).toBe('The tool returned the video id video_streamed (status: completed).');
		const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'go' }], tools: [SORA_TOOL] });
		const final = await runner.finalChatCompletion();
		expect(/** @type {any} */ (final.choices[0].message.tool_calls)[0].function.name).toBe('Sora_Video');
	});

	test('a big or base64 tool result is measured as such; text parts are joined; a result without id is said so', async () => {
		const base64 = Buffer.alloc(6000, 7).toString('base64');
		const { text } = await runAgent({ stream: false, tools: [SORA_TOOL], execute: () => JSON.stringify({ data: base64 }) });
		expect(text).toBe('The tool answered, but its result carried no id field.');
		expect(llm.toolMessages()[0]).toMatchObject({ hasBase64: true, bytes: expect.any(Number) });
		expect(llm.toolMessages()[0].bytes).toBeGreaterThan(8000);
		llm.reset();
		const messages = [
			{ role: 'user', content: 'go' },
			{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Sora_Video', arguments: '{}' } }] },
			{ role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'done: {"id": "video_' }, { type: 'text', text: 'parts", "status": "queued"}' }] },
		];
		const r = await client.chat.completions.create({ model: 'm', messages: /** @type {any} */ (messages), tools: [SORA_TOOL] });
		expect(r.choices[0].message.content).toBe('The tool returned the video id video_parts.');
		expect(llm.toolMessages()[0]).toMatchObject({ content: 'done: {"id": "video_parts", "status": "queued"}', json: null });
	});

	test('scripted turns: create without waiting, then a Retrieve call with the id, then a scripted answer', async () => {
		llm.setOptions({
			turns: [{ call: 'sora', args: { prompt: 'A slow sunrise' } }, { call: /retrieve/i, args: { videoId: '{{lastId}}' } }, { text: (ctx) => `Checked ${ctx.lastId} on turn ${ctx.turn}: ${ctx.lastTool?.json && /** @type {any} */ (ctx.lastTool.json).status}` }],
		});
		/** @type {[string, any][]} */
		const executed = [];
		const { text } = await runAgent({
			stream: true,
			tools: [SORA_TOOL, RETRIEVE_TOOL],
			execute: (name, args) => {
				executed.push([name, args]);
				return JSON.stringify(name === 'Sora_Video' ? { id: 'video_later', status: 'queued' } : { id: args.videoId, status: 'completed' });
			},
		});
		expect(executed.map(([name]) => name)).toEqual(['Sora_Video', 'Retrieve_Video']);
		expect(executed[0][1].prompt).toBe('A slow sunrise');
		expect(executed[1][1]).toEqual({ videoId: 'video_later' });
		expect(text).toBe('Checked video_later on turn 2: completed');
		expect(llm.toolMessages().map((t) => t.json)).toEqual([
			{ id: 'video_later', status: 'queued' },
			{ id: 'video_later', status: 'completed' },
		]);
	});

	test('a body without messages is a 400; unknown routes are 404; control endpoints answer without auth', async () => {
		const res = await fetch(`${llm.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"model":"m"}' });
		expect(res.status).toBe(400);
		expect((await res.json()).error.param).toBe('messages');
		const nf = await fetch(`${llm.baseUrl}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
		expect(nf.status).toBe(404);
		expect(res.headers.get('x-request-id')).toMatch(/^req_/);
		const ctl = await (await fetch(`${llm.baseUrl}/__llm/requests`)).json();
		expect(ctl.map((/** @type {any} */ r) => r.path)).toEqual(['/v1/chat/completions', '/v1/embeddings']);
	});

	test('cli.js --llm starts both stand-ins and prints llmUrl; --llm-args fills the tool call', async () => {
		const cli = path.join(__dirname, '..', '..', 'tools', 'stand-in', 'cli.js');
		const child = spawn(process.execPath, [cli, '--llm', '--llm-api-key', 'sk-cli-llm', '--llm-args', '{"prompt":"from the cli"}'], { stdio: ['ignore', 'pipe', 'pipe'] });
		try {
			const [line] = await once(readline.createInterface({ input: child.stdout }), 'line');
			const urls = JSON.parse(line);
			const c = new OpenAI({ apiKey: 'sk-cli-llm', baseURL: `${urls.llmUrl}/v1`, maxRetries: 0 });
			const r = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }], tools: [SORA_TOOL] });
			expect(JSON.parse(/** @type {any} */ (r.choices[0].message.tool_calls)[0].function.arguments).prompt).toBe('from the cli');
			expect((await fetch(`${urls.baseUrl}/v1/models`, { headers: { authorization: 'Bearer sk-test' } })).status).toBe(200);
		} finally {
			const exited = once(child, 'exit');
			child.kill('SIGTERM');
			await exited;
		}
	});
});

describe('the Responses API (n8n OpenAI Chat Model 1.3 uses it by default)', () => {
	const RESPONSES_TOOL = { type: /** @type {const} */ ('function'), name: SORA_TOOL.function.name, description: 'Creates a video', parameters: SORA_TOOL.function.parameters, strict: false };

	/** @param {any} r */
	const functionCall = (r) => r.output.find((/** @type {any} */ o) => o.type === 'function_call');

	test('not streamed: a function_call item, then after function_call_output a message naming the id', async () => {
		/** @type {any[]} */
		const input = [{ role: 'user', content: 'Make a video.' }];
		const first = await client.responses.create({ model: 'gpt-5-mini', instructions: 'You make videos.', input, tools: [RESPONSES_TOOL] });
		const call = functionCall(first);
		expect(call).toMatchObject({ type: 'function_call', name: 'Sora_Video', call_id: expect.stringMatching(/^call_/), id: expect.stringMatching(/^fc_/) });
		expect(JSON.parse(call.arguments)).toMatchObject({ prompt: 'A paper airplane over a lake', seconds: '4' });
		const output = JSON.stringify([{ id: 'video_resp', status: 'queued' }]);
		input.push(...first.output, { type: 'function_call_output', call_id: call.call_id, output });
		const second = await client.responses.create({ model: 'gpt-5-mini', input, tools: [RESPONSES_TOOL] });
		expect(second.output_text).toBe('The tool returned the video id video_resp (status: queued).');
		expect(llm.toolMessages()).toEqual([expect.objectContaining({ toolCallId: call.call_id, content: output, bytes: output.length, hasBase64: false })]);
		expect(llm.completions().map((r) => [r.path, r.turn, r.answer?.kind])).toEqual([
			['/v1/responses', 0, 'tool_call'],
			['/v1/responses', 1, 'text'],
		]);
	});

	test('streamed: output_item.added with the call, argument deltas, completed; the SDK assembles the final response', async () => {
		const stream = await client.responses.create({ model: 'gpt-5-mini', input: 'Make a video.', tools: [RESPONSES_TOOL], stream: true });
		/** @type {string[]} */
		const types = [];
		let args = '';
		for await (const ev of stream) {
			types.push(ev.type);
			if (ev.type === 'response.function_call_arguments.delta') args += ev.delta;
		}
		expect(types[0]).toBe('response.created');
		expect(types.at(-1)).toBe('response.completed');
		expect(types).toContain('response.output_item.added');
		expect(types.filter((t) => t === 'response.function_call_arguments.delta').length).toBeGreaterThan(1);
		expect(JSON.parse(args)).toMatchObject({ prompt: 'A paper airplane over a lake' });

		llm.setOptions({ turns: [{ text: 'scripted {{lastId}}' }] });
		const runner = client.responses.stream({ model: 'gpt-5-mini', input: 'hello', tools: [RESPONSES_TOOL] });
		const final = await runner.finalResponse();
		expect(final.output_text).toBe('scripted ');
		expect(llm.requests.at(-1)).toMatchObject({ stream: true, status: 200 });
	});

	test('a Responses body without input is a 400 naming input', async () => {
		const res = await fetch(`${llm.baseUrl}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"model":"m"}' });
		expect(res.status).toBe(400);
		expect((await res.json()).error.param).toBe('input');
	});
});
