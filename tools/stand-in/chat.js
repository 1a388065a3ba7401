// @ts-check
'use strict';
/** The chat route: CometAPI's chat format for Sora (progress text streamed, then a link). */

const { promptMarkers, markerStatus } = require('./markers');
const { requireBody, summarizeMessages } = require('./body');
const { invalid } = require('./reply');
const { hex } = require('./util');
const { retiredAnswer } = require('./retired');

const UPSTREAM_ERROR = { error: { message: 'upstream failed', type: 'comet_api_error', code: null, param: null } };

/** @typedef {ReturnType<typeof promptMarkers>} Markers */

/** The content pieces, one per chunk. @param {Markers} m @param {string|null} fileUrl */
function chatPieces(m, fileUrl) {
	const pieces = ['> 🕐 Queuing...\n\n'];
	const steps = m.never ? [10, 30, 42] : [10, 30, 55, 80, 100];
	for (const p of steps) pieces.push(`> ⚡ Generating... ${p}%\n\n`);
	if (m.fail) pieces.push('> ❌ Video generation failed: Your request was blocked by our moderation system.\n\n');
	else if (m.chatNoLink) pieces.push('> ✅ Generation complete\n\n');
	else if (!m.chatError && !m.never) pieces.push(`> ✅ Video generated successfully, [Watch video](${fileUrl}) ~\n\n`);
	return pieces;
}

/** @param {Markers} m @returns {import('./state').ChatRecord['state']} */
const finalState = (m) => (m.chatError ? 'error' : m.fail ? 'failed' : 'done');

/**
 * Writes SSE events, each cut in two (inside a multi-byte character where it has one); the tail goes
 * out together with the head of the next event, in a separate TCP write. Resolves the unsent tail,
 * or null when the client went away.
 * @param {import('node:http').ServerResponse} res @param {string[]} events @param {() => Promise<void>} pause
 */
async function writeSplitEvents(res, events, pause) {
	let carry = Buffer.alloc(0);
	for (const ev of events) {
		const buf = Buffer.from(ev, 'utf8');
		let cut = buf.findIndex((byte) => byte >= 0xc0);
		cut = cut > 0 ? cut + 1 : Math.floor(buf.length / 2);
		if (res.destroyed) break;
		res.write(Buffer.concat([carry, buf.subarray(0, cut)]));
		carry = buf.subarray(cut);
		await pause();
	}
	return res.destroyed ? null : carry;
}

/** @param {import('./state').State} st */
function createChatRoutes(st) {
	const { options } = st;

	/** @param {import('./body').Ctx} ctx @returns {import('./reply').Reply} */
	const chatCompletions = (ctx) => {
		const bad = requireBody(ctx, ['json']);
		if (bad) return bad;
		const body = ctx.jsonBody;
		if (!body || typeof body !== 'object' || !Array.isArray(body.messages) || body.messages.length === 0) {
			return invalid("Missing required parameter: 'messages'.", 'missing_required_parameter', 'messages');
		}
		const model = typeof body.model === 'string' && body.model ? body.model : 'sora-2';
		const retired = retiredAnswer(options, model, ctx.rec);
		if (retired) return retired;
		const messages = summarizeMessages(body.messages);
		const prompt = messages.filter((msg) => msg.role === 'user').flatMap((msg) => msg.texts).join('\n');
		const m = promptMarkers(prompt);
		if (m.status) return markerStatus(m.status, options.faults);
		const stream = body.stream === true;
		const id = `chatcmpl-${hex(12)}`;
		const withLink = !m.chatNoLink && !m.chatError && !m.fail && !m.never;
		/** @type {import('./state').ChatRecord} */
		const chat = { id, createdMs: Date.now(), model, stream, prompt, messages, fileUrl: withLink ? `${st.fileHostUrl}/files/chat_${hex(16)}.mp4` : null, state: 'running', requestSeq: ctx.rec.seq };
		st.chats.set(id, chat);
		ctx.rec.jobId = id;
		const pieces = chatPieces(m, chat.fileUrl);
		const head = { id, created: Math.floor(chat.createdMs / 1000), model };
		return stream ? sseReply(ctx, chat, m, pieces, head) : jsonReply(chat, m, pieces, head, prompt);
	};

	/**
	 * @param {import('./state').ChatRecord} chat @param {Markers} m @param {string[]} pieces
	 * @param {{id: string, created: number, model: string}} head @param {string} prompt
	 * @returns {import('./reply').Reply}
	 */
	const jsonReply = (chat, m, pieces, head, prompt) => {
		const promptTokens = Math.ceil(prompt.length / 4);
		const completion = {
			id: head.id,
			object: 'chat.completion',
			created: head.created,
			model: head.model,
			choices: [{ index: 0, message: { role: 'assistant', content: pieces.join('') }, finish_reason: 'stop' }],
			usage: { prompt_tokens: promptTokens, completion_tokens: 60, total_tokens: promptTokens + 60 },
		};
		return {
			kind: 'delayed-json',
			delayMs: m.never ? null : options.chatDelayMs * pieces.length,
			status: m.chatError ? 500 : 200,
			body: m.chatError ? UPSTREAM_ERROR : completion,
			onSent: () => {
				chat.state = finalState(m);
			},
		};
	};

	/**
	 * @param {import('./body').Ctx} ctx @param {import('./state').ChatRecord} chat @param {Markers} m
	 * @param {string[]} pieces @param {{id: string, created: number, model: string}} head
	 * @returns {import('./reply').Reply}
	 */
	const sseReply = (ctx, chat, m, pieces, head) => {
		/** @param {Record<string, unknown>} delta @param {string|null} finish */
		const chunk = (delta, finish) => `data: ${JSON.stringify({ id: head.id, object: 'chat.completion.chunk', created: head.created, model: head.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
		const events = [': keep-alive\n\n', chunk({ role: 'assistant', content: '' }, null), ...pieces.map((p) => chunk({ content: p }, null))];
		if (m.chatError) events.push(`data: ${JSON.stringify(UPSTREAM_ERROR)}\n\n`);
		else if (!m.never) events.push(chunk({}, 'stop'), 'data: [DONE]\n\n');
		return {
			kind: 'sse',
			run: async (res) => {
				res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': ctx.rec.requestId || '' });
				ctx.rec.status = 200;
				if (res.socket) res.socket.setNoDelay(true);
				const carry = await writeSplitEvents(res, events, () => st.timers.sleep(options.chatDelayMs));
				if (carry === null) {
					chat.state = 'aborted';
					return;
				}
				if (m.never) {
					res.write(carry);
					return; // hangs until the client gives up or close()
				}
				res.end(carry);
				chat.state = finalState(m);
			},
		};
	};

	return { chatCompletions };
}

module.exports = { createChatRoutes };
