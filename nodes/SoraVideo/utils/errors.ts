import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

type NodeError = NodeApiError | NodeOperationError;

/** Replaces every occurrence of the API key, so no message can carry it. */
export function redact(text: string, secret: string): string {
	if (!secret) return text;
	return text.split(secret).join('[redacted]');
}

/** n8n swaps messages that mention socket error codes for generic text; ours name the video, so keep them. */
function keepMessage<E extends NodeError>(error: E, message: string): E {
	error.message = message;
	return error;
}

function tagVideo<E extends NodeError>(error: E, videoId?: string): E {
	if (videoId) error.context.videoId = videoId;
	return error;
}

/** Bad input or a local problem: names the item and, where known, the video. */
export function operationError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	details: { description?: string; videoId?: string; secret?: string } = {},
): NodeOperationError {
	const secret = details.secret ?? '';
	const error = new NodeOperationError(ctx.getNode(), redact(message, secret), {
		itemIndex,
		description: details.description ? redact(details.description, secret) : undefined,
	});
	return tagVideo(error, details.videoId);
}

/** Bad input, before any request: "Item 2, field "size": ...". */
export function inputError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	problem: string,
	description?: string,
): NodeOperationError {
	return operationError(ctx, itemIndex, `Item ${itemIndex}, field "${field}": ${problem}`, {
		description,
	});
}

export interface ApiFailure {
	status: number;
	body: unknown;
	action: string;
	itemIndex: number;
	videoId?: string;
	hint?: string;
	/** Added to the message in brackets, so it shows wherever only the message does. */
	note?: string;
	/** The answer came from another host than the API (a file's link), which never sees the key. */
	fileHost?: boolean;
}

interface ProviderError {
	message?: string;
	code?: string;
	type?: string;
	param?: string;
}

export function providerError(body: unknown): ProviderError {
	if (typeof body === 'string') {
		try {
			return providerError(JSON.parse(body));
		} catch {
			return { message: body.trim().slice(0, 500) || undefined };
		}
	}
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		const inner = record.error;
		if (inner && typeof inner === 'object') return inner as ProviderError;
		if (typeof inner === 'string') return { message: inner };
		if (typeof record.message === 'string') return { message: record.message };
	}
	return {};
}

const STATUS_HINTS: Record<number, string> = {
	400: 'The API refused the request as sent: check the parameters named in the message.',
	401: 'The API key was refused: check the CometAPI credential.',
	403: 'The API key may not use this model or endpoint: check your CometAPI plan.',
	404: 'No such video for this API key, or its files have expired (see expires_at): check the video ID.',
	410: "The video's files have expired (see expires_at): render it again.",
	429: "The API is rate limiting this key: lower the node's parallel requests or try again later.",
};

/** A file host's refusal says nothing about the API key, which never goes there. */
const FILE_HOST_HINT =
	'The file host refused the link; a temporary link (video_url) expires: get a new one by retrieving the video again.';

function hintFor(status: number, fileHost = false): string {
	if (fileHost && status >= 400 && status < 500 && status !== 429) return FILE_HOST_HINT;
	if (STATUS_HINTS[status]) return STATUS_HINTS[status];
	if (status >= 500) return 'The API had a server problem: try again later.';
	return '';
}

/** An error answer from the API, with the provider's own message and the HTTP status. */
export function apiError(
	ctx: IExecuteFunctions,
	secret: string,
	failure: ApiFailure,
): NodeApiError {
	const provider = providerError(failure.body);
	const providerMessage = provider.message ?? `HTTP ${failure.status}`;
	const subject = failure.videoId ? ` (video ${failure.videoId})` : '';
	const note = failure.note ? ` (${failure.note})` : '';
	const message = redact(`${failure.action} failed${subject}: ${providerMessage}${note}`, secret);
	const code = provider.code ? `, code ${provider.code}` : '';
	const description = redact(
		[
			`HTTP ${failure.status}${code}.`,
			hintFor(failure.status, failure.fileHost),
			failure.hint ?? '',
		]
			.join(' ')
			.trim(),
		secret,
	);
	const response: JsonObject = {
		message: redact(providerMessage, secret),
		httpCode: String(failure.status),
	};
	// every provider field may echo what was sent, the key included
	if (provider.code) response.code = redact(String(provider.code), secret);
	if (provider.type) response.type = redact(String(provider.type), secret);
	const error = new NodeApiError(ctx.getNode(), response, {
		itemIndex: failure.itemIndex,
		message,
		description,
		httpCode: String(failure.status),
	});
	return tagVideo(keepMessage(error, message), failure.videoId);
}

/** A request that never got an answer (connection refused, reset, timed out). */
export function connectionError(
	ctx: IExecuteFunctions,
	secret: string,
	details: { action: string; itemIndex: number; cause: string; videoId?: string; hint?: string },
): NodeApiError {
	const subject = details.videoId ? ` (video ${details.videoId})` : '';
	const message = redact(`${details.action} failed${subject}: ${details.cause}`, secret);
	const error = new NodeApiError(
		ctx.getNode(),
		{ message: redact(details.cause, secret) },
		{ itemIndex: details.itemIndex, message, description: details.hint },
	);
	return tagVideo(keepMessage(error, message), details.videoId);
}

/** The execution was cancelled; a job that exists goes on at the provider. */
export function cancelledError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	action: string,
	details: { videoId?: string; secret: string; resume?: string },
): NodeOperationError {
	const resume =
		details.resume ??
		(details.videoId
			? `The job goes on at the provider: Retrieve or Download video ${details.videoId} later.`
			: undefined);
	return operationError(ctx, itemIndex, `${action}: the execution was cancelled`, {
		videoId: details.videoId,
		secret: details.secret,
		description: resume,
	});
}

export function videoIdOf(error: unknown): string | undefined {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const id = error.context.videoId;
		return typeof id === 'string' ? id : undefined;
	}
	return undefined;
}
