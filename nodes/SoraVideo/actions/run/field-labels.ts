import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';

import type { LabelOf } from '../../transport/scope';

type Child = INodeProperties | INodePropertyCollection | INodePropertyOptions;

interface Entry {
	label: string;
	children: Map<string, Entry>;
}

const childrenOf = (property: Child): Child[] => {
	if ('values' in property) return property.values;
	const options = (property as INodeProperties).options;
	return (options ?? []).filter(
		(option): option is Child =>
			typeof option === 'object' &&
			'name' in option &&
			('displayName' in option || 'values' in option),
	);
};

/** Every parameter name, with the first label the editor shows for it, down through collections. */
function tree(properties: Child[]): Map<string, Entry> {
	const entries = new Map<string, Entry>();
	for (const property of properties) {
		const label = 'displayName' in property ? property.displayName : property.name;
		const entry = entries.get(property.name) ?? { label, children: new Map() };
		for (const [name, child] of tree(childrenOf(property))) {
			if (!entry.children.has(name)) entry.children.set(name, child);
		}
		entries.set(property.name, entry);
	}
	return entries;
}

/** The label a single step of a path has; the Options collection itself is left out, as the editor's form nests it. */
const COLLECTIONS_LEFT_OUT = new Set(['options']);

/**
 * The editor's labels for parameter paths: "options.storyboard.shots[0].scene" becomes
 * "Storyboard › Shot 1 › Scene", "seconds" becomes "Duration". A path it does not know stays as it is.
 */
export function fieldLabels(properties: INodeProperties[]): LabelOf {
	const root = tree(properties);
	return (path) => {
		const labels: string[] = [];
		let level = root;
		for (const step of path.split('.')) {
			const [, name, index] = /^([^[]+)(?:\[(\d+)\])?$/.exec(step) ?? [];
			const entry = level.get(name ?? step);
			if (!entry) return path;
			if (!COLLECTIONS_LEFT_OUT.has(name)) {
				labels.push(index === undefined ? entry.label : `${entry.label} ${Number(index) + 1}`);
			}
			level = entry.children;
		}
		return labels.join(' › ');
	};
}
