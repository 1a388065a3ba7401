import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import {
	apiError,
	cancelledError,
	connectionError,
	operationError,
	providerError,
} from '../utils/errors';
import { pause } from '../utils/pause';
import { httpUrlProblem } from '../utils/validation';
import {
	backoffMs,
	headerValue,
	isModelUnavailable,
	isRefusal,
	isRetryableAnswer,
	isUncertainAnswer,
	neverReachedServer,
	refusalPauseMs,
	requestIdOf,
} from './retry';
import type { Session } from './session';
import { CREDENTIAL_TYPE } from './credential';

const MAX_REDIRECTS = 5;
const ERROR_BODY_LIMIT = 64 * 1024;

export interface HttpCall {
	method: IHttpRequestMethods;
	/** An absolute URL, or a path under the credential's `/v1`. */
	url: string;
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: IDataObject;
	/** Starts paid work: never repeated once it may have reached the server. */
	paid?: boolean;
	/** Tries after a failure for this request alone, instead of the session's Retries per Request. */
	maxRetries?: number;
	/** Hand the response body back as a stream (file downloads). */
	stream?: boolean;
	/** What the user would call this request, for error messages: "Create video". */
	action: string;
	itemIndex: number;
	videoId?: string;
	/** What the user can do when this request fails, added to the error's description. */
	hint?: string;
}

export interface HttpAnswer<T = unknown> {
	statusCode: number;
	headers: Record<string, unknown>;
	body: T;
	/** How many requests this answer took, retries included. */
	attempts?: number;
}

export function resolveUrl(session: Session, url: string): string {
	return /^https?:\/\//i.test(url) ? url : `${session.baseUrl}/v1${url}`;
}

/** Only the credential's own origin ever receives the API key. */
export function isApiOrigin(session: Session, url: string): boolean {
	try {
		return new URL(url).origin === session.origin;
	} catch {
		return false;
	}
}

/** A request that got no answer at all: the socket error code says how far it got. */
interface Unanswered {
	unanswered: string;
	/** Where it was sent, for the error message. */
	url: string;
}

async function sendOnce(
	ctx: IExecuteFunctions,
	session: Session,
	call: HttpCall,
	url: string,
): Promise<HttpAnswer | Unanswered> {
	const options: IHttpRequestOptions = {
		method: call.method,
		url,
		qs: call.qs,
		body: call.body,
		headers: call.headers,
		json: !call.stream,
		encoding: call.stream ? 'stream' : undefined,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		abortSignal: session.signal,
	};
	let response: IN8nHttpFullResponse;
	try {
		response = (
			isApiOrigin(session, url)
				? await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)
				: await ctx.helpers.httpRequest(options)
		) as IN8nHttpFullResponse;
	} catch (error) {
		return { unanswered: errorCode(error), url };
	}
	return {
		statusCode: response.statusCode,
		headers: (response.headers ?? {}) as Record<string, unknown>,
		body: response.body,
	};
}

/** Follows redirects by hand, so a hop to another origin never carries the key. */
async function sendFollowingRedirects(
	ctx: IExecuteFunctions,
	session: Session,
	call: HttpCall,
): Promise<HttpAnswer | Unanswered> {
	let url = resolveUrl(session, call.url);
	let hopCall = call;
	for (let hop = 0; ; hop++) {
		const answer = await sendOnce(ctx, session, hopCall, url);
		if ('unanswered' in answer) return answer;
		const location = headerValue(answer.headers, 'location');
		const isRedirect = answer.statusCode >= 300 && answer.statusCode < 400 && location;
		if (!isRedirect || call.method !== 'GET') return answer;
		discard(answer.body);
		if (hop >= MAX_REDIRECTS) {
			throw operationError(ctx, call.itemIndex, `${call.action} failed: too many redirects`, {
				videoId: call.videoId,
				secret: session.secret,
			});
		}
		url = checkedHttpUrl(ctx, session, new URL(location, url).toString(), call);
		// the Location URL is complete: the first request's query must not be added to it again
		hopCall = { ...call, qs: undefined };
	}
}

/** A URL the node fetches itself (a redirect's target, a chat video link): http(s) only. */
export function checkedHttpUrl(
	ctx: IExecuteFunctions,
	session: Session,
	url: string,
	call: Pick<HttpCall, 'action' | 'itemIndex' | 'videoId'>,
): string {
	const problem = httpUrlProblem(url);
	if (problem) {
		throw operationError(ctx, call.itemIndex, `${call.action} failed: ${problem}`, {
			videoId: call.videoId,
			secret: session.secret,
		});
	}
	return new URL(url).toString();
}

function discard(body: unknown) {
	const stream = body as { resume?: () => void } | undefined;
	stream?.resume?.();
}

