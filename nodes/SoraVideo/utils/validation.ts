import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from './errors';
import type { ChoiceList, VideoModel } from './models';
import { describeDurations, modelNamed, takesDuration } from './models';

/** Every check here runs before any request, so bad input never costs money. */

export function requiredText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const text =
		typeof value === 'string'
			? value.trim()
			: value === undefined || value === null
				? ''
				: String(value).trim();
	if (!text) throw inputError(ctx, itemIndex, field, 'is empty', `Give the ${field} a value.`);
	return text;
}

/** A text parameter trimmed, or undefined when it is empty or not text (an optional field left out). */
function optionalText(value: unknown): string | undefined {
	return (typeof value === 'string' && value.trim()) || undefined;
}

export function checkedVideoId(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const id = requiredText(ctx, itemIndex, 'videoId', value);
	if (!/^[\w.:-]+$/.test(id)) {
		throw inputError(
			ctx,
			itemIndex,
			'videoId',
			`"${id}" is not a video ID`,
			'A video ID looks like video_68e3... or task_abc123 (the "id" of a Create or Retrieve output).',
		);
	}
	return id;
}

const PIXEL_SIZE = /^\d{2,5}x\d{2,5}$/;

/**
 * The Size of a known model: one it offers (Seedance: a ratio label, or any exact WIDTHxHEIGHT).
 * A model the catalogue does not know gets what the user wrote.
 */
export function checkedSize(
	ctx: IExecuteFunctions,
	itemIndex: number,
	modelName: string,
	value: unknown,
): string | undefined {
	const size = optionalText(value);
	const model = modelNamed(modelName);
	if (size === undefined || !model) return size;
	const refuse = (problem: string, description?: string) =>
		inputError(ctx, itemIndex, 'size', problem, description);
	if (!model.sizes) {
		throw refuse(
			`${model.name} takes no size`,
			'It takes an aspect ratio and a resolution instead: set Aspect Ratio and Resolution, and leave Size empty.',
		);
	}
	if (model.sizes.values.includes(size) || (model.anyPixelSize && PIXEL_SIZE.test(size)))
		return size;
	if (!model.anyPixelSize && !PIXEL_SIZE.test(size)) {
		throw refuse(
			`"${size}" is not a size in WIDTHxHEIGHT form`,
			'Use pixels such as 1280x720 or 720x1280; "720p" or "16:9" are not accepted by the API.',
		);
	}
	const also = model.anyPixelSize ? ' or an exact WIDTHxHEIGHT' : '';
	throw refuse(
		`${model.name} does not offer size ${size}; allowed: ${model.sizes.values.join(', ')}${also}`,
	);
}

/** A list field of a known model (Resolution, Aspect Ratio); dropped for a model that does not take it. */
export function checkedChoice(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	modelName: string,
	choicesOf: (model: VideoModel) => ChoiceList | undefined,
	value: unknown,
): string | undefined {
	const chosen = optionalText(value);
	const model = modelNamed(modelName);
	if (chosen === undefined || !model) return chosen;
	const choices = choicesOf(model);
	if (!choices) return undefined;
	if (choices.values.includes(chosen)) return chosen;
	throw inputError(
		ctx,
		itemIndex,
		field,
		`${model.name} does not offer ${field} ${chosen}; allowed: ${choices.values.join(', ')}`,
	);
}

export function checkedSeconds(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: string,
	value: unknown,
): string | undefined {
	const seconds = value === undefined || value === null ? '' : String(value).trim();
	if (!seconds) return undefined;
	if (!/^\d+(\.\d+)?$/.test(seconds)) {
		throw inputError(ctx, itemIndex, 'seconds', `"${seconds}" is not a number of seconds`);
	}
	const durations = modelNamed(model)?.durations;
	if (durations && !takesDuration(durations, seconds)) {
		throw inputError(
			ctx,
			itemIndex,
			'seconds',
			`${model} does not offer ${seconds} seconds; allowed: ${describeDurations(durations)}`,
		);
	}
	return seconds;
}

export function checkedRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
	min: number,
	max: number,
): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(number) || number < min || number > max) {
		throw inputError(ctx, itemIndex, field, `${String(value)} is out of range (${min} to ${max})`);
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

export function checkedUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string | undefined {
	const text = optionalText(value);
	if (text === undefined) return undefined;
	const problem = httpUrlProblem(text);
	if (problem) throw inputError(ctx, itemIndex, field, problem);
	return new URL(text).toString();
}
