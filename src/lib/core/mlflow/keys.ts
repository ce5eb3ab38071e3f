// MLflow's rules for metric, param and tag keys and values (mlflow/utils/validation.py): allowed characters,
// names that must not resolve to another path, length limits, and the values it truncates rather than rejects.
import { invalid } from '../errors';
import { isValidKey } from '../schema';

export const MLFLOW_LIMITS = {
	keyLength: 250,
	/** A run's name (MLflow's SQL `runs.name` column); the `mlflow.runName` tag that carries it too. */
	runNameLength: 250,
	/** `user_id` (the `runs.user_id` column) */
	userIdLength: 256,
	/** MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH's default */
	artifactLocationLength: 2048,
	/** run tags given with runs/create, logged-model tags per request: MAX_ENTITIES_PER_BATCH */
	tagsPerRequest: 1000,
	/** Longer param values are truncated to this many characters (MLFLOW_TRUNCATE_LONG_VALUES, on by default). */
	paramValueLength: 6000,
	/** Longer run tag values are truncated to this many characters. */
	tagValueLength: 8000,
	experimentNameLength: 500,
	experimentTagKeyLength: 250,
	experimentTagValueLength: 20000,
	metricsPerBatch: 1000,
	paramsPerBatch: 100,
	tagsPerBatch: 100,
	entitiesPerBatch: 1000,
	/** runs/search and experiments/search page size: default and most. */
	searchDefaultResults: 1000,
	searchMaxResults: 50000,
	/** metrics/get-history-bulk-interval */
	bulkMaxRuns: 100,
	bulkMaxResultsPerRun: 2500,
	/** metrics/get-history-bulk in all, and get-history-bulk-interval per run */
	historyMaxResults: 25000,
	datasetName: 500,
	datasetDigest: 36,
	datasetSource: 65535,
	datasetSchema: 1048575,
	datasetProfile: 16777215,
	inputTagKey: 255,
	inputTagValue: 500,
	/** `datasets.dataset_source_type` column */
	datasetSourceType: 36
} as const;

/** The run tag that carries a run's name. */
export const RUN_NAME_TAG = 'mlflow.runName';

/** Python's `\w` is Unicode-aware: letters, digits (any script) and underscore; plus `/ . - space :`. */
const KEY_CHARS = /^[\p{L}\p{N}_/.\- :]*$/u;

/** POSIX `posixpath.normpath`: collapses `//`, `.` and `..` segments; keeps one or two leading slashes. */
export function normalizePosixPath(p: string): string {
	if (p === '') return '.';
	const lead = p.startsWith('//') && !p.startsWith('///') ? 2 : p.startsWith('/') ? 1 : 0;
	const out: string[] = [];
	for (const part of p.split('/')) {
		if (part === '' || part === '.') continue;
		if (part !== '..' || (lead === 0 && (out.length === 0 || out[out.length - 1] === '..'))) out.push(part);
		else if (out.length > 0) out.pop();
	}
	return '/'.repeat(lead) + out.join('/') || '.';
}

const BAD_CHARACTERS =
	'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

function invalidName(path: string, key: string, why: string) {
	return invalid(`Invalid value ${JSON.stringify(key)} for parameter '${path}' supplied: ${why}`);
}

/**
 * Checks a param or tag key: MLflow's characters, no name that resolves to another path (`a//b`, `./a`, `a/`,
 * `/a`, `..`), at most 250 characters. `path` names the field in messages (`key`, `params[3].key`); `what` is
 * the entity in the length message (`Param key`).
 */
export function checkMlflowKey(key: string, path: string, what: string): string {
	if (!KEY_CHARS.test(key)) throw invalidName(path, key, BAD_CHARACTERS);
	const norm = normalizePosixPath(key);
	if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
		throw invalidName(
			path,
			key,
			`Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`
		);
	}
	if (key.length > MLFLOW_LIMITS.keyLength) throw invalid(`'${what}' exceeds the maximum length of ${MLFLOW_LIMITS.keyLength} characters`);
	return key;
}

/**
 * Checks a metric key: MLflow's rule, and also Tandem's document-name rule (each metric is a document named
 * after its key), which admits ASCII letters and digits only and no colon.
 */
export function checkMetricKey(key: string, path: string): string {
	checkMlflowKey(key, path, 'Metric name');
	if (!isValidKey(key)) {
		throw invalidName(path, key, 'Metric names may only contain ASCII alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ) and slashes (/).');
	}
	return key;
}

/** Cuts `value` to `limit` code points (what Python's `value[:limit]` keeps); unchanged when short enough. */
export function truncateValue(value: string, limit: number): string {
	if (value.length <= limit) return value;
	const points = Array.from(value);
	return points.length <= limit ? value : points.slice(0, limit).join('');
}

/** `value`, or MLflow's INVALID_PARAMETER_VALUE (`_validate_length_limit`) when longer than `limit` characters. */
export function checkLengthLimit(value: string, field: string, limit: number): string {
	if (value.length > limit) throw invalid(`'${field}' exceeds the maximum length of ${limit} characters`);
	return value;
}

/** A run name (run_name, or the mlflow.runName tag): at most MLFLOW_LIMITS.runNameLength characters. */
export function checkRunName(name: string, field = 'run_name'): string {
	if (name.length > MLFLOW_LIMITS.runNameLength) {
		throw invalid(`Run name '${name.slice(0, 40)}…' (${field}) exceeds the maximum length of ${MLFLOW_LIMITS.runNameLength} characters`);
	}
	return name;
}

/** MLflow's message when one log-batch request carries more than `limit` entities of a kind. */
export function checkBatchLimit(what: string, limit: number, count: number): void {
	if (count > limit) {
		throw invalid(
			`A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`
		);
	}
}
