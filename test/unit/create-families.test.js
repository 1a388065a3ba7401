// What a version 3 Create sends for each family: the fields as the API wants them (seconds as a
// string, size, resolution, aspect_ratio; no size for Omni), the form's defaults, and reference
// images: several in order for Seedance 2.0, one for Veo without a size check, Sora still checked.
const nock = require('nock');
const { storedBinary } = require('../support/run-node');
const { API, API_KEY, FILES, trackUnexpectedRequests } = require('../support/api');
const { createOnce, task } = require('../support/families');
const { jpegOfSize, pngOfSize } = require('../support/images');

const unexpected = trackUnexpectedRequests();
const PROMPT = 'a paper boat on a pond';

describe('the fields of each family', () => {
	test.each([
		['veo3.1-fast', {}, { seconds: '4', size: '1280x720' }],
		['veo3.1', { seconds: '8', size: '3840x2160' }, { seconds: '8', size: '3840x2160' }],
		['doubao-seedance-2-0', {}, { seconds: '5', size: '16:9', resolution: '720p' }],
		['doubao-seedance-2-0-fast', { seconds: '15', size: '9:16', resolution: '480p' }, { seconds: '15', size: '9:16', resolution: '480p' }],
		// an exact WxH is a Seedance size too
		['doubao-seedance-1-5-pro', { seconds: '12', size: '1920x1080', resolution: '1080p' }, { seconds: '12', size: '1920x1080', resolution: '1080p' }],
		['doubao-seedance-1-0-pro', { seconds: '2' }, { seconds: '2', size: '16:9', resolution: '720p' }],
		['wan2.7', {}, { seconds: '5', size: '1920x1080' }],
		['wan2.6', { seconds: '10', size: '1632x1248' }, { seconds: '10', size: '1632x1248' }],
		['viduq3-turbo', { seconds: '16', size: '640x352' }, { seconds: '16', size: '640x352' }],
		['viduq3', {}, { seconds: '5', size: '1280x720' }],
		['happyhorse-1.0', {}, { seconds: '5', size: '1920x1080' }],
		['omni-fast', {}, { seconds: '4', resolution: '720p', aspect_ratio: '16:9' }],
		['omni-fast', { seconds: '6', resolution: '1080p', aspectRatio: '9:16' }, { seconds: '6', resolution: '1080p', aspect_ratio: '9:16' }],
		['sora-2', {}, { seconds: '4', size: '1280x720' }],
		['sora-2-pro-all', { seconds: '25', size: '720x1280' }, { seconds: '25', size: '720x1280' }],
	])('%s %j sends %j', async (model, parameters, expected) => {
		const answer = task('task_1', model);
		const { items, error, sent } = await createOnce({ model, ...parameters }, { answer });
		expect(error).toBeUndefined();
		expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(sent.fields).toEqual({ model, prompt: PROMPT, ...expected });
		expect(sent.files).toEqual([]);
		expect(items).toEqual([{ json: answer, pairedItem: { item: 0 } }]);
		expect(unexpected).toEqual([]);
	});

	test.each([
		['a model the catalogue does not know', 'veo4-preview'],
		['a model set by an expression', '={{ "next-video-model" }}'],
	])('%s gets what the user gave, unchecked and unchanged', async (_, model) => {
		const { error, sent } = await createOnce({ model, seconds: '7', size: '16:9', resolution: '4k', aspectRatio: '21:9' });
		expect(error).toBeUndefined();
		expect(sent.fields).toEqual({
			model: model.replace(/^=\{\{ "(.*)" \}\}$/, '$1'),
			prompt: PROMPT,
			seconds: '7',
			size: '16:9',
			resolution: '4k',
			aspect_ratio: '21:9',
		});
	});

	test('a model set by an expression sends only what the user filled in: the API picks the rest', async () => {
		const { error, sent } = await createOnce({ model: '={{ "wan2.6" }}' });
		expect(error).toBeUndefined();
		expect(sent.fields).toEqual({ model: 'wan2.6', prompt: PROMPT });
	});
});

