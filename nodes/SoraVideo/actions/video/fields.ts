import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { InputScope } from '../../transport/scope';
import { checkedVideoId } from '../../utils/validation';
import { resendOption } from '../job/start';
import { refusalLimitOptions, requestLimitOptions, waitLimitOptions } from '../run/limits';

export { requestLimitOptions };

/** An operation's fields, shown when the Video resource and that operation are chosen. */
export function operationDescription(
	option: INodePropertyOptions,
	properties: INodeProperties[],
): INodeProperties[] {
	return updateDisplayOptions(
		{ show: { resource: ['video'], operation: [option.value] } },
		properties,
	);
}

export function promptField(text: {
	placeholder: string;
	description: string;
	required?: boolean;
}): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: text.required ?? true,
		default: '',
		placeholder: text.placeholder,
		description: text.description,
	};
}

/**
 * The editor lists a collection's options in the order given here (it does not sort them), so
 * callers put what shapes the video first and how the node waits, retries and downloads after.
 */
export function optionsField(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}

const WAIT_LOOP_EXAMPLE =
	'https://github.com/cometapi/n8n-nodes-cometapi-sora/blob/main/examples/long-render-wait-loop.json';

/** What a render costs and holds, at the top of Create and Remix. */
export const renderNotice: INodeProperties = {
	displayName: `Each run starts a paid render that takes minutes. Waiting for completion holds the execution (and a queue-mode worker) until the video is done, and many instances stop long executions (n8n Cloud after 300 s). When the Timeout option runs out, the item fails naming its video ID; set On Timeout to Output the Unfinished Job to check back later with a <a href="${WAIT_LOOP_EXAMPLE}" target="_blank">Wait node loop</a> instead.`,
	name: 'renderNotice',
	type: 'notice',
	default: '',
};

export function videoIdField(description: string): INodeProperties {
	return {
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'video_68e3...',
		description,
	};
}

export function binaryPropertyField(
	displayOptions?: INodeProperties['displayOptions'],
): INodeProperties {
	const field: INodeProperties = {
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
	};
	return displayOptions ? { ...field, displayOptions } : field;
}

const waitForCompletionField: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until the video is finished and download it. Off: return the started job at once and continue with Retrieve or Download later.',
};

/** "Wait for Completion" and where the finished video goes, for Create and Remix: on by default. */
export const waitFields: INodeProperties[] = [
	waitForCompletionField,
	binaryPropertyField({ show: { waitForCompletion: [true] } }),
];

/** The same for Retrieve, off by default so a saved Retrieve still checks once. */
export const resumeWaitFields: INodeProperties[] = [
	{
		...waitForCompletionField,
		default: false,
		description:
			'Whether to wait until the video is finished and download it, picking up a job that is already paid for. Off: check its status once.',
	},
	binaryPropertyField({ show: { waitForCompletion: [true] } }),
];

/** The options of a wait, shared by Create, Remix and Retrieve: where the file goes, then when the wait looks and ends. */
export const waitOptions: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'download',
		type: 'boolean',
		default: true,
		description:
			'Whether to attach the finished MP4 as binary data when the wait ends in "completed"',
	},
	...waitLimitOptions,
];

/** How a paid request deals with refusals and lost answers, for Create and Remix. */
export const paidRequestOptions: INodeProperties[] = [...refusalLimitOptions, resendOption];

/** Reads and checks an item's Video ID: the whole `parse` of operations that take nothing else. */
export async function parseVideoId(scope: InputScope): Promise<string> {
	return checkedVideoId(scope, scope.parameter('videoId'));
}

/** Words the operations' tool descriptions share. */
export const TOOL_WORDS = {
	returns:
		'Returns JSON: id, status, progress, seconds, size, model, expires_at and, when the provider gives one, video_url (a download link). Never the video file.',
	paidRender: 'Each call starts one paid render: call it once per video you need.',
	renderTime: 'Rendering takes one to several minutes.',
};

/** What an AI Agent's model reads about an operation run as a tool (Tool Description), per wait setting where it waits. */
export type ToolTexts = string | { waits: string; returnsAtOnce: string };

function toolDescriptionField(operation: string, text: string, waits?: boolean): INodeProperties {
	const show = { '@tool': [true], operation: [operation] };
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 3 },
		default: text,
		description:
			"What the AI Agent's model reads about this tool: what it does, how long it takes, what it costs and what it returns",
		displayOptions:
			waits === undefined
				? { show }
				: waits
					? { show: { ...show, waitForCompletion: [true] } }
					: { show, hide: { waitForCompletion: [true] } },
	};
}

/**
 * Only on the tool. With a `toolDescription` of its own, n8n adds no "Set Automatically"
 * description, which would tell the model no more than "Create a video in CometAPI Video".
 */
export function toolDescriptionFields(operation: string, texts: ToolTexts): INodeProperties[] {
	if (typeof texts === 'string') return [toolDescriptionField(operation, texts)];
	return [
		toolDescriptionField(operation, texts.waits, true),
		toolDescriptionField(operation, texts.returnsAtOnce, false),
	];
}
