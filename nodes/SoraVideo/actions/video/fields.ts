import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_PARALLEL_REQUESTS, PARALLEL_REQUESTS_RANGE } from '../../transport/session';
import {
	DEFAULT_REFUSAL_RETRIES,
	DEFAULT_REFUSAL_WAIT_S,
	DEFAULT_REFUSAL_WAIT_V3_S,
	DEFAULT_RETRIES,
	REFUSAL_RETRIES_RANGE,
	REFUSAL_WAIT_RANGE,
	RETRIES_RANGE,
} from '../../transport/retry';
import { checkedVideoId } from '../../utils/validation';
import {
	DEFAULT_POLL_INTERVAL_S,
	DEFAULT_TIMEOUT_S,
	DEFAULT_TIMEOUT_V3_S,
	POLL_INTERVAL_RANGE,
	TIMEOUT_RANGE,
} from '../job/wait-settings';

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

/**
 * An option whose default changed in node version 3: versions 1 and 2 keep theirs (saved
 * workflows do not store defaults, so changing one would change what they do).
 */
function byVersion(
	option: INodeProperties,
	fromVersion3: Pick<INodeProperties, 'default' | 'description'>,
): INodeProperties[] {
	return [
		{ ...option, displayOptions: { show: { '@version': [1, 2] } } },
		{
			...option,
			...fromVersion3,
			displayOptions: { show: { '@version': [{ _cnd: { gte: 3 } }] } },
		},
	];
}

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

/** The options of a wait, shared by Create, Remix and Retrieve. */
export const waitOptions: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'download',
		type: 'boolean',
		default: true,
		description:
			'Whether to attach the finished MP4 as binary data when the wait ends in "completed"',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: {
			minValue: POLL_INTERVAL_RANGE.min,
			maxValue: POLL_INTERVAL_RANGE.max,
			numberPrecision: 1,
		},
		default: DEFAULT_POLL_INTERVAL_S,
		description:
			'Longest time between status checks while waiting. The node looks sooner when the progress shows the video is about to finish, never more often than once a second.',
	},
	...byVersion(
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: TIMEOUT_RANGE.min, maxValue: TIMEOUT_RANGE.max },
			default: DEFAULT_TIMEOUT_S,
			description:
				'Seconds to wait in total. The job goes on after a time-out: the error names its video ID, to continue with Retrieve with wait.',
		},
		{
			default: DEFAULT_TIMEOUT_V3_S,
			description: `Seconds to wait in total; ${DEFAULT_TIMEOUT_V3_S} by default, so that the node ends before n8n Cloud stops an execution (300 s). The job goes on after a time-out: see On Timeout.`,
		},
	),
	{
		displayName: 'On Timeout',
		name: 'onTimeout',
		type: 'options',
		options: [
			{
				name: 'Fail the Item',
				value: 'error',
				description: 'The item fails with an error that names its video ID',
			},
			{
				name: 'Output the Unfinished Job',
				value: 'outputJob',
				description:
					'The item comes out as the job (ID, status, progress) without a file: route it to a Wait node and Retrieve it again later',
			},
		],
		default: 'error',
		description:
			'What happens when the video is not finished after Timeout. The render goes on at the provider either way and is paid for.',
	},
];

/** The request limits, taken from the first item: for every operation that waits or pays. */
export const requestLimitOptions: INodeProperties[] = [
	{
		displayName: 'Parallel Requests',
		name: 'parallelRequests',
		type: 'number',
		typeOptions: { minValue: PARALLEL_REQUESTS_RANGE.min, maxValue: PARALLEL_REQUESTS_RANGE.max },
		default: DEFAULT_PARALLEL_REQUESTS,
		description:
			'How many paid requests (and downloads) this node runs at once across all items; every started job is then awaited together. Taken from the first item.',
	},
	{
		displayName: 'Retries per Request',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: RETRIES_RANGE.min, maxValue: RETRIES_RANGE.max },
		default: DEFAULT_RETRIES,
		description:
			'How often a status check or download is retried after a network error, 429 or 5xx (with growing pauses). Requests that start paid work are sent again only after a refusal (Refusal Retries on Create and Remix). Taken from the first item.',
	},
];

/** How a paid request deals with refusals and lost answers, for Create and Remix. */
export const paidRequestOptions: INodeProperties[] = [
	{
		displayName: 'Refusal Retries',
		name: 'maxRefusalRetries',
		type: 'number',
		typeOptions: { minValue: REFUSAL_RETRIES_RANGE.min, maxValue: REFUSAL_RETRIES_RANGE.max },
		default: DEFAULT_REFUSAL_RETRIES,
		description:
			'How often a paid request is sent again after the API refused it without starting a job (429 rate limit, 503 busy, or an answer with Retry-After), honouring Retry-After, else with growing pauses. An answer that leaves open whether a job started is never simply sent again. Taken from the first item.',
	},
	...byVersion(
		{
			displayName: 'Max Wait for Refusals (Seconds)',
			name: 'maxRefusalWait',
			type: 'number',
			typeOptions: { minValue: REFUSAL_WAIT_RANGE.min, maxValue: REFUSAL_WAIT_RANGE.max },
			default: DEFAULT_REFUSAL_WAIT_S,
			description:
				'The longest time one paid request spends waiting out refusals; then its item fails, saying how often it was refused. n8n Cloud may stop a whole execution after 300 s: keep this well below that there. Taken from the first item.',
		},
		{
			default: DEFAULT_REFUSAL_WAIT_V3_S,
			description: `The longest time one paid request spends waiting out refusals; then its item fails, saying how often it was refused. ${DEFAULT_REFUSAL_WAIT_V3_S} s by default: with the wait's Timeout it stays below n8n Cloud's 300 s execution cap. Taken from the first item.`,
		},
	),
	{
		displayName: 'Send Again When No Job Is Found',
		name: 'resendIfNoJobFound',
		type: 'boolean',
		default: false,
		description:
			'Whether to send the request once more when its answer was lost (connection reset, 5xx) and the video list clearly shows no job for it. Off: the item fails and says what to look for. A job the list does not show yet could then be paid twice.',
	},
];

/** Reads and checks an item's Video ID: the whole `parse` of operations that take nothing else. */
export async function parseVideoId(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	return checkedVideoId(this, itemIndex, this.getNodeParameter('videoId', itemIndex));
}
