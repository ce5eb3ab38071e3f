// Parsers for MLflow's run logging requests (log-metric, log-parameter, set-tag, delete-tag, log-batch, log-inputs,
// outputs): MLflow's required fields, key rules, batch limits and value truncation; metric points grouped by key.
import { invalid } from '../errors';
import { createColumns, type SeriesColumns } from '../chunk';
import { readMetricValue } from '../validate';
import { MLFLOW_LIMITS, RUN_NAME_TAG, checkBatchLimit, checkLengthLimit, checkMetricKey, checkMlflowKey, checkRunName, truncateValue } from './keys';
import type { DatasetInput, ModelInput, RunInputs } from './run-inputs';
import type { LoggedModelMetric } from '../docs/logged-models';
import {
	createInvalidFieldError,
	createInvalidValueError,
	createMissingValueError,
	readInt,
	readObject,
	readObjectList,
	readRequiredString,
	readRunIdField,
	readString,
	type MlflowMessage
} from './message';

interface MetricPoint {
	key: string;
	value: number;
	/** ms since epoch, ≥ 0 */
	timestamp: number;
	step: number;
	/** 3.x: the logged model (and dataset) the value was measured for */
	modelId?: string;
	datasetName?: string;
	datasetDigest?: string;
}

/** A metric value logged with a `model_id`: kept as a run metric and as one of the model's metrics. */
export interface ModelMetricPoint {
	modelId: string;
	metric: LoggedModelMetric;
}

const at = (path: string, field: string) => (path ? `${path}.${field}` : field);

function readMetricPoint(o: MlflowMessage, path: string): MetricPoint {
	const key = checkMetricKey(readRequiredString(o, 'key', at(path, 'key')), at(path, 'name'));
	if (o.value === undefined || o.value === null || o.value === '') throw createMissingValueError(at(path, 'value'));
	const value = readMetricValue(o.value, at(path, 'value'));
	const timestamp = readInt(o, 'timestamp', at(path, 'timestamp'));
	if (timestamp === undefined) throw createMissingValueError(at(path, 'timestamp'));
	if (timestamp < 0) {
		throw createInvalidValueError(at(path, 'timestamp'), timestamp, `metric '${key}' (value=${value}). Timestamp must be a nonnegative long (64-bit integer)`);
	}
	const point: MetricPoint = { key, value, timestamp, step: readInt(o, 'step', at(path, 'step')) ?? 0 };
	const modelId = readString(o, 'model_id', at(path, 'model_id'));
	if (modelId) {
		point.modelId = modelId;
		const datasetName = readString(o, 'dataset_name', at(path, 'dataset_name'));
		const datasetDigest = readString(o, 'dataset_digest', at(path, 'dataset_digest'));
		if (datasetName) point.datasetName = truncateValue(datasetName, MLFLOW_LIMITS.datasetName);
		if (datasetDigest) point.datasetDigest = truncateValue(datasetDigest, MLFLOW_LIMITS.datasetDigest);
	}
	return point;
}

/** The points that name a logged model, as model metrics of run `runId`. */
function selectModelPoints(points: readonly MetricPoint[], runId: string): ModelMetricPoint[] {
	return points
		.filter((p) => p.modelId !== undefined)
		.map((p) => ({
			modelId: p.modelId!,
			metric: {
				key: p.key,
				value: p.value,
				timestamp: p.timestamp,
				step: p.step,
				runId,
				...(p.datasetName ? { datasetName: p.datasetName } : {}),
				...(p.datasetDigest ? { datasetDigest: p.datasetDigest } : {})
			}
		}));
}

/** Groups points into columns per key, each in request order. */
function groupPoints(points: readonly MetricPoint[]): Map<string, SeriesColumns> {
	const counts = new Map<string, number>();
	for (const p of points) counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
	const out = new Map<string, SeriesColumns>();
	const fill = new Map<string, number>();
	for (const [key, n] of counts) out.set(key, createColumns(n));
	for (const p of points) {
		const cols = out.get(p.key)!;
		const i = fill.get(p.key) ?? 0;
		cols.steps[i] = p.step;
		cols.timestamps[i] = p.timestamp;
		cols.values[i] = p.value;
		fill.set(p.key, i + 1);
	}
	return out;
}

