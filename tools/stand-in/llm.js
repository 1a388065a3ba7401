// @ts-check
'use strict';
/**
 * A stand-in language model for agent tests: OpenAI-compatible `POST /v1/chat/completions` and
 * `POST /v1/responses` (streamed as SSE with tool-call deltas, or one JSON answer) and `GET /v1/models`,
 * on 127.0.0.1. It plays a model that uses a tool: on a user turn it calls one tool, filling the tool's
 * required parameters from its JSON schema; after the tool's answer it replies with text naming the
 * result's `id`. Scripted turns change that per turn. Every request and every tool message is recorded.
 * See README.md ("The language-model stand-in").
 */

const { readBody, sendJson, makeServer, listen, shut } = require('./http');
const { createTimers, errorBody, hex } = require('./util');
const { WIRES } = require('./llm-wire');

/**
 * What the model does on one turn. `call`: a tool call to the first tool whose name contains the
 * string (case-insensitive) or matches the RegExp (absent: the `tool` option); `args` are merged over
 * the `args` option. `text`: a plain answer. Strings may hold `{{lastId}}` (the `id` found in the
 * newest tool message); functions get the TurnContext.
 * @typedef {{call?: string|RegExp, args?: Record<string, unknown>} | {text: string|((ctx: TurnContext) => string)}} Turn
 */

/**
 * @typedef {object} TurnContext
 * @property {number} turn            how many assistant messages the conversation already holds
 * @property {any[]} messages         the request's messages
 * @property {any[]} tools            the request's tools
 * @property {ToolMessage|null} lastTool  the newest tool message of this request
 * @property {string|null} lastId     the `id` found in it
 */

/**
 * @typedef {object} LlmOptions
 * @property {string|null} apiKey     required `Authorization: Bearer <apiKey>`; null accepts any key
 * @property {number} port            0 = a free port
 * @property {string[]} models        ids answered by GET /v1/models
 * @property {string|RegExp|undefined} tool  the tool a default user turn calls (absent: the first tool)
 * @property {Record<string, unknown>} args  parameter values by name (values may be functions or `{{lastId}}` templates)
 * @property {Turn[]} turns           scripted turns by turn number; past the end, the default behaviour
 * @property {number} chunkDelayMs    delay between SSE events
 * @property {boolean} log            one line per request on stderr
 */

/**
 * @typedef {object} ToolMessage
 * @property {number} requestSeq  the first request that carried it
 * @property {string|null} toolCallId
 * @property {string} content     the text the model received (array contents joined)
 * @property {number} bytes       UTF-8 bytes of `content`
 * @property {unknown} json       `content` parsed as JSON, or null
 * @property {boolean} hasBase64  a data: URL or a run of 200+ base64 characters is in it
 */

/**
 * @typedef {object} LlmRequest
 * @property {number} seq
 * @property {number} time
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string|string[]|undefined>} headers
 * @property {any} body           the parsed JSON body, as received
 * @property {boolean} stream
 * @property {number|null} turn
 * @property {number|'dropped'|'aborted'|null} status
 * @property {string|null} fault
 * @property {string|null} requestId
 * @property {number|null} bytesSent
 * @property {Answer|null} answer  what the model answered
 */

/** @typedef {{kind: 'tool_call', id: string, name: string, arguments: Record<string, unknown>} | {kind: 'text', text: string}} Answer */

/** @returns {LlmOptions} */
const defaultOptions = () => ({ apiKey: 'sk-llm-test', port: 0, models: ['gpt-4o-mini', 'gpt-5-mini'], tool: undefined, args: {}, turns: [], chunkDelayMs: 0, log: false });

const BASE64_RUN = /[A-Za-z0-9+/]{200,}={0,2}/;

/** The text of a message's content (a string, or text parts joined). @param {unknown} content */
function contentText(content) {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return content === null || content === undefined ? '' : JSON.stringify(content);
	return content.map((p) => (p && typeof p.text === 'string' ? p.text : JSON.stringify(p))).join('');
}

