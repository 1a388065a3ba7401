// The reference image's pixel size is read from its header and checked against Size before any
// paid request; an empty Size takes the image's size where the model offers it.
const nock = require('nock');
const { runNode, storedBinary } = require('../support/run-node');
const { API, FILES, video, parseMultipart, trackUnexpectedRequests } = require('../support/api');
const { pngOfSize, jpegOfSize, webpOfSize } = require('../support/images');
const { imageSizeOf } = require('../../nodes/SoraVideo/utils/media');
const { imageSize: standInImageSize, fixtures } = require('../../tools/stand-in');

const unexpected = trackUnexpectedRequests();

describe('reading the pixel size from the header', () => {
	const cases = [
		['PNG', pngOfSize(1280, 720), { width: 1280, height: 720 }],
		['baseline JPEG', jpegOfSize(720, 1280), { width: 720, height: 1280 }],
		['progressive JPEG (SOF2)', jpegOfSize(1792, 1024, { sof: 0xc2 }), { width: 1792, height: 1024 }],
		['JPEG with 150 KB of metadata first', jpegOfSize(1920, 1080, { metadataBytes: 150_000 }), { width: 1920, height: 1080 }],
		['lossy WebP (VP8)', webpOfSize('VP8 ', 1280, 720), { width: 1280, height: 720 }],
		['lossless WebP (VP8L)', webpOfSize('VP8L', 1024, 1792), { width: 1024, height: 1792 }],
		['extended WebP (VP8X)', webpOfSize('VP8X', 1080, 1920), { width: 1080, height: 1920 }],
		['the stand-in fixture PNG', fixtures.reference, standInImageSize(fixtures.reference)],
	];
	test.each(cases)('%s', (_, bytes, size) => {
		expect(imageSizeOf(bytes)).toEqual(size);
		// the stand-in reads sizes with its own code: both agree
		if (!_.startsWith('the stand-in')) expect(standInImageSize(bytes)).toEqual(size);
	});

	test('a JPEG cut before its frame header, and bytes that are no image, give no size', () => {
		const jpeg = jpegOfSize(1920, 1080, { metadataBytes: 150_000 });
		expect(imageSizeOf(jpeg.subarray(0, 64 * 1024))).toBeUndefined();
		expect(imageSizeOf(Buffer.from('<html>not an image</html>'))).toBeUndefined();
	});
});

/** A create of a sora-2 1280x720 video that does not wait: the reference image must match it. */
const LANDSCAPE_CREATE = {
	operation: 'create',
	prompt: 'animate this',
	model: 'sora-2',
	size: '1280x720',
	waitForCompletion: false,
};

/** Runs a create with a reference image in the binary store; returns the sent form, if any. */
async function createWithImage(bytes, parameters, mimeType = 'image/png') {
	const binary = await storedBinary(bytes, 'frame', mimeType);
	const seen = {};
	const scope = nock(API)
		.post('/v1/videos')
		.optionally()
		.reply(function (_uri, body) {
			seen.form = parseMultipart(this.req.headers['content-type'], body);
			return [200, video('video_1')];
		});
	const result = await runNode({
		parameters: {
			operation: 'create',
			prompt: 'animate this',
			waitForCompletion: false,
			...parameters,
			options: { referenceImageBinaryProperty: 'image', ...(parameters.options ?? {}) },
		},
		items: [{ json: {}, binary: { image: binary } }],
	});
	nock.removeInterceptor(scope.interceptors[0]);
	return { ...result, form: seen.form };
}

describe('checked before paying', () => {
	test('a size mismatch fails before any request, naming both sizes and how to fix it', async () => {
		const { error, form } = await createWithImage(pngOfSize(1024, 1024), { model: 'sora-2', size: '1280x720' });
		expect(form).toBeUndefined();
		expect(error.message).toBe('Item 0, field "Size": the reference image is 1024x1024 but Size is 1280x720');
		expect(error.description).toContain("n8n's Edit Image node (operation Resize");
		expect(error.description).toContain('to 1280x720');
		expect(unexpected).toEqual([]);
	});

	test('the same for a JPEG whose frame header lies beyond the first 64 KiB', async () => {
		const jpeg = jpegOfSize(1920, 1080, { metadataBytes: 150_000 });
		const { error, form } = await createWithImage(jpeg, { model: 'sora-2', size: '720x1280' }, 'image/jpeg');
		expect(form).toBeUndefined();
		expect(error.message).toBe('Item 0, field "Size": the reference image is 1920x1080 but Size is 720x1280');
	});

	test('a matching image goes out with its Size', async () => {
		const { error, form } = await createWithImage(webpOfSize('VP8 ', 720, 1280), { model: 'sora-2', size: '720x1280' }, 'image/webp');
		expect(error).toBeUndefined();
		expect(form.fields.size).toBe('720x1280');
	});

	test('Size empty: the image size, when the model offers it', async () => {
		const { error, form } = await createWithImage(pngOfSize(720, 1280), { model: 'sora-2', size: '' });
		expect(error).toBeUndefined();
		expect(form.fields.size).toBe('720x1280');
	});

	test('Size empty and the model does not offer the image size: a clear error before paying', async () => {
		const { error, form } = await createWithImage(pngOfSize(1920, 1080), { model: 'sora-2', size: '' });
		expect(form).toBeUndefined();
		expect(error.message).toBe('Item 0, field "Size": Size is empty and the reference image is 1920x1080, which sora-2 does not offer');
		expect(error.description).toContain('to one of 720x1280, 1280x720, and set Size to it.');
	});

	test('Size empty and a model the catalogue does not know: the image size is sent', async () => {
		const { error, form } = await createWithImage(pngOfSize(960, 960), { model: 'sora-3-preview', size: '' });
		expect(error).toBeUndefined();
		expect(form.fields.size).toBe('960x960');
	});

	test('one bad item of a batch stops the node before any item pays', async () => {
		const good = await storedBinary(pngOfSize(1280, 720), 'good.png', 'image/png');
		const bad = await storedBinary(pngOfSize(640, 640), 'bad.png', 'image/png');
		const { error } = await runNode({
			parameters: { ...LANDSCAPE_CREATE, options: { referenceImageBinaryProperty: 'image' } },
			items: [{ json: {}, binary: { image: good } }, { json: {}, binary: { image: bad } }],
		});
		expect(error.message).toBe('Item 1, field "Size": the reference image is 640x640 but Size is 1280x720');
		expect(unexpected).toEqual([]);
	});

	test('a reference URL is checked once fetched, still before its create is sent', async () => {
		const files = nock(FILES).get('/frame.png').reply(200, pngOfSize(1024, 1024), { 'content-type': 'image/png' });
		const { error } = await runNode({
			parameters: { ...LANDSCAPE_CREATE, options: { referenceImageUrl: `${FILES}/frame.png` } },
		});
		expect(error.message).toBe('Item 0, field "Size": the reference image is 1024x1024 but Size is 1280x720');
		files.done();
		expect(unexpected).toEqual([]);
	});
});
