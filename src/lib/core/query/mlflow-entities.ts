// Run search keys of MLflow's grammar: entity types with their aliases, run attributes and their aliases,
// shared by the runs filter and runs order_by.
import type { Checked } from './mlflow-clause';

export const STRING_RUN_ATTRIBUTES = ['artifact_uri', 'run_id', 'run_name', 'status', 'user_id'] as const;
export const NUMERIC_RUN_ATTRIBUTES = ['end_time', 'start_time'] as const;
export const DATASET_KEYS = ['context', 'digest', 'name'] as const;

export type StringRunAttribute = (typeof STRING_RUN_ATTRIBUTES)[number];
export type NumericRunAttribute = (typeof NUMERIC_RUN_ATTRIBUTES)[number];
export type DatasetKey = (typeof DATASET_KEYS)[number];

const ENTITY_TYPES: Record<string, 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset'> = {
	metric: 'metric',
	metrics: 'metric',
	parameter: 'parameter',
	parameters: 'parameter',
	param: 'parameter',
	params: 'parameter',
	tag: 'tag',
	tags: 'tag',
	attribute: 'attribute',
	attributes: 'attribute',
	attr: 'attribute',
	run: 'attribute',
	dataset: 'dataset',
	datasets: 'dataset'
};

const ATTRIBUTE_ALIASES: Record<string, StringRunAttribute | NumericRunAttribute> = {
	created: 'start_time',
	Created: 'start_time',
	'run name': 'run_name',
	'Run name': 'run_name',
	'Run Name': 'run_name'
};

/** Keys accepted after `attributes.` in a filter (and bare), as MLflow's VALID_SEARCH_ATTRIBUTE_KEYS. */
export const SEARCH_ATTRIBUTE_KEYS: readonly string[] = [...STRING_RUN_ATTRIBUTES, ...NUMERIC_RUN_ATTRIBUTES, ...Object.keys(ATTRIBUTE_ALIASES)].sort();

/** Resolves an entity name (`metrics`, `param`, `run`, …) or reports MLflow's "Invalid entity type". */
export function readEntityType(entity: string | null): Checked<'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset'> {
	if (entity === null) return { ok: true, value: 'attribute' };
	const type = Object.hasOwn(ENTITY_TYPES, entity) ? ENTITY_TYPES[entity] : undefined;
	if (type) return { ok: true, value: type };
	return {
		ok: false,
		error: `Invalid entity type '${entity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`
	};
}

/** Canonical run attribute for a key (aliases resolved), or null when it is not one. */
export function readRunAttribute(key: string): StringRunAttribute | NumericRunAttribute | null {
	if (Object.hasOwn(ATTRIBUTE_ALIASES, key)) return ATTRIBUTE_ALIASES[key];
	if ((STRING_RUN_ATTRIBUTES as readonly string[]).includes(key)) return key as StringRunAttribute;
	if ((NUMERIC_RUN_ATTRIBUTES as readonly string[]).includes(key)) return key as NumericRunAttribute;
	return null;
}

export function isNumericAttribute(key: string): key is NumericRunAttribute {
	return (NUMERIC_RUN_ATTRIBUTES as readonly string[]).includes(key);
}
