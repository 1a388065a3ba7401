import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { collectStream, fetchBytes } from '../../transport/download';
import type { InputScope, ItemScope } from '../../transport/scope';
import type { PixelSize } from '../../utils/media';
import { IMAGE_EXTENSIONS, sizeText, sniffImageType, imageSizeOf } from '../../utils/media';
import type { VideoModel } from '../../utils/models';
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

function inputBinary(scope: InputScope, propertyName: string): IBinaryData {
	const binaries = scope.ctx.getInputData()[scope.itemIndex]?.binary ?? {};
	const binary = binaries[propertyName];
	if (binary) return binary;
	const present = Object.keys(binaries);
	throw scope.badInput(
		BINARY_FIELD,
		`the input item has no binary field "${propertyName}"`,
		present.length
			? `Binary fields on this item: ${present.join(', ')}.`
			: 'This item carries no binary data: read or download the image in an earlier node.',
	);
}

/**
 * The first `limit` bytes of a binary and more, streamed from n8n's binary store; a host that keeps
 * binaries in memory (n8n 1.x's default mode) hands them over through its own helper.
 */
async function readBinary(
	scope: InputScope,
	propertyName: string,
	binary: IBinaryData,
	limit: number,
): Promise<Buffer> {
	const { helpers } = scope.ctx;
	if (binary.id) return await collectStream(await helpers.getBinaryStream(binary.id), limit);
	const bytes = await helpers.getBinaryDataBuffer(scope.itemIndex, propertyName);
	return bytes.subarray(0, limit + 1);
}

function imageTypeOf(
	scope: InputScope,
	propertyName: string,
	binary: IBinaryData,
	bytes: Buffer,
): string {
	const mimeType = sniffImageType(bytes);
	if (mimeType) return mimeType;
	throw scope.badInput(
		BINARY_FIELD,
		`"${propertyName}" is not an image (${binary.mimeType || 'unknown type'})`,
		'Use a PNG, JPEG, WebP or GIF image, ideally the same size as the video.',
	);
}

const tooLarge = (scope: InputScope, path: string) =>
	scope.badInput(path, 'the reference image is larger than 50 MB');

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
	scope: InputScope,
	propertyName: string,
): Promise<PixelSize | undefined> {
	const binary = inputBinary(scope, propertyName);
	if (typeof binary.bytes === 'number' && binary.bytes > MAX_REFERENCE_IMAGE_BYTES) {
		throw tooLarge(scope, BINARY_FIELD);
	}
	const head = await readBinary(scope, propertyName, binary, HEAD_BYTES);
	imageTypeOf(scope, propertyName, binary, head);
	const size = imageSizeOf(head);
	if (size || head.length <= HEAD_BYTES) return size;
	return imageSizeOf(await readBinary(scope, propertyName, binary, MAX_REFERENCE_IMAGE_BYTES));
}

const RESIZE_HINT =
	"The API takes a reference image only at exactly the video's size. Resize it first, e.g. with n8n's Edit Image node (operation Resize, option Ignore Aspect Ratio)";

/**
 * The Size to send with a reference image, for models that take one only at the video's size:
 * Size itself when the image has it; when Size is empty, the image's size if the model offers it.
 * Every mismatch fails here, before the paid request. `model` is the catalogue's entry;
 * `unknownMustMatch` holds a model it does not know to the same rule (node versions 1 and 2), or
 * sends its Size as given.
 */
export function sizeForReference(
	scope: InputScope,
	modelName: string,
	model: VideoModel | undefined,
	unknownMustMatch: boolean,
	size: string | undefined,
	image: PixelSize | undefined,
): string | undefined {
	const mustMatch = model ? model.referenceMatchesSize : unknownMustMatch;
	if (!image || (model && !mustMatch)) return size;
	const imageSize = sizeText(image);
	if (size === imageSize || (size && !mustMatch)) return size;
	const sizeLabel = scope.label('size');
	if (size) {
		throw scope.badInput(
			'size',
			`the reference image is ${imageSize} but ${sizeLabel} is ${size}`,
			`${RESIZE_HINT} to ${size}, or set ${sizeLabel} to ${imageSize} if the model offers it.`,
		);
	}
	const offered = model?.sizes?.values;
	if (!offered || offered.includes(imageSize)) return imageSize;
	throw scope.badInput(
		'size',
		`${sizeLabel} is empty and the reference image is ${imageSize}, which ${modelName} does not offer`,
		`${RESIZE_HINT} to one of ${offered.join(', ')}, and set ${sizeLabel} to it.`,
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
	scope: InputScope,
	model: VideoModel | undefined,
	options: IDataObject,
): ReferenceSources {
	const binaryFields = listed(options.referenceImageBinaryProperty, /,/);
	const urls = listed(options.referenceImageUrl, /\r?\n/).map(
		(url) => checkedUrl(scope, URL_FIELD, url) as string,
	);
	if (binaryFields.length && urls.length) {
		throw scope.badInput(URL_FIELD, 'give one reference image: a binary field or a URL, not both');
	}
	const count = binaryFields.length + urls.length;
	if (model && count > model.maxReferences) {
		throw scope.badInput(
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

async function readReferenceBinary(
	scope: InputScope,
	propertyName: string,
): Promise<ReferenceImage> {
	const binary = inputBinary(scope, propertyName);
	const bytes = await readBinary(scope, propertyName, binary, MAX_REFERENCE_IMAGE_BYTES);
	if (bytes.length > MAX_REFERENCE_IMAGE_BYTES) throw tooLarge(scope, BINARY_FIELD);
	const mimeType = imageTypeOf(scope, propertyName, binary, bytes);
	return referenceImage(bytes, binary.fileName, mimeType);
}

/** Fetches a reference image from a URL, never sending the API key to another host. */
async function fetchReferenceImage(scope: ItemScope, url: string): Promise<ReferenceImage> {
	const { bytes, contentType } = await fetchBytes(
		scope,
		{
			method: 'GET',
			url,
			action: 'Fetch reference image',
			words: {
				notFound: 'Check the Reference Image URL.',
				link: 'The image host refused the URL: check that it is public and still valid.',
			},
		},
		MAX_REFERENCE_IMAGE_BYTES,
	);
	if (bytes.length > MAX_REFERENCE_IMAGE_BYTES) throw tooLarge(scope, URL_FIELD);
	const mimeType = sniffImageType(bytes);
	if (!mimeType) {
		throw scope.badInput(URL_FIELD, `${url} is not an image (${contentType || 'unknown type'})`);
	}
	return referenceImage(bytes, new URL(url).pathname.split('/').pop(), mimeType);
}

/** Every reference image of an item, in upload order, read once its paid request's turn has come. */
export async function readReferences(
	scope: ItemScope,
	sources: ReferenceSources,
): Promise<ReferenceImage[]> {
	const images: ReferenceImage[] = [];
	for (const url of sources.urls) images.push(await fetchReferenceImage(scope, url));
	for (const field of sources.binaryFields) images.push(await readReferenceBinary(scope, field));
	return images;
}
