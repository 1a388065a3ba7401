import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

import type { HttpCall } from '../transport';
import { backoffMs, headerValue, readText, send } from '../transport';
import { connectionError, inputError, operationError } from './errors';
import type { Session } from './interfaces';
import { pause } from './pause';

type BinarySource = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

export const VARIANTS = {
	video: { extension: 'mp4', mimeType: 'video/mp4' },
	thumbnail: { extension: 'webp', mimeType: 'image/webp' },
	spritesheet: { extension: 'jpg', mimeType: 'image/jpeg' },
} as const;

export type Variant = keyof typeof VARIANTS;

export interface FileSpec {
	fileName: string;
	mimeType: string;
}

export interface StoredFile {
	binary: IBinaryData;
	bytes: number | undefined;
}

const MAX_REFERENCE_IMAGE_BYTES = 50 * 1024 * 1024;

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

async function downloadOnce(
	ctx: IExecuteFunctions,
	session: Session,
	call: HttpCall,
	file: FileSpec,
): Promise<Attempt> {
	const answer = await send(ctx, session, { ...call, stream: true });
	const attempts = answer.attempts ?? 1;
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
		throw operationError(
			ctx,
			call.itemIndex,
			`${call.action} failed: expected a ${file.mimeType} file but got ${
				NOT_A_FILE.test(contentType)
					? contentType
					: `other content, labelled ${contentType || 'with no type'}`
			}`,
			{
				videoId: call.videoId,
				secret: session.secret,
				description: `The server answered: ${text.trim().slice(0, 300)}`,
			},
		);
	}
	let binary: IBinaryData;
	try {
		binary = await ctx.helpers.prepareBinaryData(
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
	ctx: IExecuteFunctions,
	session: Session,
	call: HttpCall,
	file: FileSpec,
): Promise<StoredFile> {
	return await session.downloads(async () => {
		// one budget for both kinds of retry: a failed request, and a transfer that broke off
		const { maxRetries } = session.retry;
		let used = 0;
		let problem = '';
		while (used <= maxRetries) {
			if (used > 0 && !(await pause(backoffMs(session, used - 1), session.signal))) break;
			const budget = { ...session, retry: { ...session.retry, maxRetries: maxRetries - used } };
			const outcome = await downloadOnce(ctx, budget, call, file);
			if ('stored' in outcome) return outcome.stored;
			used += outcome.attempts;
			problem = outcome.retry;
		}
		throw connectionError(ctx, session, {
			action: call.action,
			itemIndex: call.itemIndex,
			videoId: call.videoId,
			cause: problem,
			hint: 'Run the item again, or Download with the video ID: downloads are safe to repeat.',
		});
	});
}

/** The image type from the file's leading bytes; undefined when it is not a PNG, JPEG, WebP or GIF. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
	const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
	if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
	if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
	if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
	const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
	if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
	return undefined;
}

export interface ReferenceImage {
	bytes: Buffer;
	fileName: string;
	mimeType: string;
}

const IMAGE_EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/gif': 'gif',
	'image/webp': 'webp',
};

async function collect(stream: AsyncIterable<Buffer | string>, limit: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		size += buffer.length;
		if (size > limit) break;
		chunks.push(buffer);
	}
	return Buffer.concat(chunks);
}

function referenceImage(
	bytes: Buffer,
	fileName: string | undefined,
	mimeType: string,
): ReferenceImage {
	const extension = IMAGE_EXTENSIONS[mimeType];
	const name = fileName && /\.\w+$/.test(fileName) ? fileName : `reference.${extension}`;
	return { bytes, fileName: name, mimeType };
}

/** Reads the reference image of an input item; from n8n's binary store as a stream where it has an id. */
export async function referenceImageFromBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<ReferenceImage> {
	const field = 'options.referenceImageBinaryProperty';
	const binary = ctx.getInputData()[itemIndex]?.binary?.[propertyName];
	if (!binary) {
		const present = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
		throw inputError(
			ctx,
			itemIndex,
			field,
			`the input item has no binary field "${propertyName}"`,
			present.length
				? `Binary fields on this item: ${present.join(', ')}.`
				: 'This item carries no binary data: read or download the image in an earlier node.',
		);
	}
	const bytes = binary.id
		? await collect(await ctx.helpers.getBinaryStream(binary.id), MAX_REFERENCE_IMAGE_BYTES + 1)
		: Buffer.from(binary.data, BINARY_ENCODING);
	if (bytes.length > MAX_REFERENCE_IMAGE_BYTES) {
		throw inputError(ctx, itemIndex, field, 'the reference image is larger than 50 MB');
	}
	const mimeType = sniffImageType(bytes);
	if (!mimeType) {
		throw inputError(
			ctx,
			itemIndex,
			field,
			`"${propertyName}" is not an image (${binary.mimeType || 'unknown type'})`,
			'Use a PNG, JPEG, WebP or GIF image, ideally the same size as the video.',
		);
	}
	return referenceImage(bytes, binary.fileName, mimeType);
}

/** Fetches a reference image from a URL, never sending the API key to another host. */
export async function referenceImageFromUrl(
	ctx: IExecuteFunctions,
	session: Session,
	itemIndex: number,
	url: string,
): Promise<ReferenceImage> {
	const field = 'options.referenceImageUrl';
	const answer = await send(ctx, session, {
		method: 'GET',
		url,
		stream: true,
		action: 'Fetch reference image',
		itemIndex,
	});
	const bytes = await collect(answer.body as AsyncIterable<Buffer>, MAX_REFERENCE_IMAGE_BYTES + 1);
	if (bytes.length > MAX_REFERENCE_IMAGE_BYTES) {
		throw inputError(ctx, itemIndex, field, 'the reference image is larger than 50 MB');
	}
	const mimeType = sniffImageType(bytes);
	if (!mimeType) {
		const contentType = headerValue(answer.headers, 'content-type') ?? 'unknown type';
		throw inputError(ctx, itemIndex, field, `${url} is not an image (${contentType})`);
	}
	const fileName = new URL(url).pathname.split('/').pop();
	return referenceImage(bytes, fileName, mimeType);
}
