// MLflow's `order_by` lists for runs/search and experiments/search, turned into comparators. Missing values sort
// last in both directions (NaN metrics just before them), as `SearchUtils._get_value_for_sort` does.
import type { RunRow } from '../run-row';
import { readMlflowOrderItem } from './mlflow-lexer';
import { readEntityType, readRunAttribute, STRING_RUN_ATTRIBUTES, NUMERIC_RUN_ATTRIBUTES } from './mlflow-entities';
import { readExperimentEntity, type ExperimentRow } from './experiment-filter';

type SortValue = number | string | null | undefined;
export type OrderByResult<T> = { ok: true; compare: (a: T, b: T) => number } | { ok: false; error: string };

interface Term<T> {
	read: (row: T) => SortValue;
	ascending: boolean;
}

/** 0 = a value, 1 = NaN, 2 = missing: the order these take whatever the direction. */
function rank(v: SortValue): number {
	if (v === null || v === undefined) return 2;
	return typeof v === 'number' && Number.isNaN(v) ? 1 : 0;
}

function compareValues(x: SortValue, y: SortValue, ascending: boolean): number {
	const rx = rank(x);
	const ry = rank(y);
	if (rx !== ry) return rx - ry;
	if (rx !== 0) return 0;
	const c = (x as number | string) < (y as number | string) ? -1 : (x as number | string) > (y as number | string) ? 1 : 0;
	return ascending ? c : -c;
}

function createComparator<T>(terms: Term<T>[]): (a: T, b: T) => number {
	return (a, b) => {
		for (const t of terms) {
			const c = compareValues(t.read(a), t.read(b), t.ascending);
			if (c !== 0) return c;
		}
		return 0;
	};
}

const ORDER_ATTRIBUTE_KEYS = [...STRING_RUN_ATTRIBUTES, ...NUMERIC_RUN_ATTRIBUTES, 'created', 'Created'].sort();

function readRunValue(type: 'metric' | 'parameter' | 'tag' | 'attribute', key: string): (row: RunRow) => SortValue {
	switch (type) {
		case 'metric':
			return (row) => (Object.hasOwn(row.metrics, key) ? row.metrics[key].last : undefined);
		case 'parameter':
			return (row) => (Object.hasOwn(row.params, key) ? row.params[key] : undefined);
		case 'tag':
			return (row) => (Object.hasOwn(row.tags, key) ? row.tags[key] : undefined);
		case 'attribute':
			switch (readRunAttribute(key)) {
				case 'run_name':
					return (row) => row.name;
				case 'user_id':
					return (row) => row.user;
				case 'end_time':
					return (row) => row.end_time;
				case 'start_time':
					return (row) => row.start_time;
				case 'run_id':
					return (row) => row.run_id;
				case 'status':
					return (row) => row.status;
				default:
					return (row) => row.artifact_uri;
			}
	}
}

/**
 * Parses runs/search `order_by` items ("metrics.loss ASC", "attributes.start_time DESC", "params.lr") into one
 * comparator. After the listed keys, runs fall back to start_time DESC, then run_id ASC (MLflow's natural order).
 */
export function parseMlflowOrderBy(items: readonly string[]): OrderByResult<RunRow> {
	const terms: Term<RunRow>[] = [];
	for (const item of items) {
		const read = readMlflowOrderItem(item);
		if (!read.ok) return read;
		const { entity, key, ascending } = read.value;
		const type = readEntityType(entity);
		if (!type.ok) return type;
		if (type.value === 'dataset') return { ok: false, error: `Invalid order_by entity type '${type.value}'` };
		if (type.value === 'attribute' && !ORDER_ATTRIBUTE_KEYS.includes(key)) {
			return {
				ok: false,
				error: `Invalid attribute key '${key}' specified. Valid keys are '[${ORDER_ATTRIBUTE_KEYS.map((k) => `'${k}'`).join(', ')}]'`
			};
		}
		terms.push({ read: readRunValue(type.value, key), ascending });
	}
	terms.push({ read: (row) => row.start_time, ascending: false }, { read: (row) => row.run_id, ascending: true });
	return { ok: true, compare: createComparator(terms) };
}

const EXPERIMENT_ORDER_KEYS = ['name', 'experiment_id', 'creation_time', 'last_update_time'] as const;
type ExperimentOrderKey = (typeof EXPERIMENT_ORDER_KEYS)[number];

/** Experiment ids are decimal strings up to 19 digits: compare them as numbers without losing precision. */
function readExperimentIdSortKey(id: string): string {
	return /^\d+$/.test(id) ? id.padStart(24, '0') : id;
}

function readExperimentValue(key: ExperimentOrderKey): (row: ExperimentRow) => SortValue {
	if (key === 'experiment_id') return (row) => readExperimentIdSortKey(row.experiment_id);
	return (row) => row[key];
}

/**
 * Parses experiments/search `order_by` (keys name, experiment_id, creation_time, last_update_time). An empty list
 * means MLflow's default, creation_time DESC then experiment_id ASC; otherwise experiment_id DESC breaks ties.
 */
export function parseExperimentOrderBy(items: readonly string[]): OrderByResult<ExperimentRow> {
	const list = items.length > 0 ? items : ['creation_time DESC', 'experiment_id ASC'];
	const terms: Term<ExperimentRow>[] = [];
	let hasId = false;
	for (const item of list) {
		const read = readMlflowOrderItem(item);
		if (!read.ok) return read;
		const { entity, key, ascending } = read.value;
		const type = readExperimentEntity(entity);
		if (!type.ok) return type;
		if (type.value !== 'attribute') return { ok: false, error: `Invalid order_by entity: ${type.value}` };
		if (!(EXPERIMENT_ORDER_KEYS as readonly string[]).includes(key)) {
			return {
				ok: false,
				error: `Invalid attribute key '${key}' specified. Valid keys are '{${EXPERIMENT_ORDER_KEYS.map((k) => `'${k}'`).join(', ')}}'`
			};
		}
		hasId ||= key === 'experiment_id';
		terms.push({ read: readExperimentValue(key as ExperimentOrderKey), ascending });
	}
	if (!hasId) terms.push({ read: readExperimentValue('experiment_id'), ascending: false });
	return { ok: true, compare: createComparator(terms) };
}
