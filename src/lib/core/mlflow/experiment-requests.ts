// Parsers for MLflow's experiments/* request messages: each returns a typed command or throws MLflow's
// INVALID_PARAMETER_VALUE error (names, tags, search filter, order_by, paging, view type).
import { invalid } from '../errors';
import type { Experiment } from '../docs/workspace';
import { compileExperimentFilter, parseExperimentFilter, type ExperimentRow } from '../query/experiment-filter';
import { parseExperimentOrderBy } from '../query/mlflow-order';
import { MLFLOW_LIMITS, checkBatchLimit, checkLengthLimit, checkMlflowKey } from './keys';
import { readPageRequest } from './paging';
import {
	createMissingValueError,
	readEnum,
	readObjectList,
	readRequiredString,
	readString,
	readStringList,
	type MlflowMessage
} from './message';

export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewType = (typeof VIEW_TYPES)[number];

/** Whether an entity with this lifecycle is listed under `view`. */
export function isInView(lifecycle: 'active' | 'deleted', view: ViewType): boolean {
	return view === 'ALL' || (view === 'ACTIVE_ONLY') === (lifecycle === 'active');
}

/** An experiment id: a string (the Python client stringifies them) or an integer; required. */
export function readExperimentIdField(m: MlflowMessage, field = 'experiment_id'): string {
	const v = m[field];
	if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
	return readRequiredString(m, field);
}

function checkExperimentName(name: string, field: string): string {
	return checkLengthLimit(name, field, MLFLOW_LIMITS.experimentNameLength);
}

/** Checks an experiment tag (key rules, key ≤ 250, value ≤ 20,000: rejected, not truncated). */
function checkExperimentTag(key: string, value: string): void {
	checkMlflowKey(key, 'key', 'key');
	checkLengthLimit(key, 'key', MLFLOW_LIMITS.experimentTagKeyLength);
	checkLengthLimit(value, 'value', MLFLOW_LIMITS.experimentTagValueLength);
}

export interface CreateExperimentRequest {
	name: string;
	artifactLocation?: string;
	tags: Record<string, string>;
}

export function parseCreateExperimentRequest(m: MlflowMessage): CreateExperimentRequest {
	const name = checkExperimentName(readRequiredString(m, 'name'), 'name');
	const artifactLocation = readString(m, 'artifact_location') || undefined;
	if (artifactLocation) checkLengthLimit(artifactLocation, 'artifact_location', MLFLOW_LIMITS.artifactLocationLength);
	if (artifactLocation?.startsWith('runs:')) {
		throw invalid(`Invalid value '${artifactLocation}' for parameter 'artifact_location': 'runs:' URIs are not allowed`);
	}
	const tags: Record<string, string> = {};
	const list = readObjectList(m, 'tags');
	checkBatchLimit('tags', MLFLOW_LIMITS.tagsPerRequest, list.length);
	list.forEach((t, i) => {
		const key = readString(t, 'key');
		if (!key) throw createMissingValueError(`tags[${i}].key`);
		const value = readString(t, 'value') ?? '';
		checkExperimentTag(key, value);
		tags[key] = value;
	});
	return { name, artifactLocation, tags };
}

export function parseExperimentIdRequest(m: MlflowMessage): { experimentId: string } {
	return { experimentId: readExperimentIdField(m) };
}

export function parseGetExperimentByNameRequest(m: MlflowMessage): { name: string } {
	return { name: readRequiredString(m, 'experiment_name') };
}

export function parseUpdateExperimentRequest(m: MlflowMessage): { experimentId: string; newName: string } {
	return { experimentId: readExperimentIdField(m), newName: checkExperimentName(readRequiredString(m, 'new_name'), 'name') };
}

export function parseSetExperimentTagRequest(m: MlflowMessage): { experimentId: string; key: string; value: string } {
	const experimentId = readExperimentIdField(m);
	const key = readRequiredString(m, 'key');
	const value = readString(m, 'value') ?? '';
	checkExperimentTag(key, value);
	return { experimentId, key, value };
}

export function parseDeleteExperimentTagRequest(m: MlflowMessage): { experimentId: string; key: string } {
	return { experimentId: readExperimentIdField(m), key: readRequiredString(m, 'key') };
}

export interface SearchExperimentsRequest {
	view: ViewType;
	maxResults: number;
	offset: number;
	matches: (row: ExperimentRow) => boolean;
	compare: (a: ExperimentRow, b: ExperimentRow) => number;
}

export function parseSearchExperimentsRequest(m: MlflowMessage): SearchExperimentsRequest {
	const filter = parseExperimentFilter(readString(m, 'filter') ?? '');
	if (!filter.ok) throw invalid(filter.error);
	const order = parseExperimentOrderBy(readStringList(m, 'order_by'));
	if (!order.ok) throw invalid(order.error);
	return {
		view: readEnum(m, 'view_type', VIEW_TYPES) ?? 'ACTIVE_ONLY',
		...readPageRequest(m, MLFLOW_LIMITS.searchDefaultResults, MLFLOW_LIMITS.searchMaxResults),
		matches: compileExperimentFilter(filter.clauses),
		compare: order.compare
	};
}

/** The experiments a search lists, in order (before paging). */
export function searchExperiments(all: readonly Experiment[], req: SearchExperimentsRequest): Experiment[] {
	return all.filter((e) => isInView(e.lifecycle, req.view) && req.matches(e)).sort(req.compare);
}

