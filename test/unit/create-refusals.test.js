// Bad combinations are refused before anything is paid: no create request reaches the API (nor
// any other request), and the error names the item, the field, the model and what it accepts.
const { runNode } = require('../support/run-node');
const { FILES, PNG, trackUnexpectedRequests } = require('../support/api');
const { createOnce } = require('../support/families');

const unexpected = trackUnexpectedRequests();

/** Runs a version 3 Create of one item that must be refused; returns its error after checking nothing was sent. */
async function refused(parameters, items) {
	const { error, sent } = await createOnce(parameters, { items });
	expect(sent).toBeUndefined();
	expect(unexpected).toEqual([]);
	expect(error.context.itemIndex).toBe(0);
	return error;
}

const pngBinary = (fileName) => ({ data: PNG.toString('base64'), mimeType: 'image/png', fileName });

describe('a duration the model does not take', () => {
	test.each([
		['doubao-seedance-2-0', '20', '4 to 15'],
		['doubao-seedance-1-5-pro', '13', '4 to 12'],
		['doubao-seedance-1-0-pro', '1', '2 to 10'],
		['wan2.6', '7', '5, 10, 15'],
		['viduq3', '17', '1 to 16'],
		['happyhorse-1.0', '2', '3 to 15'],
		['veo3.1-fast', '5', '4, 6, 8'],
		['sora-2-all', '25', '10, 15'],
		['wan2.7', '4.5', '2 to 15'],
	])('%s, %s s: allowed %s', async (model, seconds, allowed) => {
		const error = await refused({ model, seconds });
		expect(error.message).toBe(`Item 0, field "Duration": ${model} does not offer ${seconds} seconds; allowed: ${allowed}`);
	});
});

describe('a size the model does not take', () => {
	test.each([
		['veo3.1-fast', '1080x1920', '1280x720, 720x1280, 1920x1080, 3840x2160'],
		['wan2.7', '1088x832', '1920x1080, 1080x1920, 1440x1440, 1280x720, 720x1280'],
		['viduq3', '720x1280', '1280x720, 640x352, 960x528, 1920x1080'],
		['happyhorse-1.0', '3840x2160', '1920x1080, 1080x1920, 1440x1440, 1280x720, 720x1280'],
		['doubao-seedance-2-0', '5:4', '16:9, 21:9, 4:3, 1:1, 3:4, 9:16 or an exact WIDTHxHEIGHT'],
		['doubao-seedance-2-0', '720p', '16:9, 21:9, 4:3, 1:1, 3:4, 9:16 or an exact WIDTHxHEIGHT'],
	])('%s, size %s: allowed %s', async (model, size, allowed) => {
		const error = await refused({ model, size });
		expect(error.message).toBe(`Item 0, field "Size": ${model} does not offer size ${size}; allowed: ${allowed}`);
	});

	test('a size in another form than WIDTHxHEIGHT for a pixel-size model says which form', async () => {
		const error = await refused({ model: 'wan2.6', size: '16:9' });
		expect(error.message).toBe('Item 0, field "Size": "16:9" is not a size in WIDTHxHEIGHT form');
		expect(error.description).toMatch(/1280x720/);
	});

	// Omni's form has no Size: an expression model is how a size reaches it
	test.each(['1280x720', '16:9'])('Omni with any size (%s) is refused, pointing to Aspect Ratio and Resolution', async (size) => {
		const error = await refused({ model: '={{ "omni-fast" }}', size });
		expect(error.message).toBe('Item 0, field "Size": omni-fast takes no size');
		expect(error.description).toBe(
			'It takes an aspect ratio and a resolution instead: set Aspect Ratio and Resolution, and leave Size empty.',
		);
	});
});

describe('a resolution or aspect ratio the model does not offer', () => {
	test.each([
		['doubao-seedance-2-0', 'resolution', '1080p', 'Resolution', 'resolution 1080p; allowed: 480p, 720p'],
		['doubao-seedance-2-0-fast', 'resolution', '4k', 'Resolution', 'resolution 4k; allowed: 480p, 720p'],
		['omni-fast', 'resolution', '480p', 'Resolution', 'resolution 480p; allowed: 720p, 1080p'],
		['omni-fast', 'aspectRatio', '4:3', 'Aspect Ratio', 'aspect ratio 4:3; allowed: 16:9, 9:16, 1:1'],
	])('%s, %s %s', async (model, field, value, label, problem) => {
		const error = await refused({ model, [field]: value });
		expect(error.message).toBe(`Item 0, field "${label}": ${model} does not offer ${problem}`);
	});
});

describe('reference images the model does not take', () => {
	// a text-only model's form hides the reference options: a model set by an expression still shows them
	test.each([
		['wan2.6', { referenceImageUrl: `${FILES}/start.png` }, 'Reference Image URL'],
		['doubao-seedance-1-5-pro', { referenceImageBinaryProperty: 'image' }, 'Reference Image Field'],
		['omni-fast', { referenceImageUrl: `${FILES}/start.png` }, 'Reference Image URL'],
	])('%s makes videos from text only', async (model, options, field) => {
		const error = await refused({ model: `={{ "${model}" }}`, options }, [{ json: {}, binary: { image: pngBinary('start.png') } }]);
		expect(error.message).toBe(`Item 0, field "${field}": ${model} makes videos from text only and takes no reference image`);
		expect(error.description).toBe('Remove the reference image, or choose a model that takes one.');
	});

	test('Sora 2 takes one reference: two URLs are refused before either is fetched', async () => {
		const error = await refused({ model: 'sora-2', options: { referenceImageUrl: `${FILES}/a.png\n${FILES}/b.png` } });
		expect(error.message).toBe('Item 0, field "Reference Image URL": sora-2 takes at most 1 reference image, not 2');
	});

	test('Seedance 2.0 takes nine: ten binary fields are refused', async () => {
		const fields = Array.from({ length: 10 }, (_, i) => `image${i}`);
		const binary = Object.fromEntries(fields.map((field) => [field, pngBinary(`${field}.png`)]));
		const error = await refused(
			{ model: 'doubao-seedance-2-0', options: { referenceImageBinaryProperty: fields.join(',') } },
			[{ json: {}, binary }],
		);
		expect(error.message).toBe(
			'Item 0, field "Reference Image Field": doubao-seedance-2-0 takes at most 9 reference images, not 10',
		);
	});

	test('binary fields and URLs at once are refused', async () => {
		const error = await refused(
			{ model: 'doubao-seedance-2-0', options: { referenceImageBinaryProperty: 'image', referenceImageUrl: `${FILES}/b.png` } },
			[{ json: {}, binary: { image: pngBinary('a.png') } }],
		);
		expect(error.message).toBe('Item 0, field "Reference Image URL": give one reference image: a binary field or a URL, not both');
	});
});

test('one bad item in a batch stops the batch before any item is paid, naming that item', async () => {
	const { error } = await runNode({
		parameters: { operation: 'create', model: 'wan2.6', prompt: 'x', seconds: '={{ $json.seconds }}', waitForCompletion: false },
		items: [{ json: { seconds: '10' } }, { json: { seconds: '7' } }, { json: { seconds: '15' } }],
		typeVersion: 3,
	});
	expect(error.message).toBe('Item 1, field "Duration": wan2.6 does not offer 7 seconds; allowed: 5, 10, 15');
	expect(error.context.itemIndex).toBe(1);
	expect(unexpected).toEqual([]);
});
