/** The CometAPI credential as every request reads it. */
export const CREDENTIAL_TYPE = 'cometApi';
export const DEFAULT_BASE_URL = 'https://api.cometapi.com';

/** `https://api.cometapi.com/`, `.../v1` and `...` all mean the same base. */
export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' && value.trim() ? value.trim() : DEFAULT_BASE_URL;
	return text.replace(/\/+$/, '').replace(/\/v1$/, '');
}
