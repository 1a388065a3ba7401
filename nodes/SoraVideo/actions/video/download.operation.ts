import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Variant } from '../../helpers/binary';
import { VARIANTS } from '../../helpers/binary';
import { inputError } from '../../helpers/errors';
import type { Session } from '../../helpers/interfaces';
import { downloadVideoFile, fileNameOf, outputItem } from '../../helpers/jobs';
import { checkedPropertyName } from '../../helpers/validation';
import { binaryPropertyField, readVideoId, showFor, videoIdField } from './common';

const OPERATION = 'download';

export const description: INodeProperties[] = [
	videoIdField(OPERATION, 'The finished video to download: its ID from Create, Remix or Retrieve'),
	{
		displayName: 'File',
		name: 'variant',
		type: 'options',
		options: [
			{ name: 'Video (MP4)', value: 'video' },
			{ name: 'Thumbnail (WebP)', value: 'thumbnail' },
			{ name: 'Spritesheet (JPEG)', value: 'spritesheet' },
		],
		default: 'video',
		description: "Which of the finished video's files to download",
		displayOptions: showFor([OPERATION]),
	},
	binaryPropertyField(OPERATION),
];

export interface DownloadInput {
	videoId: string;
	variant: Variant;
	binaryPropertyName: string;
}

export async function parse(this: IExecuteFunctions, itemIndex: number): Promise<DownloadInput> {
	const videoId = readVideoId(this, itemIndex);
	const variant = String(this.getNodeParameter('variant', itemIndex, 'video'));
	if (!(variant in VARIANTS)) {
		throw inputError(
			this,
			itemIndex,
			'variant',
			`"${variant}" is not a file of a video; use one of ${Object.keys(VARIANTS).join(', ')}`,
		);
	}
	const binaryPropertyName = checkedPropertyName(
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
	const { binary, bytes } = await downloadVideoFile(this, session, videoId, variant, itemIndex);
	const json = {
		id: videoId,
		variant,
		fileName: fileNameOf(videoId, variant),
		mimeType: VARIANTS[variant].mimeType,
		fileSize: bytes ?? null,
	};
	return [outputItem(itemIndex, json, { [input.binaryPropertyName]: binary })];
}
