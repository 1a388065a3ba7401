/** Server-sent events and answers of the chat-format generation. */

export interface ChatAnswer {
	content: string;
	id?: string;
	model?: string;
	finishReason?: string;
}

export class ChatStreamError extends Error {}

type Chunk = Buffer | Uint8Array | string;

const EVENT_END = /\r?\n\r?\n/;

function dataOf(rawEvent: string): string | undefined {
	const lines = rawEvent.split(/\r?\n/).filter((line) => line.startsWith('data:'));
	if (!lines.length) return undefined;
	return lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n');
}

/** Yields the data of each event, however the events were split across chunks. */
export async function* sseData(chunks: AsyncIterable<Chunk>): AsyncGenerator<string> {
	const decoder = new TextDecoder();
	let buffer = '';
	for await (const chunk of chunks) {
		buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		let match = EVENT_END.exec(buffer);
		while (match) {
			const data = dataOf(buffer.slice(0, match.index));
			buffer = buffer.slice(match.index + match[0].length);
			if (data !== undefined) yield data;
			match = EVENT_END.exec(buffer);
		}
	}
	buffer += decoder.decode();
	const last = dataOf(buffer);
	if (last !== undefined) yield last;
}

interface Completion {
	id?: string;
	model?: string;
	error?: { message?: string } | string;
	choices?: Array<{
		delta?: { content?: string | null };
		message?: { content?: string | null };
		finish_reason?: string | null;
	}>;
}

function errorText(error: Completion['error']): string {
	if (typeof error === 'string') return error;
	return error?.message ?? 'the stream reported an error';
}

function absorb(answer: ChatAnswer, completion: Completion) {
	if (completion.error) throw new ChatStreamError(errorText(completion.error));
	const choice = completion.choices?.[0];
	answer.content += choice?.delta?.content ?? choice?.message?.content ?? '';
	answer.id ??= completion.id;
	answer.model ??= completion.model;
	if (choice?.finish_reason) answer.finishReason = choice.finish_reason;
}

/** Assembles the assistant's whole text from a streamed answer; stops at `[DONE]`. */
export async function readChatStream(chunks: AsyncIterable<Chunk>): Promise<ChatAnswer> {
	const answer: ChatAnswer = { content: '' };
	for await (const data of sseData(chunks)) {
		if (data.trim() === '[DONE]') break;
		let completion: Completion;
		try {
			completion = JSON.parse(data) as Completion;
		} catch {
			continue; // keep-alive comments and progress lines that are not JSON
		}
		absorb(answer, completion);
	}
	return answer;
}

/** A plain (not streamed) `chat.completion` answer. */
export function readChatJson(text: string): ChatAnswer {
	const answer: ChatAnswer = { content: '' };
	absorb(answer, JSON.parse(text) as Completion);
	return answer;
}

const URL_PATTERN = /https?:\/\/[^\s<>"'()[\]]+/gi;
const VIDEO_PATH = /\.(mp4|mov|webm|m4v)$/i;

/** The last link in the text whose path ends in a video extension. */
export function lastVideoUrl(text: string): string | undefined {
	const urls = (text.match(URL_PATTERN) ?? []).map((url) => url.replace(/[.,;:!?*_]+$/, ''));
	const videos = urls.filter((url) => {
		try {
			return VIDEO_PATH.test(new URL(url).pathname);
		} catch {
			return false;
		}
	});
	return videos.pop();
}
