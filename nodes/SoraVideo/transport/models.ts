import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { ListedModel } from '../utils/models';
import { CREDENTIAL_TYPE, normalizeBaseUrl } from './credential';

interface ModelList {
	data?: Array<{ id?: unknown; model_type?: unknown }>;
}

/**
 * The models the credential's `GET /v1/models` lists (free of charge), for the editor's model
 * list and for naming what an account serves. One request, no retries and no redirects, so the
 * key goes to the credential's origin only; any failure is thrown for the caller to fall back on.
 */
export async function listModels(
	ctx: ILoadOptionsFunctions | IExecuteFunctions,
): Promise<ListedModel[]> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const answer = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
		method: 'GET',
		url: `${normalizeBaseUrl(credentials.baseUrl)}/v1/models`,
		json: true,
		disableFollowRedirect: true,
	})) as ModelList | ModelList['data'];
	const entries = Array.isArray(answer) ? answer : (answer?.data ?? []);
	return entries.filter((entry): entry is ListedModel => !!entry && typeof entry.id === 'string');
}
