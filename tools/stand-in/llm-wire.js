// @ts-check
'use strict';
/**
 * The two OpenAI wire formats the language-model stand-in speaks, each read into the same
 * conversation (chat-style messages and function tools) and written back from the same Answer:
 * Chat Completions (`POST /v1/chat/completions`) and Responses (`POST /v1/responses`, which n8n's
 * OpenAI Chat Model 1.3 uses by default).
 */

const { hex } = require('./util');

/** @typedef {import('./llm').Answer} Answer */
/** @typedef {{messages: any[], tools: any[]}} Conversation */

/** Rough token counts (4 characters a token). @param {unknown} input @param {unknown} output */
const tokens = (input, output) => [Math.ceil(JSON.stringify(input || []).length / 4), Math.ceil(JSON.stringify(output).length / 4)];

/** Cuts a string into 3 pieces (fewer when short). @param {string} s */
function pieces(s) {
	const size = Math.max(1, Math.ceil(s.length / 3));
	const out = [];
	for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
	return out.length ? out : [''];
}

/** @param {string} event @param {unknown} data */
const sse = (event, data) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

// --- Chat Completions ----------------------------------------------------------------------------

/** The assistant `message` of an answer. @param {Answer} a */
const chatMessage = (a) =>
	a.kind === 'text'
		? { role: 'assistant', content: a.text }
		: { role: 'assistant', content: null, tool_calls: [{ id: a.id, type: 'function', function: { name: a.name, arguments: JSON.stringify(a.arguments) } }] };

/** @param {Answer} a */
const finishReason = (a) => (a.kind === 'text' ? 'stop' : 'tool_calls');

