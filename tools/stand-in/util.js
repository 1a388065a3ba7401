// @ts-check
'use strict';
/** Small helpers shared by the stand-in's modules. */

const crypto = require('node:crypto');

/** @param {number} n */
const hex = (n) => crypto.randomBytes(n).toString('hex');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** `n` random letters and digits. @param {number} n */
const token = (n) => Array.from(crypto.randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');
/** @param {Buffer} b */
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * An OpenAI-shaped error.
 * @param {string} message
 * @param {string} type
 * @param {string|null} [code]
 * @param {string|null} [param]
 */
function errorBody(message, type, code = null, param = null) {
	return { error: { message, type, code, param } };
}

/**
 * Long strings shortened, everywhere in a JSON-like value (for the request log).
 * @param {unknown} value
 * @param {number} [max]
 * @returns {unknown}
 */
function shorten(value, max = 300) {
	if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…(${value.length} chars)` : value;
	if (Array.isArray(value)) return value.map((v) => shorten(v, max));
	if (value && typeof value === 'object') {
		/** @type {Record<string, unknown>} */
		const out = {};
		for (const [k, v] of Object.entries(value)) out[k] = shorten(v, max);
		return out;
	}
	return value;
}

/**
 * Timers that `close()` can clear at once; after closing, `sleep` never resolves.
 */
function createTimers() {
	/** @type {Set<NodeJS.Timeout>} */
	const pending = new Set();
	let closed = false;
	return {
		/** @param {number} ms @returns {Promise<void>} */
		sleep: (ms) =>
			new Promise((resolve) => {
				if (closed) return;
				if (!(ms > 0)) {
					resolve();
					return;
				}
				const t = setTimeout(() => {
					pending.delete(t);
					resolve();
				}, ms);
				pending.add(t);
			}),
		close: () => {
			closed = true;
			for (const t of pending) clearTimeout(t);
			pending.clear();
		},
		isClosed: () => closed,
	};
}

module.exports = { hex, token, sha256, errorBody, shorten, createTimers };
