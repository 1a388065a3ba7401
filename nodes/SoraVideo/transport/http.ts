import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import type { StatusWords } from '../utils/error-texts';
import { httpUrlProblem } from '../utils/validation';
import { CREDENTIAL_TYPE } from './credential';
import type { TriedRequest } from './retry';
import { headerValue } from './retry';
import type { ItemScope } from './scope';
import type { Session } from './session';

const MAX_REDIRECTS = 5;
const ERROR_BODY_LIMIT = 64 * 1024;

/** A request, and how it may be tried again (`paid`, `maxRetries`, `waitsOutRefusals`: retry.ts). */
export interface HttpCall extends TriedRequest {
	method: IHttpRequestMethods;
	/** An absolute URL, or a path under the credential's `/v1`. */
	url: string;
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: IDataObject;
	/** Hand the response body back as a stream (file downloads). */
	stream?: boolean;
	/** What the user would call this request, for error messages: "Create video". */
	action: string;
	videoId?: string;
	/** What an error status means for this request (error-texts.ts). */
	words: StatusWords;
	/** What the user can do when this request fails, added to the error's description. */
	hint?: string;
}

/** An answer with a status, whatever the status. */
export interface HttpAnswer<T = unknown> {
	statusCode: number;
	headers: Record<string, unknown>;
	body: T;
}

/** A request that got no answer at all: the socket error code says how far it got. */
export interface Unanswered {
	unanswered: string;
	/** Where it was sent, for the error message. */
	url: string;
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

/** A URL the node fetches itself (a redirect's target, a file's link): http(s) only. */
export function checkedHttpUrl(
	scope: ItemScope,
	url: string,
	call: Pick<HttpCall, 'action' | 'videoId'>,
): string {
	const problem = httpUrlProblem(url);
	if (problem) throw scope.fail(`${call.action} failed: ${problem}`, { videoId: call.videoId });
	return new URL(url).toString();
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

async function sendOnce(
	scope: ItemScope,
	call: HttpCall,
	url: string,
): Promise<HttpAnswer | Unanswered> {
	const { ctx, session } = scope;
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

function discard(body: unknown) {
	const stream = body as { resume?: () => void } | undefined;
	stream?.resume?.();
}

/**
 * One request, following redirects by hand, so a hop to another origin never carries the key
 * (n8n's helpers would forward the credential's header).
 */
export async function requestOnce(
	scope: ItemScope,
	call: HttpCall,
): Promise<HttpAnswer | Unanswered> {
	let url = resolveUrl(scope.session, call.url);
	let hopCall = call;
	for (let hop = 0; ; hop++) {
		const answer = await sendOnce(scope, hopCall, url);
		if ('unanswered' in answer) return answer;
		const location = headerValue(answer.headers, 'location');
		const isRedirect = answer.statusCode >= 300 && answer.statusCode < 400 && location;
		if (!isRedirect || call.method !== 'GET') return answer;
		discard(answer.body);
		if (hop >= MAX_REDIRECTS) {
			throw scope.fail(`${call.action} failed: too many redirects`, { videoId: call.videoId });
		}
		url = checkedHttpUrl(scope, new URL(location, url).toString(), call);
		// the Location URL is complete: the first request's query must not be added to it again
		hopCall = { ...call, qs: undefined };
	}
}

/** A body as text, at most `limit` characters: an error answer, or a small JSON answer read from a stream. */
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
