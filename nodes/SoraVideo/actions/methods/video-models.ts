import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { listModels } from '../../transport/models';
import { VIDEO_MODELS, modelNamed } from '../../utils/models';

/** Which listed models count as video models: the relays name them after Sora or video. */
const VIDEO_MODEL_ID = /sora|video/i;

const KNOWN_MODELS: INodePropertyOptions[] = VIDEO_MODELS.map(({ label, name, description }) => ({
	name: label,
	value: name,
	description,
}));

/** The account's other video models, each once, alphabetically, after the models the node knows. */
function otherVideoModels(ids: string[]): INodePropertyOptions[] {
	const others = new Set(
		ids.map((id) => id.trim()).filter((id) => VIDEO_MODEL_ID.test(id) && !modelNamed(id)),
	);
	return [...others]
		.sort((a, b) => a.localeCompare(b))
		.map((id) => ({ name: id, value: id, description: 'Listed by your CometAPI account' }));
}

/**
 * Create's model list: the four Sora 2 models first, then the video models the credential's
 * account lists today. Without an answer (no credential, a network error, a relay without
 * `/v1/models`) it is the four known models.
 */
export async function videoModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let ids: string[];
	try {
		ids = await listModels(this);
	} catch {
		ids = [];
	}
	return [...KNOWN_MODELS, ...otherVideoModels(ids)];
}
