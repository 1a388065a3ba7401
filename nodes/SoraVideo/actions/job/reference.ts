import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

import { collectStream, fetchBytes } from '../../transport/download';
import type { Session } from '../../transport/session';
import { inputError } from '../../utils/errors';
import type { PixelSize } from '../../utils/media';
import { IMAGE_EXTENSIONS, imageSizeOf, sizeText, sniffImageType } from '../../utils/media';
import { modelNamed } from '../../utils/models';
import { checkedUrl } from '../../utils/validation';

export interface ReferenceImage {
	bytes: Buffer;
	fileName: string;
	mimeType: string;
}

const MAX_REFERENCE_IMAGE_BYTES = 50 * 1024 * 1024;
/** Enough of a file to tell its type (and an image's header) without reading all of it. */
const HEAD_BYTES = 64 * 1024;
const BINARY_FIELD = 'options.referenceImageBinaryProperty';
const URL_FIELD = 'options.referenceImageUrl';

function inputBinary(ctx: IExecuteFunctions, itemIndex: number, propertyName: string): IBinaryData {
	const binaries = ctx.getInputData()[itemIndex]?.binary ?? {};
	const binary = binaries[propertyName];
	if (binary) return binary;
	const present = Object.keys(binaries);
	throw inputError(
		ctx,
		itemIndex,
		BINARY_FIELD,
		`the input item has no binary field "${propertyName}"`,
		present.length
			? `Binary fields on this item: ${present.join(', ')}.`
			: 'This item carries no binary data: read or download the image in an earlier node.',
	);
}

/** The whole binary, or its first `limit` bytes and more, from n8n's binary store as a stream where it has an id. */
async function readBinary(ctx: IExecuteFunctions, binary: IBinaryData, limit: number) {
	if (binary.id) return await collectStream(await ctx.helpers.getBinaryStream(binary.id), limit);
	// 4 base64 characters hold 3 bytes
	return Buffer.from(binary.data.slice(0, Math.ceil((limit + 1) / 3) * 4), BINARY_ENCODING);
}

function imageTypeOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	binary: IBinaryData,
	bytes: Buffer,
): string {
	const mimeType = sniffImageType(bytes);
	if (mimeType) return mimeType;
	throw inputError(
		ctx,
		itemIndex,
		BINARY_FIELD,
		`"${propertyName}" is not an image (${binary.mimeType || 'unknown type'})`,
		'Use a PNG, JPEG, WebP or GIF image, ideally the same size as the video.',
	);
}

function tooLarge(ctx: IExecuteFunctions, itemIndex: number, field: string) {
	return inputError(ctx, itemIndex, field, 'the reference image is larger than 50 MB');
}

function referenceImage(
	bytes: Buffer,
	fileName: string | undefined,
	mimeType: string,
): ReferenceImage {
	const name =
		fileName && /\.\w+$/.test(fileName) ? fileName : `reference.${IMAGE_EXTENSIONS[mimeType]}`;
	return { bytes, fileName: name, mimeType };
}

/**
 * Checks an item's reference image before anything is paid for, from its leading bytes only: the
 * whole file is read when the item's create runs, so a batch never holds every image at once.
 * Gives its pixel size where the header tells it (a JPEG's frame header may follow large
 * metadata: then the file is read further).
 */
export async function checkReferenceBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<PixelSize | undefined> {
	const binary = inputBinary(ctx, itemIndex, propertyName);
	if (typeof binary.bytes === 'number' && binary.bytes > MAX_REFERENCE_IMAGE_BYTES) {
		throw tooLarge(ctx, itemIndex, BINARY_FIELD);
	}
	const head = await readBinary(ctx, binary, HEAD_BYTES);
	imageTypeOf(ctx, itemIndex, propertyName, binary, head);
	const size = imageSizeOf(head);
	if (size || head.length <= HEAD_BYTES) return size;
	return imageSizeOf(await readBinary(ctx, binary, MAX_REFERENCE_IMAGE_BYTES));
}

const RESIZE_HINT =
	"The API takes a reference image only at exactly the video's size. Resize it first, e.g. with n8n's Edit Image node (operation Resize, option Ignore Aspect Ratio)";

/**
 * The Size to send with a reference image, for the models that take one only at the video's size
 * (Sora): Size itself when the image has it; when Size is empty, the image's size if the model
 * offers it. Every mismatch fails here, before the paid request. A model the catalogue does not
 * know gets the image's size when Size is empty, and Size as given otherwise.
 */
