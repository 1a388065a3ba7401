import type { INodeProperties } from 'n8n-workflow';

import type { VideoOperation } from '../node.type';
import * as chat from './chat.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as download from './download.operation';
import * as list from './list.operation';
import * as remix from './remix.operation';
import * as retrieve from './retrieve.operation';

/** In the order of the action list: the main job first, the chat format last. */
const table = { create, remix, retrieve, download, list, delete: del, chat };

export type OperationName = keyof typeof table;

type InputOf<Operation> = Operation extends { parse(...args: never[]): Promise<infer Input> }
	? Input
	: never;

/** Every operation, checked by the compiler: its `execute` takes what its `parse` returns. */
export const operations: {
	[Name in OperationName]: VideoOperation<InputOf<(typeof table)[Name]>>;
} = table;

export function operationNamed(name: string): VideoOperation<unknown> | undefined {
	return Object.hasOwn(operations, name) ? operations[name as OperationName] : undefined;
}

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