function readParam(o: MlflowMessage, path: string): [string, string] {
	const key = checkMlflowKey(readRequiredString(o, 'key', at(path, 'key')), at(path, 'key'), 'Param key');
	return [key, truncateValue(readString(o, 'value', at(path, 'value')) ?? '', MLFLOW_LIMITS.paramValueLength)];
}

/** A run tag; the `mlflow.runName` tag is the run's name, so it keeps the run name's limit rather than being cut. */
function readTag(o: MlflowMessage, path: string): [string, string] {
	const key = checkMlflowKey(readRequiredString(o, 'key', at(path, 'key')), at(path, 'key'), at(path, 'key'));
	const value = readString(o, 'value', at(path, 'value')) ?? '';
	if (key === RUN_NAME_TAG) return [key, checkRunName(value, at(path, 'value'))];
	return [key, truncateValue(value, MLFLOW_LIMITS.tagValueLength)];
}

/**
 * The `tags` list of a request as a record (a later duplicate key wins, as MLflow's set_tags); at most `maxCount`
 * of them (log-batch counts its own first, with MLflow's message).
 */
export function readRunTags(m: MlflowMessage, maxCount: number = MLFLOW_LIMITS.tagsPerRequest): Record<string, string> {
	const tags: Record<string, string> = {};
	const list = readObjectList(m, 'tags');
	checkBatchLimit('tags', maxCount, list.length);
	list.forEach((t, i) => {
		const [k, v] = readTag(t, `tags[${i}]`);
		tags[k] = v;
	});
	return tags;
}

export interface LogMetricsRequest {
	runId: string;
	/** metric key -> points in request order */
	metrics: Map<string, SeriesColumns>;
	/** the points logged with a model_id, also recorded on those models */
	modelMetrics: ModelMetricPoint[];
}

export function parseLogMetricRequest(m: MlflowMessage): LogMetricsRequest {
	const runId = readRunIdField(m);
	const points = [readMetricPoint(m, '')];
	return { runId, metrics: groupPoints(points), modelMetrics: selectModelPoints(points, runId) };
}

export interface KeyValueRequest {
	runId: string;
	key: string;
	value: string;
}

export function parseLogParamRequest(m: MlflowMessage): KeyValueRequest {
	const runId = readRunIdField(m);
	const [key, value] = readParam(m, '');
	return { runId, key, value };
}

export function parseSetTagRequest(m: MlflowMessage): KeyValueRequest {
	const runId = readRunIdField(m);
	const [key, value] = readTag(m, '');
	return { runId, key, value };
}

export function parseDeleteTagRequest(m: MlflowMessage): { runId: string; key: string } {
	return { runId: readRunIdField(m), key: readRequiredString(m, 'key') };
}

export interface LogBatchRequest extends LogMetricsRequest {
	params: Record<string, string>;
	tags: Record<string, string>;
}

