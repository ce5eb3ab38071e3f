// MLflow's experiments/search `filter`: `name`, `creation_time`, `last_update_time` and `tags.<key>` comparisons
// joined by AND (SearchExperimentsUtils), parsed into typed clauses and matched against experiment rows.
import { readMlflowComparisons, type MlflowRawComparison } from './mlflow-lexer';
import {
	NUMBER_COMPARATORS,
	STRING_COMPARATORS,
	checkComparator,
	checkListPairing,
	checkNumberValue,
	checkStringValue,
	createNumberTest,
	createStringTest,
	type Checked,
	type NumberComparator,
	type StringComparator
} from './mlflow-clause';

/** What experiment search reads; times are ms since the epoch. */
export interface ExperimentRow {
	experiment_id: string;
	name: string;
	tags: Record<string, string>;
	creation_time: number;
	last_update_time: number;
}

export type ExperimentClause =
	| { type: 'attribute'; key: 'name'; comparator: StringComparator; value: string }
	| { type: 'attribute'; key: 'creation_time' | 'last_update_time'; comparator: NumberComparator; value: number }
	| { type: 'tag'; key: string; comparator: StringComparator; value: string };

export type ExperimentFilterResult = { ok: true; clauses: ExperimentClause[] } | { ok: false; error: string };

const ENTITY_TYPES = ['attribute', 'tag', 'tags'] as const;
const SEARCH_KEYS = ['name', 'creation_time', 'last_update_time'] as const;

/** The entity of an experiment identifier: only `attribute`, `tag` and `tags` are accepted (MLflow's rule). */
export function readExperimentEntity(entity: string | null): Checked<'attribute' | 'tag'> {
	if (entity === null || entity === 'attribute') return { ok: true, value: 'attribute' };
	if (entity === 'tag' || entity === 'tags') return { ok: true, value: 'tag' };
	return {
		ok: false,
		error: `Invalid entity type '${entity}'. Valid entity types are (${ENTITY_TYPES.map((e) => `'${e}'`).join(', ')})`
	};
}

function readClause(raw: MlflowRawComparison): Checked<ExperimentClause> {
	const entity = readExperimentEntity(raw.entity);
	if (!entity.ok) return entity;
	const { key, value: v } = raw;
	if (entity.value === 'tag') {
		const value = checkStringValue(v, "tag (e.g. 'my-value')");
		if (!value.ok) return value;
		const c = checkComparator(raw.comparator, STRING_COMPARATORS);
		return c.ok ? { ok: true, value: { type: 'tag', key, comparator: c.value, value: value.value } } : c;
	}
	if (!(SEARCH_KEYS as readonly string[]).includes(key)) {
		return {
			ok: false,
			error: `Invalid attribute key '${key}' specified. Valid keys are '{${SEARCH_KEYS.map((k) => `'${k}'`).join(', ')}}'`
		};
	}
	if (key === 'creation_time' || key === 'last_update_time') {
		const value = checkNumberValue(v, `numeric attribute: ${key}`);
		if (!value.ok) return value;
		const c = checkComparator(raw.comparator, NUMBER_COMPARATORS);
		return c.ok ? { ok: true, value: { type: 'attribute', key, comparator: c.value, value: value.value } } : c;
	}
	if (v.kind === 'list') {
		return { ok: false, error: "Only the 'run_id' attribute supports comparison with a list of quoted string values." };
	}
	const value = checkStringValue(v, 'attributes');
	if (!value.ok) return value;
	const pairing = checkListPairing(raw.comparator, v);
	if (!pairing.ok) return pairing;
	const c = checkComparator(raw.comparator, STRING_COMPARATORS);
	return c.ok ? { ok: true, value: { type: 'attribute', key: 'name', comparator: c.value, value: value.value } } : c;
}

/** Parses an experiments/search filter; empty or blank → no clauses. Errors are MLflow-like INVALID_PARAMETER_VALUE messages. */
export function parseExperimentFilter(src: string): ExperimentFilterResult {
	const read = readMlflowComparisons(src);
	if (!read.ok) return read;
	const clauses: ExperimentClause[] = [];
	for (const raw of read.value) {
		const clause = readClause(raw);
		if (!clause.ok) return clause;
		clauses.push(clause.value);
	}
	return { ok: true, clauses };
}

function compileClause(c: ExperimentClause): (row: ExperimentRow) => boolean {
	if (c.type === 'tag') {
		const test = createStringTest(c.comparator, c.value);
		const key = c.key;
		return (row) => Object.hasOwn(row.tags, key) && test(row.tags[key]);
	}
	if (c.key === 'name') {
		const test = createStringTest(c.comparator, c.value);
		return (row) => test(row.name);
	}
	const test = createNumberTest(c.comparator, c.value);
	const key = c.key;
	return (row) => test(row[key]);
}

/** One predicate for all clauses (AND); an experiment lacking a tag does not match comparisons on it. */
export function compileExperimentFilter(clauses: readonly ExperimentClause[]): (row: ExperimentRow) => boolean {
	const tests = clauses.map(compileClause);
	return (row) => {
		for (const t of tests) if (!t(row)) return false;
		return true;
	};
}

export function matchesExperimentFilter(row: ExperimentRow, clauses: readonly ExperimentClause[]): boolean {
	return compileExperimentFilter(clauses)(row);
}
