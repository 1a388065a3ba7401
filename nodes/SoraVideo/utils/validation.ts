import type { ChoiceList, VideoModel } from './models';
import { describeDurations, takesDuration } from './models';

/** Every check here runs before any request, so bad input never costs money. */

/** Whoever reads the item's parameters: refuses bad input by a parameter's path, which it names by its editor label. */
export interface InputChecks {
	badInput(path: string, problem: string, description?: string): Error;
	label(path: string): string;
}

export function requiredText(scope: InputChecks, path: string, value: unknown): string {
	const text =
		typeof value === 'string'
			? value.trim()
			: value === undefined || value === null
				? ''
				: String(value).trim();
	if (!text) throw scope.badInput(path, 'is empty', `Give the ${scope.label(path)} field a value.`);
	return text;
}

/** A text parameter trimmed, or undefined when it is empty or not text (an optional field left out). */
function optionalText(value: unknown): string | undefined {
	return (typeof value === 'string' && value.trim()) || undefined;
}

export function checkedVideoId(scope: InputChecks, value: unknown): string {
	const id = requiredText(scope, 'videoId', value);
	if (!/^[\w.:-]+$/.test(id)) {
		throw scope.badInput(
			'videoId',
			`"${id}" is not a video ID`,
			'A video ID looks like video_68e3... or task_abc123 (the "id" of a Create or Retrieve output).',
		);
	}
	return id;
}

const PIXEL_SIZE = /^\d{2,5}x\d{2,5}$/;

function notPixelSize(scope: InputChecks, size: string) {
	return scope.badInput(
		'size',
		`"${size}" is not a size in WIDTHxHEIGHT form`,
		'Use pixels such as 1280x720 or 720x1280; "720p" or "16:9" are not accepted by the API.',
	);
}

/** A Size in WIDTHxHEIGHT form, whatever the model: the check of node versions 1 and 2. */
export function checkedPixelSize(scope: InputChecks, value: unknown): string | undefined {
	const size = optionalText(value);
	if (size !== undefined && !PIXEL_SIZE.test(size)) throw notPixelSize(scope, size);
	return size;
}

/**
 * The Size of a known model: one it offers (Seedance: a ratio label, or any exact WIDTHxHEIGHT).
 * A model the catalogue does not know gets what the user wrote.
 */
export function checkedSize(
	scope: InputChecks,
	model: VideoModel | undefined,
	value: unknown,
): string | undefined {
	const size = optionalText(value);
	if (size === undefined || !model) return size;
	if (!model.sizes) {
		throw scope.badInput(
			'size',
			`${model.name} takes no size`,
			`It takes an aspect ratio and a resolution instead: set ${scope.label('aspectRatio')} and ${scope.label('resolution')}, and leave ${scope.label('size')} empty.`,
		);
	}
	if (model.sizes.values.includes(size) || (model.anyPixelSize && PIXEL_SIZE.test(size))) {
		return size;
	}
	if (!model.anyPixelSize && !PIXEL_SIZE.test(size)) throw notPixelSize(scope, size);
	const also = model.anyPixelSize ? ' or an exact WIDTHxHEIGHT' : '';
	throw scope.badInput(
		'size',
		`${model.name} does not offer size ${size}; allowed: ${model.sizes.values.join(', ')}${also}`,
	);
}

/** A list field of a known model (Resolution, Aspect Ratio); dropped for a model that does not take it. */
export function checkedChoice(
	scope: InputChecks,
	path: string,
	model: VideoModel | undefined,
	choicesOf: (model: VideoModel) => ChoiceList | undefined,
	value: unknown,
): string | undefined {
	const chosen = optionalText(value);
	if (chosen === undefined || !model) return chosen;
	const choices = choicesOf(model);
	if (!choices) return undefined;
	if (choices.values.includes(chosen)) return chosen;
	throw scope.badInput(
		path,
		`${model.name} does not offer ${scope.label(path).toLowerCase()} ${chosen}; allowed: ${choices.values.join(', ')}`,
	);
}

/** Seconds as a number; for a known model, one it offers. */
export function checkedSeconds(
	scope: InputChecks,
	modelName: string,
	model: VideoModel | undefined,
	value: unknown,
): string | undefined {
	const seconds = value === undefined || value === null ? '' : String(value).trim();
	if (!seconds) return undefined;
	if (!/^\d+(\.\d+)?$/.test(seconds)) {
		throw scope.badInput('seconds', `"${seconds}" is not a number of seconds`);
	}
	const durations = model?.durations;
	if (durations && !takesDuration(durations, seconds)) {
		throw scope.badInput(
			'seconds',
			`${modelName} does not offer ${seconds} seconds; allowed: ${describeDurations(durations)}`,
		);
	}
	return seconds;
}

export function checkedRange(
	scope: InputChecks,
	path: string,
	value: unknown,
	range: { min: number; max: number },
): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(number) || number < range.min || number > range.max) {
		throw scope.badInput(path, `${String(value)} is out of range (${range.min} to ${range.max})`);
	}
	return number;
}

/** Why a text is not an http(s) URL, or undefined when it is one. */
export function httpUrlProblem(text: string): string | undefined {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return `"${text}" is not a URL`;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return `only http and https URLs are accepted, not ${url.protocol}`;
	}
	return undefined;
}

export function checkedUrl(scope: InputChecks, path: string, value: unknown): string | undefined {
	const text = optionalText(value);
	if (text === undefined) return undefined;
	const problem = httpUrlProblem(text);
	if (problem) throw scope.badInput(path, problem);
	return new URL(text).toString();
}
