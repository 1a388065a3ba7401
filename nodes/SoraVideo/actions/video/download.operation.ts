import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Session } from '../../transport/session';
import type { Variant } from '../../transport/videos';
import { VARIANTS, fileNameOf } from '../../transport/videos';
import { inputError } from '../../utils/errors';
import { requiredText } from '../../utils/validation';
import { outputItem } from '../job/finish';
import { downloadVideoById } from '../job/video-file';
import type { VideoOperation } from '../node.type';
import { binaryPropertyField, operationDescription, parseVideoId, videoIdField } from './fields';

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

export interface DownloadInput {
	videoId: string;
	variant: Variant;
	binaryPropertyName: string;
}

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<DownloadInput> {
	const videoId = await parseVideoId.call(this, itemIndex);
	const variant = String(this.getNodeParameter('variant', itemIndex, 'video'));
	if (!(variant in VARIANTS)) {
		throw inputError(
			this,
			itemIndex,
			'variant',
			`"${variant}" is not a file of a video; use one of ${Object.keys(VARIANTS).join(', ')}`,
		);
	}
	const binaryPropertyName = requiredText(
		this,
		itemIndex,
		'binaryPropertyName',
		this.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
	);
	return { videoId, variant: variant as Variant, binaryPropertyName };
}

export async function execute(
	this: IExecuteFunctions,
	input: DownloadInput,
	itemIndex: number,
	session: Session,
): Promise<INodeExecutionData[]> {
	const { videoId, variant } = input;
	const { binary, bytes } = await downloadVideoById(this, session, videoId, variant, itemIndex);
	const json = {
		id: videoId,
		variant,
		fileName: fileNameOf(videoId, variant),
		mimeType: VARIANTS[variant].mimeType,
		fileSize: bytes ?? null,
	};
	return [outputItem(json, { [input.binaryPropertyName]: binary })];
}
