import { randomBytes } from 'crypto';

export interface FilePart {
	name: string;
	fileName: string;
	mimeType: string;
	bytes: Uint8Array;
}

export interface MultipartBody {
	body: Buffer;
	contentType: string;
}

/** Quotes and line breaks in names become %-escapes, as browsers send them. */
function quoted(name: string): string {
	return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * multipart/form-data with text fields sent byte for byte. The platform's FormData turns every
 * "\n" in a text field into "\r\n" (as the HTML spec asks), which would change prompts such as
 * the storyboard format, whose line breaks are part of the format.
 */
export function encodeMultipart(
	fields: Record<string, string>,
	files: FilePart[] = [],
): MultipartBody {
	const boundary = `----n8nSoraVideo${randomBytes(16).toString('hex')}`;
	const chunks: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
			),
		);
	}
	for (const file of files) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.name)}"; ` +
					`filename="${quoted(file.fileName)}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
			),
			Buffer.from(file.bytes),
			Buffer.from('\r\n'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
