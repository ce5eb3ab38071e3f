// Metric history as MLflow serves it, over Tandem's series columns: identical re-logged points dropped (MLflow's
// metric primary key), history order (timestamp, step, value), and the per-run sampling of get-history-bulk-interval.
import { createColumns, type SeriesColumns } from '../chunk';

/** A point's identity: MLflow's metric key within one series (step, timestamp, value; all NaNs alike). */
function pointKey(cols: SeriesColumns, i: number): string {
	const v = cols.values[i];
	return `${cols.steps[i]}|${cols.timestamps[i]}|${Number.isNaN(v) ? 'NaN' : String(v)}`;
}

function selectPoints(cols: SeriesColumns, keep: (i: number) => boolean): SeriesColumns {
	const picked: number[] = [];
	for (let i = 0; i < cols.values.length; i++) if (keep(i)) picked.push(i);
	if (picked.length === cols.values.length) return cols;
	const out = createColumns(picked.length);
	picked.forEach((src, dst) => {
		out.steps[dst] = cols.steps[src];
		out.timestamps[dst] = cols.timestamps[src];
		out.values[dst] = cols.values[src];
	});
	return out;
}

/** `cols` without points identical to an earlier point of `cols` (first occurrences kept, order kept). */
export function dropRepeatedPoints(cols: SeriesColumns): SeriesColumns {
	const seen = new Set<string>();
	return selectPoints(cols, (i) => {
		const k = pointKey(cols, i);
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

/** `cols` without points identical to one of `logged`. */
export function dropLoggedPoints(cols: SeriesColumns, logged: SeriesColumns): SeriesColumns {
	const seen = new Set<string>();
	for (let i = 0; i < logged.values.length; i++) seen.add(pointKey(logged, i));
	return selectPoints(cols, (i) => !seen.has(pointKey(cols, i)));
}

/**
 * True when every point comes strictly after `latest` by (step, then timestamp). Then none can be identical to a
 * logged point, because `latest` (the metric's summary) is the greatest logged (step, timestamp).
 */
export function isPastLatest(cols: SeriesColumns, latest: { step: number; timestamp: number } | undefined): boolean {
	if (!latest) return true;
	for (let i = 0; i < cols.values.length; i++) {
		const s = cols.steps[i];
		if (s < latest.step || (s === latest.step && cols.timestamps[i] <= latest.timestamp)) return false;
	}
	return true;
}

/** Compares values with NaN after every number (a total order, so sorting is deterministic). */
function compareValues(a: number, b: number): number {
	const an = Number.isNaN(a);
	const bn = Number.isNaN(b);
	if (an || bn) return an === bn ? 0 : an ? 1 : -1;
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Point indexes in MLflow's get-history order: timestamp, then step, then value, ascending (append order breaks
 * ties). Points logged in order, the usual case, are recognised in one pass and not sorted.
 */
export function readHistoryOrder(cols: SeriesColumns): number[] {
	const { steps, timestamps, values } = cols;
	const compare = (a: number, b: number) => timestamps[a] - timestamps[b] || steps[a] - steps[b] || compareValues(values[a], values[b]) || a - b;
	const idx = new Array<number>(values.length);
	for (let i = 0; i < idx.length; i++) idx[i] = i;
	for (let i = 1; i < idx.length; i++) {
		// Strictly later timestamps, the common case, need no further comparison.
		if (timestamps[i] > timestamps[i - 1]) continue;
		if (compare(i - 1, i) > 0) return idx.sort(compare);
	}
	return idx;
}

/**
 * get-history-bulk-interval's sample of one run's series: the points with step in [startStep, endStep] (all when
 * no range), ordered by (step, timestamp, value); past `maxResults` (≥ 1) points, the first point of each of
 * `maxResults` equal buckets (SQL NTILE), with the last point always in place of the last bucket's.
 * Returns point indexes into `cols`.
 */
export function sampleHistory(cols: SeriesColumns, maxResults: number, range?: { startStep: number; endStep: number }): number[] {
	const { steps, timestamps, values } = cols;
	const inRange: number[] = [];
	for (let i = 0; i < values.length; i++) {
		if (!range || (steps[i] >= range.startStep && steps[i] <= range.endStep)) inRange.push(i);
	}
	inRange.sort((a, b) => steps[a] - steps[b] || timestamps[a] - timestamps[b] || compareValues(values[a], values[b]) || a - b);
	const n = inRange.length;
	const buckets = Math.max(1, Math.floor(maxResults));
	if (n <= buckets) return inRange;
	const size = Math.floor(n / buckets);
	const bigger = n % buckets;
	const out: number[] = [];
	for (let b = 0; b < buckets; b++) out.push(inRange[b * size + Math.min(b, bigger)]);
	out[out.length - 1] = inRange[n - 1];
	return out;
}
