import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { RetryPolicy } from '../../transport/retry';
import type { InputScope } from '../../transport/scope';
import type { RequestPolicy } from '../../transport/session';
import { checkedRange, requiredText } from '../../utils/validation';

/**
 * Request limits and waits, in one place: their option fields, defaults (per node version),
 * parsing and checks. Transport gets the result as a RequestPolicy; a wait as WaitSettings.
 */

const range = (min: number, max: number) => ({ min, max });

/** Node version 3 changed two defaults so a node left at them ends before n8n Cloud's 300 s cap. */
const LIMITS = {
	parallelRequests: { range: range(1, 50), default: 5 },
	maxRetries: { range: range(0, 10), default: 4 },
	maxRefusalRetries: { range: range(0, 20), default: 8 },
	maxRefusalWait: { range: range(0, 3600), default: 300, fromVersion3: 45 },
	pollInterval: { range: range(0.1, 3600), default: 10 },
	timeout: { range: range(1, 86400), default: 1200, fromVersion3: 240 },
} as const;

type Limit = keyof typeof LIMITS;

/** The pacing of retries; the user sets the bounds. */
const BACKOFF = { baseDelayMs: 1000, maxDelayMs: 60_000 };

/** What a wait that runs out does: fail the item, or hand the unfinished job on. */
const ON_TIMEOUT = ['error', 'outputJob'] as const;
export type OnTimeout = (typeof ON_TIMEOUT)[number];

function defaultOf(limit: Limit, nodeVersion: number): number {
	const spec: { default: number; fromVersion3?: number } = LIMITS[limit];
	return nodeVersion >= 3 && spec.fromVersion3 !== undefined ? spec.fromVersion3 : spec.default;
}

/** The retry policy when nothing is set (node versions 1 and 2). */
export const DEFAULT_RETRY: RetryPolicy = {
	...BACKOFF,
	maxRetries: LIMITS.maxRetries.default,
	maxRefusals: LIMITS.maxRefusalRetries.default,
	maxRefusalWaitMs: LIMITS.maxRefusalWait.default * 1000,
};

/** An option whose default node version 3 changed: versions 1 and 2 keep theirs (saved workflows do not store defaults). */
function byVersion(option: INodeProperties, limit: Limit, version3Description: string) {
	return [
		{ ...option, default: defaultOf(limit, 1), displayOptions: { show: { '@version': [1, 2] } } },
		{
			...option,
			default: defaultOf(limit, 3),
			description: version3Description,
			displayOptions: { show: { '@version': [{ _cnd: { gte: 3 } }] } },
		},
	];
}

const numberField = (limit: Limit) => ({
	name: limit,
	type: 'number' as const,
	typeOptions: { minValue: LIMITS[limit].range.min, maxValue: LIMITS[limit].range.max },
	default: LIMITS[limit].default,
});

/** How a wait looks and when it ends, for Create, Remix and Retrieve. */
export const waitLimitOptions: INodeProperties[] = [
	{
		...numberField('pollInterval'),
		displayName: 'Poll Interval (Seconds)',
		typeOptions: { ...numberField('pollInterval').typeOptions, numberPrecision: 1 },
		description:
			'Longest time between status checks while waiting. The node looks sooner when the progress shows the video is about to finish, never more often than once a second.',
	},
	...byVersion(
		{
			...numberField('timeout'),
			displayName: 'Timeout (Seconds)',
			description:
				'Seconds to wait in total. The job goes on after a time-out: the error names its video ID, to continue with Retrieve with wait.',
		},
		'timeout',
		`Seconds to wait in total; ${LIMITS.timeout.fromVersion3} by default, so that the node ends before n8n Cloud stops an execution (300 s). The job goes on after a time-out: see On Timeout.`,
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
		...numberField('parallelRequests'),
		displayName: 'Parallel Requests',
		description:
			'How many paid requests (and downloads) this node runs at once across all items; every started job is then awaited together. Taken from the first item.',
	},
	{
		...numberField('maxRetries'),
		displayName: 'Retries per Request',
		description:
			'How often a status check or download is retried after a network error, 429 or 5xx (with growing pauses). Requests that start paid work are sent again only after a refusal (Refusal Retries on Create and Remix). Taken from the first item.',
	},
];

