// MLflow 2.x `runs/log-model`: the request's MLmodel dict (MLflow's mandatory fields checked) and the run tag
// `mlflow.log-model.history` that lists every model logged to a run.
import { invalid } from '../errors';
import { isJsonTooDeep, MAX_JSON_DEPTH } from '../json-depth';
import { readRequiredString, readRunIdField, type MlflowMessage } from './message';

/** The 2.x `mlflow.log-model.history` run tag's entries: the MLmodel dicts of the models logged to a run. */
export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

const MODEL_JSON_FIELDS = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'] as const;

/** 2.x `runs/log-model`: `model_json`, a JSON object string with MLflow's mandatory MLmodel fields. */
export function parseLogModelRequest(m: MlflowMessage): { runId: string; model: Record<string, unknown> } {
	const runId = readRunIdField(m);
	const text = readRequiredString(m, 'model_json');
	if (isJsonTooDeep(text)) throw invalid(`Malformed model info: model_json nests deeper than ${MAX_JSON_DEPTH} levels.`);
	let model: unknown;
	try {
		model = JSON.parse(text);
	} catch {
		model = undefined;
	}
	if (model === null || typeof model !== 'object' || Array.isArray(model)) {
		throw invalid(`Malformed model info. \n ${text} \n is not a valid JSON.`);
	}
	const missing = MODEL_JSON_FIELDS.filter((f) => !Object.hasOwn(model, f));
	if (missing.length > 0) throw invalid(`Model json is missing mandatory fields: {${missing.map((f) => `'${f}'`).join(', ')}}`);
	return { runId, model: model as Record<string, unknown> };
}

/** The log-model history tag after one more model: `previous` (the tag's value, if any) with `model` appended. */
export function appendLogModelHistory(previous: string | undefined, model: Record<string, unknown>): string {
	let list: unknown = [];
	if (previous !== undefined) {
		try {
			// A client may have set the tag to anything: too deep a value reads as no list (JSON.stringify would overflow).
			list = isJsonTooDeep(previous) ? null : JSON.parse(previous);
		} catch {
			list = null;
		}
	}
	if (!Array.isArray(list)) throw invalid(`The run tag '${LOG_MODEL_HISTORY_TAG}' does not hold a JSON list`);
	return JSON.stringify([...list, model]);
}
