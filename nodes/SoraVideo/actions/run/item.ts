import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { LabelOf } from '../../transport/scope';
import { ItemScope } from '../../transport/scope';
import type { Session } from '../../transport/session';
import type { JobLedger } from './ledger';

/** What every item of one run of the node shares: the session, the job ledger, and how the node runs. */
export interface Run {
	session: Session;
	ledger: JobLedger;
	/** Run as an AI Agent's tool: a file never reaches the model. */
	asTool: boolean;
	labelOf: LabelOf;
}

/** One item of a run: the ItemScope transport uses, with the run's ledger and mode. */
export class RunItem extends ItemScope {
	readonly ledger: JobLedger;
	readonly asTool: boolean;

	constructor(ctx: IExecuteFunctions, run: Run, itemIndex: number) {
		super(ctx, run.session, itemIndex, run.labelOf);
		this.ledger = run.ledger;
		this.asTool = run.asTool;
	}
}

/** An operation's output item; the router pairs it with its input item. */
export function outputItem(
	json: IDataObject,
	binary?: Record<string, IBinaryData>,
): INodeExecutionData {
	return binary ? { json, binary } : { json };
}
