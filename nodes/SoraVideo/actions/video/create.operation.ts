import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Session } from '../../transport/session';
import type { MultipartBody } from '../../transport/multipart';
import { encodeMultipart } from '../../transport/multipart';
import { createVideo } from '../../transport/videos';
import { inputError } from '../../utils/errors';
import { imageSizeOf } from '../../utils/media';
import type { Shot } from '../../utils/storyboard';
import { storyboardPrompt, totalDuration } from '../../utils/storyboard';
import {
	checkedChoice,
	checkedSeconds,
	checkedSize,
	checkedUrl,
	requiredText,
} from '../../utils/validation';
import { finishJob } from '../job/finish';
import type { JobRequest } from '../job/reconcile';
import { resendAllowed, startJob } from '../job/reconcile';
import { withServedModel } from '../job/served-models';
import type { ReferenceImage, ReferenceSources } from '../job/reference';
import {
	checkReferenceBinary,
	readReferences,
	referenceSources,
	sizeForReference,
} from '../job/reference';
import type { WaitSettings } from '../job/wait-settings';
import { readOptions, readWaitSettings } from '../job/wait-settings';

export { description, option } from './create.description';

export const setsRequestLimits = true;

export interface CreateInput {
	fields: Record<string, string>;
	/** Read when the create runs, so a batch never holds every image at once. */
	references: ReferenceSources;
	wait?: WaitSettings;
	resend: boolean;
}

function readShots(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): Shot[] {
	const rows = ((options.storyboard as IDataObject | undefined)?.shots ?? []) as IDataObject[];
	return rows.map((row, index) => {
		const field = `options.storyboard.shots[${index}]`;
		const duration = Number(row.duration);
		if (!Number.isFinite(duration) || duration <= 0) {
			throw inputError(
				ctx,
				itemIndex,
				`${field}.duration`,
				`${String(row.duration)} is not a positive duration`,
			);
		}
		return { duration, scene: requiredText(ctx, itemIndex, `${field}.scene`, row.scene) };
	});
}

function checkStoryboardLength(
	ctx: IExecuteFunctions,
	itemIndex: number,
	shots: Shot[],
	seconds?: string,
) {
	if (!shots.length || seconds === undefined) return;
	const total = totalDuration(shots);
	if (Math.abs(total - Number(seconds)) > 0.01) {
		throw inputError(
			ctx,
			itemIndex,
			'options.storyboard',
			`the shots add up to ${Number(total.toFixed(3))} s but the duration is ${seconds} s`,
			'Make the shot durations add up to the chosen duration.',
		);
	}
}

function readCharacter(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject) {
	const fields: Record<string, string> = {};
	const url = checkedUrl(ctx, itemIndex, 'options.characterUrl', options.characterUrl);
	if (url) fields.character_url = url;
	const timestamps = String(options.characterTimestamps ?? '').replace(/\s+/g, '');
	if (timestamps) {
		const match = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(timestamps);
		if (!match || Number(match[1]) >= Number(match[2])) {
			throw inputError(
				ctx,
				itemIndex,
				'options.characterTimestamps',
				`"${timestamps}" is not "start,end" in seconds with start before end`,
			);
		}
		fields.character_timestamps = timestamps;
	}
	return fields;
}

/** The multipart text fields of a create, each checked against the model where the catalogue knows it. */
function frameFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: string,
): Record<string, string | undefined> {
	const read = (name: string) => ctx.getNodeParameter(name, itemIndex, '');
	return {
		resolution: checkedChoice(
			ctx,
			itemIndex,
			'resolution',
			model,
			(m) => m.resolutions,
			read('resolution'),
		),
		aspect_ratio: checkedChoice(
			ctx,
			itemIndex,
			'aspectRatio',
			model,
			(m) => m.aspectRatios,
			read('aspectRatio'),
		),
	};
}

const present = (fields: Record<string, string | undefined>) =>
	Object.fromEntries(Object.entries(fields).filter(([, value]) => value)) as Record<string, string>;

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<CreateInput> {
	const model = requiredText(this, itemIndex, 'model', this.getNodeParameter('model', itemIndex));
	const options = readOptions(this, itemIndex);
	const shots = readShots(this, itemIndex, options);
	const prompt = shots.length
		? storyboardPrompt(shots)
		: requiredText(this, itemIndex, 'prompt', this.getNodeParameter('prompt', itemIndex, ''));
	const seconds = checkedSeconds(
		this,
		itemIndex,
		model,
		this.getNodeParameter('seconds', itemIndex, ''),
	);
	checkStoryboardLength(this, itemIndex, shots, seconds);
	const size = checkedSize(this, itemIndex, model, this.getNodeParameter('size', itemIndex, ''));
	const references = referenceSources(this, itemIndex, model, options);
	const imageSizes = [];
	for (const field of references.binaryFields) {
		imageSizes.push(await checkReferenceBinary(this, itemIndex, field));
	}
	return {
		fields: present({
			model,
			prompt,
			...readCharacter(this, itemIndex, options),
			seconds,
			size: sizeForReference(this, itemIndex, model, size, onlyOne(imageSizes)),
			...frameFields(this, itemIndex, model),
		}),
		references,
		wait: readWaitSettings(this, itemIndex),
		resend: resendAllowed(this, itemIndex),
	};
}

/** A Size follows the reference image only where there is exactly one. */
const onlyOne = <T>(values: T[]): T | undefined => (values.length === 1 ? values[0] : undefined);

/**
 * The form of a create. A reference from a URL is fetched only now, so its size is checked here,
 * still before the paid request is sent.
 */
function createForm(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: Record<string, string>,
	images: ReferenceImage[],
): MultipartBody {
	const size = sizeForReference(
		ctx,
		itemIndex,
		fields.model,
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

export async function execute(
	this: IExecuteFunctions,
	input: CreateInput,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const buildForm = async () =>
		createForm(
			this,
			itemIndex,
			input.fields,
			await readReferences(this, session, itemIndex, input.references),
		);
	const { fields } = input;
	const request: JobRequest = {
		kind: 'create',
		prompt: fields.prompt,
		model: fields.model,
		seconds: fields.seconds,
		size: fields.size,
	};
	const { video, recovered } = await withServedModel(
		this,
		session,
		fields.model,
		itemIndex,
		async () =>
			await startJob(
				this,
				session,
				request,
				async () => await createVideo(this, session, buildForm, itemIndex),
				itemIndex,
				input.resend,
			),
	);
	return await finishJob(this, session, video, input.wait, itemIndex, recovered);
}
