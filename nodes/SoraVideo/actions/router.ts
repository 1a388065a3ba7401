import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Session } from '../transport/session';
import { DEFAULT_LIMITS, limitsFromOptions, openSession } from '../transport/session';
import { redact, videoIdOf } from '../utils/errors';
import { readOptions } from './job/wait-settings';
import { runsAsTool, toolItem, toolReportsErrors } from './tool';
import { operationNamed } from './video';

type Outcome = { items: INodeExecutionData[] } | { error: Error };

async function settle(work: () => Promise<INodeExecutionData[]>): Promise<Outcome> {
	try {
		return { items: await work() };
	} catch (error) {
		return { error: error as Error };
	}
}

/**
 * A failed item under "On Error: Continue". To the regular output it is `{ error, description,
 * videoId }`. To the error output n8n moves only items that carry the error itself, and it then
 * shows them as `{ error }` alone, so there the message (which names the video) must say it all.
 */
function failedItem(
	ctx: IExecuteFunctions,
	error: Error,
	itemIndex: number,
	session?: Session,
): INodeExecutionData {
	const secret = session?.secret ?? '';
	if (ctx.getNode().onError === 'continueErrorOutput') {
		const nodeError = asNodeError(ctx, error, itemIndex) as NodeApiError | NodeOperationError;
		nodeError.message = redact(nodeError.message, secret);
		return {
			json: { error: nodeError.message },
			error: nodeError,
			pairedItem: { item: itemIndex },
		};
	}
	const videoId = videoIdOf(error);
	const json: INodeExecutionData['json'] = { error: redact(error.message, secret) };
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description)
		json.description = redact(description, secret);
	if (videoId) json.videoId = videoId;
	return { json, pairedItem: { item: itemIndex } };
}

function asNodeError(ctx: IExecuteFunctions, error: Error, itemIndex: number): Error {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

/** When one item stops the node, the videos the other items paid for must not vanish with it. */
function withOtherVideos(error: Error, failedIndex: number, outcomes: Outcome[]): Error {
	const others = outcomes.flatMap((outcome, itemIndex) => {
		if (itemIndex === failedIndex) return [];
		const ids =
			'items' in outcome
				? outcome.items
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
	const handler = operationNamed(operation);
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const continueOnFail = this.continueOnFail() || toolReportsErrors(this);

	const parsed = await Promise.all(
		items.map(async (_, itemIndex) => {
			try {
				return { input: await handler.parse.call(this, itemIndex) };
			} catch (error) {
				return { error: error as Error };
			}
		}),
	);
	const firstInvalid = parsed.findIndex((entry) => 'error' in entry);
	if (firstInvalid >= 0 && !continueOnFail) {
		throw asNodeError(this, (parsed[firstInvalid] as { error: Error }).error, firstInvalid);
	}

	// whole-node settings, taken from the first item
	const limits = handler.setsRequestLimits
		? limitsFromOptions(readOptions(this, 0), this.getNode().typeVersion)
		: DEFAULT_LIMITS;
	const session = await openSession(this, limits);

	const outcomes = await Promise.all(
		parsed.map(async (entry, itemIndex): Promise<Outcome> => {
			if ('error' in entry) return { error: entry.error as Error };
			return await settle(
				async () => await handler.execute.call(this, entry.input, itemIndex, session),
			);
		}),
	);

	const shaped = runsAsTool(this) ? toolItem : (item: INodeExecutionData) => item;
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of outcomes.entries()) {
		if ('items' in outcome) {
			output.push(
				...outcome.items.map((item) => shaped({ ...item, pairedItem: { item: itemIndex } })),
			);
		} else if (continueOnFail) {
			output.push(failedItem(this, outcome.error, itemIndex, session));
		} else {
			throw withOtherVideos(asNodeError(this, outcome.error, itemIndex), itemIndex, outcomes);
		}
	}
	return [output];
}
