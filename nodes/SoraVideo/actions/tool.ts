import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { OperationName } from './video';

/**
 * n8n makes a `usableAsTool` node a tool by registering a copy of its type named `<type>Tool`, in
 * 1.x and 2.x alike, whichever way the agent runs it; n8n's own `@tool` display option tests the same.
 */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/**
 * A tool's failure goes to the model as its result (`{ error, description, videoId }`), so the agent
 * can tell the user or try again, unless the node is set to stop the workflow. n8n 2.x does this for
 * every tool; 1.x would end the whole execution.
 */
export function toolReportsErrors(ctx: IExecuteFunctions): boolean {
	return runsAsTool(ctx) && ctx.getNode().onError !== 'stopWorkflow';
}

/** What a model can act on. The prompt it wrote, timestamps and file details stay out. */
const FIELDS_FOR_MODEL = [
	'id',
	'status',
	'progress',
	'seconds',
	'size',
	'model',
	'expires_at',
	'remixed_from_video_id',
	'deleted',
	'variant',
	'fileSize',
];

function isScalar(value: unknown): value is string | number | boolean {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function errorForModel(error: unknown): IDataObject | undefined {
	if (typeof error === 'string' && error) return { message: error };
	if (!error || typeof error !== 'object') return undefined;
	const { code, message } = error as IDataObject;
	if (!isScalar(message)) return undefined;
	return isScalar(code) ? { code, message } : { message };
}

/** An item's JSON as a model receives it: a few scalar fields and the video's link, if any. */
function forModel(json: IDataObject): IDataObject {
	const shaped: IDataObject = {};
	for (const key of FIELDS_FOR_MODEL) {
		if (isScalar(json[key])) shaped[key] = json[key];
	}
	const link = json.video_url ?? json.videoUrl;
	if (typeof link === 'string') shaped.video_url = link;
	const error = errorForModel(json.error);
	if (error) shaped.error = error;
	return shaped;
}

/** n8n hands a model only an item's JSON: the binary (a video it cannot watch) is left out here. */
export function toolItem(item: INodeExecutionData): INodeExecutionData {
	return { json: forModel(item.json), pairedItem: item.pairedItem };
}

const RETURNS =
	'Returns JSON: id, status, progress, seconds, size, model, expires_at and, when the provider gives one, video_url (a download link). Never the video file.';
const PAID_RENDER = 'Each call starts one paid render: call it once per video you need.';
const RENDER_TIME = 'Rendering takes one to several minutes.';
const MODELS =
	'Model: veo3.1-fast unless the user names another: veo3.1 (Google Veo), doubao-seedance-2-0 (Seedance, also from images), wan2.6, viduq3, happyhorse-1.0, omni-fast, sora-2 (Sora may be retired).';

type ToolText = { operation: OperationName; text: string; waits?: boolean };

/** What the model reads about the tool, per operation and, where it can wait, per wait setting. */
const TOOL_TEXTS: ToolText[] = [
	{
		operation: 'create',
		waits: true,
		text: `Makes a video from a text prompt and waits until it is finished. ${MODELS} ${PAID_RENDER} ${RENDER_TIME} A failed render returns an error with the reason. ${RETURNS}`,
	},
	{
		operation: 'create',
		waits: false,
		text: `Starts a video render from a text prompt and returns at once with status "queued". ${MODELS} ${PAID_RENDER} ${RENDER_TIME} Check it later by its id with a tool that retrieves videos. ${RETURNS}`,
	},
	{
		operation: 'remix',
		waits: true,
		text: `Changes a finished Sora 2 video (by its id; other models cannot be remixed) with a new prompt and waits until the new video is finished. ${PAID_RENDER} ${RENDER_TIME} ${RETURNS}`,
	},
	{
		operation: 'remix',
		waits: false,
		text: `Starts a remix of a finished Sora 2 video (by its id; other models cannot be remixed) with a new prompt and returns at once with status "queued". ${PAID_RENDER} ${RENDER_TIME} ${RETURNS}`,
	},
	{
		operation: 'retrieve',
		waits: true,
		text: `Waits until a video (by its id) is finished, then returns it. Starts no paid work. Can take minutes while the video renders. ${RETURNS}`,
	},
	{
		operation: 'retrieve',
		waits: false,
		text: `Checks a video's status once, by its id, and returns at once. Starts no paid work. status is queued, in_progress, completed or failed (some models write SUBMITTED, IN_PROGRESS, SUCCESS, FAILED); progress runs from 0 to 100. ${RETURNS}`,
	},
	{
		operation: 'download',
		text: "Downloads a finished video's file (by its id) into the workflow. Starts no paid work. The file is not passed to you: returns id, variant and fileSize.",
	},
	{
		operation: 'list',
		text: 'Lists your videos, newest first. Starts no paid work. Returns for each video: id, status, progress, seconds, size, model and expires_at.',
	},
	{
		operation: 'delete',
		text: 'Deletes a video and its files, by its id. This cannot be undone. Returns id and deleted.',
	},
	{
		operation: 'chat',
		text: 'Makes a video with Sora in one chat-format request from a text prompt; ask for the duration in the prompt. Each call starts one paid render and takes minutes. Returns id, model and video_url (a link to the MP4). Never the video file.',
	},
];

function toolDescriptionField({ operation, text, waits }: ToolText): INodeProperties {
	const show = { '@tool': [true], operation: [operation] };
	let displayOptions: INodeProperties['displayOptions'] = { show };
	if (waits === true) displayOptions = { show: { ...show, waitForCompletion: [true] } };
	if (waits === false) displayOptions = { show, hide: { waitForCompletion: [true] } };
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 3 },
		default: text,
		description:
			"What the AI Agent's model reads about this tool: what it does, how long it takes, what it costs and what it returns",
		displayOptions,
	};
}

/**
 * Only on the tool. With a `toolDescription` of its own, n8n adds no "Set Automatically"
 * description, which would tell the model no more than "Create a video in Sora Video".
 */
export const toolDescriptionFields: INodeProperties[] = TOOL_TEXTS.map(toolDescriptionField);
