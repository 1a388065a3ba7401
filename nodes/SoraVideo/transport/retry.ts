import { providerError } from '../utils/errors';

/**
 * The retry policy, in one place: which answers are tried again for which kind of request, how
 * long to pause between tries, and the bounds the user can set.
 */
export interface RetryPolicy {
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const RETRIES_RANGE = { min: 0, max: 10 };

export const DEFAULT_RETRIES = 4;

export const DEFAULT_RETRY: RetryPolicy = {
	maxRetries: DEFAULT_RETRIES,
	baseDelayMs: 1000,
	maxDelayMs: 60_000,
};

const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 524]);

/** An error answer that is worth sending a safe request again for. */
export function isRetryableAnswer(statusCode: number, body: unknown): boolean {
	if (!RETRYABLE_STATUSES.has(statusCode)) return false;
	return !(statusCode === 500 && providerError(body).code === 'invalid_request');
}

/** Nothing reached the server, so even a paid request may be sent again. */
export function neverReachedServer(socketCode: string): boolean {
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
