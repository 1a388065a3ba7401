import type { INodeProperties } from 'n8n-workflow';

import * as chat from './chat.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as download from './download.operation';
import { toolDescriptionFields } from './fields';
import * as list from './list.operation';
import type { VideoOperation } from './node.type';
import * as remix from './remix.operation';
import * as retrieve from './retrieve.operation';

/** In the order of the action list: the main job first, the chat format last. */
const table = { create, remix, retrieve, download, list, delete: del, chat };

type OperationName = keyof typeof table;

type InputOf<Operation> = Operation extends { parse(...args: never[]): Promise<infer Input> }
	? Input
	: never;

/** Every operation, checked by the compiler: its `execute` takes what its `parse` returns. */
const operations: {
	[Name in OperationName]: VideoOperation<InputOf<(typeof table)[Name]>>;
} = table;

export function operationNamed(name: string): VideoOperation<unknown> | undefined {
	return Object.hasOwn(operations, name) ? operations[name as OperationName] : undefined;
}

/** The Tool Description fields, shown only when the node runs as an AI Agent's tool. */
export const toolDescription: INodeProperties[] = Object.values(operations).flatMap(
	({ option, toolTexts }) => toolDescriptionFields(String(option.value), toolTexts),
);

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: Object.values(operations).map((operation) => operation.option),
		default: 'create',
	},
	...Object.values(operations).flatMap((operation) => operation.description),
];
