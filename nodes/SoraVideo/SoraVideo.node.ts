import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { methods } from './actions/methods';
import { router } from './actions/router';
import * as video from './actions/video';

export class SoraVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CometAPI Video',
		name: 'soraVideo',
		icon: { light: 'file:sora.svg', dark: 'file:sora.dark.svg' },
		group: ['transform'],
		version: [1, 2, 3],
		defaultVersion: 3,
		// the Operation list's actions without their article ("Create a video": "Create video"); n8n's
		// lint wants the subtitle written out here, and a unit test holds it to the list
		subtitle:
			'={{ $parameter["resource"] === "video" && ({"create":"Create video","remix":"Remix video","retrieve":"Retrieve video","download":"Download video","list":"List videos","delete":"Delete video","chat":"Generate video in chat mode"})[$parameter["operation"]] || "Custom API call" }}',
		description:
			'Make videos with Veo 3.1, Seedance, Wan, Vidu, HappyHorse, Omni and Sora 2 through CometAPI: each create is a paid render that takes minutes; check, download, list or delete them',
		defaults: { name: 'CometAPI Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true }],
		properties: [
			...video.toolDescription,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Video', value: 'video' }],
				default: 'video',
			},
			...video.description,
		],
	};

	methods = methods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
