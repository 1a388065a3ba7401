import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

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
