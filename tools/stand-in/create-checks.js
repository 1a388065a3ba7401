// @ts-check
'use strict';
/** Create's per-model checks (families.js): seconds, size, resolution, aspect ratio and how many references. */

const { json, invalid, invalidValue, isReply } = require('./reply');
const { errorBody } = require('./util');
const { SEEDANCE_RATIOS } = require('./families');

/** @typedef {import('./families').ModelSpec} ModelSpec @typedef {import('./reply').Reply} Reply */

const WXH = /^\d+x\d+$/;

/** A 400 about `param`, with the code the model's upstream uses. @param {ModelSpec} spec @param {string} param @param {string} message @param {string} [openaiCode] */
const fieldError = (spec, param, message, openaiCode = 'invalid_value') =>
	spec.family.errors === 'volcengine' ? json(400, errorBody(message, 'invalid_request_error', 'InvalidParameter', param)) : invalid(message, openaiCode, param);

/** A value outside what the model takes. @param {ModelSpec} spec @param {string} param @param {string} expected @param {unknown} got */
function rejectValue(spec, param, expected, got) {
	if (spec.family.errors === 'openai') return invalidValue(param, expected, got);
	const name = param === 'seconds' ? 'duration' : param;
	return fieldError(spec, param, `The parameter \`${name}\` specified in the request is not valid: expected ${expected}, got ${JSON.stringify(got)}.`);
}

/** @param {string[]|{min: number, max: number}} allowed @param {string} value */
const allows = (allowed, value) => (Array.isArray(allowed) ? allowed.includes(value) : Number(value) >= allowed.min && Number(value) <= allowed.max);
/** @param {string[]|{min: number, max: number}} allowed */
const describe = (allowed) => (Array.isArray(allowed) ? `one of ${allowed.join(', ')}` : `a whole number from ${allowed.min} through ${allowed.max}`);

/** @param {ModelSpec} spec @param {string} model @param {Record<string, unknown>} body @returns {string|Reply} */
function checkSeconds(spec, model, body) {
	const seconds = body.seconds === undefined ? spec.defaultSeconds : body.seconds;
	if (typeof seconds !== 'string' || !/^\d+$/.test(seconds)) return rejectValue(spec, 'seconds', "a string of whole seconds such as '4', '8' or '12'", seconds);
	if (spec.seconds && !allows(spec.seconds, seconds)) return rejectValue(spec, 'seconds', `${describe(spec.seconds)} (seconds) for model ${model}`, seconds);
	return seconds;
}

/** @param {ModelSpec['sizes']} sizes @param {string} size */
const sizeAllowed = (sizes, size) => (sizes === 'wxh' ? WXH.test(size) : sizes === 'ratio-or-wxh' ? SEEDANCE_RATIOS.includes(size) || WXH.test(size) : Array.isArray(sizes) && sizes.includes(size));

/** @param {ModelSpec} spec @param {string} model */
function sizeExpected(spec, model) {
	if (spec.sizes === 'wxh') return "WIDTHxHEIGHT such as '720x1280'";
	if (spec.sizes === 'ratio-or-wxh') return `a ratio (${SEEDANCE_RATIOS.join(', ')}) or WIDTHxHEIGHT`;
	return `${describe(/** @type {string[]} */ (spec.sizes))} for model ${model}`;
}

/** The size with its default (null when the model takes none), or a 400. @param {ModelSpec} spec @param {string} model @param {Record<string, unknown>} body @returns {string|null|Reply} */
function checkSize(spec, model, body) {
	if (spec.sizes === 'none') {
		if (body.size === undefined) return null;
		return invalid(`Unsupported parameter: 'size' is not supported with model ${model}; use 'resolution' and 'aspect_ratio'.`, 'unsupported_parameter', 'size');
	}
	const size = body.size === undefined ? spec.defaultSize : body.size;
	if (typeof size !== 'string' || !sizeAllowed(spec.sizes, size)) return rejectValue(spec, 'size', sizeExpected(spec, model), size);
	return size;
}

/**
 * A field with a list of values (resolution, aspect_ratio): its value or default, null when the model does not read it, or a 400.
 * @param {ModelSpec} spec @param {string} model @param {Record<string, unknown>} body @param {'resolution'|'aspect_ratio'} param
 * @param {string[]|null} allowed @param {string|null} fallback @returns {string|null|Reply}
 */
function checkListed(spec, model, body, param, allowed, fallback) {
	if (!allowed) return null;
	const value = body[param] === undefined ? fallback : body[param];
	if (typeof value !== 'string' || !allowed.includes(value)) return rejectValue(spec, param, `${describe(allowed)} for model ${model}`, value);
	return value;
}

/**
 * What the job records of create's fields, defaults filled in, or the first 400 (seconds, size, resolution, aspect_ratio).
 * @param {ModelSpec} spec @param {string} model @param {Record<string, unknown>} body
 * @returns {{seconds: string, size: string|null, resolution: string|null, aspectRatio: string|null}|Reply}
 */
function checkCreate(spec, model, body) {
	const seconds = checkSeconds(spec, model, body);
	if (isReply(seconds)) return seconds;
	const size = checkSize(spec, model, body);
	if (isReply(size)) return size;
	const resolution = checkListed(spec, model, body, 'resolution', spec.resolutions, spec.defaultResolution);
	if (isReply(resolution)) return resolution;
	const aspectRatio = checkListed(spec, model, body, 'aspect_ratio', spec.aspectRatios, spec.defaultAspectRatio);
	if (isReply(aspectRatio)) return aspectRatio;
	return { seconds, size, resolution, aspectRatio };
}

/** A 400 when the model takes fewer references than `count`, else null. @param {ModelSpec} spec @param {string} model @param {number} count @returns {Reply|null} */
function referenceCountError(spec, model, count) {
	const max = spec.maxReferences;
	if (count <= max) return null;
	if (max === 0 && spec.family.errors === 'volcengine') return fieldError(spec, 'input_reference', `the specified task_type r2v does not support model ${model.replace(/^doubao-/, '')}`);
	if (max === 0) return invalid(`Unsupported parameter: 'input_reference' is not supported with model ${model} (text-to-video only).`, 'unsupported_parameter', 'input_reference');
	if (max === 1) return invalid('Only one input_reference may be provided.', 'invalid_value', 'input_reference');
	return fieldError(spec, 'input_reference', `At most ${max} input_reference files may be provided for model ${model}, got ${count}.`);
}

module.exports = { checkCreate, referenceCountError, WXH };
