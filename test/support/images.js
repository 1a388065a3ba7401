// Small images of any pixel size, built byte by byte: a real PNG (zlib, CRCs), and JPEG / WebP
// headers as their specs lay them out, so the node's header reading can be checked against them.
const zlib = require('node:zlib');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(buffer) {
	let c = 0xffffffff;
	for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** A decodable grey PNG of width x height. */
function pngOfSize(width, height) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 0; // greyscale
	const rows = Buffer.alloc(height * (width + 1), 0x80);
	for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter type 0 per row
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', zlib.deflateSync(rows)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

function segment(marker, payload) {
	const head = Buffer.from([0xff, marker, 0, 0]);
	head.writeUInt16BE(payload.length + 2, 2);
	return Buffer.concat([head, payload]);
}

/**
 * A JPEG's marker segments up to its frame header (SOF0, or `sof` such as 0xc2 for progressive),
 * after `metadataBytes` of APP1 metadata (split into segments of at most 65533 bytes, as a big
 * EXIF block with a thumbnail is), then a stand-in for the scan data.
 */
function jpegOfSize(width, height, { metadataBytes = 0, sof = 0xc0 } = {}) {
	const metadata = [];
	for (let left = metadataBytes; left > 0; left -= 65533) metadata.push(segment(0xe1, Buffer.alloc(Math.min(left, 65533), 0x20)));
	const frame = Buffer.alloc(15);
	frame[0] = 8; // precision
	frame.writeUInt16BE(height, 1);
	frame.writeUInt16BE(width, 3);
	frame[5] = 3; // components
	return Buffer.concat([
		Buffer.from([0xff, 0xd8]),
		segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
		...metadata,
		segment(0xdb, Buffer.alloc(65, 1)), // a quantisation table
		segment(0xc4, Buffer.alloc(30, 2)), // a Huffman table: in the SOF range, but no size
		segment(sof, frame),
		segment(0xda, Buffer.alloc(10, 0)),
		Buffer.alloc(200, 0x55),
		Buffer.from([0xff, 0xd9]),
	]);
}

function riff(chunk, payload) {
	const head = Buffer.alloc(20);
	head.write('RIFF', 0, 'latin1');
	head.writeUInt32LE(12 + payload.length, 4);
	head.write('WEBP', 8, 'latin1');
	head.write(chunk, 12, 'latin1');
	head.writeUInt32LE(payload.length, 16);
	return Buffer.concat([head, payload, Buffer.alloc(64, 0)]);
}

/** A WebP header of each kind: lossy (VP8), lossless (VP8L) or extended (VP8X). */
function webpOfSize(kind, width, height) {
	if (kind === 'VP8 ') {
		const frame = Buffer.alloc(10);
		frame.set([0x9d, 0x01, 0x2a], 3);
		frame.writeUInt16LE(width, 6);
		frame.writeUInt16LE(height, 8);
		return riff(kind, frame);
	}
	if (kind === 'VP8L') {
		const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
		const frame = Buffer.alloc(5);
		frame[0] = 0x2f;
		frame.writeUInt32LE(bits >>> 0, 1);
		return riff(kind, frame);
	}
	const extended = Buffer.alloc(10);
	extended.writeUIntLE(width - 1, 4, 3);
	extended.writeUIntLE(height - 1, 7, 3);
	return riff('VP8X', extended);
}

module.exports = { pngOfSize, jpegOfSize, webpOfSize };
