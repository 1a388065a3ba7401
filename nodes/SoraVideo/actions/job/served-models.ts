import { isModelUnavailableError } from '../../transport';
import type { Session } from '../../transport/session';
import { VIDEO_MODELS, isVideoModel } from '../../utils/models';
import type { RunItem } from '../run/item';

const SHOWN_MODELS = 30;

/** The video models the account lists, the ones the node knows first; undefined when the list cannot be read. */
async function servedVideoModels(session: Session): Promise<string[] | undefined> {
	let ids: string[];
	try {
		ids = (await session.listedModels()).filter(isVideoModel).map((model) => model.id.trim());
	} catch {
		return undefined;
	}
	const rank = (id: string) => {
		const index = VIDEO_MODELS.findIndex((model) => model.name === id.toLowerCase());
		return index < 0 ? VIDEO_MODELS.length : index;
	};
	return [...new Set(ids)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

async function unavailableModelError(scope: RunItem, model: string, answer: Error) {
	const served = await servedVideoModels(scope.session);
	const more = served && served.length > SHOWN_MODELS ? ', …' : '';
	const choices = !served
		? 'The list of models this account serves could not be read (GET /v1/models).'
		: served.length
			? `Video models it serves: ${served.slice(0, SHOWN_MODELS).join(', ')}${more}. Choose one of them as Model.`
			: 'It lists no video models.';
	return scope.fail(
		`The model ${model} is not served by this CometAPI account or relay (${answer.message})`,
		{ description: `Nothing was started and nothing was paid for. ${choices}` },
	);
}

/**
 * Runs a paid request for `model`. When the API answers that it serves no such model (a retired
 * Sora model, say), the item fails at once, naming the model and the video models the account does
 * serve: nothing was started, so nothing is paid or sent again.
 */
export async function withServedModel<T>(
	scope: RunItem,
	model: string,
	request: () => Promise<T>,
): Promise<T> {
	const outcome = await request().then(
		(value) => ({ value }),
		(error: Error) => ({ error }),
	);
	if ('value' in outcome) return outcome.value;
	if (!isModelUnavailableError(outcome.error)) throw outcome.error;
	throw await unavailableModelError(scope, model, outcome.error);
}