/** log-batch: ≤ 1,000 metrics, ≤ 100 params, ≤ 100 tags, ≤ 1,000 in all; one value per param key. */
export function parseLogBatchRequest(m: MlflowMessage): LogBatchRequest {
	const runId = readRunIdField(m);
	const rawMetrics = readObjectList(m, 'metrics');
	const rawParams = readObjectList(m, 'params');
	const rawTags = readObjectList(m, 'tags');
	checkBatchLimit('metrics', MLFLOW_LIMITS.metricsPerBatch, rawMetrics.length);
	checkBatchLimit('params', MLFLOW_LIMITS.paramsPerBatch, rawParams.length);
	checkBatchLimit('tags', MLFLOW_LIMITS.tagsPerBatch, rawTags.length);
	checkBatchLimit('metrics, params, and tags', MLFLOW_LIMITS.entitiesPerBatch, rawMetrics.length + rawParams.length + rawTags.length);
	// MLflow checks every item for its required fields first, and names the whole list when one lacks any.
	const lacks = (o: MlflowMessage, fields: readonly string[]) => fields.some((f) => o[f] === undefined || o[f] === null || o[f] === '');
	if (rawMetrics.some((o) => lacks(o, ['key', 'value', 'timestamp']))) throw createInvalidFieldError(m, 'metrics');
	if (rawParams.some((o) => lacks(o, ['key']))) throw createInvalidFieldError(m, 'params');
	if (rawTags.some((o) => lacks(o, ['key']))) throw createInvalidFieldError(m, 'tags');
	const points = rawMetrics.map((o, i) => readMetricPoint(o, `metrics[${i}]`));
	const params: Record<string, string> = {};
	const dupes: string[] = [];
	rawParams.forEach((o, i) => {
		const [k, v] = readParam(o, `params[${i}]`);
		if (Object.hasOwn(params, k)) dupes.push(k);
		else params[k] = v;
	});
	if (dupes.length > 0) {
		throw invalid(
			`Duplicate parameter keys have been submitted: [${dupes.map((k) => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`
		);
	}
	return { runId, metrics: groupPoints(points), modelMetrics: selectModelPoints(points, runId), params, tags: readRunTags(m) };
}

function readLimited(o: MlflowMessage, field: string, limit: number, noneMessage?: string): string {
	const v = readString(o, field);
	if (v === undefined) {
		if (noneMessage) throw invalid(noneMessage);
		return '';
	}
	return checkLengthLimit(v, field, limit);
}

function readDatasetInput(o: MlflowMessage): DatasetInput {
	const d = readObject(o, 'dataset');
	if (!d) throw invalid('Dataset cannot be None');
	const L = MLFLOW_LIMITS;
	const dataset: DatasetInput['dataset'] = {
		name: readLimited(d, 'name', L.datasetName, 'Dataset name cannot be None'),
		digest: readLimited(d, 'digest', L.datasetDigest, 'Dataset digest cannot be None'),
		source_type: readLimited(d, 'source_type', L.datasetSourceType, 'Dataset source_type cannot be None'),
		source: readLimited(d, 'source', L.datasetSource, 'Dataset source cannot be None')
	};
	if (typeof d.schema === 'string') dataset.schema = readLimited(d, 'schema', L.datasetSchema);
	if (typeof d.profile === 'string') dataset.profile = readLimited(d, 'profile', L.datasetProfile);
	const tags = readObjectList(o, 'tags').map((t) => ({
		key: readLimited(t, 'key', L.inputTagKey, 'InputTag key cannot be None'),
		value: readLimited(t, 'value', L.inputTagValue, 'InputTag value cannot be None')
	}));
	return { tags, dataset };
}

export interface LogInputsRequest {
	runId: string;
	inputs: RunInputs;
}

export function parseLogInputsRequest(m: MlflowMessage): LogInputsRequest {
	const runId = readRunIdField(m);
	// Required in 2.x, whose LogInputs has no `models`; 3.x may send models alone.
	if ((m.datasets === undefined || m.datasets === null) && (m.models === undefined || m.models === null)) throw createMissingValueError('datasets');
	const datasetInputs = readObjectList(m, 'datasets').map((o) => readDatasetInput(o));
	const modelInputs: ModelInput[] = readObjectList(m, 'models').map((o, i) => ({
		model_id: readRequiredString(o, 'model_id', `models[${i}].model_id`)
	}));
	return { runId, inputs: { datasetInputs, modelInputs } };
}

/** 3.x `runs/outputs`: the logged models a run produced, each at a step. */
export function parseLogOutputsRequest(m: MlflowMessage): LogInputsRequest {
	const runId = readRunIdField(m);
	const raw = readObjectList(m, 'models');
	if (raw.length === 0) throw createMissingValueError('models');
	const modelOutputs = raw.map((o, i) => {
		const step = readInt(o, 'step', `models[${i}].step`);
		if (step === undefined) throw createMissingValueError(`models[${i}].step`);
		return { model_id: readRequiredString(o, 'model_id', `models[${i}].model_id`), step };
	});
	return { runId, inputs: { datasetInputs: [], modelInputs: [], modelOutputs } };
}
