// Search over the model registry as MLflow does it (SearchModelUtils, SearchModelVersionUtils and the SQL store):
// filters, order_by, the prompt exclusion every 3.x client adds, and offset page tokens.
import { invalid } from '../errors';
import { readMlflowComparisons, readMlflowOrderItem, type MlflowRawComparison } from '../query/mlflow-lexer';
import {
	LIST_COMPARATORS,
	NUMBER_COMPARATORS,
	STRING_COMPARATORS,
	checkComparator,
	checkNumberValue,
	checkStringList,
	checkStringValue,
	createNumberTest,
	createStringTest
} from '../query/mlflow-clause';
import type { ModelVersionRecord, RegisteredModelRecord } from '../docs/registry';

/** Tag that marks a registered model (or version) as a prompt; plain searches exclude prompts. */
export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

type Row = { strings: Record<string, string | null>; numbers: Record<string, number>; tags: Record<string, string> };
type Test = (row: Row) => boolean;
type Spec = { strings: readonly string[]; numbers: readonly string[]; lists: readonly string[] };

const MODEL_SPEC: Spec = { strings: ['name'], numbers: [], lists: ['name'] };
const VERSION_SPEC: Spec = {
	strings: ['name', 'run_id', 'source_path'],
	numbers: ['version_number', 'creation_timestamp', 'last_updated_timestamp'],
	lists: ['name', 'run_id']
};
const SEARCH_KEYS = { models: ['name'], versions: ['name', 'run_id', 'source_path', 'version_number'] } as const;

function fail(error: string): never {
	throw invalid(error);
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
	return r.ok ? r.value : fail(r.error);
}

function readEntity(entity: string | null): 'attribute' | 'tag' {
	if (entity === null || entity === 'attribute') return 'attribute';
	if (entity === 'tag' || entity === 'tags') return 'tag';
	return fail(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`);
}

function compileClause(raw: MlflowRawComparison, spec: Spec, keys: readonly string[]): Test {
	const { key, value: v } = raw;
	if (readEntity(raw.entity) === 'tag') {
		const test = createStringTest(unwrap(checkComparator(raw.comparator, STRING_COMPARATORS)), unwrap(checkStringValue(v, "tag (e.g. 'my-value')")));
		return (row) => Object.hasOwn(row.tags, key) && test(row.tags[key]);
	}
	if (!keys.includes(key)) fail(`Invalid attribute key '${key}' specified. Valid keys are '{${keys.map((k) => `'${k}'`).join(', ')}}'`);
	if (spec.numbers.includes(key)) {
		// The SQL store runs int(value), so a quoted integer ('3') is accepted too.
		const n = v.kind === 'string' && /^-?\d+$/.test(v.value) ? Number(v.value) : unwrap(checkNumberValue(v, `numeric attribute: ${key}`));
		if (!Number.isSafeInteger(n)) fail(`Invalid value for numeric attribute '${key}': ${v.text}`);
		const test = createNumberTest(unwrap(checkComparator(raw.comparator, NUMBER_COMPARATORS)), n);
		return (row) => test(row.numbers[key]);
	}
	if (v.kind === 'number') fail(`Only the '{'version_number', 'creation_timestamp', 'last_updated_timestamp'}' attributes support comparison with numeric values.`);
	if (v.kind === 'list') {
		if (!spec.lists.includes(key)) fail(`Only the '${spec.lists.join("', '")}' attributes support comparison with a list of quoted string values.`);
		const test = createStringTest(unwrap(checkComparator(raw.comparator, LIST_COMPARATORS)), unwrap(checkStringList(v)));
		return (row) => row.strings[key] !== null && test(row.strings[key]!);
	}
	const test = createStringTest(unwrap(checkComparator(raw.comparator, STRING_COMPARATORS)), unwrap(checkStringValue(v, 'attributes')));
	return (row) => row.strings[key] !== null && test(row.strings[key]!);
}

/**
 * Clauses on the prompt tag: MLflow returns prompts only for `= 'true'` / `!= 'false'`; otherwise it drops those
 * clauses and excludes prompts, so the `!= 'true'` every 3.x client appends also matches untagged models.
 */
function compileFilter(src: string, spec: Spec, keys: readonly string[]): Test {
	const raws = unwrap(readMlflowComparisons(src));
	const isPrompt = (r: MlflowRawComparison) => r.entity !== null && r.entity !== 'attribute' && r.key === IS_PROMPT_TAG;
	const wantsPrompts = raws.some((r) => {
		if (!isPrompt(r) || (r.value.kind !== 'string' && r.value.kind !== 'ident')) return false;
		const value = r.value.value.toLowerCase();
		return (r.comparator === '=' && value === 'true') || (r.comparator === '!=' && value === 'false');
	});
	const tests = raws.filter((r) => wantsPrompts || !isPrompt(r)).map((r) => compileClause(r, spec, keys));
	if (!wantsPrompts) tests.push((row) => row.tags[IS_PROMPT_TAG]?.toLowerCase() !== 'true');
	return (row) => tests.every((t) => t(row));
}

const modelRow = (m: RegisteredModelRecord): Row => ({
	strings: { name: m.name },
	numbers: { creation_timestamp: m.creationTime, last_updated_timestamp: m.lastUpdateTime },
	tags: m.tags
});

/** A version's row; the prompt tag counts if either the version or its model carries it. */
function versionRow(v: ModelVersionRecord, modelTags: Record<string, string>): Row {
	const tags = modelTags[IS_PROMPT_TAG] === undefined || Object.hasOwn(v.tags, IS_PROMPT_TAG) ? v.tags : { ...v.tags, [IS_PROMPT_TAG]: modelTags[IS_PROMPT_TAG] };
	return {
		strings: { name: v.name, run_id: v.runId, source_path: v.source },
		numbers: { version_number: v.version, creation_timestamp: v.creationTime, last_updated_timestamp: v.lastUpdateTime },
		tags
	};
}

type Term<T> = { read: (x: T) => string | number; ascending: boolean };

function createComparator<T>(terms: Term<T>[]): (a: T, b: T) => number {
	return (a, b) => {
		for (const t of terms) {
			const x = t.read(a);
			const y = t.read(b);
			if (x !== y) return (x < y ? -1 : 1) * (t.ascending ? 1 : -1);
		}
		return 0;
	};
}

function readOrderTerms<T>(items: readonly string[], fields: Record<string, (x: T) => string | number>, allowEntity: boolean): Term<T>[] {
	const terms: Term<T>[] = [];
	const seen = new Set<(x: T) => string | number>();
	for (const item of items) {
		const { entity, key, ascending } = unwrap(readMlflowOrderItem(item));
		const read = (entity === null || (allowEntity && readEntity(entity) === 'attribute')) && Object.hasOwn(fields, key) ? fields[key] : undefined;
		if (!read) fail(`Invalid order by key '${entity === null ? key : `${entity}.${key}`}' specified. Valid keys are '{${Object.keys(fields).map((k) => `'${k}'`).join(', ')}}'`);
		if (seen.has(read)) fail(`\`order_by\` contains duplicate fields: ${JSON.stringify(items)}`);
		seen.add(read);
		terms.push({ read, ascending });
	}
	return terms;
}

