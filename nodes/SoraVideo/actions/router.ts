import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InputScope } from '../transport/scope';
import { openSession } from '../transport/session';
import { videoIdOf } from '../utils/errors';
import { fieldLabels } from './run/field-labels';
import type { Run } from './run/item';
import { RunItem } from './run/item';
import { JobLedger } from './run/ledger';
import { defaultRequestPolicy, readRequestPolicy, setsRequestLimits } from './run/limits';
import { runsAsTool, toolItem, toolReportsErrors } from './tool';
import * as video from './video';

type Outcome<T> = { value: T } | { error: Error };

async function settle<T>(work: () => Promise<T>): Promise<Outcome<T>> {
	try {
		return { value: await work() };
	} catch (error) {
		return { error: error as Error };
	}
}

/** The editor's label of every parameter, for errors that name a field. */
const labelOf = fieldLabels(video.description);

function asNodeError(ctx: IExecuteFunctions, error: Error, itemIndex: number): Error {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

/**
 * A failed item under "On Error: Continue". To the regular output it is `{ error, description,
 * videoId }`. To the error output n8n moves only items that carry the error itself, and it then
 * shows them as `{ error }` alone, so there the message (which names the video) must say it all.
 */
function failedItem(scope: InputScope, error: Error): INodeExecutionData {
	const pairedItem = { item: scope.itemIndex };
	if (scope.ctx.getNode().onError === 'continueErrorOutput') {
		const nodeError = asNodeError(scope.ctx, error, scope.itemIndex) as
			| NodeApiError
			| NodeOperationError;
		nodeError.message = scope.redacted(nodeError.message);
		return { json: { error: nodeError.message }, error: nodeError, pairedItem };
	}
	const json: INodeExecutionData['json'] = { error: scope.redacted(error.message) };
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description)
		json.description = scope.redacted(description);
	const videoId = videoIdOf(error);
	if (videoId) json.videoId = videoId;
	return { json, pairedItem };
}

/** When one item stops the node, the videos the other items paid for must not vanish with it. */
function withOtherVideos(
	error: Error,
	failedIndex: number,
	outcomes: Array<Outcome<INodeExecutionData[]>>,
): Error {
	const others = outcomes.flatMap((outcome, itemIndex) => {
		if (itemIndex === failedIndex) return [];
		const ids =
			'value' in outcome
				? outcome.value
						.map((item) => item.json.id)
						.filter((id): id is string => typeof id === 'string')
				: [videoIdOf(outcome.error)].filter((id): id is string => !!id);
		return ids.map((id) => `item ${itemIndex}: ${id}`);
	});
	if (!others.length || !(error instanceof NodeOperationError || error instanceof NodeApiError))
		return error;
	const note = `Videos of the other items in this run: ${others.join(', ')}.`;
	error.description = error.description ? `${error.description} ${note}` : note;
	return error;
}

/**
 * Runs the chosen operation for every item at once. All items are checked first, so bad input
 * stops the node before any paid request; then every item's work starts together, bounded by the
 * session's limits on paid requests and downloads, and waits run side by side. Output keeps input order.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = video.operationNamed(operation);
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const continueOnFail = this.continueOnFail() || toolReportsErrors(this);
	const inputs = items.map((_, itemIndex) => new InputScope(this, itemIndex, labelOf));

	const parsed = await Promise.all(
		inputs.map(async (scope) => await settle(async () => await handler.parse(scope))),
	);
	const firstInvalid = parsed.findIndex((entry) => 'error' in entry);
	if (firstInvalid >= 0 && !continueOnFail) {
		throw asNodeError(this, (parsed[firstInvalid] as { error: Error }).error, firstInvalid);
	}

	// whole-node settings, taken from the first item
	const policy = setsRequestLimits(handler.description)
		? readRequestPolicy(inputs[0], inputs[0].options())
		: defaultRequestPolicy(inputs[0]);
	const run: Run = {
		session: await openSession(this, policy),
		ledger: new JobLedger(),
		asTool: runsAsTool(this),
		labelOf,
	};
	const scopes = inputs.map((scope) => new RunItem(this, run, scope.itemIndex));

	const outcomes = await Promise.all(
		parsed.map(async (entry, itemIndex) => {
			if ('error' in entry) return entry;
			return await settle(async () => await handler.execute(scopes[itemIndex], entry.value));
		}),
	);

	const shaped = run.asTool ? toolItem : (item: INodeExecutionData) => item;
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of outcomes.entries()) {
		if ('value' in outcome) {
			output.push(
				...outcome.value.map((item) => shaped({ ...item, pairedItem: { item: itemIndex } })),
			);
		} else if (continueOnFail) {
			output.push(failedItem(scopes[itemIndex], outcome.error));
		} else {
			throw withOtherVideos(asNodeError(this, outcome.error, itemIndex), itemIndex, outcomes);
		}
	}
	return [output];
}