describe('reference images', () => {
	const FRAMES = [pngOfSize(64, 36), pngOfSize(36, 64), jpegOfSize(48, 48)];
	const NAMES = ['first.png', 'second.png', 'third.jpg'];
	const references = (sent) => sent.parts.filter((part) => part.name === 'input_reference');

	test('Seedance 2.0 uploads several binary fields, comma-separated, as input_reference parts in the order given', async () => {
		const binary = {
			first: await storedBinary(FRAMES[0], NAMES[0], 'image/png'),
			second: await storedBinary(FRAMES[1], NAMES[1], 'image/png'),
			third: await storedBinary(FRAMES[2], NAMES[2], 'image/jpeg'),
		};
		const { error, sent } = await createOnce(
			{ model: 'doubao-seedance-2-0', options: { referenceImageBinaryProperty: 'third, first,second' } },
			{ items: [{ json: {}, binary }] },
		);
		expect(error).toBeUndefined();
		const parts = references(sent);
		expect(parts.map((part) => [part.fileName, part.contentType])).toEqual([
			['third.jpg', 'image/jpeg'],
			['first.png', 'image/png'],
			['second.png', 'image/png'],
		]);
		expect(parts.map((part) => part.bytes.equals(FRAMES[NAMES.indexOf(part.fileName)]))).toEqual([true, true, true]);
		// the images' own sizes change nothing: Seedance keeps its ratio and resolution
		expect(sent.fields).toEqual({ model: 'doubao-seedance-2-0', prompt: PROMPT, seconds: '5', size: '16:9', resolution: '720p' });
	});

	test('Seedance 2.0 fetches URLs given one per line, each without the API key, and uploads them in that order', async () => {
		const fetched = [];
		const files = nock(FILES);
		NAMES.forEach((name, index) =>
			files.get(`/refs/${name}`).reply(function () {
				fetched.push([name, this.req.headers.authorization]);
				return [200, FRAMES[index], { 'content-type': name.endsWith('.jpg') ? 'image/jpeg' : 'image/png' }];
			}),
		);
		const urls = `${FILES}/refs/second.png\n${FILES}/refs/first.png\r\n\n  ${FILES}/refs/third.jpg  `;
		const { error, sent } = await createOnce({ model: 'doubao-seedance-2-0-fast', options: { referenceImageUrl: urls } });
		expect(error).toBeUndefined();
		expect(fetched).toEqual([
			['second.png', undefined],
			['first.png', undefined],
			['third.jpg', undefined],
		]);
		const parts = references(sent);
		expect(parts.map((part) => part.fileName)).toEqual(['second.png', 'first.png', 'third.jpg']);
		expect(parts[0].bytes.equals(FRAMES[1])).toBe(true);
		expect(parts[2].bytes.equals(FRAMES[2])).toBe(true);
		files.done();
		expect(unexpected).toEqual([]);
	});

	test('Veo takes a reference of another pixel size than Size as it is: no size check, Size unchanged', async () => {
		const frame = pngOfSize(640, 480);
		const image = await storedBinary(frame, 'start.png', 'image/png');
		const { error, sent } = await createOnce(
			{ model: 'veo3.1-fast', size: '1280x720', options: { referenceImageBinaryProperty: 'image' } },
			{ items: [{ json: {}, binary: { image } }] },
		);
		expect(error).toBeUndefined();
		expect(sent.fields).toEqual({ model: 'veo3.1-fast', prompt: PROMPT, seconds: '4', size: '1280x720' });
		expect(references(sent)).toHaveLength(1);
		expect(references(sent)[0].bytes.equals(frame)).toBe(true);
	});

	test('Veo takes a first and a last frame, in order', async () => {
		const [first, last] = [pngOfSize(1280, 720), pngOfSize(1920, 1080)];
		const binary = { first: await storedBinary(first, 'first.png', 'image/png'), last: await storedBinary(last, 'last.png', 'image/png') };
		const { error, sent } = await createOnce(
			{ model: 'veo3.1', options: { referenceImageBinaryProperty: 'first,last' } },
			{ items: [{ json: {}, binary }] },
		);
		expect(error).toBeUndefined();
		expect(references(sent).map((part) => part.fileName)).toEqual(['first.png', 'last.png']);
		expect(references(sent)[1].bytes.equals(last)).toBe(true);
	});

	test('Sora still refuses a reference whose size differs from Size, before anything is paid', async () => {
		const image = await storedBinary(pngOfSize(640, 480), 'start.png', 'image/png');
		const { error, sent } = await createOnce(
			{ model: 'sora-2', size: '1280x720', options: { referenceImageBinaryProperty: 'image' } },
			{ items: [{ json: {}, binary: { image } }] },
		);
		expect(error.message).toBe('Item 0, field "Size": the reference image is 640x480 but Size is 1280x720');
		expect(sent).toBeUndefined();
		expect(unexpected).toEqual([]);
	});
});
