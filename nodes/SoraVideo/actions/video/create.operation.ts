import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { MultipartBody } from '../../transport/multipart';
import { encodeMultipart } from '../../transport/multipart';
import type { InputScope } from '../../transport/scope';
import { createVideo } from '../../transport/videos';
import { imageSizeOf } from '../../utils/media';
import type { VideoModel } from '../../utils/models';
import { FIRST_MODELS, modelNamed } from '../../utils/models';
import type { Shot } from '../../utils/storyboard';
import { storyboardPrompt, totalDuration } from '../../utils/storyboard';
import {
	checkedChoice,
	checkedPixelSize,
	checkedSeconds,
	checkedSize,
	checkedUrl,
	requiredText,
} from '../../utils/validation';
import { finishJob } from '../job/finish';
import type { JobRequest } from '../job/lost-job';
import type { ReferenceImage, ReferenceSources } from '../job/reference';
import {
	checkReferenceBinary,
	readReferences,
	referenceSources,
	sizeForReference,
} from '../job/reference';
import { withServedModel } from '../job/served-models';
import { resendAllowed, startJob } from '../job/start';
import type { RunItem } from '../run/item';
import type { WaitSettings } from '../run/limits';
import { readWaitSettings } from '../run/limits';
import { TOOL_WORDS } from './fields';

export { description, option } from './create.description';

const MODELS =
	'Model: veo3.1-fast unless the user names another: veo3.1 (Google Veo), doubao-seedance-2-0 (Seedance, also from images), wan2.6, viduq3, happyhorse-1.0, omni-fast, sora-2 (Sora may be retired).';
const { paidRender, renderTime, returns } = TOOL_WORDS;

export const toolTexts = {
	waits: `Makes a video from a text prompt and waits until it is finished. ${MODELS} ${paidRender} ${renderTime} A failed render returns an error with the reason. ${returns}`,
	returnsAtOnce: `Starts a video render from a text prompt and returns at once with status "queued". ${MODELS} ${paidRender} ${renderTime} Check it later by its id with a tool that retrieves videos. ${returns}`,
};

export interface CreateInput {
	fields: Record<string, string>;
	/** Read when the create runs, so a batch never holds every image at once. */
	references: ReferenceSources;
	wait?: WaitSettings;
	resend: boolean;
}

/**
 * What each node version checks. Versions 1 and 2 keep 0.2.0's checks, so saved workflows run as
 * before: the Sora models' durations, a Size in WIDTHxHEIGHT form, a reference image at the Size
 * for any model. Version 3 checks every model of the catalogue against what it takes, and passes
 * a model it does not know unchecked.
 */
interface Rules {
	model(name: string): VideoModel | undefined;
	size(scope: InputScope, model: VideoModel | undefined, value: unknown): string | undefined;
	unknownReferenceMatchesSize: boolean;
}

const FIRST_RULES: Rules = {
	model: (name) => FIRST_MODELS.find((model) => model.name === name.trim().toLowerCase()),
	size: (scope, _model, value) => checkedPixelSize(scope, value),
	unknownReferenceMatchesSize: true,
};

const CURRENT_RULES: Rules = {
	model: modelNamed,
	size: checkedSize,
	unknownReferenceMatchesSize: false,
};

const rulesOf = (scope: InputScope) =>
	scope.ctx.getNode().typeVersion >= 3 ? CURRENT_RULES : FIRST_RULES;

function readShots(scope: InputScope, options: IDataObject): Shot[] {
	const rows = ((options.storyboard as IDataObject | undefined)?.shots ?? []) as IDataObject[];
	return rows.map((row, index) => {
		const path = `options.storyboard.shots[${index}]`;
		const duration = Number(row.duration);
		if (!Number.isFinite(duration) || duration <= 0) {
			throw scope.badInput(
				`${path}.duration`,
				`${String(row.duration)} is not a positive duration`,
			);
		}
		return { duration, scene: requiredText(scope, `${path}.scene`, row.scene) };
	});
}

