'use strict';

/** @typedef {import('./cli').WorkflowFixture} WorkflowFixture */
/** @typedef {import('./cli').WorkflowNode} WorkflowNode */

/**
 * A workflow whose nodes run one after another (each node's main output feeds the next), laid out
 * left to right. `position` is filled in where a node has none.
 * @param {string} id
 * @param {string} name
 * @param {Array<Omit<WorkflowNode, 'position'> & { position?: [number, number] }>} nodes
 * @returns {WorkflowFixture}
 */
function linearWorkflow(id, name, nodes) {
	/** @type {Record<string, any>} */
	const connections = {};
	nodes.slice(1).forEach((node, i) => {
		connections[nodes[i].name] = { main: [[{ node: node.name, type: 'main', index: 0 }]] };
	});
	return {
		id,
		name,
		nodes: nodes.map((node, i) => ({ position: /** @type {[number, number]} */ ([220 * i, 0]), ...node })),
		connections,
	};
}

/** @param {string} [name] */
const manualTrigger = (name = 'Start') => ({ name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });

module.exports = { linearWorkflow, manualTrigger };
