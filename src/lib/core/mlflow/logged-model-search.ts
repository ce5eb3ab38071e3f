// Search over logged models as MLflow 3.x does it: AND-ed comparisons on attributes, metrics.*, params.* and tags.*;
// dataset filters scoping metrics; order_by objects with a creation-time and id tie-break. A metric filter matches
// any value of its key (as MLflow's SQL store, the default server backend, does); metric order uses the latest value.
import { invalid } from '../errors';
import type { LoggedModelMetric, LoggedModelRecord } from '../docs/logged-models';
import type { LoggedModelStatus } from '../schema';
import { readMlflowComparisons, type MlflowRawComparison } from '../query/mlflow-lexer';
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
import type { DatasetRef, LoggedModelOrder } from './logged-model-requests';

/** The short status names MLflow's Python entity uses (what a filter compares against). */
const SHORT_STATUS: Record<LoggedModelStatus, string> = {
	LOGGED_MODEL_PENDING: 'PENDING',
	LOGGED_MODEL_READY: 'READY',
	LOGGED_MODEL_UPLOAD_FAILED: 'FAILED'
};

const STRING_ATTRIBUTES: Record<string, (r: LoggedModelRecord) => string> = {
	name: (r) => r.name,
	model_id: (r) => r.modelId,
	model_type: (r) => r.modelType,
	status: (r) => SHORT_STATUS[r.status],
	source_run_id: (r) => r.sourceRunId
};
const NUMBER_ATTRIBUTES: Record<string, (r: LoggedModelRecord) => number> = {
	creation_timestamp: (r) => r.creationTime,
	creation_time: (r) => r.creationTime,
	last_updated_timestamp: (r) => r.lastUpdateTime,
	last_updated_time: (r) => r.lastUpdateTime
};

type Test = (r: LoggedModelRecord, params: (id: string) => Record<string, string>) => boolean;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
	if (!r.ok) throw invalid(r.error);
	return r.value;
}

const onDataset = (m: LoggedModelMetric, d: DatasetRef) => m.datasetName === d.name && (!d.digest || m.datasetDigest === d.digest);

function readEntity(entity: string | null): 'attribute' | 'metric' | 'param' | 'tag' {
	if (entity === null || entity === 'attribute' || entity === 'attributes' || entity === 'attr') return 'attribute';
	if (entity === 'metric' || entity === 'metrics') return 'metric';
	if (entity === 'param' || entity === 'params' || entity === 'parameter' || entity === 'parameters') return 'param';
	if (entity === 'tag' || entity === 'tags') return 'tag';
	throw invalid(`Invalid entity type '${entity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute']`);
}

function compileStringClause(raw: MlflowRawComparison, what: string): (x: string) => boolean {
	if (raw.value.kind === 'list') return createStringTest(unwrap(checkComparator(raw.comparator, LIST_COMPARATORS)), unwrap(checkStringList(raw.value)));
	return createStringTest(unwrap(checkComparator(raw.comparator, STRING_COMPARATORS)), unwrap(checkStringValue(raw.value, what)));
}

function compileClause(raw: MlflowRawComparison, datasets: readonly DatasetRef[]): Test {
	const { key } = raw;
	switch (readEntity(raw.entity)) {
		case 'metric': {
			const test = createNumberTest(unwrap(checkComparator(raw.comparator, NUMBER_COMPARATORS)), unwrap(checkNumberValue(raw.value, 'metric')));
			// As MLflow's SQL store (the default `mlflow server` backend): any value of the key, on the datasets if given.
			return (r) => r.metrics.some((x) => x.key === key && (datasets.length === 0 || datasets.some((d) => onDataset(x, d))) && test(x.value));
		}
		case 'param': {
			const test = createStringTest(unwrap(checkComparator(raw.comparator, STRING_COMPARATORS)), unwrap(checkStringValue(raw.value, 'parameter')));
			return (r, params) => {
				const p = params(r.modelId);
				return Object.hasOwn(p, key) && test(p[key]);
			};
		}
		case 'tag': {
			const test = createStringTest(unwrap(checkComparator(raw.comparator, STRING_COMPARATORS)), unwrap(checkStringValue(raw.value, 'tag')));
			return (r) => Object.hasOwn(r.tags, key) && test(r.tags[key]);
		}
		case 'attribute': {
			if (Object.hasOwn(NUMBER_ATTRIBUTES, key)) {
				const read = NUMBER_ATTRIBUTES[key];
				const v = raw.value;
				const n = v.kind === 'string' && /^-?\d+$/.test(v.value) ? Number(v.value) : unwrap(checkNumberValue(v, `numeric attribute: ${key}`));
				const test = createNumberTest(unwrap(checkComparator(raw.comparator, NUMBER_COMPARATORS)), n);
				return (r) => test(read(r));
			}
			if (!Object.hasOwn(STRING_ATTRIBUTES, key)) throw invalid(`Invalid logged model search key '${key}'`);
			const read = STRING_ATTRIBUTES[key];
			const test = compileStringClause(raw, 'attribute');
			// `status` is compared by MLflow's short names; the proto names are accepted as the same statuses.
			return key === 'status' ? (r) => test(read(r)) || test(r.status) : (r) => test(read(r));
		}
	}
}

