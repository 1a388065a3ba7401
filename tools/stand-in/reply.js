// @ts-check
'use strict';
/** What a route handler answers; the API server sends it (or replaces it by an after-create fault). */

const { errorBody } = require('./util');

/**
 * @typedef {{kind: 'json', status: number, body: unknown, headers?: Record<string, string>}
 *   | ({kind: 'binary', status: number} & import('./http').BinaryBody)
 *   | {kind: 'redirect', status: number, location: string}
 *   | {kind: 'sse', run: (res: import('node:http').ServerResponse) => Promise<void>}
 *   | {kind: 'delayed-json', delayMs: number|null, status: number, body: unknown, onSent?: () => void}} Reply
 */

/** @returns {Reply} @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
const json = (status, body, headers) => ({ kind: 'json', status, body, headers });

/** A 400 `invalid_request_error`. @param {string} message @param {string|null} [code] @param {string|null} [param] @returns {Reply} */
const invalid = (message, code = null, param = null) => json(400, errorBody(message, 'invalid_request_error', code, param));

/** @param {string} param @param {string} expected @param {unknown} got */
const invalidValue = (param, expected, got) => invalid(`Invalid value for '${param}': expected ${expected}, got ${JSON.stringify(got)}.`, 'invalid_value', param);

module.exports = { json, invalid, invalidValue };
