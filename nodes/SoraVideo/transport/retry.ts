import { providerError } from '../utils/errors';

/**
 * Retry decisions, as pure functions: which outcome of a request is tried again, after how long,
 * and which ends it. The bounds come from the user's options (actions/run/limits.ts); nothing
 * here sends, sleeps or writes text.
 */
export interface RetryPolicy {
	/** Safe requests (status checks, lists, downloads): tries after a failure. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Paid requests: how often a refusal is waited out, and for how long in total. */
	maxRefusals: number;
	maxRefusalWaitMs: number;
}

/** What one try of a request came back with: an answer, or a socket error code. */
export type Outcome =
	| { status: number; headers: Record<string, unknown>; body: unknown }
	| { unanswered: string };

export interface Tries {
	/** Tries so far, this one excluded. */
	attempt: number;
	/** Refusals so far, this one excluded. */
	refusals: number;
	/** Since the first try was sent. */
	spentMs: number;
}

export type Decision =
	| { next: 'done' }
	| { next: 'retry'; afterMs: number; refusal: boolean }
	| {
			next: 'fail';
			because: 'answer' | 'refused' | 'unanswered';
			/** A paid request that may have started a job: it must be looked for, never sent again blindly. */
			mayHaveStarted: boolean;
	  };

export interface TriedRequest {
	/** Starts paid work: never repeated once it may have reached the server. */
	paid?: boolean;
	/** Tries after a failure for this request alone, instead of the session's Retries per Request. */
	maxRetries?: number;
	/** A safe request that waits out refusals within the refusal bounds, as a paid one does: they do not use up its tries. */
	waitsOutRefusals?: boolean;
}

/**
 * What comes after one try. Safe requests are repeated on 408/409/429/5xx and connection
 * failures; paid ones, and safe ones that wait out refusals, when the API refused them (429, 503,
 * Retry-After) within the refusal bounds; paid ones also when nothing reached the server. A paid
 * request whose outcome is unknown is never repeated.
 */
export function decide(
	policy: RetryPolicy,
	request: TriedRequest,
	outcome: Outcome,
	tries: Tries,
): Decision {
	const failures = request.waitsOutRefusals ? tries.attempt - tries.refusals : tries.attempt;
	const canRetry = failures < (request.maxRetries ?? policy.maxRetries);
	if ('unanswered' in outcome) {
		const unsent = neverReachedServer(outcome.unanswered);
		if (canRetry && (!request.paid || unsent)) {
			return { next: 'retry', afterMs: backoffMs(policy, failures), refusal: false };
		}
		return { next: 'fail', because: 'unanswered', mayHaveStarted: !!request.paid && !unsent };
	}
	const { status, headers, body } = outcome;
	if (status < 400) return { next: 'done' };
	if ((request.paid || request.waitsOutRefusals) && isRefusal(status, headers, body)) {
		const afterMs = refusalPauseMs(policy, tries.refusals + 1, tries.spentMs, headers);
		if (afterMs === undefined) return { next: 'fail', because: 'refused', mayHaveStarted: false };
		return { next: 'retry', afterMs, refusal: true };
	}
	if (canRetry && !request.paid && isRetryableAnswer(status, body)) {
		return { next: 'retry', afterMs: backoffMs(policy, failures, headers), refusal: false };
	}
	return {
		next: 'fail',
		because: 'answer',
		mayHaveStarted: !!request.paid && isUncertainAnswer(status, headers, body),
	};
}

const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 524]);

/**
 * The API serves no such model: gateways built like CometAPI's (new-api) answer a model they have
 * no channel for with 503 `model_not_found` ("No available channel for model X under group Y"),
 * OpenAI-shaped APIs with 404. An answer, not a refusal: waiting does not bring the model back.
 */
export function isModelUnavailable(statusCode: number, body: unknown): boolean {
	if (statusCode < 400) return false;
	const { code, message } = providerError(body);
	return (
		code === 'model_not_found' ||
		/no available channel for model|无可用渠道|the model .+ does not exist/i.test(message ?? '')
	);
}

/** An error answer that is worth sending a safe request again for. */
function isRetryableAnswer(statusCode: number, body: unknown): boolean {
	if (!RETRYABLE_STATUSES.has(statusCode) || isModelUnavailable(statusCode, body)) return false;
	return !(statusCode === 500 && providerError(body).code === 'invalid_request');
}

/**
 * The API refused a paid request without processing it: 429 (except an exhausted quota, which
 * waiting does not cure), 503, or any error answer that asks to come back later (`Retry-After`,
 * `retry-after-ms`). Nothing was started, so the request may be sent again.
 */
export function isRefusal(
	statusCode: number,
	headers: Record<string, unknown>,
	body: unknown,
): boolean {
	if (isModelUnavailable(statusCode, body)) return false;
	if (statusCode === 429) return providerError(body).code !== 'insufficient_quota';
	return statusCode === 503 || (statusCode >= 400 && serverDelayMs(headers) !== undefined);
}

/**
 * A paid request's answer that leaves open whether a job was started: a server error that is not
 * a refusal, unless it says the request itself was invalid.
 */
export function isUncertainAnswer(
	statusCode: number,
	headers: Record<string, unknown>,
	body: unknown,
): boolean {
	if (statusCode < 500 || isRefusal(statusCode, headers, body)) return false;
	return providerError(body).code !== 'invalid_request' && !isModelUnavailable(statusCode, body);
}

/** Nothing reached the server, so even a paid request may be sent again. */
function neverReachedServer(socketCode: string): boolean {
	return socketCode === 'ECONNREFUSED' || socketCode === 'ENOTFOUND' || socketCode === 'EAI_AGAIN';
}

export function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

/** Server-asked delay from `retry-after-ms` or `Retry-After` (seconds or a date), if any. */
export function serverDelayMs(headers: Record<string, unknown>): number | undefined {
	const ms = Number(headerValue(headers, 'retry-after-ms'));
	if (Number.isFinite(ms) && ms >= 0) return ms;
	const retryAfter = headerValue(headers, 'retry-after');
	if (retryAfter === undefined) return undefined;
	const seconds = Number(retryAfter);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(retryAfter);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The pause before try `attempt + 1`: what the server asked for, else exponential with jitter. */
export function backoffMs(
	policy: RetryPolicy,
	attempt: number,
	headers?: Record<string, unknown>,
): number {
	const asked = headers ? serverDelayMs(headers) : undefined;
	if (asked !== undefined) return Math.min(asked, policy.maxDelayMs);
	const exponential = policy.baseDelayMs * 2 ** attempt;
	const jittered = exponential / 2 + Math.random() * (exponential / 2);
	return Math.min(jittered, policy.maxDelayMs);
}

/**
 * The pause before sending a refused paid request again: what the server asked for (not capped:
 * it knows when it has room), else exponential with jitter; undefined once the refusals or the
 * time spent on them would pass the policy's bounds.
 */
export function refusalPauseMs(
	policy: RetryPolicy,
	refusals: number,
	spentMs: number,
	headers: Record<string, unknown>,
): number | undefined {
	if (refusals > policy.maxRefusals) return undefined;
	const delay = serverDelayMs(headers) ?? backoffMs(policy, refusals - 1);
	return spentMs + delay > policy.maxRefusalWaitMs ? undefined : delay;
}

/** The provider's id of a request: its `x-request-id` header, or one named in its error message. */
export function requestIdOf(
	headers: Record<string, unknown>,
	message?: string,
): string | undefined {
	const header = headerValue(headers, 'x-request-id');
	if (header) return header;
	return /request[ _-]?id[\s:=(]*([\w.-]{6,})/i.exec(message ?? '')?.[1];
}
