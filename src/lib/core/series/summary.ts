// Per-metric summaries (last, min, max, count): folded incrementally over appended points.
import type { MetricSummary } from '../run-row';
import type { SeriesColumns } from '../chunk';

/**
 * Folds `cols` into `prev`. `last` is the value of the latest point by (step, timestamp), as MLflow's
 * latest metric; min/max skip NaN (a NaN-only series keeps NaN); count counts every point.
 */
export function foldSummary(prev: MetricSummary | undefined, cols: SeriesColumns): MetricSummary {
	const s: MetricSummary = prev
		? { ...prev }
		: { last: NaN, min: NaN, max: NaN, count: 0, step: -Infinity, timestamp: -Infinity };
	const { steps, timestamps, values } = cols;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (!Number.isNaN(v)) {
			if (!(v >= s.min)) s.min = v;
			if (!(v <= s.max)) s.max = v;
		}
		if (steps[i] > s.step || (steps[i] === s.step && timestamps[i] >= s.timestamp)) {
			s.step = steps[i];
			s.timestamp = timestamps[i];
			s.last = v;
		}
	}
	s.count += values.length;
	return s;
}

/** Summaries travel as JSON through Yjs and HTTP: non-finite numbers become strings and back. */
export function encodeNumber(v: number): number | string {
	if (Number.isFinite(v)) return v;
	return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(v: unknown): number {
	if (typeof v === 'number') return v;
	if (v === 'NaN') return NaN;
	if (v === 'Infinity') return Infinity;
	if (v === '-Infinity') return -Infinity;
	return NaN;
}

export type EncodedSummary = { [K in keyof MetricSummary]: number | string };

export function encodeSummary(s: MetricSummary): EncodedSummary {
	return {
		last: encodeNumber(s.last),
		min: encodeNumber(s.min),
		max: encodeNumber(s.max),
		count: s.count,
		step: encodeNumber(s.step),
		timestamp: encodeNumber(s.timestamp)
	};
}

export function decodeSummary(raw: unknown): MetricSummary | null {
	if (!raw || typeof raw !== 'object') return null;
	const r = raw as Record<string, unknown>;
	return {
		last: decodeNumber(r.last),
		min: decodeNumber(r.min),
		max: decodeNumber(r.max),
		count: typeof r.count === 'number' ? r.count : 0,
		step: decodeNumber(r.step),
		timestamp: decodeNumber(r.timestamp)
	};
}