export async function readText(body: unknown, limit = ERROR_BODY_LIMIT): Promise<string> {
	if (typeof body === 'string') return body.slice(0, limit);
	if (body instanceof Buffer) return body.toString('utf8', 0, limit);
	const stream = body as AsyncIterable<Buffer | string> | undefined;
	if (!stream || typeof stream[Symbol.asyncIterator] !== 'function') {
		return body === undefined ? '' : JSON.stringify(body).slice(0, limit);
	}
	let text = '';
	for await (const chunk of stream) {
		text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
		if (text.length >= limit) {
			(stream as { destroy?: () => void }).destroy?.();
			break;
		}
	}
	return text.slice(0, limit);
}

/** The socket error code, from a raw error or from the NodeApiError n8n wraps it in. */
function errorCode(error: unknown): string {
	const record = error as
		| { code?: unknown; httpCode?: unknown; cause?: { code?: unknown } }
		| undefined;
	const code = [record?.code, record?.cause?.code, record?.httpCode].find(
		(value) => typeof value === 'string' && /^E[A-Z_]+$/.test(value),
	);
	return typeof code === 'string' ? code : 'UNKNOWN';
}

/** What happened, by socket error code; `ADDRESS` becomes where the request went. */
const CONNECTION_PROBLEMS: Record<string, string> = {
	ECONNREFUSED: 'the connection to ADDRESS was refused',
	ECONNRESET: 'the connection to ADDRESS was closed before an answer arrived',
	ETIMEDOUT: 'the connection to ADDRESS timed out',
	ECONNABORTED: 'the connection to ADDRESS was aborted',
	EPIPE: 'the connection to ADDRESS was closed while sending',
	ENOTFOUND: 'the host name of ADDRESS could not be resolved',
	EAI_AGAIN: 'the host name of ADDRESS could not be resolved',
	ERR_CANCELED: 'the execution was cancelled',
};

/** The problems a wrong address causes: then the credential's Base URL is worth a look. */
const WRONG_ADDRESS_CODES = ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'];

/** Names the origin tried (never a path or query, which may carry tokens) and where to fix it. */
function describeConnectionProblem(session: Session, code: string, url: string): string {
	const address = originOf(url);
	const problem = (
		CONNECTION_PROBLEMS[code] ?? 'the connection to ADDRESS failed before an answer arrived'
	).replace('ADDRESS', address);
	return WRONG_ADDRESS_CODES.includes(code) && address === session.origin
		? `${problem}. Check the Base URL of your CometAPI credential.`
		: problem;
}

function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'the server';
	}
}

/** A paid request's answer that names the job it started: kept even when the execution stopped meanwhile, so the job is not hidden. */
const startedJob = (call: HttpCall, answer: HttpAnswer | Unanswered) =>
	!!call.paid && 'statusCode' in answer && answer.statusCode < 400;

/** No answer after the request went out, or a server error that is not a refusal. */
function mayHaveStartedJob(call: HttpCall, answer: HttpAnswer | Unanswered): boolean {
	if (!call.paid) return false;
	if ('unanswered' in answer) return !neverReachedServer(answer.unanswered);
	return answer.statusCode >= 500 && !isRefusal(answer.statusCode, answer.headers, answer.body);
}

/** The execution was stopped; a paid request says whether it may have started a job. */
function cancelled(ctx: IExecuteFunctions, session: Session, call: HttpCall, sent = false) {
	const paidFate = sent
		? unknownFateHint(call)
		: 'It was not sent, so nothing was started or paid for.';
	return cancelledError(ctx, call.itemIndex, `${call.action} stopped`, {
		videoId: call.videoId,
		secret: session.secret,
		resume: call.paid ? [paidFate, call.hint].filter(Boolean).join(' ') : call.hint,
	});
}

const isChat = (call: HttpCall) => call.url.startsWith('/chat');

function unknownFateHint(call: HttpCall): string {
	const lookup = isChat(call)
		? 'Chat generations cannot be looked up: check your CometAPI usage before you run this item again.'
		: 'Use the List operation to look for a new video before you run this item again.';
	const source = call.videoId ? ` The source video was ${call.videoId}.` : '';
	return `The request may have reached CometAPI and started paid work, so it was not sent again. ${lookup}${source}`;
}

/** A paid request that may have started a job: when it was sent, for whoever looks for the job. */
export interface UncertainOutcome {
	sentAtMs: number;
}

function markedUncertain<E extends { context: IDataObject }>(error: E, sentAtMs: number): E {
	error.context.outcomeUnknown = true;
	error.context.sentAtMs = sentAtMs;
	return error;
}

/** Set on the error of a paid request whose outcome is unknown (a reset after sending, a 502). */
export function uncertainOutcomeOf(error: unknown): UncertainOutcome | undefined {
	const context = (error as { context?: IDataObject } | undefined)?.context;
	if (context?.outcomeUnknown !== true || typeof context.sentAtMs !== 'number') return undefined;
	return { sentAtMs: context.sentAtMs };
}

function withRequestId(
	hint: string | undefined,
	requestId: string | undefined,
): string | undefined {
	if (!requestId) return hint;
	return `${hint ? `${hint} ` : ''}Request id: ${requestId}.`;
}

