import type { IDataObject } from 'n8n-workflow';

import type { InputScope } from '../../transport/scope';

/** n8n's limits on one execution's custom data: it logs an error for values over 255 characters, and takes keys of 50. */
const VALUE_LIMIT = 255;
const KEY_LIMIT = 50;

interface CustomData {
	get(key: string): unknown;
	set(key: string, value: string): void;
}

function customDataOf(scope: InputScope): CustomData | undefined {
	const execution = scope.ctx.getWorkflowDataProxy(scope.itemIndex).$execution as
		| IDataObject
		| undefined;
	return execution?.customData as CustomData | undefined;
}

/** `Create_video_jobs`: custom data keys take letters, digits and underscores only. */
function keyOf(nodeName: string, part: number): string {
	const suffix = part ? `_jobs_${part + 1}` : '_jobs';
	return nodeName.replace(/[^\p{L}\p{N}_]/gu, '_').slice(0, KEY_LIMIT - suffix.length) + suffix;
}

/**
 * Notes a job the node is about to wait for in the execution's custom data. A stopped execution
 * (the Stop button, the workflow's timeout) is saved as it was at that moment, without anything
 * the node returns or throws afterwards; its custom data is saved with it, so every job already
 * paid for stays named there ("#2 video_abc …", one entry per item).
 */
export function recordJob(scope: InputScope, videoId: string): void {
	const entry = `#${scope.itemIndex} ${videoId}`;
	let customData: CustomData | undefined;
	try {
		customData = customDataOf(scope);
	} catch {
		// a host without custom data (or a context without an execution) has nowhere to keep it
		return;
	}
	if (!customData) return;
	const name = scope.ctx.getNode().name;
	for (let part = 0; part < 10; part++) {
		const key = keyOf(name, part);
		const current = String(customData.get(key) ?? '');
		if (current.split(', ').includes(entry)) return;
		const value = current ? `${current}, ${entry}` : entry;
		if (value.length <= VALUE_LIMIT) {
			try {
				customData.set(key, value);
			} catch {
				// n8n refuses more than ten custom data keys per execution: the error or output still names the job
			}
			return;
		}
	}
}
