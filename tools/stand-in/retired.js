// @ts-check
'use strict';
/**
 * Retired models (`retiredModels`): answered the way new-api-based gateways answer a model they have
 * no channel for, before anything is processed or paid.
 */

const { json } = require('./reply');
const { errorBody } = require('./util');

/** @type {Record<import('./state').StandInOptions['retiredAnswer'], (model: string, requestId: string) => import('./reply').Reply>} */
const ANSWERS = {
	'no-channel': (model, requestId) => json(503, errorBody(`No available channel for model ${model} under group default (request id: ${requestId})`, 'new_api_error', 'model_not_found', null)),
	'no-channel-zh': (model, requestId) => json(503, errorBody(`当前分组 default 下对于模型 ${model} 无可用渠道 (request id: ${requestId})`, 'new_api_error', 'model_not_found', null)),
	'openai-404': (model) => json(404, errorBody(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', null)),
};

/**
 * The refusal for a retired model, or null. The request is logged refused and not paid.
 * @param {import('./state').StandInOptions} options @param {string} model @param {import('./state').RequestRecord} rec
 * @returns {import('./reply').Reply|null}
 */
function retiredAnswer(options, model, rec) {
	if (!options.retiredModels.includes(model)) return null;
	rec.refused = true;
	rec.paid = false;
	return ANSWERS[options.retiredAnswer](model, rec.requestId || '');
}

module.exports = { retiredAnswer };
