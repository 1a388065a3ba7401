import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { HttpAnswer } from '../../transport';
import { checkedHttpUrl, readText } from '../../transport';
import type { ChatAnswer } from '../../transport/chat-stream';
import {
	ChatStreamError,
	lastVideoUrl,
	readChatJson,
	readChatStream,
} from '../../transport/chat-stream';
import { downloadToBinary } from '../../transport/download';
import { headerValue } from '../../transport/retry';
import type { InputScope } from '../../transport/scope';
import { startChat } from '../../transport/videos';
import { CHAT_MAY_BE_CHARGED } from '../../utils/error-texts';
import { CHAT_MODELS } from '../../utils/models';
import { checkedUrl, requiredText } from '../../utils/validation';
import { withServedModel } from '../job/served-models';
import type { RunItem } from '../run/item';
import { outputItem } from '../run/item';
import { binaryPropertyField, operationDescription, promptField } from './fields';
import type { VideoOperation } from './node.type';

const MAX_JSON_ANSWER = 10 * 1024 * 1024;

export const option: VideoOperation<ChatInput>['option'] = {
	name: 'Generate in Chat Mode',
	value: 'chat',
	action: 'Generate a video in chat mode',
	description:
		'Generate a video in one streamed chat request and download it. Less stable than Create.',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: CHAT_MODELS,
		default: 'sora-2',
		description: 'The chat-format video model. An expression can name any other.',
	},
	promptField({
		placeholder: 'A girl dancing in the rain, duration: 10 seconds',
		description: 'What the video shows. Ask for a duration in the text (up to 15 seconds).',
	}),
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/start.png',
		description: 'An optional image to animate, as a public URL',
	},
	binaryPropertyField(),
	{
		displayName:
			'The chat format answers in one long request and CometAPI calls it less stable than Create: prefer Create for pipelines',
		name: 'chatNotice',
		type: 'notice',
		default: '',
	},
];

export const description = operationDescription(option, properties);

export const toolTexts =
	'Makes a video with Sora in one chat-format request from a text prompt; ask for the duration in the prompt. Each call starts one paid render and takes minutes. Returns id, model and video_url (a link to the MP4). Never the video file.';

export interface ChatInput {
	model: string;
	prompt: string;
	imageUrl?: string;
	binaryPropertyName: string;
}

export async function parse(scope: InputScope): Promise<ChatInput> {
	return {
		model: requiredText(scope, 'model', scope.parameter('model')),
		prompt: requiredText(scope, 'prompt', scope.parameter('prompt', '')),
		imageUrl: checkedUrl(scope, 'imageUrl', scope.parameter('imageUrl', '')),
		binaryPropertyName: requiredText(
			scope,
			'binaryPropertyName',
			scope.parameter('binaryPropertyName', 'data'),
		),
	};
}

function requestBody(input: ChatInput): IDataObject {
	const content: IDataObject[] = [{ type: 'text', text: input.prompt }];
	if (input.imageUrl) content.push({ type: 'image_url', image_url: { url: input.imageUrl } });
	return { model: input.model, stream: true, messages: [{ role: 'user', content }] };
}

const ACTION = 'Chat generation';

/** Every failure after the chat request was answered: it may have been paid for. */
const PAID = CHAT_MAY_BE_CHARGED;

async function readAnswer(scope: RunItem, answer: HttpAnswer): Promise<ChatAnswer> {
	const contentType = headerValue(answer.headers, 'content-type') ?? '';
	try {
		if (/event-stream/i.test(contentType)) {
			return await readChatStream(answer.body as AsyncIterable<Buffer>);
		}
		return readChatJson(await readText(answer.body, MAX_JSON_ANSWER));
	} catch (error) {
		if (error instanceof ChatStreamError) {
			throw scope.apiFailed({
				status: answer.statusCode,
				body: { error: { message: error.message } },
				action: ACTION,
				hints: [PAID],
			});
		}
		if (error instanceof SyntaxError) {
			throw scope.fail(`${ACTION} failed: the answer was neither events nor JSON`, {
				description: PAID,
			});
		}
		throw scope.connectionFailed({
			action: ACTION,
			cause: 'the answer broke off before it was complete',
			hint: 'The generation was paid for and was not started again. Try the item later, or use Create, which can be resumed by video ID.',
		});
	}
}

function fileNameFor(url: string, answer: ChatAnswer): string {
	const last = new URL(url).pathname.split('/').pop();
	return last && /\.\w+$/.test(last) ? last : `${answer.id ?? 'chat-video'}.mp4`;
}

export async function execute(scope: RunItem, input: ChatInput): Promise<INodeExecutionData[]> {
	const response = await withServedModel(
		scope,
		input.model,
		async () => await startChat(scope, requestBody(input)),
	);
	const answer = await readAnswer(scope, response);
	const found = lastVideoUrl(answer.content);
	if (!found) {
		const tail = answer.content.trim().slice(-300);
		throw scope.fail(`${ACTION} gave no video link`, {
			description: `${tail ? `The answer ended with: "${tail}".` : 'The answer was empty.'} ${PAID}`,
		});
	}
	const download = {
		action: 'Download chat video',
		words: {
			notFound: 'The chat answer linked a video that is not there.',
			link: 'The file host refused the link: it may have expired.',
		},
	};
	const videoUrl = checkedHttpUrl(scope, found, download);
	const fileName = fileNameFor(videoUrl, answer);
	const json: IDataObject = {
		content: answer.content,
		videoUrl,
		model: answer.model ?? input.model,
		id: answer.id ?? null,
		finishReason: answer.finishReason ?? null,
	};
	// as a tool the link is the answer: n8n never hands a file to the model
	if (scope.asTool) return [outputItem(json)];
	const stored = await downloadToBinary(
		scope,
		{ method: 'GET', url: videoUrl, ...download },
		{ fileName, mimeType: 'video/mp4' },
	).catch((error: Error) => error);
	if (stored instanceof Error) {
		if (scope.session.signal?.aborted) {
			throw scope.cancelled('Download chat video stopped', {
				resume: `The video is at ${videoUrl}`,
			});
		}
		// the video is paid for: keep the answer and its link rather than failing the item
		json.downloadError = stored.message;
		return [outputItem(json)];
	}
	Object.assign(json, { fileName, mimeType: 'video/mp4', fileSize: stored.bytes ?? null });
	return [outputItem(json, { [input.binaryPropertyName]: stored.binary })];
}
