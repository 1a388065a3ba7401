import type { INodeProperties } from 'n8n-workflow';

import * as chat from './chat.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as download from './download.operation';
import * as list from './list.operation';
import * as remix from './remix.operation';
import * as retrieve from './retrieve.operation';

export { chat, create, del as delete, download, list, remix, retrieve };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Chat',
				value: 'chat',
				action: 'Generate a video with the chat format',
				description: 'Generate a video in one streamed chat request and download it',
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create a video',
				description: 'Start a render from a prompt, optionally wait and download the MP4',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a video',
				description: 'Delete a video and its files',
			},
			{
				name: 'Download',
				value: 'download',
				action: 'Download a video',
				description: "Download a finished video's MP4, thumbnail or spritesheet",
			},
			{
				name: 'List',
				value: 'list',
				action: 'List videos',
				description: 'List your videos, newest first',
			},
			{
				name: 'Remix',
				value: 'remix',
				action: 'Remix a video',
				description: 'Change a finished video with a new prompt',
			},
			{
				name: 'Retrieve',
				value: 'retrieve',
				action: 'Retrieve a video',
				description: "Check a video's status and progress once",
			},
		],
		default: 'create',
	},
	...create.description,
	...remix.description,
	...retrieve.description,
	...download.description,
	...chat.description,
	...list.description,
	...del.description,
];
