// Parsers for the native ingest API bodies (/api/runs, /api/runs/{id}/log, /end, /api/experiments): untrusted
// JSON in, typed commands out, or an ApiError naming the bad field. Metric points come out grouped per key.
import { invalid } from './errors';
import type { RunStatus } from './schema';
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
		runName: readOptionalString(o, 'run_name', LIMITS.runNameLength),
		startTime: readOptionalInt(o, 'start_time'),
		user: readOptionalString(o, 'user', LIMITS.userLength),
		tags: readKeyValues(o.tags, 'Tag', LIMITS.tagsPerBatch),
		params: readKeyValues(o.params, 'Param', LIMITS.paramsPerBatch)
	};
}

/** Collects one key's points into typed arrays that double as they fill. */
class ColumnBuilder {
	length = 0;
	private cols: SeriesColumns;
	constructor(capacity: number) {
		this.cols = createColumns(capacity);
	}
	push(step: number, timestamp: number, value: number): void {
		if (this.length === this.cols.values.length) {
			const grown = createColumns(this.length * 2);
			grown.steps.set(this.cols.steps);
			grown.timestamps.set(this.cols.timestamps);
			grown.values.set(this.cols.values);
			this.cols = grown;
		}
		this.cols.steps[this.length] = step;
		this.cols.timestamps[this.length] = timestamp;
		this.cols.values[this.length] = value;
		this.length++;
	}
	finish(): SeriesColumns {
		const { steps, timestamps, values } = this.cols;
		const n = this.length;
		return { steps: steps.subarray(0, n), timestamps: timestamps.subarray(0, n), values: values.subarray(0, n) };
	}
}

/** An integer field of a metric point (step, timestamp): absent → fallback; else a safe integer or a decimal string. */
function readPointInt(v: unknown, fallback: number, field: string): number {
	if (v === undefined || v === null) return fallback;
	if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
	if (typeof v === 'string' && /^-?\d+$/.test(v.trim()) && Number.isSafeInteger(Number(v))) return Number(v);
	throw invalid(`'${field}' must be an integer, got ${JSON.stringify(v)}`);
}

/**
 * Groups metric points into columns per key, in request order. Accepts MLflow-style rows
 * `[{key, value, step?, timestamp?}]`, or the columnar form `{key: {values, steps?, timestamps?}}` (cheaper to
 * send and parse for large batches). `now` (ms) fills missing timestamps; a missing step is 0.
 */
export function readMetricPoints(raw: unknown, now: number, maxCount: number): { metrics: Map<string, SeriesColumns>; pointCount: number } {
	const builders = new Map<string, ColumnBuilder>();
	let pointCount = 0;
	if (raw === undefined || raw === null) return { metrics: new Map(), pointCount };
	if (Array.isArray(raw)) {
		if (raw.length > maxCount) throw invalid(`A batch may contain at most ${maxCount} metric points, got ${raw.length}`);
		for (let i = 0; i < raw.length; i++) {
			const p = raw[i] as Json;
			if (p === null || typeof p !== 'object' || Array.isArray(p)) throw invalid(`metrics[${i}] must be a JSON object`);
			let b = builders.get(p.key as string);
			if (!b) builders.set(checkKey(p.key, 'Metric'), (b = new ColumnBuilder(Math.min(raw.length, 1024))));
			const step = readPointInt(p.step, 0, `metrics[${i}].step`);
			const timestamp = readPointInt(p.timestamp, now, `metrics[${i}].timestamp`);
			b.push(step, timestamp, readMetricValue(p.value, `metrics[${i}].value`));
		}
		pointCount = raw.length;
	} else if (typeof raw === 'object') {
		for (const [key, colsRaw] of Object.entries(raw as Json)) {
			checkKey(key, 'Metric');
			const c = readObject(colsRaw, `metrics['${key}']`);
			const values = c.values;
			if (!Array.isArray(values)) throw invalid(`metrics['${key}'].values must be an array`);
			for (const f of ['steps', 'timestamps'] as const) {
				if (c[f] !== undefined && (!Array.isArray(c[f]) || (c[f] as unknown[]).length !== values.length)) {
					throw invalid(`metrics['${key}'].${f} must be an array as long as values (${values.length})`);
				}
			}
			pointCount += values.length;
			if (pointCount > maxCount) throw invalid(`A batch may contain at most ${maxCount} metric points, got more`);
			const steps = c.steps as unknown[] | undefined;
			const timestamps = c.timestamps as unknown[] | undefined;
			const b = new ColumnBuilder(Math.max(1, values.length));
			for (let i = 0; i < values.length; i++) {
				b.push(
					readPointInt(steps?.[i], 0, `metrics['${key}'].steps[${i}]`),
					readPointInt(timestamps?.[i], now, `metrics['${key}'].timestamps[${i}]`),
					readMetricValue(values[i], `metrics['${key}'].values[${i}]`)
				);
			}
			if (values.length > 0) builders.set(key, b);
		}
	} else {
		throw invalid(`'metrics' must be an array of {key, value, step?, timestamp?} or an object of columns {key: {values, steps?, timestamps?}}`);
	}
	const metrics = new Map<string, SeriesColumns>();
	for (const [key, b] of builders) metrics.set(key, b.finish());
	return { metrics, pointCount };
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

export function parseCreateExperiment(body: unknown): CreateExperimentCommand {
	const o = readObject(body);
	return {
		name: readRequiredString(o, 'name'),
		tags: readKeyValues(o.tags, 'Tag', LIMITS.tagsPerBatch),
		artifactLocation: readOptionalString(o, 'artifact_location', 1000)
	};
}