/** @param {string} text @returns {unknown} */
function parseJsonOrNull(text) {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

/**
 * The first string `id` in a JSON value, breadth first (an item, an array of items, or a wrapper).
 * @param {unknown} value @returns {string|null}
 */
function findId(value) {
	const queue = [value];
	while (queue.length) {
		const v = queue.shift();
		if (!v || typeof v !== 'object') continue;
		if (!Array.isArray(v) && typeof (/** @type {any} */ (v).id) === 'string') return /** @type {any} */ (v).id;
		queue.push(...Object.values(v));
	}
	return null;
}

/** @param {any} message @param {number} requestSeq @returns {ToolMessage} */
function toolMessage(message, requestSeq) {
	const content = contentText(message.content);
	return {
		requestSeq,
		toolCallId: typeof message.tool_call_id === 'string' ? message.tool_call_id : null,
		content,
		bytes: Buffer.byteLength(content, 'utf8'),
		json: parseJsonOrNull(content),
		hasBase64: content.includes(';base64,') || BASE64_RUN.test(content),
	};
}

/** The id in a tool message: from its JSON, else a `"id": "..."` in its text. @param {ToolMessage|null} t */
function idOf(t) {
	if (!t) return null;
	const fromJson = findId(t.json);
	if (fromJson) return fromJson;
	const m = /"id"\s*:\s*"([^"]+)"/.exec(t.content);
	return m ? m[1] : null;
}

/** @param {unknown} v @param {TurnContext} ctx @returns {unknown} */
function resolveValue(v, ctx) {
	if (typeof v === 'function') return v(ctx);
	if (typeof v === 'string') return v.replace(/\{\{lastId\}\}/g, ctx.lastId ?? '');
	return v;
}

/** The JSON type of a schema, skipping "null" (`type` arrays, anyOf/oneOf). @param {any} schema @returns {string|undefined} */
function schemaType(schema) {
	if (Array.isArray(schema.type)) return schema.type.find((/** @type {string} */ t) => t !== 'null');
	if (schema.type) return schema.type;
	const alt = (schema.anyOf || schema.oneOf || []).find((/** @type {any} */ s) => s && s.type !== 'null');
	return alt ? schemaType(alt) : undefined;
}

/**
 * A sensible value for a parameter the args map does not name: its default, first enum value, or
 * one per type (strings name the parameter).
 * @param {string} name @param {any} schema @param {TurnContext} ctx @returns {unknown}
 */
function sampleValue(name, schema, ctx) {
	if (schema.default !== undefined) return schema.default;
	if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
	if (schema.const !== undefined) return schema.const;
	switch (schemaType(schema)) {
		case 'number':
		case 'integer':
			return schema.minimum ?? 1;
		case 'boolean':
			return false;
		case 'array':
			return [];
		case 'object':
			return fillArguments(schema, {}, ctx);
		default:
			return `stand-in ${name}`;
	}
}

/**
 * Arguments for a tool: every required parameter (from `args`, else a sample value), plus every
 * other parameter of the schema that `args` names.
 * @param {any} schema @param {Record<string, unknown>} args @param {TurnContext} ctx
 * @returns {Record<string, unknown>}
 */
function fillArguments(schema, args, ctx) {
	const props = (schema && schema.properties) || {};
	/** @type {Record<string, unknown>} */
	const out = {};
	for (const name of (schema && schema.required) || []) {
		out[name] = name in args ? resolveValue(args[name], ctx) : sampleValue(name, props[name] || {}, ctx);
	}
	for (const [name, v] of Object.entries(args)) if (!(name in out) && name in props) out[name] = resolveValue(v, ctx);
	return out;
}

/** @param {string|RegExp|undefined} want @param {any[]} tools */
function pickTool(want, tools) {
	const named = tools.filter((t) => t && t.function && typeof t.function.name === 'string');
	if (want === undefined) return named[0];
	const test = (/** @type {string} */ n) => (want instanceof RegExp ? want.test(n) : n.toLowerCase().includes(want.toLowerCase()));
	return named.find((t) => test(t.function.name));
}

