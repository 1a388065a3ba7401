import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { checkedRange, requiredText } from '../../utils/validation';

/** The defaults and bounds of a wait, written once for the fields and for the checks. */
export const DEFAULT_POLL_INTERVAL_S = 10;
export const DEFAULT_TIMEOUT_S = 1200;
export const POLL_INTERVAL_RANGE = { min: 0.1, max: 3600 };
export const TIMEOUT_RANGE = { min: 1, max: 86400 };

export interface WaitSettings {
	pollIntervalMs: number;
	timeoutMs: number;
	download: boolean;
	binaryPropertyName: string;
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
		options.timeout ?? DEFAULT_TIMEOUT_S,
		TIMEOUT_RANGE.min,
		TIMEOUT_RANGE.max,
	);
	const download = options.download !== false;
	return {
		pollIntervalMs: Math.round(pollInterval * 1000),
		timeoutMs: Math.round(timeout * 1000),
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
