const nock = require('nock');
const { runNode } = require('../support/run-node');
const { API, PNG, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();

const create = (more) => ({ operation: 'create', prompt: 'a cat', waitForCompletion: false, ...more });
const textFile = { data: Buffer.from('just text').toString('base64'), mimeType: 'text/plain', fileName: 'notes.txt' };

// Every row: parameters, input item, the exact message. Not one request may leave the node.
const BAD_INPUT = [
	['empty prompt', create({ prompt: '' }), {}, 'Item 0, field "Prompt": is empty'],
	['whitespace prompt', create({ prompt: ' \n\t ' }), {}, 'Item 0, field "Prompt": is empty'],
	['malformed size', create({ size: '720p' }), {}, 'Item 0, field "Size": "720p" is not a size in WIDTHxHEIGHT form'],
	['size as a ratio', create({ size: '16:9' }), {}, 'Item 0, field "Size": "16:9" is not a size in WIDTHxHEIGHT form'],
	[
		'seconds a known model does not offer',
		create({ model: 'sora-2-pro-all', seconds: '12' }),
		{},
		'Item 0, field "Duration": sora-2-pro-all does not offer 12 seconds; allowed: 10, 15, 25',
	],
	['seconds not a number', create({ model: '=custom', seconds: 'ten' }), {}, 'Item 0, field "Duration": "ten" is not a number of seconds'],
	[
		'missing reference binary field',
		create({ options: { referenceImageBinaryProperty: 'image' } }),
		{},
		'Item 0, field "Reference Image Field": the input item has no binary field "image"',
	],
	[
		'a reference that is not an image',
		create({ options: { referenceImageBinaryProperty: 'file' } }),
		{ binary: { file: textFile } },
		'Item 0, field "Reference Image Field": "file" is not an image (text/plain)',
	],
	[
		'a reference declared as PNG whose bytes are text',
		create({ options: { referenceImageBinaryProperty: 'file' } }),
		{ binary: { file: { ...textFile, mimeType: 'image/png' } } },
		'Item 0, field "Reference Image Field": "file" is not an image (image/png)',
	],
	[
		'two references at once',
		create({ options: { referenceImageBinaryProperty: 'image', referenceImageUrl: 'https://x.test/a.png' } }),
		{ binary: { image: { data: PNG.toString('base64'), mimeType: 'image/png' } } },
		'Item 0, field "Reference Image URL": give one reference image: a binary field or a URL, not both',
	],
	[
		'a reference URL that is not http(s)',
		create({ options: { referenceImageUrl: 'file:///etc/passwd' } }),
		{},
		'Item 0, field "Reference Image URL": only http and https URLs are accepted, not file:',
	],
	[
		'poll interval out of range',
		create({ waitForCompletion: true, options: { pollInterval: 0 } }),
		{},
		'Item 0, field "Poll Interval (Seconds)": 0 is out of range (0.1 to 3600)',
	],
	[
		'timeout out of range',
		create({ waitForCompletion: true, options: { timeout: 100000 } }),
		{},
		'Item 0, field "Timeout (Seconds)": 100000 is out of range (1 to 86400)',
	],
	[
		'storyboard shots that do not add up to the duration',
		create({
			model: 'sora-2-all',
			seconds: '10',
			options: { storyboard: { shots: [{ duration: 4, scene: 'a' }, { duration: 4, scene: 'b' }] } },
		}),
		{},
		'Item 0, field "Storyboard": the shots add up to 8 s but the duration is 10 s',
	],
	[
		'a storyboard shot without a scene',
		create({ model: 'sora-2-all', seconds: '10', options: { storyboard: { shots: [{ duration: 10, scene: ' ' }] } } }),
		{},
		'Item 0, field "Storyboard › Shot 1 › Scene": is empty',
	],
	[
		'character timestamps out of order',
		create({ model: 'sora-2-all', seconds: '10', options: { characterTimestamps: '5,2' } }),
		{},
		'Item 0, field "Character Timestamps": "5,2" is not "start,end" in seconds with start before end',
	],
	// required fields left empty literally are stopped by n8n itself; an expression can still yield nothing
	['remix without video id', { operation: 'remix', videoId: '={{ $json.missing }}', prompt: 'x' }, {}, 'Item 0, field "Video ID": is empty'],
	['remix without prompt', { operation: 'remix', videoId: 'video_1', prompt: '={{ "" }}' }, {}, 'Item 0, field "Prompt": is empty'],
	['retrieve with a path in the id', { operation: 'retrieve', videoId: '../models' }, {}, 'Item 0, field "Video ID": "../models" is not a video ID'],
	['download of an unknown variant', { operation: 'download', videoId: 'video_1', variant: 'gif' }, {}, 'Item 0, field "File": "gif" is not a file of a video; use one of video, thumbnail, spritesheet'],
	['delete without video id', { operation: 'delete', videoId: '  ' }, {}, 'Item 0, field "Video ID": is empty'],
	['chat without prompt', { operation: 'chat', prompt: '={{ $json.missing }}' }, {}, 'Item 0, field "Prompt": is empty'],
	['chat image URL that is not a URL', { operation: 'chat', prompt: 'x', imageUrl: 'not a url' }, {}, 'Item 0, field "Image URL": "not a url" is not a URL'],
	['list limit out of range', { operation: 'list', limit: 500 }, {}, 'Item 0, field "Limit": 500 is out of range (1 to 100)'],
];

describe('bad input is refused before any request', () => {
	test.each(BAD_INPUT)('%s', async (_name, parameters, item, message) => {
		const { error, items } = await runNode({ parameters, items: [{ json: {}, ...item }] });
		expect(error.message).toBe(message);
		expect(error.context.itemIndex).toBe(0);
		expect(items).toEqual([]);
		expect(unexpected).toEqual([]);
	});

	test('one bad item among good ones stops the batch before any paid request, naming that item', async () => {
		const { error } = await runNode({
			parameters: { operation: 'create', prompt: '={{ $json.prompt }}', waitForCompletion: false },
			items: [{ json: { prompt: 'good' } }, { json: { prompt: 'also good' } }, { json: { prompt: '' } }],
		});
		expect(error.message).toBe('Item 2, field "Prompt": is empty');
		expect(error.context.itemIndex).toBe(2);
		expect(unexpected).toEqual([]);
	});

	test('with Continue On Fail the bad item is reported and the others are created', async () => {
		const scope = nock(API)
			.post('/v1/videos')
			.times(2)
			.reply(200, (_uri, body) => ({ id: `video_${/good|fine/.exec(body)[0]}`, status: 'queued' }));
		const { error, items } = await runNode({
			parameters: { operation: 'create', prompt: '={{ $json.prompt }}', waitForCompletion: false },
			items: [{ json: { prompt: 'good' } }, { json: { prompt: '' } }, { json: { prompt: 'fine' } }],
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items).toEqual([
			{ json: { id: 'video_good', status: 'queued' }, pairedItem: { item: 0 } },
			{ json: { error: 'Item 1, field "Prompt": is empty', description: 'Give the Prompt field a value.' }, pairedItem: { item: 1 } },
			{ json: { id: 'video_fine', status: 'queued' }, pairedItem: { item: 2 } },
		]);
		scope.done();
	});
});