/** @param {any} body @param {Answer} a */
function chatUsage(body, a) {
	const [prompt, completion] = tokens(body.messages, chatMessage(a));
	return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * The deltas of an answer: a role chunk, then the text, or the tool call's id and name followed by
 * its arguments, in pieces.
 * @param {Answer} a @returns {Record<string, unknown>[]}
 */
function chatDeltas(a) {
	if (a.kind === 'text') return [{ role: 'assistant', content: '' }, ...pieces(a.text).map((content) => ({ content }))];
	const head = { role: 'assistant', content: null, tool_calls: [{ index: 0, id: a.id, type: 'function', function: { name: a.name, arguments: '' } }] };
	return [head, ...pieces(JSON.stringify(a.arguments)).map((args) => ({ tool_calls: [{ index: 0, function: { arguments: args } }] }))];
}

const chatCompletions = {
	missing: 'messages',
	/** @param {any} body @returns {Conversation|null} */
	read: (body) => (Array.isArray(body.messages) ? { messages: body.messages, tools: Array.isArray(body.tools) ? body.tools : [] } : null),
	/** @param {any} body @param {Answer} a @param {string} model */
	json: (body, a, model) => ({
		id: `chatcmpl-${hex(12)}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message: chatMessage(a), finish_reason: finishReason(a), logprobs: null }],
		usage: chatUsage(body, a),
	}),
	/** @param {any} body @param {Answer} a @param {string} model @returns {string[]} */
	events: (body, a, model) => {
		const head = { id: `chatcmpl-${hex(12)}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
		/** @param {Record<string, unknown>} delta @param {string|null} finish */
		const chunk = (delta, finish) => sse('', { ...head, choices: [{ index: 0, delta, finish_reason: finish }] });
		const events = [...chatDeltas(a).map((d) => chunk(d, null)), chunk({}, finishReason(a))];
		if (body.stream_options && body.stream_options.include_usage) events.push(sse('', { ...head, choices: [], usage: chatUsage(body, a) }));
		return [...events, 'data: [DONE]\n\n'];
	},
};

// --- Responses -----------------------------------------------------------------------------------

/**
 * Responses input items as chat-style messages: function_call items become an assistant message's
 * tool_calls (adjacent ones one message), function_call_output items tool messages.
 * @param {any} body @returns {any[]}
 */
function responsesMessages(body) {
	const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
	/** @type {any[]} */
	const messages = body.instructions ? [{ role: 'system', content: body.instructions }] : [];
	for (const item of input) {
		if (!item || typeof item !== 'object') continue;
		const last = messages[messages.length - 1];
		if (item.type === 'function_call') {
			const call = { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } };
			if (last && last.role === 'assistant') (last.tool_calls ||= []).push(call);
			else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
		} else if (item.type === 'function_call_output') messages.push({ role: 'tool', tool_call_id: item.call_id, content: item.output });
		else if (item.role === 'assistant' && last && last.role === 'assistant') last.content = item.content;
		else if (item.role) messages.push({ role: item.role, content: item.content });
	}
	return messages;
}

/** Responses function tools in the chat shape. @param {any} body */
const responsesTools = (body) =>
	(Array.isArray(body.tools) ? body.tools : []).filter((/** @type {any} */ t) => t && t.type === 'function').map((/** @type {any} */ t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));

/** The output item of an answer; `done: false` gives its opening state. @param {Answer} a @param {string} itemId @param {boolean} done */
function outputItem(a, itemId, done) {
	const status = done ? 'completed' : 'in_progress';
	if (a.kind === 'tool_call') return { type: 'function_call', id: itemId, call_id: a.id, name: a.name, arguments: done ? JSON.stringify(a.arguments) : '', status };
	return { type: 'message', id: itemId, status, role: 'assistant', content: done ? [{ type: 'output_text', text: a.text, annotations: [] }] : [] };
}

/** @param {any} body @param {string} id @param {string} model @param {any[]} output @param {boolean} done */
function responseObject(body, id, model, output, done) {
	const [input, out] = tokens(body.input, output);
	return {
		id,
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		status: done ? 'completed' : 'in_progress',
		model,
		output,
		parallel_tool_calls: true,
		tool_choice: body.tool_choice || 'auto',
		tools: body.tools || [],
		text: { format: { type: 'text' } },
		error: null,
		incomplete_details: null,
		usage: done ? { input_tokens: input, input_tokens_details: { cached_tokens: 0 }, output_tokens: out, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + out } : null,
	};
}

/** The events between output_item.added and output_item.done. @param {Answer} a @param {string} itemId */
function contentEvents(a, itemId) {
	const at = { item_id: itemId, output_index: 0 };
	if (a.kind === 'tool_call') {
		const args = JSON.stringify(a.arguments);
		return [
			...pieces(args).map((delta) => ['response.function_call_arguments.delta', { ...at, delta }]),
			['response.function_call_arguments.done', { ...at, arguments: args }],
		];
	}
	const part = { type: 'output_text', text: '', annotations: [] };
	return [
		['response.content_part.added', { ...at, content_index: 0, part }],
		...pieces(a.text).map((delta) => ['response.output_text.delta', { ...at, content_index: 0, delta }]),
		['response.output_text.done', { ...at, content_index: 0, text: a.text }],
		['response.content_part.done', { ...at, content_index: 0, part: { ...part, text: a.text } }],
	];
}

/** @param {Answer} a */
const itemIdOf = (a) => `${a.kind === 'tool_call' ? 'fc' : 'msg'}_${hex(12)}`;

const responses = {
	missing: 'input',
	/** @param {any} body @returns {Conversation|null} */
	read: (body) => (typeof body.input === 'string' || Array.isArray(body.input) ? { messages: responsesMessages(body), tools: responsesTools(body) } : null),
	/** @param {any} body @param {Answer} a @param {string} model */
	json: (body, a, model) => responseObject(body, `resp_${hex(12)}`, model, [outputItem(a, itemIdOf(a), true)], true),
	/** @param {any} body @param {Answer} a @param {string} model @returns {string[]} */
	events: (body, a, model) => {
		const id = `resp_${hex(12)}`;
		const itemId = itemIdOf(a);
		/** @type {[string, Record<string, unknown>][]} */
		const list = [
			['response.created', { response: responseObject(body, id, model, [], false) }],
			['response.output_item.added', { output_index: 0, item: outputItem(a, itemId, false) }],
			.../** @type {[string, Record<string, unknown>][]} */ (contentEvents(a, itemId)),
			['response.output_item.done', { output_index: 0, item: outputItem(a, itemId, true) }],
			['response.completed', { response: responseObject(body, id, model, [outputItem(a, itemId, true)], true) }],
		];
		return list.map(([type, data], i) => sse(type, { type, sequence_number: i, ...data }));
	},
};

/** The wire format of each endpoint. */
const WIRES = { '/v1/chat/completions': chatCompletions, '/v1/responses': responses };

module.exports = { WIRES };
