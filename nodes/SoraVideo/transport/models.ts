import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE, normalizeBaseUrl } from './session';

interface ModelList {
	data?: Array<{ id?: unknown }>;
}

/**
 * The model IDs the credential's `GET /v1/models` lists (free of charge), for the editor's model
 * list. One request, no retries and no redirects, so the key goes to the credential's origin
 * only; any failure is thrown for the caller to fall back on the models it knows.
 */
export async function listModels(ctx: ILoadOptionsFunctions): Promise<string[]> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const answer = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
		method: 'GET',
		url: `${normalizeBaseUrl(credentials.baseUrl)}/v1/models`,
		json: true,
		disableFollowRedirect: true,
	})) as ModelList | ModelList['data'];
	const entries = Array.isArray(answer) ? answer : (answer?.data ?? []);
	return entries.map((entry) => entry?.id).filter((id): id is string => typeof id === 'string');
}
