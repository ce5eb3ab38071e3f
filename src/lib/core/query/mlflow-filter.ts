// MLflow's runs/search `filter` string: parsed into typed clauses (AND only, MLflow's rules and error messages)
// and matched against RunRows. Ordering lives in mlflow-order.ts, experiments in experiment-filter.ts.
import type { RunRow } from '../run-row';
import { readMlflowComparisons, type MlflowRawComparison } from './mlflow-lexer';
import {
	LIST_COMPARATORS,
	NUMBER_COMPARATORS,
	STRING_COMPARATORS,
	checkComparator,
	checkListPairing,
	checkNumberValue,
	checkStringList,
	checkStringValue,
	createNumberTest,
	createStringTest,
	type Checked,
	type ListComparator,
	type NumberComparator,
	type StringComparator
} from './mlflow-clause';
import {
	DATASET_KEYS,
	NUMERIC_RUN_ATTRIBUTES,
	SEARCH_ATTRIBUTE_KEYS,
	isNumericAttribute,
	readEntityType,
	readRunAttribute,
	type DatasetKey,
	type NumericRunAttribute,
	type StringRunAttribute
} from './mlflow-entities';

export { STRING_RUN_ATTRIBUTES, NUMERIC_RUN_ATTRIBUTES, DATASET_KEYS, type StringRunAttribute, type NumericRunAttribute, type DatasetKey } from './mlflow-entities';
export { parseMlflowOrderBy, parseExperimentOrderBy } from './mlflow-order';
export {
	parseExperimentFilter,
	compileExperimentFilter,
	matchesExperimentFilter,
	type ExperimentRow,
	type ExperimentClause
} from './experiment-filter';

/** One parsed comparison. Attribute keys are canonical (`created` → `start_time`, `Run name` → `run_name`). */
export type MlflowClause =
	| { type: 'metric'; key: string; comparator: NumberComparator; value: number }
	| { type: 'parameter' | 'tag'; key: string; comparator: StringComparator; value: string }
	| { type: 'attribute'; key: NumericRunAttribute; comparator: NumberComparator; value: number }
	| { type: 'attribute'; key: StringRunAttribute; comparator: StringComparator; value: string }
	| { type: 'attribute'; key: 'run_id'; comparator: ListComparator; value: string[] }
	| { type: 'dataset'; key: DatasetKey; comparator: StringComparator; value: string }
	| { type: 'dataset'; key: DatasetKey; comparator: ListComparator; value: string[] };

export type MlflowFilterResult = { ok: true; clauses: MlflowClause[] } | { ok: false; error: string };

/** MLflow drops run ids with upper-case letters from IN lists (Python's str.islower: needs a cased letter). */
function isLowerRunId(id: string): boolean {
	return id === id.toLowerCase() && id !== id.toUpperCase();
}

function readClause(raw: MlflowRawComparison): Checked<MlflowClause> {
	const type = readEntityType(raw.entity);
	if (!type.ok) return type;
	const { key, value: v } = raw;
	const pairing = checkListPairing(raw.comparator, v);
	switch (type.value) {
		case 'metric': {
			const value = checkNumberValue(v, 'metric');
			if (!value.ok) return value;
			const c = checkComparator(raw.comparator, NUMBER_COMPARATORS);
			return c.ok ? { ok: true, value: { type: 'metric', key, comparator: c.value, value: value.value } } : c;
		}
		case 'parameter':
		case 'tag': {
			const value = checkStringValue(v, `${type.value} (e.g. 'my-value')`);
			if (!value.ok) return value;
			const c = checkComparator(raw.comparator, STRING_COMPARATORS);
			return c.ok ? { ok: true, value: { type: type.value, key, comparator: c.value, value: value.value } } : c;
		}
		case 'dataset': {
			if (!(DATASET_KEYS as readonly string[]).includes(key)) {
				return { ok: false, error: `Invalid dataset key '${key}' specified. Valid keys are '['context', 'digest', 'name']'` };
			}
			const k = key as DatasetKey;
			if (!pairing.ok) return pairing;
			if (v.kind === 'list') {
				const list = checkStringList(v);
				if (!list.ok) return list;
				const c = checkComparator(raw.comparator, LIST_COMPARATORS);
				return c.ok ? { ok: true, value: { type: 'dataset', key: k, comparator: c.value, value: list.value } } : c;
			}
			const value = checkStringValue(v, 'dataset attributes');
			if (!value.ok) return value;
			const c = checkComparator(raw.comparator, STRING_COMPARATORS);
			return c.ok ? { ok: true, value: { type: 'dataset', key: k, comparator: c.value, value: value.value } } : c;
		}
		case 'attribute': {
			const attr = readRunAttribute(key);
			if (!attr) {
				return { ok: false, error: `Invalid attribute key '${key}' specified. Valid keys are '[${SEARCH_ATTRIBUTE_KEYS.map((k) => `'${k}'`).join(', ')}]'` };
			}
			if (isNumericAttribute(attr)) {
				const value = checkNumberValue(v, `numeric attribute: ${key}`);
				if (!value.ok) return value;
				const c = checkComparator(raw.comparator, NUMBER_COMPARATORS);
				return c.ok ? { ok: true, value: { type: 'attribute', key: attr, comparator: c.value, value: value.value } } : c;
			}
			if (v.kind === 'list') {
				if (attr !== 'run_id') {
					return { ok: false, error: "Only the 'run_id' attribute supports comparison with a list of quoted string values." };
				}
				if (!pairing.ok) return pairing;
				const list = checkStringList(v);
				if (!list.ok) return list;
				const c = checkComparator(raw.comparator, LIST_COMPARATORS);
				const ids = list.value.filter(isLowerRunId);
				return c.ok ? { ok: true, value: { type: 'attribute', key: 'run_id', comparator: c.value, value: ids } } : c;
			}
			const value = checkStringValue(v, 'attributes');
			if (!value.ok) return value;
			if (!pairing.ok) return pairing;
			const c = checkComparator(raw.comparator, STRING_COMPARATORS);
			return c.ok ? { ok: true, value: { type: 'attribute', key: attr, comparator: c.value, value: value.value } } : c;
		}
	}
}

