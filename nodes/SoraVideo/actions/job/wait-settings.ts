import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../../utils/errors';
import { checkedRange, requiredText } from '../../utils/validation';

/** The defaults and bounds of a wait, written once for the fields and for the checks. */
export const DEFAULT_POLL_INTERVAL_S = 10;
/** Node versions 1 and 2. */
export const DEFAULT_TIMEOUT_S = 1200;
/** From node version 3: a wait ends before n8n Cloud's 300 s execution cap (see the README). */
export const DEFAULT_TIMEOUT_V3_S = 240;
export const POLL_INTERVAL_RANGE = { min: 0.1, max: 3600 };
export const TIMEOUT_RANGE = { min: 1, max: 86400 };

/** What a wait that runs out does: fail the item, or hand the unfinished job on. */
export const ON_TIMEOUT = ['error', 'outputJob'] as const;
export type OnTimeout = (typeof ON_TIMEOUT)[number];

export interface WaitSettings {
	pollIntervalMs: number;
	timeoutMs: number;
	onTimeout: OnTimeout;
	download: boolean;
	binaryPropertyName: string;
}

function checkedOnTimeout(ctx: IExecuteFunctions, itemIndex: number, value: unknown): OnTimeout {
	const chosen = value ?? 'error';
	if (ON_TIMEOUT.includes(chosen as OnTimeout)) return chosen as OnTimeout;
	throw inputError(
		ctx,
		itemIndex,
		'options.onTimeout',
		`"${String(chosen)}" is not one of ${ON_TIMEOUT.join(', ')}`,
	);
}

export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** The wait settings of an item, or undefined when it does not wait. */
export function readWaitSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	waitsByDefault = true,
): WaitSettings | undefined {
	if (!ctx.getNodeParameter('waitForCompletion', itemIndex, waitsByDefault)) return undefined;
	const options = readOptions(ctx, itemIndex);
	const pollInterval = checkedRange(
		ctx,
		itemIndex,
		'options.pollInterval',
		options.pollInterval ?? DEFAULT_POLL_INTERVAL_S,
		POLL_INTERVAL_RANGE.min,
		POLL_INTERVAL_RANGE.max,
	);
	const timeout = checkedRange(
		ctx,
		itemIndex,
		'options.timeout',
		options.timeout ?? (ctx.getNode().typeVersion >= 3 ? DEFAULT_TIMEOUT_V3_S : DEFAULT_TIMEOUT_S),
		TIMEOUT_RANGE.min,
		TIMEOUT_RANGE.max,
	);
	const download = options.download !== false;
	return {
		pollIntervalMs: Math.round(pollInterval * 1000),
		timeoutMs: Math.round(timeout * 1000),
		onTimeout: checkedOnTimeout(ctx, itemIndex, options.onTimeout),
		download,
		binaryPropertyName: download
			? requiredText(
					ctx,
					itemIndex,
					'binaryPropertyName',
					ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
				)
			: '',
	};
}
