// @ts-check
'use strict';
/** GET /v1/models: every family's video models, older Sora names, and models the node does not know. */

const { MODEL_SPECS } = require('./families');
const { json } = require('./reply');

/** @typedef {{id: string, ownedBy: string, type: 'video'|'text'|'image'}} CatalogueEntry */

/** @type {CatalogueEntry[]} */
const OTHERS = [
	...['sora-2-2025-10-06', 'sora-2-pro-2025-10-06', 'sora-2-2025-12-08', 'sora-2-hd'].map((id) => ({ id, ownedBy: 'openai', type: /** @type {const} */ ('video') })),
	{ id: 'kling-v2-master', ownedBy: 'kling', type: 'video' },
	{ id: 'runway-gen4', ownedBy: 'runway', type: 'video' },
	{ id: 'hailuo-02', ownedBy: 'minimax', type: 'video' },
	{ id: 'gpt-4o', ownedBy: 'openai', type: 'text' },
	{ id: 'gpt-image-1', ownedBy: 'openai', type: 'image' },
];

/** @type {CatalogueEntry[]} */
const CATALOGUE = [...Object.entries(MODEL_SPECS).map(([id, spec]) => ({ id, ownedBy: spec.family.ownedBy, type: /** @type {const} */ ('video') })), ...OTHERS];
const CREATED = 1759881600;

/** @param {CatalogueEntry} e @param {boolean} withType */
const record = (e, withType) => ({ id: e.id, object: 'model', created: CREATED, owned_by: e.ownedBy, ...(withType ? { model_type: e.type } : {}) });

/**
 * The `models` option's entries: an id (the catalogue's record, or owned by `custom` and without a type) or a record sent as given.
 * @param {string|Record<string, unknown>} entry @param {boolean} withType
 */
function customRecord(entry, withType) {
	if (typeof entry !== 'string') return entry;
	const known = CATALOGUE.find((e) => e.id === entry);
	return known ? record(known, withType) : { id: entry, object: 'model', created: CREATED, owned_by: 'custom' };
}

/** @param {import('./state').StandInOptions} options */
function listModels(options) {
	const records = options.models ? options.models.map((e) => customRecord(e, options.modelTypes)) : CATALOGUE.map((e) => record(e, options.modelTypes));
	return json(200, { object: 'list', data: records.filter((r) => !options.retiredModels.includes(String(r.id))) });
}

module.exports = { listModels };
