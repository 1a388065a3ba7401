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

const REPLY_KINDS = new Set(['json', 'binary', 'redirect', 'sse', 'delayed-json']);
/** Whether a checker answered a Reply (a 400) instead of a value. @param {unknown} v @returns {v is Reply} */
const isReply = (v) => !!v && typeof v === 'object' && REPLY_KINDS.has(/** @type {any} */ (v).kind);

module.exports = { json, invalid, invalidValue, isReply };