function checkStoryboardLength(scope: InputScope, shots: Shot[], seconds?: string) {
	if (!shots.length || seconds === undefined) return;
	const total = totalDuration(shots);
	if (Math.abs(total - Number(seconds)) > 0.01) {
		throw scope.badInput(
			'options.storyboard',
			`the shots add up to ${Number(total.toFixed(3))} s but the duration is ${seconds} s`,
			'Make the shot durations add up to the chosen duration.',
		);
	}
}

function readCharacter(scope: InputScope, options: IDataObject) {
	const fields: Record<string, string> = {};
	const url = checkedUrl(scope, 'options.characterUrl', options.characterUrl);
	if (url) fields.character_url = url;
	const timestamps = String(options.characterTimestamps ?? '').replace(/\s+/g, '');
	if (timestamps) {
		const match = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(timestamps);
		if (!match || Number(match[1]) >= Number(match[2])) {
			throw scope.badInput(
				'options.characterTimestamps',
				`"${timestamps}" is not "start,end" in seconds with start before end`,
			);
		}
		fields.character_timestamps = timestamps;
	}
	return fields;
}

const present = (fields: Record<string, string | undefined>) =>
	Object.fromEntries(Object.entries(fields).filter(([, value]) => value)) as Record<string, string>;

/** A Size follows the reference image only where there is exactly one. */
const onlyOne = <T>(values: T[]): T | undefined => (values.length === 1 ? values[0] : undefined);

export async function parse(scope: InputScope): Promise<CreateInput> {
	const rules = rulesOf(scope);
	const name = requiredText(scope, 'model', scope.parameter('model'));
	const model = rules.model(name);
	const options = scope.options();
	const shots = readShots(scope, options);
	const prompt = shots.length
		? storyboardPrompt(shots)
		: requiredText(scope, 'prompt', scope.parameter('prompt', ''));
	const seconds = checkedSeconds(scope, name, model, scope.parameter('seconds', ''));
	checkStoryboardLength(scope, shots, seconds);
	const size = rules.size(scope, model, scope.parameter('size', ''));
	const references = referenceSources(scope, model, options);
	const imageSizes = [];
	for (const field of references.binaryFields) {
		imageSizes.push(await checkReferenceBinary(scope, field));
	}
	const choice = (path: string, of: (m: VideoModel) => VideoModel['resolutions']) =>
		checkedChoice(scope, path, model, of, scope.parameter(path, ''));
	return {
		fields: present({
			model: name,
			prompt,
			...readCharacter(scope, options),
			seconds,
			size: sizeForReference(
				scope,
				name,
				model,
				rules.unknownReferenceMatchesSize,
				size,
				onlyOne(imageSizes),
			),
			resolution: choice('resolution', (m) => m.resolutions),
			aspect_ratio: choice('aspectRatio', (m) => m.aspectRatios),
		}),
		references,
		wait: readWaitSettings(scope),
		resend: resendAllowed(scope),
	};
}

/**
 * The form of a create. A reference from a URL is fetched only now, so its size is checked here,
 * still before the paid request is sent.
 */
function createForm(
	scope: RunItem,
	fields: Record<string, string>,
	images: ReferenceImage[],
): MultipartBody {
	const rules = rulesOf(scope);
	const size = sizeForReference(
		scope,
		fields.model,
		rules.model(fields.model),
		rules.unknownReferenceMatchesSize,
		fields.size,
		onlyOne(images.map((image) => imageSizeOf(image.bytes))),
	);
	const files = images.map((image) => ({
		name: 'input_reference',
		fileName: image.fileName,
		mimeType: image.mimeType,
		bytes: image.bytes,
	}));
	return encodeMultipart(size ? { ...fields, size } : fields, files);
}

export async function execute(scope: RunItem, input: CreateInput): Promise<INodeExecutionData[]> {
	const { fields } = input;
	const buildForm = async () =>
		createForm(scope, fields, await readReferences(scope, input.references));
	const request: JobRequest = {
		kind: 'create',
		prompt: fields.prompt,
		model: fields.model,
		seconds: fields.seconds,
		size: fields.size,
	};
	const { video, recovered } = await withServedModel(
		scope,
		fields.model,
		async () =>
			await startJob(scope, request, async () => await createVideo(scope, buildForm), input.resend),
	);
	return await finishJob(scope, video, input.wait, recovered);
}
