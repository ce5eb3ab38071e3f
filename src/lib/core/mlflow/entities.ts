// MLflow's response JSON for tracking entities (Experiment, Run, RunInfo, Metric) built from Tandem's read models.
// Doubles that are not finite travel as the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers).
import type { RunRow } from '../run-row';
import type { Experiment } from '../docs/workspace';
import { encodeNumber } from '../series/summary';
import type { RunInputs } from './run-inputs';
import type { SeriesColumns } from '../chunk';

export interface MlflowKeyValue {
	key: string;
	value: string;
}

export interface MlflowMetric {
	key: string;
	/** a number, or "NaN" / "Infinity" / "-Infinity" */
	value: number | string;
	/** ms since epoch */
	timestamp: number;
	step: number;
	run_id?: string;
}

/** A record as MLflow's repeated `{key, value}` messages, in the record's order. */
export function toKeyValueList(record: Readonly<Record<string, string>>): MlflowKeyValue[] {
	return Object.entries(record).map(([key, value]) => ({ key, value }));
}

/** One metric point; `value` any float64. */
export function toMetricJson(key: string, value: number, timestamp: number, step: number, runId?: string): MlflowMetric {
	const m: MlflowMetric = { key, value: encodeNumber(value), timestamp, step };
	if (runId !== undefined) m.run_id = runId;
	return m;
}

/** A double as MLflow's JSON text: a number, or the quoted string "NaN" / "Infinity" / "-Infinity". */
function writeDouble(v: number): string {
	return Number.isFinite(v) ? String(v) : `"${encodeNumber(v)}"`;
}

/**
 * The JSON text of `[toMetricJson(key, …, runId) for points order[start..end) of cols]`, byte for byte, written in one
 * pass over the typed columns (a 25,000-point history page builds no objects).
 */
export function writeMetricListJson(key: string, cols: SeriesColumns, order: ArrayLike<number>, start: number, end: number, runId?: string): string {
	const { steps, timestamps, values } = cols;
	const head = `{"key":${JSON.stringify(key)},"value":`;
	const tail = runId === undefined ? '}' : `,"run_id":${JSON.stringify(runId)}}`;
	let out = '[';
	for (let n = start; n < end; n++) {
		const i = order[n];
		out += `${n === start ? '' : ','}${head}${writeDouble(values[i])},"timestamp":${timestamps[i]},"step":${steps[i]}${tail}`;
	}
	return out + ']';
}

export function toExperimentJson(e: Experiment) {
	return {
		experiment_id: e.experiment_id,
		name: e.name,
		artifact_location: e.artifact_location,
		lifecycle_stage: e.lifecycle,
		creation_time: e.creation_time,
		last_update_time: e.last_update_time,
		tags: toKeyValueList(e.tags)
	};
}

/** RunInfo; `end_time` is left out while the run has none (the client reads a missing one as None). */
export function toRunInfoJson(row: RunRow) {
	return {
		run_id: row.run_id,
		run_uuid: row.run_id,
		run_name: row.name,
		experiment_id: row.experiment_id,
		user_id: row.user,
		status: row.status,
		start_time: row.start_time,
		...(row.end_time !== null ? { end_time: row.end_time } : {}),
		artifact_uri: row.artifact_uri,
		lifecycle_stage: row.lifecycle
	};
}

/** A Run: info, data (the latest value of each metric, params, tags), inputs and (3.x) outputs. */
export function toRunJson(row: RunRow, inputs?: RunInputs) {
	return {
		info: toRunInfoJson(row),
		data: {
			metrics: Object.entries(row.metrics).map(([key, s]) => toMetricJson(key, s.last, s.timestamp, s.step)),
			params: toKeyValueList(row.params),
			tags: toKeyValueList(row.tags)
		},
		inputs: {
			dataset_inputs: inputs?.datasetInputs ?? [],
			...(inputs && inputs.modelInputs.length > 0 ? { model_inputs: inputs.modelInputs } : {})
		},
		...(inputs?.modelOutputs && inputs.modelOutputs.length > 0 ? { outputs: { model_outputs: inputs.modelOutputs } } : {})
	};
}
