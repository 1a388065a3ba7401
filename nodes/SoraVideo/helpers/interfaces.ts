import type { IDataObject } from 'n8n-workflow';

import type { Limiter } from './concurrency';

/** A Video object as the API returns it; providers may add or omit fields. */
export interface Video extends IDataObject {
	id: string;
	status: string;
	progress?: number;
	model?: string;
	seconds?: string;
	size?: string;
	error?: { code?: string; message?: string } | null;
	expires_at?: number | null;
}

export interface RetryPolicy {
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

/** What one execution of the node shares across its items. */
export interface Session {
	baseUrl: string;
	origin: string;
	secret: string;
	signal?: AbortSignal;
	retry: RetryPolicy;
	/** Every request's wait for its answer's headers, so a big batch never opens hundreds of sockets. */
	requests: Limiter;
	paidRequests: Limiter;
	downloads: Limiter;
}

export interface WaitSettings {
	pollIntervalMs: number;
	timeoutMs: number;
	download: boolean;
	binaryPropertyName: string;
}