/** The default answer after a tool message. @param {TurnContext} ctx */
function summaryText(ctx) {
	if (!ctx.lastId) return 'The tool answered, but its result carried no id field.';
	const status = ctx.lastTool && ctx.lastTool.json && typeof ctx.lastTool.json === 'object' ? findStatus(ctx.lastTool.json) : null;
	return `The tool returned the video id ${ctx.lastId}${status ? ` (status: ${status})` : ''}.`;
}

/** @param {any} json @returns {string|null} */
const findStatus = (json) => {
	const item = Array.isArray(json) ? json[0] : json;
	return item && typeof item.status === 'string' ? item.status : null;
};

/**
 * @param {LlmOptions} options @param {Turn|undefined} turn @param {TurnContext} ctx
 * @returns {Answer}
 */
function decideAnswer(options, turn, ctx) {
	if (turn && 'text' in turn) return { kind: 'text', text: String(resolveValue(turn.text, ctx)) };
	const lastRole = ctx.messages.length ? ctx.messages[ctx.messages.length - 1].role : null;
	if (!turn && lastRole === 'tool') return { kind: 'text', text: summaryText(ctx) };
	const tool = pickTool(turn && turn.call !== undefined ? turn.call : options.tool, ctx.tools);
	if (!tool) return { kind: 'text', text: ctx.tools.length ? 'None of the tools matches the one this stand-in was told to call.' : 'No tools were offered.' };
	const args = fillArguments(tool.function.parameters, { ...options.args, ...((turn && turn.args) || {}) }, ctx);
	return { kind: 'tool_call', id: `call_${hex(12)}`, name: tool.function.name, arguments: args };
}

/**
 * Starts the language-model stand-in on 127.0.0.1.
 * @param {Partial<LlmOptions>} [opts]
 */
