import type { IExecuteFunctions } from 'n8n-workflow';

import type { Limiter } from '../utils/concurrency';
import { createLimiter } from '../utils/concurrency';
import { operationError } from '../utils/errors';
import type { ListedModel } from '../utils/models';
import { CREDENTIAL_TYPE, normalizeBaseUrl } from './credential';
import { listModels } from './models';
import type { RetryPolicy } from './retry';

/** Every request's wait for its answer's headers, so a big batch never opens hundreds of sockets. */
const MAX_OPEN_REQUESTS = 16;

/** How requests behave in one execution: the user's limits (actions/run/limits.ts) as transport needs them. */
export interface RequestPolicy {
	/** Paid requests, and downloads, at once across all items. */
	parallelRequests: number;
	retry: RetryPolicy;
}

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
	/** The models the account lists, asked for once per execution, when an error must name them. */
	listedModels: () => Promise<ListedModel[]>;
}

/** Reads the credential once per execution; everything an item's request needs travels in the session. */
export async function openSession(ctx: IExecuteFunctions, policy: RequestPolicy): Promise<Session> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const secret = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	let origin: string;
	try {
		origin = new URL(baseUrl).origin;
	} catch {
		throw operationError(
			{ ctx, itemIndex: 0, secret },
			`The CometAPI credential's Base URL "${baseUrl}" is not a URL`,
			{ description: "Set it to https://api.cometapi.com or to your relay's address." },
		);
	}
	let listed: Promise<ListedModel[]> | undefined;
	return {
		baseUrl,
		origin,
		secret,
		signal: ctx.getExecutionCancelSignal(),
		retry: policy.retry,
		requests: createLimiter(MAX_OPEN_REQUESTS),
		paidRequests: createLimiter(policy.parallelRequests),
		downloads: createLimiter(policy.parallelRequests),
		listedModels: async () => await (listed ??= listModels(ctx)),
	};
}
