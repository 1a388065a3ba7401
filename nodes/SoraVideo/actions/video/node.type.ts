import type { INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { InputScope } from '../../transport/scope';
import type { RunItem } from '../run/item';
import type { ToolTexts } from './fields';

/**
 * One operation: `parse` reads and checks an item's parameters without any request, so bad input
 * fails before anything is paid for; `execute` does the item's work.
 */
export interface VideoOperation<Input> {
	/** Its entry in the Operation list: the one place its name and action are written. */
	option: INodePropertyOptions;
	description: INodeProperties[];
	/** What an AI Agent's model reads about it when the node runs as a tool. */
	toolTexts: ToolTexts;
	parse(scope: InputScope): Promise<Input>;
	execute(scope: RunItem, input: Input): Promise<INodeExecutionData[]>;
}
