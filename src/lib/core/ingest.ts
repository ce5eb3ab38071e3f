// Parsers for the native ingest API bodies (/api/runs, /api/runs/{id}/log, /end, /api/experiments): untrusted
// JSON in, typed commands out, or an ApiError naming the bad field. Metric points come out grouped per key.
import { invalid } from './errors';
import { RUN_STATUSES, type RunStatus } from './schema';
import { createColumns, type SeriesColumns } from './chunk';
import { LIMITS, checkKey, readKeyValues, readMetricValue, readObject, readOptionalInt, readOptionalString, readRequiredString, type Json } from './validate';

export interface CreateRunCommand {
	experimentId?: string;
	experimentName?: string;
	runName?: string;
	/** ms since epoch */
	startTime?: number;
	user?: string;
	tags: Record<string, string>;
	params: Record<string, string>;
}

export interface LogBatchCommand {
	batchId?: string;
	params: Record<string, string>;
	tags: Record<string, string>;
	/** metric key -> its points in request order */
	metrics: Map<string, SeriesColumns>;
	pointCount: number;
}

export interface EndRunCommand {
	status: RunStatus;
	endTime?: number;
}

export interface CreateExperimentCommand {
	name: string;
	tags: Record<string, string>;
	artifactLocation?: string;
}

export function parseCreateRun(body: unknown): CreateRunCommand {
	const o = readObject(body);
	const experimentId = readOptionalString(o, 'experiment_id', 32);
	const experimentName = readOptionalString(o, 'experiment_name');
	if (experimentId !== undefined && experimentName !== undefined) {
		throw invalid(`Give either 'experiment_id' or 'experiment_name', not both`);
	}
	return {
		experimentId,
		experimentName,
		runName: readOptionalString(o, 'run_name'),
		startTime: readOptionalInt(o, 'start_time'),
		user: readOptionalString(o, 'user'),
		tags: readKeyValues(o.tags, 'Tag', LIMITS.tagsPerBatch),
		params: readKeyValues(o.params, 'Param', LIMITS.paramsPerBatch)
	};
}

/** Groups `[{key, value, step?, timestamp?}]` into columns per key; `now` (ms) fills missing timestamps. */
export function readMetricPoints(raw: unknown, now: number, maxCount: number): { metrics: Map<string, SeriesColumns>; pointCount: number } {
	const metrics = new Map<string, SeriesColumns>();
	if (raw === undefined || raw === null) return { metrics, pointCount: 0 };
	if (!Array.isArray(raw)) throw invalid(`'metrics' must be an array of {key, value, step?, timestamp?}`);
	if (raw.length > maxCount) throw invalid(`A batch may contain at most ${maxCount} metric points, got ${raw.length}`);
	const counts = new Map<string, number>();
	const parsed: { key: string; value: number; step: number; timestamp: number }[] = new Array(raw.length);
	for (let i = 0; i < raw.length; i++) {
		const p = readObject(raw[i], `metrics[${i}]`) as Json;
		const key = checkKey(p.key, 'Metric');
		const value = readMetricValue(p.value, `metrics[${i}].value`);
		const step = readOptionalInt(p, 'step') ?? 0;
		const timestamp = readOptionalInt(p, 'timestamp') ?? now;
		parsed[i] = { key, value, step, timestamp };
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	const fill = new Map<string, number>();
	for (const [key, n] of counts) {
		metrics.set(key, createColumns(n));
		fill.set(key, 0);
	}
	for (const p of parsed) {
		const cols = metrics.get(p.key)!;
		const i = fill.get(p.key)!;
		cols.steps[i] = p.step;
		cols.timestamps[i] = p.timestamp;
		cols.values[i] = p.value;
		fill.set(p.key, i + 1);
	}
	return { metrics, pointCount: raw.length };
}

export function parseLogBatch(body: unknown, now: number): LogBatchCommand {
	const o = readObject(body);
	const batchId = readOptionalString(o, 'batch_id', 128);
	if (batchId !== undefined && !/^[\w.:-]+$/.test(batchId)) {
		throw invalid(`'batch_id' may only contain letters, digits and _ . : -`);
	}
	return {
		batchId,
		params: readKeyValues(o.params, 'Param', LIMITS.paramsPerBatch),
		tags: readKeyValues(o.tags, 'Tag', LIMITS.tagsPerBatch),
		...readMetricPoints(o.metrics, now, LIMITS.metricsPerBatch)
	};
}

export function parseEndRun(body: unknown): EndRunCommand {
	const o = readObject(body ?? {});
	const status = readOptionalString(o, 'status', 16) ?? 'FINISHED';
	if (!(['FINISHED', 'FAILED', 'KILLED'] as readonly string[]).includes(status)) {
		throw invalid(`'status' must be one of FINISHED, FAILED, KILLED, got '${status}'`);
	}
	return { status: status as RunStatus, endTime: readOptionalInt(o, 'end_time') };
}

export function parseRunStatus(v: string): RunStatus {
	if (!(RUN_STATUSES as readonly string[]).includes(v)) throw invalid(`Invalid run status '${v}'; expected one of ${RUN_STATUSES.join(', ')}`);
	return v as RunStatus;
}

export function parseCreateExperiment(body: unknown): CreateExperimentCommand {
	const o = readObject(body);
	return {
		name: readRequiredString(o, 'name'),
		tags: readKeyValues(o.tags, 'Tag', LIMITS.tagsPerBatch),
		artifactLocation: readOptionalString(o, 'artifact_location', 1000)
	};
}
