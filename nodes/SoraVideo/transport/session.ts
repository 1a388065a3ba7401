import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Limiter } from '../utils/concurrency';
import { createLimiter } from '../utils/concurrency';
import { operationError } from '../utils/errors';
import type { ListedModel } from '../utils/models';
import { CREDENTIAL_TYPE, normalizeBaseUrl } from './credential';
import { listModels } from './models';
import type { RetryPolicy } from './retry';
import {
	DEFAULT_REFUSAL_WAIT_V3_S,
	DEFAULT_RETRY,
	REFUSAL_RETRIES_RANGE,
	REFUSAL_WAIT_RANGE,
	RETRIES_RANGE,
} from './retry';

export const DEFAULT_PARALLEL_REQUESTS = 5;
export const PARALLEL_REQUESTS_RANGE = { min: 1, max: 50 };
/** Every request's wait for its answer's headers, so a big batch never opens hundreds of sockets. */
const MAX_OPEN_REQUESTS = 16;

/** What one execution of the node shares across its items. */
export interface Session {
	baseUrl: string;
	origin: string;
	secret: string;
	signal?: AbortSignal;
	retry: RetryPolicy;
	requests: Limiter;
	paidRequests: Limiter;
	downloads: Limiter;
	/** When waits must end so the node finishes before the workflow's own timeout stops the execution. */
	waitDeadlineMs?: number;
	/** The models the account lists, asked for once per execution, when an error must name them. */
	listedModels: () => Promise<ListedModel[]>;
}

export interface RequestLimits {
	parallelRequests: number;
	maxRetries: number;
	maxRefusals: number;
	maxRefusalWaitMs: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
	parallelRequests: DEFAULT_PARALLEL_REQUESTS,
	maxRetries: DEFAULT_RETRY.maxRetries,
	maxRefusals: DEFAULT_RETRY.maxRefusals,
	maxRefusalWaitMs: DEFAULT_RETRY.maxRefusalWaitMs,
};

function clamped(value: unknown, fallback: number, range: { min: number; max: number }): number {
	const number = Math.floor(Number(value ?? fallback));
	return Number.isFinite(number) && number >= range.min ? Math.min(number, range.max) : fallback;
}

/**
 * The request limits an options collection sets ("Parallel Requests", "Retries per Request",
 * "Refusal Retries", "Max Wait for Refusals"), with the defaults of the node's version.
 */
export function limitsFromOptions(options: IDataObject, nodeVersion: number): RequestLimits {
	const refusalWaitS =
		nodeVersion >= 3 ? DEFAULT_REFUSAL_WAIT_V3_S : DEFAULT_LIMITS.maxRefusalWaitMs / 1000;
	return {
		parallelRequests: clamped(
			options.parallelRequests,
			DEFAULT_LIMITS.parallelRequests,
			PARALLEL_REQUESTS_RANGE,
		),
		maxRetries: clamped(options.maxRetries, DEFAULT_LIMITS.maxRetries, RETRIES_RANGE),
		maxRefusals: clamped(
			options.maxRefusalRetries,
			DEFAULT_LIMITS.maxRefusals,
			REFUSAL_RETRIES_RANGE,
		),
		maxRefusalWaitMs: clamped(options.maxRefusalWait, refusalWaitS, REFUSAL_WAIT_RANGE) * 1000,
	};
}

/** Time a node needs after its wait (download, output) before the workflow's timeout strikes. */
const WORKFLOW_TIMEOUT_MARGIN_MS = 15_000;

/**
 * The workflow's execution timeout (Workflow Settings), counted from now: the execution started
 * earlier, so this is the latest the node can still finish. Undefined without one.
 */
function waitDeadline(ctx: IExecuteFunctions): number | undefined {
	const timeoutS = Number(ctx.getWorkflowSettings().executionTimeout);
	if (!Number.isFinite(timeoutS) || timeoutS <= 0) return undefined;
	return Date.now() + timeoutS * 1000 - Math.min(WORKFLOW_TIMEOUT_MARGIN_MS, (timeoutS * 1000) / 4);
}

/** Reads the credential once per execution; everything an item's request needs travels in the session. */
export async function openSession(ctx: IExecuteFunctions, limits: RequestLimits): Promise<Session> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const secret = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	let origin: string;
	try {
		origin = new URL(baseUrl).origin;
	} catch {
		throw operationError(ctx, 0, `The CometAPI credential's Base URL "${baseUrl}" is not a URL`, {
			secret,
			description: "Set it to https://api.cometapi.com or to your relay's address.",
		});
	}
	let listed: Promise<ListedModel[]> | undefined;
	return {
		baseUrl,
		origin,
		secret,
		signal: ctx.getExecutionCancelSignal(),
		waitDeadlineMs: waitDeadline(ctx),
		retry: {
			...DEFAULT_RETRY,
			maxRetries: limits.maxRetries,
			maxRefusals: limits.maxRefusals,
			maxRefusalWaitMs: limits.maxRefusalWaitMs,
		},
		requests: createLimiter(MAX_OPEN_REQUESTS),
		paidRequests: createLimiter(limits.parallelRequests),
		downloads: createLimiter(limits.parallelRequests),
		listedModels: async () => await (listed ??= listModels(ctx)),
	};
}