function refusedHint(call: HttpCall): string {
	const next = isChat(call)
		? 'Run the item again later.'
		: 'Raise Refusal Retries or Max Wait for Refusals, or lower Parallel Requests, in the options; or run the item again later.';
	return `CometAPI refused the request every time, so no job was started and nothing was paid for. ${next}`;
}

async function pauseOrCancel(
	ctx: IExecuteFunctions,
	session: Session,
	call: HttpCall,
	ms: number,
): Promise<void> {
	if (!(await pause(ms, session.signal))) throw cancelled(ctx, session, call);
}

/**
 * Sends one request with the retry policy (transport/retry.ts): safe requests are repeated on
 * 408/409/429/5xx and connection failures. Paid ones are repeated when the API refused them
 * (429, 503, Retry-After) within the refusal bounds, or when the connection was refused before
 * anything was sent; a paid request whose outcome is unknown is never repeated here, and its
 * error is marked (uncertainOutcomeOf) so the job it may have started can be looked for.
 * Any answer of 400 or more becomes a NodeApiError naming the action and the video.
 */
export async function send<T = unknown>(
	ctx: IExecuteFunctions,
	session: Session,
	call: HttpCall,
): Promise<HttpAnswer<T>> {
	const firstSentMs = Date.now();
	let refusals = 0;
	for (let attempt = 0; ; attempt++) {
		if (session.signal?.aborted) throw cancelled(ctx, session, call);
		const canRetry = attempt < (call.maxRetries ?? session.retry.maxRetries);
		const sentAtMs = Date.now();
		const answer = await session.requests(
			async () => await sendFollowingRedirects(ctx, session, call),
		);
		if (session.signal?.aborted && !startedJob(call, answer)) {
			throw cancelled(ctx, session, call, mayHaveStartedJob(call, answer));
		}
		if ('unanswered' in answer) {
			const code = answer.unanswered;
			if (canRetry && (!call.paid || neverReachedServer(code))) {
				await pauseOrCancel(ctx, session, call, backoffMs(session.retry, attempt));
				continue;
			}
			const uncertain = call.paid && !neverReachedServer(code);
			const error = connectionError(ctx, session.secret, {
				action: call.action,
				itemIndex: call.itemIndex,
				videoId: call.videoId,
				cause: describeConnectionProblem(session, code, answer.url),
				hint: uncertain ? unknownFateHint(call) : undefined,
			});
			throw uncertain ? markedUncertain(error, sentAtMs) : error;
		}
		if (answer.statusCode < 400) return { ...answer, attempts: attempt + 1 } as HttpAnswer<T>;

		const { statusCode, headers } = answer;
		const body = call.stream ? await readText(answer.body) : answer.body;
		const requestId = requestIdOf(headers, providerError(body).message);
		if (call.paid && isRefusal(statusCode, headers, body)) {
			refusals++;
			const spentMs = Date.now() - firstSentMs;
			const delay = refusalPauseMs(session.retry, refusals, spentMs, headers);
			if (delay !== undefined) {
				await pauseOrCancel(ctx, session, call, delay);
				continue;
			}
			const times = `refused ${refusals} ${refusals === 1 ? 'time' : 'times'} in ${Math.round(spentMs / 1000)} s`;
			throw apiError(ctx, session.secret, {
				status: statusCode,
				body,
				action: call.action,
				itemIndex: call.itemIndex,
				videoId: call.videoId,
				hint: refusedHint(call),
				note: requestId ? `${times}, request id ${requestId}` : times,
			});
		}
		if (canRetry && !call.paid && isRetryableAnswer(statusCode, body)) {
			await pauseOrCancel(ctx, session, call, backoffMs(session.retry, attempt, headers));
			continue;
		}
		const uncertain = call.paid && isUncertainAnswer(statusCode, headers, body);
		const error = apiError(ctx, session.secret, {
			status: statusCode,
			body,
			action: call.action,
			itemIndex: call.itemIndex,
			videoId: call.videoId,
			hint: withRequestId(uncertain ? unknownFateHint(call) : call.hint, requestId),
			fileHost: !isApiOrigin(session, resolveUrl(session, call.url)),
		});
		if (isModelUnavailable(statusCode, body)) error.context.modelUnavailable = true;
		throw uncertain ? markedUncertain(error, sentAtMs) : error;
	}
}

/** Set on the error of a request whose model the API does not serve (see isModelUnavailable). */
export function isModelUnavailableError(error: unknown): boolean {
	return (error as { context?: IDataObject } | undefined)?.context?.modelUnavailable === true;
}

/** The JSON body of a request under the credential's base URL. */
export async function apiRequest<T = IDataObject>(
	ctx: IExecuteFunctions,
	session: Session,
	call: HttpCall,
): Promise<T> {
	const answer = await send<T>(ctx, session, call);
	return answer.body;
}
