// A request that gets no answer names the address it tried, and points at the credential's Base
// URL when that address is the credential's own; the API key never appears.
const nock = require('nock');
const { runNode } = require('../support/run-node');
const { API_KEY, trackUnexpectedRequests } = require('../support/api');

const unexpected = trackUnexpectedRequests();
const NOTHING_LISTENS = 'http://127.0.0.1:9';

beforeEach(() => nock.enableNetConnect('127.0.0.1:9'));
afterEach(() => nock.disableNetConnect());

function everythingSaid(error) {
	return JSON.stringify({ message: error.message, description: error.description, context: error.context });
}

test('a refused connection to the Base URL names it and says where to fix it', async () => {
	const { error } = await runNode({
		parameters: { operation: 'create', model: 'sora-2', prompt: 'a cat', options: { maxRetries: 0 } },
		credentials: { apiKey: API_KEY, baseUrl: `${NOTHING_LISTENS}/v1` },
	});
	expect(error.message).toBe(
		'Create video failed: the connection to http://127.0.0.1:9 was refused. Check the Base URL of your CometAPI credential.',
	);
	expect(everythingSaid(error)).not.toContain(API_KEY);
	expect(unexpected.splice(0)).toEqual([`POST ${NOTHING_LISTENS}/v1/videos`]);
});

test('a refused connection elsewhere names that address, without blaming the credential', async () => {
	const { error } = await runNode({
		parameters: {
			operation: 'create',
			model: 'sora-2',
			prompt: 'a cat',
			options: { maxRetries: 0, referenceImageUrl: `${NOTHING_LISTENS}/frames/first.png?token=abc` },
		},
	});
	expect(error.message).toMatch(/the connection to http:\/\/127\.0\.0\.1:9 was refused$/);
	expect(error.message).not.toMatch(/Base URL|token=abc|first\.png/);
	expect(everythingSaid(error)).not.toContain(API_KEY);
	expect(unexpected.splice(0)).toEqual([`GET ${NOTHING_LISTENS}/frames/first.png?token=abc`]);
});
