import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { InputScope } from '../../transport/scope';
import type { Variant } from '../../transport/videos';
import { VARIANTS, fileNameOf } from '../../transport/videos';
import { requiredText } from '../../utils/validation';
import { downloadVideoById } from '../job/finish';
import type { RunItem } from '../run/item';
import { outputItem } from '../run/item';
import { binaryPropertyField, operationDescription, parseVideoId, videoIdField } from './fields';
import type { VideoOperation } from './node.type';

export const option: VideoOperation<DownloadInput>['option'] = {
	name: 'Download',
	value: 'download',
	action: 'Download a video',
	description: "Download a finished video's MP4, thumbnail or spritesheet",
};

/** Every file of a finished video has its entry in the File list. */
const VARIANT_LABELS: Record<Variant, string> = {
	video: 'Video (MP4)',
	thumbnail: 'Thumbnail (WebP)',
	spritesheet: 'Spritesheet (JPEG)',
};

const properties: INodeProperties[] = [
	videoIdField('The finished video to download: its ID from Create, Remix or Retrieve'),
	{
		displayName: 'File',
		name: 'variant',
		type: 'options',
		options: Object.entries(VARIANT_LABELS).map(([value, name]) => ({ name, value })),
		default: 'video',
		description: "Which of the finished video's files to download",
	},
	binaryPropertyField(),
];

export const description = operationDescription(option, properties);

export const toolTexts =
	"Downloads a finished video's file (by its id) into the workflow. Starts no paid work. The file is not passed to you: returns id, variant and fileSize.";

export interface DownloadInput {
	videoId: string;
	variant: Variant;
	binaryPropertyName: string;
}

export async function parse(scope: InputScope): Promise<DownloadInput> {
	const videoId = await parseVideoId(scope);
	const variant = String(scope.parameter('variant', 'video'));
	if (!(variant in VARIANTS)) {
		throw scope.badInput(
			'variant',
			`"${variant}" is not a file of a video; use one of ${Object.keys(VARIANTS).join(', ')}`,
		);
	}
	const binaryPropertyName = requiredText(
		scope,
		'binaryPropertyName',
		scope.parameter('binaryPropertyName', 'data'),
	);
	return { videoId, variant: variant as Variant, binaryPropertyName };
}

export async function execute(scope: RunItem, input: DownloadInput): Promise<INodeExecutionData[]> {
	const { videoId, variant } = input;
	const { binary, bytes } = await downloadVideoById(scope, videoId, variant);
	const json = {
		id: videoId,
		variant,
		fileName: fileNameOf(videoId, variant),
		mimeType: VARIANTS[variant].mimeType,
		fileSize: bytes ?? null,
	};
	return [outputItem(json, { [input.binaryPropertyName]: binary })];
}
