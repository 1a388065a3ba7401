import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { listModels } from '../../transport/models';
import type { ListedModel, VideoModel } from '../../utils/models';
import { FIRST_MODELS, VIDEO_MODELS, isVideoModel, modelNamed } from '../../utils/models';

const asOption = ({ label, name, description }: VideoModel): INodePropertyOptions => ({
	name: label,
	value: name,
	description,
});

/** The account's other video models, each once, alphabetically, after the models the node knows. */
function otherVideoModels(listed: ListedModel[], known: VideoModel[]): INodePropertyOptions[] {
	const knownNames = new Set(known.map((model) => model.name));
	const others = new Set(
		listed
			.filter(isVideoModel)
			.map((model) => model.id.trim())
			.filter((id) => !knownNames.has(modelNamed(id)?.name ?? id)),
	);
	return [...others]
		.sort((a, b) => a.localeCompare(b))
		.map((id) => ({ name: id, value: id, description: 'Listed by your CometAPI account' }));
}

/**
 * Create's model list: the models the node's version knows, by family (the Sora models first),
 * then the other video models the credential's account lists today. Without an answer (no
 * credential, a network error, a relay without `/v1/models`) it is the known models alone.
 */
export async function videoModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const known = this.getNode().typeVersion >= 3 ? VIDEO_MODELS : FIRST_MODELS;
	let listed: ListedModel[];
	try {
		listed = await listModels(this);
	} catch {
		listed = [];
	}
	return [...known.map(asOption), ...otherVideoModels(listed, known)];
}