export function sizeForReference(
	ctx: IExecuteFunctions,
	itemIndex: number,
	modelName: string,
	size: string | undefined,
	image: PixelSize | undefined,
): string | undefined {
	const model = modelNamed(modelName);
	if (!image || (model && !model.referenceMatchesSize)) return size;
	const imageSize = sizeText(image);
	if (size === imageSize || (size && !model)) return size;
	if (size) {
		throw inputError(
			ctx,
			itemIndex,
			'size',
			`the reference image is ${imageSize} but Size is ${size}`,
			`${RESIZE_HINT} to ${size}, or set Size to ${imageSize} if the model offers it.`,
		);
	}
	const offered = model?.sizes?.values;
	if (!offered || offered.includes(imageSize)) return imageSize;
	throw inputError(
		ctx,
		itemIndex,
		'size',
		`Size is empty and the reference image is ${imageSize}, which ${modelName} does not offer`,
		`${RESIZE_HINT} to one of ${offered.join(', ')}, and set Size to it.`,
	);
}

/** Where an item's reference images come from, in upload order. */
export interface ReferenceSources {
	binaryFields: string[];
	urls: string[];
}

const listed = (value: unknown, separator: RegExp) =>
	String(value ?? '')
		.split(separator)
		.map((part) => part.trim())
		.filter(Boolean);

/**
 * The item's reference images: input binary fields (comma-separated) or URLs (one per line), as
 * many as the model takes. Checked before anything is paid for.
 */
export function referenceSources(
	ctx: IExecuteFunctions,
	itemIndex: number,
	modelName: string,
	options: IDataObject,
): ReferenceSources {
	const binaryFields = listed(options.referenceImageBinaryProperty, /,/);
	const urls = listed(options.referenceImageUrl, /\r?\n/).map(
		(url) => checkedUrl(ctx, itemIndex, URL_FIELD, url) as string,
	);
	if (binaryFields.length && urls.length) {
		throw inputError(
			ctx,
			itemIndex,
			URL_FIELD,
			'give one reference image: a binary field or a URL, not both',
		);
	}
	const count = binaryFields.length + urls.length;
	const model = modelNamed(modelName);
	if (model && count > model.maxReferences) {
		throw inputError(
			ctx,
			itemIndex,
			binaryFields.length ? BINARY_FIELD : URL_FIELD,
			model.maxReferences
				? `${model.name} takes at most ${model.maxReferences} reference ${model.maxReferences === 1 ? 'image' : 'images'}, not ${count}`
				: `${model.name} makes videos from text only and takes no reference image`,
			model.maxReferences
				? undefined
				: 'Remove the reference image, or choose a model that takes one.',
		);
	}
	return { binaryFields, urls };
}

export async function readReferenceBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<ReferenceImage> {
	const binary = inputBinary(ctx, itemIndex, propertyName);
	const bytes = await readBinary(ctx, binary, MAX_REFERENCE_IMAGE_BYTES);
	if (bytes.length > MAX_REFERENCE_IMAGE_BYTES) throw tooLarge(ctx, itemIndex, BINARY_FIELD);
	const mimeType = imageTypeOf(ctx, itemIndex, propertyName, binary, bytes);
	return referenceImage(bytes, binary.fileName, mimeType);
}

/** Fetches a reference image from a URL, never sending the API key to another host. */
export async function fetchReferenceImage(
	ctx: IExecuteFunctions,
	session: Session,
	itemIndex: number,
	url: string,
): Promise<ReferenceImage> {
	const { bytes, contentType } = await fetchBytes(
		ctx,
		session,
		{ method: 'GET', url, action: 'Fetch reference image', itemIndex },
		MAX_REFERENCE_IMAGE_BYTES,
	);
	if (bytes.length > MAX_REFERENCE_IMAGE_BYTES) throw tooLarge(ctx, itemIndex, URL_FIELD);
	const mimeType = sniffImageType(bytes);
	if (!mimeType) {
		throw inputError(
			ctx,
			itemIndex,
			URL_FIELD,
			`${url} is not an image (${contentType || 'unknown type'})`,
		);
	}
	return referenceImage(bytes, new URL(url).pathname.split('/').pop(), mimeType);
}

/** Every reference image of an item, in upload order, read once its paid request's turn has come. */
export async function readReferences(
	ctx: IExecuteFunctions,
	session: Session,
	itemIndex: number,
	sources: ReferenceSources,
): Promise<ReferenceImage[]> {
	const images: ReferenceImage[] = [];
	for (const url of sources.urls)
		images.push(await fetchReferenceImage(ctx, session, itemIndex, url));
	for (const field of sources.binaryFields)
		images.push(await readReferenceBinary(ctx, itemIndex, field));
	return images;
}
