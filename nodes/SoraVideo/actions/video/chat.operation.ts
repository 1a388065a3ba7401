import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { ChatAnswer } from '../../transport/chat-stream';
import {
	ChatStreamError,
	lastVideoUrl,
	readChatJson,
	readChatStream,
} from '../../transport/chat-stream';
import { downloadToBinary } from '../../transport/download';
import type { HttpAnswer } from '../../transport';
import { checkedHttpUrl, readText } from '../../transport';
import { headerValue } from '../../transport/retry';
import type { Session } from '../../transport/session';
import { startChat } from '../../transport/videos';
import { apiError, cancelledError, connectionError, operationError } from '../../utils/errors';
import { CHAT_MODELS } from '../../utils/models';
import { checkedUrl, requiredText } from '../../utils/validation';
import { outputItem } from '../job/finish';
import { withServedModel } from '../job/served-models';
import type { VideoOperation } from '../node.type';
import { runsAsTool } from '../tool';
import { binaryPropertyField, operationDescription, promptField } from './fields';

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

export interface ChatInput {
	model: string;
	prompt: string;
	imageUrl?: string;
	binaryPropertyName: string;
}

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<ChatInput> {
	return {
		model: requiredText(this, itemIndex, 'model', this.getNodeParameter('model', itemIndex)),
		prompt: requiredText(this, itemIndex, 'prompt', this.getNodeParameter('prompt', itemIndex, '')),
		imageUrl: checkedUrl(
			this,
			itemIndex,
			'imageUrl',
			this.getNodeParameter('imageUrl', itemIndex, ''),
		),
		binaryPropertyName: requiredText(
			this,
			itemIndex,
			'binaryPropertyName',
			this.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
		),
	};
}

function requestBody(input: ChatInput): IDataObject {
	const content: IDataObject[] = [{ type: 'text', text: input.prompt }];
	if (input.imageUrl) content.push({ type: 'image_url', image_url: { url: input.imageUrl } });
	return { model: input.model, stream: true, messages: [{ role: 'user', content }] };
}

async function readAnswer(
	ctx: IExecuteFunctions,
	session: Session,
	answer: HttpAnswer,
	itemIndex: number,
): Promise<ChatAnswer> {
	const action = 'Chat generation';
	const contentType = headerValue(answer.headers, 'content-type') ?? '';
	try {
		if (/event-stream/i.test(contentType)) {
			return await readChatStream(answer.body as AsyncIterable<Buffer>);
		}
		return readChatJson(await readText(answer.body, MAX_JSON_ANSWER));
	} catch (error) {
		if (error instanceof ChatStreamError) {
			throw apiError(ctx, session.secret, {
				status: answer.statusCode,
				body: { error: { message: error.message } },
				action,
				itemIndex,
			});
		}
		if (error instanceof SyntaxError) {
			throw operationError(
				ctx,
				itemIndex,
				`${action} failed: the answer was neither events nor JSON`,
				{
					secret: session.secret,
				},
			);
		}
		throw connectionError(ctx, session.secret, {
			action,
			itemIndex,
			cause: 'the answer broke off before it was complete',
			hint: 'The generation was paid for and was not started again. Try the item later, or use Create, which can be resumed by video ID.',
		});
	}
}

function fileNameFor(url: string, answer: ChatAnswer): string {
	const last = new URL(url).pathname.split('/').pop();
	return last && /\.\w+$/.test(last) ? last : `${answer.id ?? 'chat-video'}.mp4`;
}

export async function execute(
	this: IExecuteFunctions,
	input: ChatInput,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const response = await withServedModel(
		this,
		session,
		input.model,
		itemIndex,
		async () => await startChat(this, session, requestBody(input), itemIndex),
	);
	const answer = await readAnswer(this, session, response, itemIndex);
	const found = lastVideoUrl(answer.content);
	if (!found) {
		const tail = answer.content.trim().slice(-300);
		throw operationError(this, itemIndex, 'Chat generation gave no video link', {
			secret: session.secret,
			description: tail ? `The answer ended with: "${tail}"` : 'The answer was empty.',
		});
	}
	const videoUrl = checkedHttpUrl(this, session, found, {
		action: 'Download chat video',
		itemIndex,
	});
	const fileName = fileNameFor(videoUrl, answer);
	const json: IDataObject = {
		content: answer.content,
		videoUrl,
		model: answer.model ?? input.model,
		id: answer.id ?? null,
		finishReason: answer.finishReason ?? null,
	};
	// as a tool the link is the answer: n8n never hands a file to the model
	if (runsAsTool(this)) return [outputItem(json)];
	const stored = await downloadToBinary(
		this,
		session,
		{ method: 'GET', url: videoUrl, action: 'Download chat video', itemIndex },
		{ fileName, mimeType: 'video/mp4' },
	).catch((error: Error) => error);
	if (stored instanceof Error) {
		if (session.signal?.aborted) {
			throw cancelledError(this, itemIndex, 'Download chat video stopped', {
				secret: session.secret,
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