const MODEL_ORDER: Record<string, (m: RegisteredModelRecord) => string | number> = {
	name: (m) => m.name,
	last_updated_timestamp: (m) => m.lastUpdateTime,
	creation_timestamp: (m) => m.creationTime
};
/** The SQL store sorts `timestamp` by last update, so naming both is a duplicate. */
MODEL_ORDER.timestamp = MODEL_ORDER.last_updated_timestamp;

const VERSION_ORDER: Record<string, (v: ModelVersionRecord) => string | number> = {
	name: (v) => v.name,
	version_number: (v) => v.version,
	creation_timestamp: (v) => v.creationTime,
	last_updated_timestamp: (v) => v.lastUpdateTime
};

/** Filters and sorts models (ties: name ASC). Throws INVALID_PARAMETER_VALUE for a bad filter or order_by. */
export function searchRegisteredModels(models: readonly RegisteredModelRecord[], filter: string, orderBy: readonly string[]): RegisteredModelRecord[] {
	const test = compileFilter(filter, MODEL_SPEC, SEARCH_KEYS.models);
	const terms = readOrderTerms(orderBy, MODEL_ORDER, false);
	if (!terms.some((t) => t.read === MODEL_ORDER.name)) terms.push({ read: MODEL_ORDER.name, ascending: true });
	return models.filter((m) => test(modelRow(m))).sort(createComparator(terms));
}

/** Filters and sorts live versions; default order last_updated_timestamp DESC, then name ASC, version DESC. */
export function searchModelVersions(models: readonly RegisteredModelRecord[], filter: string, orderBy: readonly string[]): ModelVersionRecord[] {
	const test = compileFilter(filter, VERSION_SPEC, SEARCH_KEYS.versions);
	const terms = readOrderTerms(orderBy.length ? orderBy : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'], VERSION_ORDER, true);
	if (!terms.some((t) => t.read === VERSION_ORDER.name)) terms.push({ read: VERSION_ORDER.name, ascending: true });
	if (!terms.some((t) => t.read === VERSION_ORDER.version_number)) terms.push({ read: VERSION_ORDER.version_number, ascending: false });
	const out = models.flatMap((m) => m.versions.filter((v) => test(versionRow(v, m.tags))));
	return out.sort(createComparator(terms));
}
