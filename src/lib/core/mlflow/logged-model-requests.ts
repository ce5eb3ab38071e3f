// Parsers for MLflow 3.x's logged-model requests (create, finalize, set tags, log params, search) with MLflow's
// required fields, key rules and limits, and the LoggedModel response JSON.
import { invalid } from '../errors';
import { LOGGED_MODEL_STATUSES, type LoggedModelStatus } from '../schema';
import type { LoggedModelMetric, LoggedModelRecord } from '../docs/logged-models';
import { encodeNumber } from '../series/summary';
import { MLFLOW_LIMITS, checkBatchLimit, checkLengthLimit, checkMlflowKey, truncateValue } from './keys';
import { readRunTags } from './logging-requests';
import { readBool, readEnum, readObjectList, readRequiredString, readString, type MlflowMessage } from './message';
import { readPageRequest } from './paging';
import { toKeyValueList } from './entities';

/** Longest logged-model name accepted (MLflow's registered-model name limit; names become artifact paths). */
const MAX_NAME_LENGTH = 256;
/** Params per `logged-models/<id>/params` request and per create, as the client batches them. */
export const PARAMS_PER_REQUEST = 100;

export interface CreateLoggedModelRequest {
	experimentId: string;
	name: string | undefined;
	modelType: string;
	sourceRunId: string;
	params: Record<string, string>;
	tags: Record<string, string>;
}

function readModelParams(m: MlflowMessage): Record<string, string> {
	const raw = readObjectList(m, 'params');
	checkBatchLimit('params', PARAMS_PER_REQUEST, raw.length);
	const params: Record<string, string> = {};
	raw.forEach((o, i) => {
		const key = checkMlflowKey(readRequiredString(o, 'key', `params[${i}].key`), `params[${i}].key`, 'Param key');
		params[key] = truncateValue(readString(o, 'value', `params[${i}].value`) ?? '', MLFLOW_LIMITS.paramValueLength);
	});
	return params;
}

export function parseCreateLoggedModelRequest(m: MlflowMessage): CreateLoggedModelRequest {
	const experimentId = readRequiredString(m, 'experiment_id');
	const name = readString(m, 'name') || undefined;
	if (name !== undefined) {
		if (name.length > MAX_NAME_LENGTH) throw invalid(`Logged model name '${name.slice(0, 40)}…' exceeds the maximum length of ${MAX_NAME_LENGTH} characters`);
		if (/[/:\\]|^\.{1,2}$|[\u0000-\u001f]/.test(name)) throw invalid(`Invalid logged model name '${name}': names cannot contain '/', ':', '\\', control characters, or be '.' or '..'`);
	}
	const modelType = truncateValue(readString(m, 'model_type') ?? '', 500);
	const sourceRunId = checkLengthLimit(readString(m, 'source_run_id') ?? '', 'source_run_id', 256);
	checkLengthLimit(experimentId, 'experiment_id', 256);
	return { experimentId, name, modelType, sourceRunId, params: readModelParams(m), tags: readRunTags(m) };
}

export function parseFinalizeLoggedModelRequest(m: MlflowMessage): { status: LoggedModelStatus } {
	const status = readEnum(m, 'status', LOGGED_MODEL_STATUSES, 1);
	if (status === undefined) throw invalid("Missing value for required parameter 'status'.");
	if (status === 'LOGGED_MODEL_PENDING') throw invalid(`Invalid status 'LOGGED_MODEL_PENDING': a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED`);
	return { status };
}

export const parseLoggedModelTagsRequest = (m: MlflowMessage): Record<string, string> => readRunTags(m);
export const parseLogModelParamsRequest = (m: MlflowMessage): Record<string, string> => readModelParams(m);

export interface DatasetRef {
	name: string;
	digest?: string;
}

export interface LoggedModelOrder {
	field: string;
	ascending: boolean;
	dataset?: DatasetRef;
}

export interface SearchLoggedModelsRequest {
	experimentIds: string[];
	filter: string;
	datasets: DatasetRef[];
	order: LoggedModelOrder[];
	maxResults: number;
	offset: number;
	/** identifies the result list (not the page), for memoising a paged search */
	queryKey: string;
}

function readDatasetRef(o: MlflowMessage, path: string, nameField: string, digestField: string): DatasetRef {
	const name = readRequiredString(o, nameField, `${path}.${nameField}`);
	const digest = readString(o, digestField, `${path}.${digestField}`) || undefined;
	return digest ? { name, digest } : { name };
}

export function parseSearchLoggedModelsRequest(m: MlflowMessage): SearchLoggedModelsRequest {
	const raw = m.experiment_ids;
	const experimentIds = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.map(String) : [];
	if (experimentIds.length === 0) throw invalid("Missing value for required parameter 'experiment_ids'.");
	const datasets = readObjectList(m, 'datasets').map((o, i) => readDatasetRef(o, `datasets[${i}]`, 'dataset_name', 'dataset_digest'));
	const order = readObjectList(m, 'order_by').map((o, i): LoggedModelOrder => {
		const field = readRequiredString(o, 'field_name', `order_by[${i}].field_name`);
		const datasetName = readString(o, 'dataset_name');
		return {
			field,
			ascending: readBool(o, 'ascending') ?? true,
			...(datasetName ? { dataset: readDatasetRef(o, `order_by[${i}]`, 'dataset_name', 'dataset_digest') } : {})
		};
	});
	const { maxResults, offset } = readPageRequest(m, 50, 1000);
	const filter = readString(m, 'filter') ?? '';
	return { experimentIds, filter, datasets, order, maxResults, offset, queryKey: JSON.stringify([experimentIds, filter, datasets, order]) };
}

/** The Metric JSON of a model metric (the run and dataset it was logged with, the model's id). */
export function toModelMetricJson(modelId: string, x: LoggedModelMetric) {
	return {
		key: x.key,
		value: encodeNumber(x.value),
		timestamp: x.timestamp,
		step: x.step,
		model_id: modelId,
		...(x.datasetName ? { dataset_name: x.datasetName } : {}),
		...(x.datasetDigest ? { dataset_digest: x.datasetDigest } : {}),
		...(x.runId ? { run_id: x.runId } : {})
	};
}

/** MLflow's LoggedModel message. */
export function toLoggedModelJson(r: LoggedModelRecord, params: Record<string, string>) {
	return {
		info: {
			model_id: r.modelId,
			experiment_id: r.experimentId,
			name: r.name,
			creation_timestamp_ms: r.creationTime,
			last_updated_timestamp_ms: r.lastUpdateTime,
			artifact_uri: r.artifactLocation,
			status: r.status,
			...(r.modelType ? { model_type: r.modelType } : {}),
			...(r.sourceRunId ? { source_run_id: r.sourceRunId } : {}),
			...(r.statusMessage ? { status_message: r.statusMessage } : {}),
			tags: toKeyValueList(r.tags)
		},
		data: { params: toKeyValueList(params), metrics: r.metrics.map((x) => toModelMetricJson(r.modelId, x)) }
	};
}
