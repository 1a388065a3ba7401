/** The image type from the file's leading bytes; undefined when it is not a PNG, JPEG, WebP or GIF. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
	const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
	if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
	if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
	if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
	if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
		return 'image/webp';
	}
	return undefined;
}

/** The usual file extension of an image type. */
export const IMAGE_EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/gif': 'gif',
	'image/webp': 'webp',
};

export interface PixelSize {
	width: number;
	height: number;
}

/** `1280x720`, as the Size parameter writes it. */
export function sizeText(size: PixelSize): string {
	return `${size.width}x${size.height}`;
}

const uint16BE = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const uint16LE = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const uint24LE = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const uint32BE = (b: Uint8Array, at: number) => uint16BE(b, at) * 65536 + uint16BE(b, at + 2);
const ascii = (b: Uint8Array, from: number, to: number) =>
	String.fromCharCode(...b.subarray(from, to));

function pngSize(b: Uint8Array): PixelSize | undefined {
	if (b.length < 24 || ascii(b, 12, 16) !== 'IHDR') return undefined;
	return { width: uint32BE(b, 16), height: uint32BE(b, 20) };
}

/** SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number) =>
	marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Walks the marker segments up to the frame header; undefined when it lies beyond `b`. */
function jpegSize(b: Uint8Array): PixelSize | undefined {
	let at = 2;
	while (at + 9 <= b.length) {
		if (b[at] !== 0xff) return undefined;
		const marker = b[at + 1];
		if (marker === 0xff) {
			at += 1;
		} else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
			at += 2;
		} else if (isStartOfFrame(marker)) {
			return { width: uint16BE(b, at + 7), height: uint16BE(b, at + 5) };
		} else {
			at += 2 + uint16BE(b, at + 2);
		}
	}
	return undefined;
}

function webpSize(b: Uint8Array): PixelSize | undefined {
	if (b.length < 30) return undefined;
	const chunk = ascii(b, 12, 16);
	if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
		return { width: uint16LE(b, 26) & 0x3fff, height: uint16LE(b, 28) & 0x3fff };
	}
	if (chunk === 'VP8L' && b[20] === 0x2f) {
		return {
			width: 1 + (((b[22] & 0x3f) << 8) | b[21]),
			height: 1 + (((b[24] & 0x0f) << 10) | (b[23] << 2) | ((b[22] & 0xc0) >> 6)),
		};
	}
	if (chunk === 'VP8X') return { width: 1 + uint24LE(b, 24), height: 1 + uint24LE(b, 27) };
	return undefined;
}

const SIZE_READERS: Record<string, (b: Uint8Array) => PixelSize | undefined> = {
	'image/png': pngSize,
	'image/jpeg': jpegSize,
	'image/webp': webpSize,
	'image/gif': (b) =>
		b.length >= 10 ? { width: uint16LE(b, 6), height: uint16LE(b, 8) } : undefined,
};

/** An image's pixel size from its header bytes; undefined when they do not reach it. */
export function imageSizeOf(bytes: Uint8Array): PixelSize | undefined {
	const type = sniffImageType(bytes);
	return type ? SIZE_READERS[type](bytes) : undefined;
}
