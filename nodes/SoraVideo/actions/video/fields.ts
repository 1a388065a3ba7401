import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Session, WaitSettings } from '../../helpers/interfaces';
import { checkedPropertyName, checkedRange, checkedVideoId } from '../../helpers/validation';

/**
 * One operation: `parse` reads and checks an item's parameters without any request, so bad input
 * fails before anything is paid for; `execute` does the item's work.
 */
export interface VideoOperation<Input> {
	description: INodeProperties[];
	parse(this: IExecuteFunctions, itemIndex: number): Promise<Input>;
	execute(
		this: IExecuteFunctions,
		input: Input,
		itemIndex: number,
		session: Session,
	): Promise<INodeExecutionData[]>;
}

export const DEFAULT_PARALLEL_REQUESTS = 5;
export const DEFAULT_RETRIES = 4;
export const POLL_INTERVAL_RANGE = { min: 0.1, max: 3600 };
export const TIMEOUT_RANGE = { min: 1, max: 86400 };

/** Collections list their options alphabetically, as n8n's own nodes do. */
export function byDisplayName(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export function showFor(operation: string[], more: IDataObject = {}) {
	return { show: { resource: ['video'], operation, ...more } };
}

export function promptField(
	operation: string,
	text: { placeholder: string; description: string; required?: boolean },
): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: text.required ?? true,
		default: '',
		placeholder: text.placeholder,
		description: text.description,
		displayOptions: showFor([operation]),
	};
}

/** The options collection of Create and Remix. */
export function optionsField(operation: string, options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor([operation]),
		options: byDisplayName(options),
	};
}

/** Retrieve and Delete take nothing but a video ID. */
export async function parseVideoId(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	return readVideoId(this, itemIndex);
}

export function videoIdField(operation: string, description: string): INodeProperties {
	return {
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'video_68e3...',
		description,
		displayOptions: showFor([operation]),
	};
}

export function binaryPropertyField(operation: string, more: IDataObject = {}): INodeProperties {
	return {
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
		displayOptions: showFor([operation], more),
	};
}

/** "Wait for Completion" and where the finished video goes, for Create and Remix. */
export function waitFields(operation: string): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until the video is finished and download it. Off: return the started job at once and continue with Retrieve or Download later.',
			displayOptions: showFor([operation]),
		},
		binaryPropertyField(operation, { waitForCompletion: [true] }),
	];
}

/** The options of a wait, shared by Create and Remix. */
export const waitOptions: INodeProperties[] = byDisplayName([
	{
		displayName: 'Download Video',
		name: 'download',
		type: 'boolean',
		default: true,
		description:
			'Whether to attach the finished MP4 as binary data when the wait ends in "completed"',
	},
	{
		displayName: 'Parallel Requests',
		name: 'parallelRequests',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: DEFAULT_PARALLEL_REQUESTS,
		description:
			'How many paid requests (and downloads) this node runs at once across all items; every started job is then awaited together. Taken from the first item.',
	},
	{
		displayName: 'Retries per Request',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: DEFAULT_RETRIES,
		description:
			'How often a status check or download is retried after a network error, 429 or 5xx (with growing pauses). Requests that start paid work are never repeated. Taken from the first item.',
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
		default: 10,
		description: 'Seconds between status checks while waiting',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: TIMEOUT_RANGE.min, maxValue: TIMEOUT_RANGE.max },
		default: 1200,
		description:
			'Seconds to wait in total. The job goes on after a time-out: the error names its video ID for Retrieve or Download.',
	},
]);

export function readVideoId(ctx: IExecuteFunctions, itemIndex: number): string {
	return checkedVideoId(ctx, itemIndex, ctx.getNodeParameter('videoId', itemIndex));
}

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** The wait settings of an item, or undefined when it does not wait. */
export function readWaitSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
): WaitSettings | undefined {
	if (!ctx.getNodeParameter('waitForCompletion', itemIndex, true)) return undefined;
	const options = readOptions(ctx, itemIndex);
	const pollInterval = checkedRange(
		ctx,
		itemIndex,
		'options.pollInterval',
		options.pollInterval ?? 10,
		POLL_INTERVAL_RANGE.min,
		POLL_INTERVAL_RANGE.max,
	);
	const timeout = checkedRange(
		ctx,
		itemIndex,
		'options.timeout',
		options.timeout ?? 1200,
		TIMEOUT_RANGE.min,
		TIMEOUT_RANGE.max,
	);
	const download = options.download !== false;
	return {
		pollIntervalMs: Math.round(pollInterval * 1000),
		timeoutMs: Math.round(timeout * 1000),
		download,
		binaryPropertyName: download
			? checkedPropertyName(
					ctx,
					itemIndex,
					'binaryPropertyName',
					ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
				)
			: '',
	};
}