async function startLlmStandIn(opts = {}) {
	/** @type {LlmOptions} */
	const options = { ...defaultOptions(), ...opts };
	/** @type {LlmRequest[]} */
	const requests = [];
	/** @type {Map<string, ToolMessage>} */
	const toolMessages = new Map();
	const timers = createTimers();
	let seq = 0;

	/** Records the tool messages not seen before. @param {any[]} messages @param {number} requestSeq */
	const recordToolMessages = (messages, requestSeq) => {
		const found = messages.filter((m) => m && m.role === 'tool').map((m) => toolMessage(m, requestSeq));
		for (const t of found) {
			const key = t.toolCallId ?? `${t.requestSeq}:${t.content}`;
			if (!toolMessages.has(key)) toolMessages.set(key, t);
		}
		return found;
	};

	/** @param {import('./llm-wire').Conversation} conv @param {number} requestSeq @returns {{turn: number, answer: Answer}} */
	const answerFor = ({ messages, tools }, requestSeq) => {
		const found = recordToolMessages(messages, requestSeq);
		const lastTool = found.length ? found[found.length - 1] : null;
		const turn = messages.filter((/** @type {any} */ m) => m && m.role === 'assistant').length;
		/** @type {TurnContext} */
		const ctx = { turn, messages, tools, lastTool, lastId: idOf(lastTool) };
		return { turn, answer: decideAnswer(options, options.turns[turn], ctx) };
	};

	/** @param {import('node:http').ServerResponse} res @param {LlmRequest} rec @param {string[]} events */
	const stream = async (res, rec, events) => {
		res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': rec.requestId || '' });
		rec.status = 200;
		for (const e of events) {
			if (res.destroyed) return;
			res.write(e);
			await timers.sleep(options.chunkDelayMs);
		}
		res.end();
	};

	/**
	 * One model call in either wire format.
	 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {LlmRequest} rec
	 * @param {Buffer} raw @param {(typeof WIRES)[keyof typeof WIRES]} wire
	 */
	const modelCall = async (req, res, rec, raw, wire) => {
		const body = /** @type {any} */ (parseJsonOrNull(raw.toString('utf8')));
		rec.body = body;
		const conv = body && typeof body === 'object' ? wire.read(body) : null;
		if (!conv) return sendJson(req, res, rec, 400, errorBody(`Missing required parameter: '${wire.missing}'.`, 'invalid_request_error', 'missing_required_parameter', wire.missing), {}, false);
		const { turn, answer } = answerFor(conv, rec.seq);
		rec.turn = turn;
		rec.stream = body.stream === true;
		rec.answer = answer;
		const model = body.model || options.models[0];
		if (rec.stream) return stream(res, rec, wire.events(body, answer, model));
		sendJson(req, res, rec, 200, wire.json(body, answer, model), {}, false);
	};

	/** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {LlmRequest} rec @param {Buffer} raw */
	const route = async (req, res, rec, raw) => {
		const auth = String(req.headers.authorization || '');
		if (options.apiKey !== null && auth !== `Bearer ${options.apiKey}`) {
			return sendJson(req, res, rec, 401, errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key', null), {}, false);
		}
		if (req.method === 'GET' && rec.path === '/v1/models') {
			return sendJson(req, res, rec, 200, { object: 'list', data: options.models.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'stand-in' })) }, {}, false);
		}
		const wire = req.method === 'POST' ? WIRES[/** @type {keyof typeof WIRES} */ (rec.path)] : undefined;
		if (wire) return modelCall(req, res, rec, raw, wire);
		sendJson(req, res, rec, 404, errorBody(`Invalid URL (${req.method} ${rec.path})`, 'invalid_request_error', null, null), {}, false);
	};

	const handle = {
		baseUrl: '',
		options,
		requests,
		/** Every tool message the model received, once each, in the order first seen. */
		toolMessages: () => [...toolMessages.values()],
		/** The tool calls the model made. */
		toolCalls: () => requests.flatMap((r) => (r.answer && r.answer.kind === 'tool_call' ? [{ requestSeq: r.seq, ...r.answer }] : [])),
		/** The model calls (POST /v1/chat/completions and /v1/responses). */
		completions: () => requests.filter((r) => r.turn !== null),
		/** @param {Partial<LlmOptions>} partial */
		setOptions: (partial) => {
			Object.assign(options, partial);
		},
		reset: () => {
			requests.length = 0;
			toolMessages.clear();
		},
		close: async () => {
			timers.close();
			await shut(server);
		},
	};

	/** Control endpoints for a stand-in run from the CLI: no auth, not logged. */
	/** @type {Record<string, () => unknown>} */
	const control = {
		'GET /__llm/requests': () => requests,
		'GET /__llm/tool-messages': handle.toolMessages,
		'GET /__llm/tool-calls': handle.toolCalls,
		'POST /__llm/reset': () => {
			handle.reset();
			return { ok: true };
		},
	};

	const server = makeServer('llm-stand-in', async (req, res) => {
		const url = new URL(req.url || '/', 'http://127.0.0.1');
		const raw = (await readBody(req, 64 * 1024 * 1024)) || Buffer.alloc(0);
		const ctl = control[`${req.method} ${url.pathname}`];
		/** @type {LlmRequest} */
		const rec = { seq: ++seq, time: Date.now(), method: String(req.method), path: url.pathname, headers: { ...req.headers }, body: null, stream: false, turn: null, status: null, fault: null, requestId: `req_${hex(16)}`, bytesSent: null, answer: null };
		if (ctl) return sendJson(req, res, rec, 200, ctl(), {}, false);
		requests.push(rec);
		res.on('close', () => {
			if (rec.status === null) rec.status = 'aborted';
			if (options.log) process.stderr.write(`[llm-stand-in] ${rec.method} ${rec.path} -> ${rec.status}${rec.answer ? ` ${rec.answer.kind}` : ''}\n`);
		});
		await route(req, res, rec, raw);
	});
	handle.baseUrl = `http://127.0.0.1:${await listen(server, options.port)}`;
	return handle;
}

/** @typedef {Awaited<ReturnType<typeof startLlmStandIn>>} LlmStandIn */

module.exports = { startLlmStandIn, fillArguments, findId };
