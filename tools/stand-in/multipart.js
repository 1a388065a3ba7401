// @ts-check
'use strict';
/** A strict multipart/form-data parser, binary-safe, for the create and remix bodies. */

/**
 * @typedef {object} MultipartPart
 * @property {string} name
 * @property {string|null} filename
 * @property {string|null} contentType
 * @property {Buffer} data
 */

/** RFC 5987 `UTF-8''x%20y` to its text (the raw text when it does not decode). @param {string} val */
function decodeExtValue(val) {
	const m = /^([^']*)'[^']*'(.*)$/.exec(val);
	if (!m) return val;
	try {
		return decodeURIComponent(m[2]);
	} catch {
		return m[2];
	}
}

/**
 * Reads one parameter value at `i`: quoted (with backslash escapes) or up to the next `;`.
 * @param {string} header @param {number} i @returns {{val: string, next: number}}
 */
function readParamValue(header, i) {
	let val = '';
	if (header[i] !== '"') {
		while (i < header.length && header[i] !== ';') val += header[i++];
		return { val: val.trim(), next: i };
	}
	i++;
	while (i < header.length && header[i] !== '"') {
		if (header[i] === '\\' && i + 1 < header.length) i++;
		val += header[i++];
	}
	return { val, next: i + 1 };
}

/**
 * Parses a header parameter list such as `form-data; name="a\"b"; filename*=UTF-8''x%20y.png`.
 * @param {string} header
 * @returns {{value: string, params: Record<string, string>}}
 */
function parseHeaderParams(header) {
	/** @type {Record<string, string>} */
	const params = {};
	let i = header.indexOf(';');
	const value = (i < 0 ? header : header.slice(0, i)).trim().toLowerCase();
	if (i < 0) return { value, params };
	i++;
	while (i < header.length) {
		while (i < header.length && /[\s;]/.test(header[i])) i++;
		let key = '';
		while (i < header.length && header[i] !== '=' && header[i] !== ';') key += header[i++];
		key = key.trim().toLowerCase();
		if (header[i] !== '=') {
			if (key) params[key] = '';
			continue;
		}
		const { val, next } = readParamValue(header, i + 1);
		i = next;
		if (key.endsWith('*')) params[key.slice(0, -1)] = decodeExtValue(val);
		else if (!(key in params)) params[key] = val;
	}
	return { value, params };
}

/** Lower-cased part headers. @param {string} headerText @returns {Record<string, string>} */
function partHeaders(headerText) {
	/** @type {Record<string, string>} */
	const headers = {};
	for (const line of headerText.split('\r\n')) {
		const c = line.indexOf(':');
		if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
	}
	return headers;
}

/**
 * Where the first part starts: right after the first delimiter (with or without a preamble).
 * @param {Buffer} body @param {Buffer} delim @param {Buffer} nextDelim
 */
function firstPartStart(body, delim, nextDelim) {
	if (body.subarray(0, delim.length).equals(delim)) return delim.length;
	const at = body.indexOf(nextDelim);
	if (at < 0) throw new Error('multipart boundary not found');
	return at + nextDelim.length;
}

/**
 * One part starting after its delimiter line's CRLF at `pos`.
 * @param {Buffer} body @param {number} pos @param {Buffer} nextDelim
 * @returns {{part: MultipartPart, end: number}}
 */
function readPart(body, pos, nextDelim) {
	let headerText = '';
	let dataStart = pos + 2;
	if (!(body[pos] === 0x0d && body[pos + 1] === 0x0a)) {
		const headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
		if (headerEnd < 0) throw new Error('unterminated multipart part headers');
		headerText = body.toString('utf8', pos, headerEnd);
		dataStart = headerEnd + 4;
	}
	const end = body.indexOf(nextDelim, dataStart);
	if (end < 0) throw new Error('multipart body without a closing boundary');
	const headers = partHeaders(headerText);
	const disp = parseHeaderParams(headers['content-disposition'] || '');
	if (disp.value !== 'form-data' || !('name' in disp.params)) throw new Error('multipart part without Content-Disposition: form-data; name=');
	const part = {
		name: disp.params.name,
		filename: 'filename' in disp.params ? disp.params.filename : null,
		contentType: headers['content-type'] || null,
		data: body.subarray(dataStart, end),
	};
	return { part, end };
}

/**
 * A strict multipart/form-data parser (RFC 7578 / 2046): boundary from the header (quoted or not),
 * optional preamble, CRLF before every delimiter, binary-safe part bodies, closing `--boundary--`.
 * @param {Buffer} body
 * @param {string} contentType
 * @returns {MultipartPart[]}
 */
function parseMultipart(body, contentType) {
	const { params } = parseHeaderParams(contentType);
	const boundary = params.boundary;
	if (!boundary) throw new Error('multipart body without a boundary parameter');
	const delim = Buffer.from(`--${boundary}`, 'latin1');
	const nextDelim = Buffer.from(`\r\n--${boundary}`, 'latin1');
	/** @type {MultipartPart[]} */
	const parts = [];
	let pos = firstPartStart(body, delim, nextDelim);
	for (;;) {
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing delimiter
		while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
		if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new Error('malformed multipart delimiter line');
		const { part, end } = readPart(body, pos + 2, nextDelim);
		parts.push(part);
		pos = end + nextDelim.length;
	}
}

module.exports = { parseMultipart, parseHeaderParams };
