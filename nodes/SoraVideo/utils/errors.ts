import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

type NodeError = NodeApiError | NodeOperationError;

/** Where an error belongs: the node's context, the item, and the API key no text may carry. */
export interface ErrorScope {
	readonly ctx: IExecuteFunctions;
	readonly itemIndex: number;
	readonly secret: string;
}

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

export interface Details {
	description?: string;
	videoId?: string;
}

/** A local problem of the item: names the item and, where known, the video. */
export function operationError(
	scope: ErrorScope,
	message: string,
	details: Details = {},
): NodeOperationError {
	const { secret } = scope;
	const error = new NodeOperationError(scope.ctx.getNode(), redact(message, secret), {
		itemIndex: scope.itemIndex,
		description: details.description ? redact(details.description, secret) : undefined,
	});
	return tagVideo(error, details.videoId);
}

/** Bad input, before any request: `Item 2, field "Storyboard › Shot 1 › Scene": is empty`. */
export function inputError(
	scope: ErrorScope,
	label: string,
	problem: string,
	description?: string,
): NodeOperationError {
	return operationError(scope, `Item ${scope.itemIndex}, field "${label}": ${problem}`, {
		description,
	});
}

export interface ApiFailure {
	status: number;
	body: unknown;
	action: string;
	videoId?: string;
	/** What the status means for this request and what to do, in order (error-texts.ts). */
	hints: string[];
	/** Added to the message in brackets, so it shows wherever only the message does. */
	note?: string;
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

/** An error answer from the API, with the provider's own message and the HTTP status. */
export function apiError(scope: ErrorScope, failure: ApiFailure): NodeApiError {
	const { secret } = scope;
	const provider = providerError(failure.body);
	const providerMessage = provider.message ?? `HTTP ${failure.status}`;
	const subject = failure.videoId ? ` (video ${failure.videoId})` : '';
	const note = failure.note ? ` (${failure.note})` : '';
	const message = redact(`${failure.action} failed${subject}: ${providerMessage}${note}`, secret);
	const code = provider.code ? `, code ${provider.code}` : '';
	const description = redact(
		[`HTTP ${failure.status}${code}.`, ...failure.hints].filter(Boolean).join(' '),
		secret,
	);
	const response: JsonObject = {
		message: redact(providerMessage, secret),
		httpCode: String(failure.status),
	};
	// every provider field may echo what was sent, the key included
	if (provider.code) response.code = redact(String(provider.code), secret);
	if (provider.type) response.type = redact(String(provider.type), secret);
	const error = new NodeApiError(scope.ctx.getNode(), response, {
		itemIndex: scope.itemIndex,
		message,
		description,
		httpCode: String(failure.status),
	});
	return tagVideo(keepMessage(error, message), failure.videoId);
}

/** A request that never got an answer (connection refused, reset, timed out). */
export function connectionError(
	scope: ErrorScope,
	details: { action: string; cause: string; videoId?: string; hint?: string },
): NodeApiError {
	const { secret } = scope;
	const subject = details.videoId ? ` (video ${details.videoId})` : '';
	const message = redact(`${details.action} failed${subject}: ${details.cause}`, secret);
	const error = new NodeApiError(
		scope.ctx.getNode(),
		{ message: redact(details.cause, secret) },
		{
			itemIndex: scope.itemIndex,
			message,
			description: details.hint ? redact(details.hint, secret) : undefined,
		},
	);
	return tagVideo(keepMessage(error, message), details.videoId);
}

/** The execution was cancelled; a job that exists goes on at the provider. */
export function cancelledError(
	scope: ErrorScope,
	action: string,
	details: { videoId?: string; resume?: string } = {},
): NodeOperationError {
	const resume =
		details.resume ??
		(details.videoId
			? `The job goes on at the provider: Retrieve or Download video ${details.videoId} later.`
			: undefined);
	return operationError(scope, `${action}: the execution was cancelled`, {
		videoId: details.videoId,
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
