import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { InputScope } from '../../transport/scope';
import type { Video } from '../../transport/videos';
import { listVideos } from '../../transport/videos';
import { checkedRange } from '../../utils/validation';
import type { RunItem } from '../run/item';
import { outputItem } from '../run/item';
import { operationDescription } from './fields';
import type { VideoOperation } from './node.type';

export const option: VideoOperation<ListInput>['option'] = {
	name: 'List',
	value: 'list',
	action: 'List videos',
	description: 'List your videos, newest first',
};
const PAGE_SIZE = 100;
/** A guard against a server whose cursor never ends. */
const MAX_PAGES = 1000;

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: PAGE_SIZE },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Order',
		name: 'order',
		type: 'options',
		options: [
			{ name: 'Newest First', value: 'desc' },
			{ name: 'Oldest First', value: 'asc' },
		],
		default: 'desc',
		description: 'Sort order by creation time',
	},
];

export const description = operationDescription(option, properties);

export const toolTexts =
	'Lists your videos, newest first. Starts no paid work. Returns for each video: id, status, progress, seconds, size, model and expires_at.';

export interface ListInput {
	returnAll: boolean;
	limit: number;
	order: string;
}

export async function parse(scope: InputScope): Promise<ListInput> {
	const returnAll = scope.parameter('returnAll', false) as boolean;
	const limit = returnAll
		? PAGE_SIZE
		: checkedRange(scope, 'limit', scope.parameter('limit', 50), { min: 1, max: PAGE_SIZE });
	const order = String(scope.parameter('order', 'desc'));
	if (order !== 'asc' && order !== 'desc') {
		throw scope.badInput('order', `"${order}" is not an order; use asc or desc`);
	}
	return { returnAll, limit, order };
}

export async function execute(scope: RunItem, input: ListInput): Promise<INodeExecutionData[]> {
	const videos: Video[] = [];
	let after: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const query: IDataObject = { limit: input.limit, order: input.order };
		if (after) query.after = after;
		const answer = await listVideos(scope, query);
		const data = Array.isArray(answer?.data) ? answer.data : [];
		videos.push(...data);
		after = answer.last_id ?? data[data.length - 1]?.id;
		if (!input.returnAll || !answer.has_more || !data.length || !after) break;
	}
	return videos.map((video) => outputItem(video));
}
