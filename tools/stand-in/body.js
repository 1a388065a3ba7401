// @ts-check
'use strict';
/** Request bodies: parsed for the handler, summarized for the log. */

const { parseMultipart } = require('./multipart');
const { sha256, shorten } = require('./util');
const { invalid } = require('./reply');

/**
 * What a route handler gets.
 * @typedef {object} Ctx
 * @property {import('node:http').IncomingMessage} req
 * @property {URL} url
 * @property {import('./state').RequestRecord} rec
 * @property {Buffer} raw
 * @property {'json'|'multipart'|'other'|'invalid'|'none'} bodyKind
 * @property {any} jsonBody
 * @property {import('./multipart').MultipartPart[]} parts
 * @property {string|null} bodyError
 */

/**
 * @typedef {{kind: Ctx['bodyKind'], jsonBody: any, parts: import('./multipart').MultipartPart[], error: string|null, summary: import('./state').BodySummary|null}} ParsedBody
 */

/**
 * Text and image_url parts of chat messages.
 * @param {unknown} messages
 * @returns {import('./state').ChatMessageSummary[]}
 */
function summarizeMessages(messages) {
	if (!Array.isArray(messages)) return [];
	return messages.map((m) => {
		/** @type {import('./state').ChatMessageSummary} */
		const out = { role: String(m && m.role), texts: [], imageUrls: [] };
		const content = m && m.content;
		if (typeof content === 'string') out.texts.push(content);
		else if (Array.isArray(content)) {
			for (const part of content) {
				if (part && part.type === 'text' && typeof part.text === 'string') out.texts.push(part.text);
				if (part && part.type === 'image_url') {
					const url = typeof part.image_url === 'string' ? part.image_url : part.image_url && part.image_url.url;
					if (typeof url === 'string') out.imageUrls.push(url);
				}
			}
		}
		return out;
	});
}

/** @param {Buffer} raw @param {string} ct @returns {ParsedBody} */
function parseMultipartBody(raw, ct) {
	const parts = parseMultipart(raw, ct);
	/** @type {Record<string, string>} */
	const fields = {};
	/** @type {import('./state').FilePartSummary[]} */
	const files = [];
	for (const p of parts) {
		if (p.filename !== null) files.push({ name: p.name, filename: p.filename, contentType: p.contentType, bytes: p.data.length, sha256: sha256(p.data) });
		else fields[p.name] = /** @type {string} */ (shorten(p.data.toString('utf8')));
	}
	return { kind: 'multipart', jsonBody: undefined, parts, error: null, summary: { kind: 'multipart', bytes: raw.length, contentType: ct, fields, files } };
}

/** @param {Buffer} raw @param {string|null} ct @returns {ParsedBody} */
function parseJsonBody(raw, ct) {
	const parsed = JSON.parse(raw.toString('utf8'));
	/** @type {import('./state').BodySummary} */
	const summary = { kind: 'json', bytes: raw.length, contentType: ct, json: shorten(parsed) };
	if (parsed && Array.isArray(parsed.messages)) summary.messages = summarizeMessages(parsed.messages).map((m) => ({ ...m, imageUrls: m.imageUrls.map((u) => /** @type {string} */ (shorten(u))) }));
	return { kind: 'json', jsonBody: parsed, parts: [], error: null, summary };
}

/** A body without a content type that starts like JSON is read as JSON. @param {string} type @param {Buffer} raw */
const looksJson = (type, raw) => type === 'application/json' || (type === '' && raw.length > 0 && /^\s*[[{]/.test(raw.toString('utf8', 0, 64)));

/**
 * Parses a request body for the handler and the log.
 * @param {import('node:http').IncomingMessage} req @param {Buffer} raw
 * @returns {ParsedBody}
 */
function parseBody(req, raw) {
	const ct = req.headers['content-type'] || null;
	if (raw.length === 0 && !ct) return { kind: 'none', jsonBody: undefined, parts: [], error: null, summary: null };
	const type = ct ? ct.split(';')[0].trim().toLowerCase() : '';
	try {
		if (type === 'multipart/form-data') return parseMultipartBody(raw, String(ct));
		if (looksJson(type, raw)) return parseJsonBody(raw, ct);
	} catch (e) {
		const error = e instanceof Error ? e.message : String(e);
		return { kind: 'invalid', jsonBody: undefined, parts: [], error, summary: { kind: 'invalid', bytes: raw.length, contentType: ct, error } };
	}
	return { kind: raw.length ? 'other' : 'none', jsonBody: undefined, parts: [], error: null, summary: raw.length ? { kind: 'other', bytes: raw.length, contentType: ct } : null };
}

/** A 400 unless the body is one of `kinds`. @param {Ctx} ctx @param {string[]} kinds @returns {import('./reply').Reply|null} */
function requireBody(ctx, kinds) {
	if (ctx.bodyKind === 'invalid') return invalid(`We could not parse the body of your request (${ctx.bodyError}). Send valid JSON or multipart/form-data.`);
	if (!kinds.includes(ctx.bodyKind)) return invalid(`Unsupported content type '${ctx.req.headers['content-type'] || ''}'. Expected ${kinds.join(' or ')}.`);
	return null;
}

/**
 * The fields of a multipart or JSON body: text fields as strings (JSON values stringified), file parts,
 * and the body the handler reads (the multipart fields, or the JSON value, `{}` for null).
 * @param {Ctx} ctx
 * @returns {{fields: Record<string, string>, files: import('./multipart').MultipartPart[], body: any}}
 */
function formFields(ctx) {
	/** @type {Record<string, string>} */
	const fields = {};
	/** @type {import('./multipart').MultipartPart[]} */
	const files = [];
	if (ctx.bodyKind === 'multipart') {
		for (const p of ctx.parts) {
			if (p.filename !== null) files.push(p);
			else fields[p.name] = p.data.toString('utf8');
		}
		return { fields, files, body: fields };
	}
	const body = ctx.jsonBody || {};
	for (const [k, v] of Object.entries(body)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
	return { fields, files, body };
}

module.exports = { parseBody, requireBody, formFields, summarizeMessages };