/** How long a paid request waits out refusals (429, 503, Retry-After), for Create and Remix. */
export const refusalLimitOptions: INodeProperties[] = [
	{
		...numberField('maxRefusalRetries'),
		displayName: 'Refusal Retries',
		description:
			'How often a paid request is sent again after the API refused it without starting a job (429 rate limit, 503 busy, or an answer with Retry-After), honouring Retry-After, else with growing pauses. An answer that leaves open whether a job started is never simply sent again. Taken from the first item.',
	},
	...byVersion(
		{
			...numberField('maxRefusalWait'),
			displayName: 'Max Wait for Refusals (Seconds)',
			description:
				'The longest time one paid request spends waiting out refusals; then its item fails, saying how often it was refused. n8n Cloud may stop a whole execution after 300 s: keep this well below that there. Taken from the first item.',
		},
		'maxRefusalWait',
		`The longest time one paid request spends waiting out refusals; then its item fails, saying how often it was refused. ${LIMITS.maxRefusalWait.fromVersion3} s by default: with the wait's Timeout it stays below n8n Cloud's 300 s execution cap. Taken from the first item.`,
	),
];

/** Whether an operation's description offers the request limits: then its first item sets them. */
export function setsRequestLimits(properties: INodeProperties[]): boolean {
	return properties.some(
		(property) =>
			property.type === 'collection' &&
			(property.options as INodeProperties[] | undefined)?.some(
				(option) => option.name === 'parallelRequests',
			),
	);
}

function limitOf(scope: InputScope, options: IDataObject, limit: Limit): number {
	const value = options[limit] ?? defaultOf(limit, scope.ctx.getNode().typeVersion);
	return checkedRange(scope, `options.${limit}`, value, LIMITS[limit].range);
}

const whole = (scope: InputScope, options: IDataObject, limit: Limit) =>
	Math.floor(limitOf(scope, options, limit));

/** The request policy an item's options set (the first item's, for the whole node). */
export function readRequestPolicy(scope: InputScope, options: IDataObject): RequestPolicy {
	return {
		parallelRequests: whole(scope, options, 'parallelRequests'),
		retry: {
			...BACKOFF,
			maxRetries: whole(scope, options, 'maxRetries'),
			maxRefusals: whole(scope, options, 'maxRefusalRetries'),
			maxRefusalWaitMs: limitOf(scope, options, 'maxRefusalWait') * 1000,
		},
	};
}

/** The policy of an operation without limit options (Download, List, Delete, Chat), by node version. */
export function defaultRequestPolicy(scope: InputScope): RequestPolicy {
	return readRequestPolicy(scope, {});
}

export interface WaitSettings {
	pollIntervalMs: number;
	timeoutMs: number;
	onTimeout: OnTimeout;
	/** The workflow's own timeout, from the node's start: a wait must end in time for the node to finish. */
	latestEndMs?: number;
	download: boolean;
	binaryPropertyName: string;
}

/** Time a node needs after its wait (download, output) before the workflow's timeout strikes. */
const WORKFLOW_TIMEOUT_MARGIN_MS = 15_000;

/**
 * The workflow's execution timeout (Workflow Settings), counted from now, while the node starts:
 * the execution started earlier, so this is the latest the node can still finish.
 */
function latestEnd(scope: InputScope): number | undefined {
	const timeoutS = Number(scope.ctx.getWorkflowSettings().executionTimeout);
	if (!Number.isFinite(timeoutS) || timeoutS <= 0) return undefined;
	const timeoutMs = timeoutS * 1000;
	return Date.now() + timeoutMs - Math.min(WORKFLOW_TIMEOUT_MARGIN_MS, timeoutMs / 4);
}

function checkedOnTimeout(scope: InputScope, value: unknown): OnTimeout {
	const chosen = value ?? 'error';
	if (ON_TIMEOUT.includes(chosen as OnTimeout)) return chosen as OnTimeout;
	throw scope.badInput(
		'options.onTimeout',
		`"${String(chosen)}" is not one of ${ON_TIMEOUT.join(', ')}`,
	);
}

/** The wait settings of an item, or undefined when it does not wait. */
export function readWaitSettings(
	scope: InputScope,
	waitsByDefault = true,
): WaitSettings | undefined {
	if (!scope.parameter('waitForCompletion', waitsByDefault)) return undefined;
	const options = scope.options();
	const download = options.download !== false;
	return {
		pollIntervalMs: Math.round(limitOf(scope, options, 'pollInterval') * 1000),
		timeoutMs: Math.round(limitOf(scope, options, 'timeout') * 1000),
		onTimeout: checkedOnTimeout(scope, options.onTimeout),
		latestEndMs: latestEnd(scope),
		download,
		binaryPropertyName: download
			? requiredText(scope, 'binaryPropertyName', scope.parameter('binaryPropertyName', 'data'))
			: '',
	};
}
