// Shared pieces of the unit tests: the fake API host, a multipart parser for what the node sends,
// and a tracker that fails a test when the node sends a request no interceptor expected.
const nock = require('nock');
const { cancelRunningExecutions } = require('./run-node');

const API = 'https://api.cometapi.test';
const FILES = 'https://files.example.test';
const API_KEY = 'sk-unit-secret';

const MP4 = Buffer.concat([
	Buffer.from([0, 0, 0, 0x18]),
	Buffer.from('ftypmp42'),
	Buffer.from('unit test video bytes'),
]);
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2216bc40000000049454e44ae426082',
	'hex',
);

function video(id, fields = {}) {
	return { id, object: 'video', model: 'sora-2', status: 'queued', progress: 0, seconds: '4', size: '1280x720', ...fields };
}

/** nock hands request bodies over as text, or as hex when they are not valid UTF-8. */
function bodyBytes(body) {
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string' && /^([0-9a-f]{2})+$/i.test(body) && body.length > 64) return Buffer.from(body, 'hex');
	return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/**
 * Every part of a multipart/form-data body, in the order sent: { name, value } for a field,
 * { name, fileName, contentType, bytes } for a file (a field sent several times stays several parts).
 */
function multipartParts(contentType, body) {
	const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
	if (!boundary) throw new Error(`no multipart boundary in "${contentType}"`);
	const raw = bodyBytes(body);
	const delimiter = Buffer.from(`--${boundary}`);
	const parts = [];
	let start = raw.indexOf(delimiter);
	while (start >= 0) {
		const next = raw.indexOf(delimiter, start + delimiter.length);
		if (next < 0) break;
		const part = raw.subarray(start + delimiter.length + 2, next - 2);
		const split = part.indexOf('\r\n\r\n');
		const head = part.subarray(0, split).toString('utf8');
		const content = part.subarray(split + 4);
		const name = /name="([^"]*)"/.exec(head)?.[1];
		const fileName = /filename="([^"]*)"/.exec(head)?.[1];
		parts.push(
			fileName !== undefined
				? { name, fileName, contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1], bytes: content }
				: { name, value: content.toString('utf8') },
		);
		start = next;
	}
	return parts;
}

/** Parses multipart/form-data into { fields, files } as a server would (the last part of a name wins). */
function parseMultipart(contentType, body) {
	const fields = {};
	const files = {};
	for (const { name, value, ...file } of multipartParts(contentType, body)) {
		if (value === undefined) files[name] = file;
		else fields[name] = value;
	}
	return { fields, files };
}

/** Records requests that reached the network layer without a matching interceptor. */
function trackUnexpectedRequests() {
	const unexpected = [];
	const listener = (req) => unexpected.push(`${req.method} ${req.href ?? req.path}`);
	beforeAll(() => {
		// jest runs several test files in one process, each with its own copy of nock: only the
		// active file's copy may hook into node's http module
		if (!nock.isActive()) nock.activate();
		nock.disableNetConnect();
	});
	afterAll(() => {
		nock.cleanAll();
		nock.enableNetConnect();
		nock.restore();
	});
	beforeEach(() => {
		unexpected.length = 0;
		nock.emitter.on('no match', listener);
	});
	afterEach(() => {
		cancelRunningExecutions();
		nock.emitter.removeListener('no match', listener);
		nock.cleanAll();
	});
	return unexpected;
}

module.exports = { API, FILES, API_KEY, MP4, PNG, video, parseMultipart, multipartParts, bodyBytes, trackUnexpectedRequests };
