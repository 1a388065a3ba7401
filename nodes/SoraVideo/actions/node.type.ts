import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { Session } from '../transport/session';

/**
 * One operation: `parse` reads and checks an item's parameters without any request, so bad input
 * fails before anything is paid for; `execute` does the item's work.
 */
export interface VideoOperation<Input> {
	/** Its entry in the Operation list. */
	option: INodePropertyOptions;
	description: INodeProperties[];
	/** Its options collection carries the request limits (Parallel Requests, Retries per Request). */
	setsRequestLimits?: boolean;
	parse(this: IExecuteFunctions, itemIndex: number): Promise<Input>;
	execute(
		this: IExecuteFunctions,
		input: Input,
		itemIndex: number,
		session: Session,
	): Promise<INodeExecutionData[]>;
}
