import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { RESUME_DOWNLOAD } from '../utils/error-texts';
import { sniffImageType } from '../utils/media';
import { pause } from '../utils/pause';
import type { HttpCall } from './index';
import { readText, send } from './index';
import { backoffMs, headerValue } from './retry';
import type { ItemScope } from './scope';

type BinarySource = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

export interface FileSpec {
	fileName: string;
	mimeType: string;
}

export interface StoredFile {
	binary: IBinaryData;
	bytes: number | undefined;
}

/** Content types that mean an error page or message arrived instead of a file. */
const NOT_A_FILE = /json|html|^text\//i;

/** What a readable response body offers; typed here because community nodes may not import `stream`. */
interface BodyStream {
	read(): Buffer | null;
	unshift(chunk: Buffer): void;
	once(event: string, listener: (...args: unknown[]) => void): unknown;
	removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
	readableEnded?: boolean;
	destroy?: () => void;
}

/** The first bytes of a stream, put back so the stream still yields everything. */
async function peekHead(stream: BodyStream): Promise<Buffer> {
	return await new Promise<Buffer>((resolve, reject) => {
		const finish = (head: Buffer | null, error?: unknown) => {
			stream.removeListener('readable', onReadable);
			stream.removeListener('end', onEnd);
			stream.removeListener('error', onError);
			if (error) reject(error);
			else resolve(head ?? Buffer.alloc(0));
		};
		const onReadable = () => {
			const head = stream.read();
			if (head) stream.unshift(head);
			finish(head);
		};
		const onEnd = () => finish(null);
		const onError = (error: unknown) => finish(null, error);
		stream.once('readable', onReadable);
		stream.once('end', onEnd);
		stream.once('error', onError);
	});
}

/** Whether the leading bytes fit the expected type; an error page or JSON never does. */
function headFits(mimeType: string, head: Buffer): boolean {
	if (mimeType === 'video/mp4') return head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp';
	if (mimeType.startsWith('image/')) return sniffImageType(head) !== undefined;
	return true;
}

/** A download's outcome, and how many requests it took (retries of its request included). */
type Attempt = ({ stored: StoredFile } | { retry: string }) & { attempts: number };

async function downloadOnce(scope: ItemScope, call: HttpCall, file: FileSpec): Promise<Attempt> {
	const answer = await send(scope, { ...call, stream: true });
	const { attempts } = answer;
	const contentType = headerValue(answer.headers, 'content-type') ?? '';
	const body = answer.body as BodyStream;
	const head = NOT_A_FILE.test(contentType)
		? undefined
		: await peekHead(body).catch(() => undefined);
	if (!head || !headFits(file.mimeType, head)) {
		const text = head ? head.toString('utf8', 0, 200) : await readText(answer.body, 500);
		body.destroy?.();
		if (!head && !NOT_A_FILE.test(contentType))
			return { retry: 'the transfer broke off before the file began', attempts };
		throw scope.fail(
			`${call.action} failed: expected a ${file.mimeType} file but got ${
				NOT_A_FILE.test(contentType)
					? contentType
					: `other content, labelled ${contentType || 'with no type'}`
			}`,
			{
				videoId: call.videoId,
				description: `The server answered: ${text.trim().slice(0, 300)}`,
			},
		);
	}
	let binary: IBinaryData;
	try {
		binary = await scope.ctx.helpers.prepareBinaryData(
			answer.body as BinarySource,
			file.fileName,
			file.mimeType,
		);
	} catch (error) {
		return { retry: `the transfer broke off (${(error as Error).message})`, attempts };
	}
	const declared = Number(headerValue(answer.headers, 'content-length'));
	const bytes =
		typeof binary.bytes === 'number'
			? binary.bytes
			: Number.isFinite(declared)
				? declared
				: undefined;
	if (Number.isFinite(declared) && bytes !== undefined && bytes < declared) {
		return { retry: `received ${bytes} of ${declared} bytes`, attempts };
	}
	return { stored: { binary, bytes }, attempts };
}

/**
 * Streams a response body into n8n's binary store (in filesystem or S3 mode it never sits whole in
 * memory), after checking that its first bytes are the expected kind of file. A transfer that breaks
 * off is started again from the beginning: downloads are safe to repeat. Downloads share the
 * session's limit, held until the whole body has arrived.
 */
export async function downloadToBinary(
	scope: ItemScope,
	call: HttpCall,
	file: FileSpec,
): Promise<StoredFile> {
	const { session } = scope;
	return await session.downloads(async () => {
		// one budget for both kinds of retry: a failed request, and a transfer that broke off
		const { maxRetries } = session.retry;
		let used = 0;
		let problem = '';
		while (used <= maxRetries) {
			if (used > 0 && !(await pause(backoffMs(session.retry, used - 1), session.signal))) break;
			const outcome = await downloadOnce(scope, { ...call, maxRetries: maxRetries - used }, file);
			if ('stored' in outcome) return outcome.stored;
			used += outcome.attempts;
			problem = outcome.retry;
		}
		throw scope.connectionFailed({
			action: call.action,
			videoId: call.videoId,
			cause: problem,
			hint: RESUME_DOWNLOAD,
		});
	});
}

export interface FetchedBytes {
	bytes: Buffer;
	contentType: string;
}

/** Reads a small file into memory; more than `limit` bytes means it was too big. */
export async function fetchBytes(
	scope: ItemScope,
	call: HttpCall,
	limit: number,
): Promise<FetchedBytes> {
	const answer = await send(scope, { ...call, stream: true });
	return {
		bytes: await collectStream(answer.body as AsyncIterable<Buffer>, limit),
		contentType: headerValue(answer.headers, 'content-type') ?? '',
	};
}

/** Reads a stream to its end, or until more than `limit` bytes have arrived. */
export async function collectStream(
	stream: AsyncIterable<Buffer | string>,
	limit: number,
): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		chunks.push(buffer);
		size += buffer.length;
		if (size > limit) break;
	}
	return Buffer.concat(chunks);
}
