// @ts-check
'use strict';
/** Fixture files, the generated big MP4 stream, and pixel sizes of PNG, JPEG and WebP images. */

const fs = require('node:fs');
const path = require('node:path');
const { Readable } = require('node:stream');
const { mulberry32 } = require('./faults');

const FIXTURE_DIR = path.join(__dirname, 'fixtures');
const FIXTURE_FILES = { video: 'video.mp4', thumbnail: 'thumbnail.webp', spritesheet: 'spritesheet.jpg', reference: 'reference.png' };
const paths = /** @type {Record<keyof typeof FIXTURE_FILES, string>} */ (
	Object.fromEntries(Object.entries(FIXTURE_FILES).map(([k, f]) => [k, path.join(FIXTURE_DIR, f)]))
);
const fixtures = {
	video: fs.readFileSync(paths.video),
	thumbnail: fs.readFileSync(paths.thumbnail),
	spritesheet: fs.readFileSync(paths.spritesheet),
	reference: fs.readFileSync(paths.reference),
	paths,
};

/** @type {Record<string, {file: 'video'|'thumbnail'|'spritesheet', type: string, ext: string}>} */
const VARIANTS = {
	video: { file: 'video', type: 'video/mp4', ext: 'mp4' },
	thumbnail: { file: 'thumbnail', type: 'image/webp', ext: 'webp' },
	spritesheet: { file: 'spritesheet', type: 'image/jpeg', ext: 'jpg' },
};

const FILLER_BLOCK = (() => {
	const rnd = mulberry32(0x50a2);
	const b = Buffer.allocUnsafe(64 * 1024);
	for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
	return b;
})();

/** The fixture's real `ftyp` box (first box of the MP4). */
const FTYP = (() => {
	const v = fixtures.video;
	const size = v.readUInt32BE(0);
	if (v.toString('latin1', 4, 8) !== 'ftyp' || size < 8 || size > v.length) throw new Error('fixture video.mp4 does not start with ftyp');
	return v.subarray(0, size);
})();

/** An `mdat` box header for `rest` bytes (64-bit size when needed). @param {number} rest */
function mdatHeader(rest) {
	if (rest >= 16 && rest > 0xffffffff) {
		const mdat = Buffer.alloc(16);
		mdat.writeUInt32BE(1, 0);
		mdat.write('mdat', 4, 'latin1');
		mdat.writeBigUInt64BE(BigInt(rest), 8);
		return mdat;
	}
	if (rest < 8) return Buffer.alloc(0);
	const mdat = Buffer.alloc(8);
	mdat.writeUInt32BE(rest, 0);
	mdat.write('mdat', 4, 'latin1');
	return mdat;
}

/**
 * The head of a generated MP4-looking stream of `total` bytes: the fixture's ftyp box, then an
 * `mdat` box header spanning the rest. Filler (a fixed pseudo-random 64 KiB block, repeated) follows.
 * @param {number} total
 */
const generatedHead = (total) => Buffer.concat([FTYP, mdatHeader(total - FTYP.length)]).subarray(0, total);

/**
 * Streams `limit` bytes (default all) of the generated video of `total` bytes, chunk by chunk, without
 * holding more than one 64 KiB block: every chunk is a view of the same buffers.
 * @param {number} total
 * @param {number} [limit]
 * @returns {Readable}
 */
function generatedVideoStream(total, limit = total) {
	const head = generatedHead(total);
	let sent = 0;
	/** @returns {Buffer} */
	const nextChunk = () => {
		if (sent < head.length) return head.subarray(sent, Math.min(head.length, limit));
		const off = (sent - head.length) % FILLER_BLOCK.length;
		return FILLER_BLOCK.subarray(off, Math.min(FILLER_BLOCK.length, off + (limit - sent)));
	};
	return new Readable({
		highWaterMark: 64 * 1024,
		read() {
			if (sent >= limit) {
				this.push(null);
				return;
			}
			const chunk = nextChunk();
			sent += chunk.length;
			this.push(chunk);
		},
	});
}

/** @param {Buffer} buf @returns {(limit: number) => Buffer} */
const bufferSource = (buf) => (limit) => buf.subarray(0, limit);

/**
 * Bytes of a variant; the video is the generated stream of `videoBytes` bytes when that is set.
 * @param {'video'|'thumbnail'|'spritesheet'} variant
 * @param {number|undefined|null} videoBytes
 * @returns {{length: number, source: (limit: number) => Readable | Buffer}}
 */
function variantBytes(variant, videoBytes) {
	if (variant === 'video' && videoBytes !== undefined && videoBytes !== null) {
		const total = Math.max(0, Math.floor(videoBytes));
		return { length: total, source: (limit) => generatedVideoStream(total, limit) };
	}
	const buf = fixtures[variant];
	return { length: buf.length, source: bufferSource(buf) };
}

/** @typedef {{width: number, height: number}} Dimensions */

/** @param {Buffer} b @returns {Dimensions|null|undefined} undefined: not a PNG */
function pngSize(b) {
	if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
		return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
	}
	return undefined;
}

/** A start-of-frame marker (SOF0..SOF15 without DHT, JPG and DAC). @param {number} marker */
const isStartOfFrame = (marker) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** @param {Buffer} b @returns {Dimensions|null|undefined} undefined: not a JPEG */
function jpegSize(b) {
	if (!(b.length >= 4 && b[0] === 0xff && b[1] === 0xd8)) return undefined;
	let i = 2;
	while (i + 9 < b.length) {
		if (b[i] !== 0xff) return null;
		const marker = b[i + 1];
		if (marker === 0xff) {
			i++;
			continue;
		}
		if (isStartOfFrame(marker)) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
		i += 2 + b.readUInt16BE(i + 2);
	}
	return null;
}

/** @param {Buffer} b @returns {Dimensions|null} */
function webpSize(b) {
	if (!(b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')) return null;
	const kind = b.toString('latin1', 12, 16);
	if (kind === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
	if (kind === 'VP8L') {
		const bits = b.readUInt32LE(21);
		return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
	}
	if (kind === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
	return null;
}

/**
 * Pixel size of a PNG, JPEG or WebP image, or null.
 * @param {Buffer} b
 * @returns {Dimensions|null}
 */
function imageSize(b) {
	try {
		const png = pngSize(b);
		if (png !== undefined) return png;
		const jpeg = jpegSize(b);
		if (jpeg !== undefined) return jpeg;
		return webpSize(b);
	} catch {
		return null;
	}
}

module.exports = { fixtures, VARIANTS, generatedVideoStream, variantBytes, imageSize };