/**
 * Parses a runs/search filter. Empty or blank → no clauses (matches every run). Errors carry MLflow-like messages,
 * meant to be returned as INVALID_PARAMETER_VALUE. String values are taken verbatim between their quotes, as MLflow
 * does (no unescaping of '' or \').
 */
export function parseMlflowFilter(src: string): MlflowFilterResult {
	const read = readMlflowComparisons(src);
	if (!read.ok) return read;
	const clauses: MlflowClause[] = [];
	for (const raw of read.value) {
		const clause = readClause(raw);
		if (!clause.ok) return clause;
		clauses.push(clause.value);
	}
	return { ok: true, clauses };
}

function readStringAttribute(row: RunRow, key: StringRunAttribute): string {
	switch (key) {
		case 'run_id':
			return row.run_id;
		case 'run_name':
			return row.name;
		case 'status':
			return row.status;
		case 'user_id':
			return row.user;
		case 'artifact_uri':
			return row.artifact_uri;
	}
}

function compileClause(c: MlflowClause): (row: RunRow) => boolean {
	switch (c.type) {
		case 'metric': {
			const test = createNumberTest(c.comparator, c.value);
			const key = c.key;
			return (row) => {
				const m = Object.hasOwn(row.metrics, key) ? row.metrics[key] : undefined;
				return m !== undefined && test(m.last);
			};
		}
		case 'parameter':
		case 'tag': {
			const test = createStringTest(c.comparator, c.value);
			const key = c.key;
			const field = c.type === 'parameter' ? 'params' : 'tags';
			return (row) => {
				const map = row[field];
				return Object.hasOwn(map, key) && test(map[key]);
			};
		}
		case 'attribute': {
			if (c.key === 'start_time' || c.key === 'end_time') {
				const test = createNumberTest(c.comparator as NumberComparator, c.value as number);
				const key = c.key;
				return (row) => {
					const x = row[key];
					return x !== null && test(x);
				};
			}
			const test = createStringTest(c.comparator as StringComparator | ListComparator, c.value as string | string[]);
			const key = c.key;
			return (row) => test(readStringAttribute(row, key));
		}
		case 'dataset':
			// RunRow carries no dataset inputs, and MLflow matches a dataset clause only through a run's inputs.
			return () => false;
	}
}

/** One predicate for all clauses (AND). Metrics compare the run's latest value; missing keys never match. */
export function compileMlflowFilter(clauses: readonly MlflowClause[]): (row: RunRow) => boolean {
	const tests = clauses.map(compileClause);
	if (tests.length === 0) return () => true;
	if (tests.length === 1) return tests[0];
	return (row) => {
		for (const t of tests) if (!t(row)) return false;
		return true;
	};
}

const compiled = new WeakMap<readonly MlflowClause[], (row: RunRow) => boolean>();

/** Whether `row` satisfies every clause; the clause list is compiled once and cached by identity. */
export function matchesMlflowFilter(row: RunRow, clauses: readonly MlflowClause[]): boolean {
	let test = compiled.get(clauses);
	if (!test) {
		test = compileMlflowFilter(clauses);
		compiled.set(clauses, test);
	}
	return test(row);
}