export interface LoggedModelFilter {
	test: Test;
	/** true if a clause reads params (the caller then supplies each candidate's params) */
	readsParams: boolean;
}

/** Compiles `filter` and `datasets`; 400 INVALID_PARAMETER_VALUE with MLflow's messages for a bad filter. */
export function compileLoggedModelFilter(filter: string, datasets: readonly DatasetRef[]): LoggedModelFilter {
	const raws = unwrap(readMlflowComparisons(filter));
	const tests = raws.map((r) => compileClause(r, datasets));
	// Datasets without a metric clause keep the models that have any metric on one of them.
	if (datasets.length > 0 && !raws.some((r) => readEntity(r.entity) === 'metric')) {
		tests.push((r) => r.metrics.some((m) => datasets.some((d) => onDataset(m, d))));
	}
	return { test: (r, params) => tests.every((t) => t(r, params)), readsParams: raws.some((r) => readEntity(r.entity) === 'param') };
}

type Key = string | number | null;
type Term = { read: (r: LoggedModelRecord) => Key; ascending: boolean };

function latestMetric(r: LoggedModelRecord, key: string, dataset?: DatasetRef): number | null {
	let best: LoggedModelMetric | null = null;
	for (const m of r.metrics) {
		if (m.key !== key || (dataset && !onDataset(m, dataset))) continue;
		if (best === null || m.timestamp > best.timestamp) best = m;
	}
	return best === null || Number.isNaN(best.value) ? null : best.value;
}

function readTerm(o: LoggedModelOrder): Term {
	const field = o.field.trim();
	if (field.includes('.')) {
		const [entity, key] = [field.slice(0, field.indexOf('.')), field.slice(field.indexOf('.') + 1)];
		if (entity !== 'metrics') throw invalid(`Invalid order by field name: ${entity}, only \`metrics.<name>\` is allowed.`);
		return { read: (r) => latestMetric(r, key, o.dataset), ascending: o.ascending };
	}
	if (o.dataset?.digest && !o.dataset.name) throw invalid('`dataset_digest` can only be specified if `dataset_name` is also specified.');
	const name = field === 'creation_time' ? 'creation_timestamp' : field === 'last_updated_time' ? 'last_updated_timestamp' : field;
	const read = Object.hasOwn(STRING_ATTRIBUTES, name) ? STRING_ATTRIBUTES[name] : Object.hasOwn(NUMBER_ATTRIBUTES, name) ? NUMBER_ATTRIBUTES[name] : null;
	if (!read) throw invalid(`Invalid order by field name: ${field}.`);
	return { read, ascending: o.ascending };
}

/** Compares by the order terms, then newest first, then model id; a model missing a sort value sorts last. */
export function createLoggedModelComparator(order: readonly LoggedModelOrder[]): (a: LoggedModelRecord, b: LoggedModelRecord) => number {
	const terms = order.map(readTerm);
	const fields = order.map((o) => (o.field.trim() === 'creation_time' ? 'creation_timestamp' : o.field.trim()));
	if (!fields.includes('creation_timestamp')) terms.push({ read: (r) => r.creationTime, ascending: false });
	if (!fields.includes('model_id')) terms.push({ read: (r) => r.modelId, ascending: true });
	return (a, b) => {
		for (const t of terms) {
			const x = t.read(a);
			const y = t.read(b);
			if (x === y) continue;
			if (x === null) return 1;
			if (y === null) return -1;
			return (x < y ? -1 : 1) * (t.ascending ? 1 : -1);
		}
		return 0;
	};
}

/** The active models among `models` that pass the filter, in the requested order. */
export function searchLoggedModels(
	models: readonly LoggedModelRecord[],
	filter: LoggedModelFilter,
	order: readonly LoggedModelOrder[],
	params: (id: string) => Record<string, string> = () => ({})
): LoggedModelRecord[] {
	const compare = createLoggedModelComparator(order);
	return models.filter((r) => r.lifecycle === 'active' && filter.test(r, params)).sort(compare);
}
