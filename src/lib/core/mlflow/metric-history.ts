// Metric history as MLflow serves it, over Tandem's series columns: identical re-logged points dropped (MLflow's
// metric primary key), history order (timestamp, step, value), and the step sampling of get-history-bulk-interval.
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

/** MLflow's get-history order of two point indexes: timestamp, then step, then value, ascending; append order breaks ties. */
export function createHistoryCompare(cols: SeriesColumns): (a: number, b: number) => number {
	const { steps, timestamps, values } = cols;
	return (a, b) => timestamps[a] - timestamps[b] || steps[a] - steps[b] || compareValues(values[a], values[b]) || a - b;
}

/** Whether the points are in get-history order as appended (the usual case), in one pass. */
export function isInHistoryOrder(cols: SeriesColumns): boolean {
	const { timestamps } = cols;
	const compare = createHistoryCompare(cols);
	for (let i = 1; i < timestamps.length; i++) {
		// Strictly later timestamps, the common case, need no further comparison.
		if (timestamps[i] > timestamps[i - 1]) continue;
		if (compare(i - 1, i) > 0) return false;
	}
	return true;
}

/**
 * Point indexes in MLflow's get-history order (createHistoryCompare). Points logged in order are recognised in one
 * pass and not sorted.
 */
export function readHistoryOrder(cols: SeriesColumns): number[] {
	const idx = new Array<number>(cols.values.length);
	for (let i = 0; i < idx.length; i++) idx[i] = i;
	return isInHistoryOrder(cols) ? idx : idx.sort(createHistoryCompare(cols));
}

/**
 * MLflow's `_get_sampled_steps_from_steps`: of `allSteps` (distinct, ascending) those within [startStep, endStep];
 * past `maxResults` of them, `maxResults` evenly spaced ones plus the last. Its bound check compares an absolute
 * index with the range's length (so a range that starts late yields fewer), kept as MLflow has it.
 */
export function sampleSteps(allSteps: ArrayLike<number>, startStep: number, endStep: number, maxResults: number): number[] {
	let startIdx = 0;
	while (startIdx < allSteps.length && allSteps[startIdx] < startStep) startIdx++;
	let endIdx = startIdx;
	while (endIdx < allSteps.length && allSteps[endIdx] <= endStep) endIdx++;
	const count = endIdx - startIdx;
	if (count <= maxResults) return Array.from({ length: count }, (_, i) => allSteps[startIdx + i]);
	const interval = count / maxResults;
	const out: number[] = [];
	for (let i = 0; i < maxResults; i++) {
		const idx = startIdx + Math.floor(i * interval);
		if (idx < count) out.push(allSteps[idx]);
	}
	out.push(allSteps[endIdx - 1]);
	return out;
}

/**
 * The steps get-history-bulk-interval returns, the same for every run: a sample of the steps any run logged, within
 * the range (absent: 0 to the greatest step, as MLflow defaults it), plus each run's first and last step in range.
 */
export function selectIntervalSteps(runs: readonly SeriesColumns[], maxResults: number, range?: { startStep: number; endStep: number }): Set<number> {
	// Every step in one typed array, sorted natively (not at all when one run's steps already ascend, the usual case)
	// and deduplicated in one pass: a Set and a comparator sort of 1,000,000 steps held the event loop for seconds.
	const filled = runs.filter((r) => r.steps.length > 0);
	let ascending = filled.length <= 1;
	let strictly = ascending;
	const ends: number[] = [];
	for (const { steps } of filled) {
		let lo = steps[0];
		let hi = steps[0];
		for (let i = 1; i < steps.length; i++) {
			const s = steps[i];
			if (s < lo) lo = s;
			if (s > hi) hi = s;
			if (s <= steps[i - 1]) strictly = false;
			if (s < steps[i - 1]) ascending = false;
		}
		ends.push(lo, hi);
	}
	let sorted: Float64Array;
	if (filled.length === 1 && ascending) sorted = filled[0].steps;
	else {
		sorted = new Float64Array(filled.reduce((n, r) => n + r.steps.length, 0));
		let at = 0;
		for (const { steps } of filled) {
			sorted.set(steps, at);
			at += steps.length;
		}
		sorted.sort();
	}
	let allSteps = sorted;
	if (!(filled.length === 1 && strictly)) {
		const distinct = new Float64Array(sorted.length);
		let n = 0;
		for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct[n++] = sorted[i];
		allSteps = distinct.subarray(0, n);
	}
	const start = range?.startStep ?? 0;
	const end = range?.endStep ?? (allSteps.length > 0 ? allSteps[allSteps.length - 1] : 0);
	const out = new Set(sampleSteps(allSteps, start, end, maxResults));
	for (const s of ends) if (s >= start && s <= end) out.add(s);
	return out;
}

/** Indexes in [from, to) of the points of `cols` at one of `steps`, appended to `picked` (a scan in parts). */
export function findPointsAtSteps(cols: SeriesColumns, steps: ReadonlySet<number>, from: number, to: number, picked: number[] = []): number[] {
	const st = cols.steps;
	for (let i = from; i < to; i++) if (steps.has(st[i])) picked.push(i);
	return picked;
}

/** `picked` (indexes of `cols`) ordered by (step, timestamp, value), at most `limit` of them. */
export function orderPickedPoints(cols: SeriesColumns, picked: number[], limit: number): number[] {
	const { steps: st, timestamps, values } = cols;
	picked.sort((a, b) => st[a] - st[b] || timestamps[a] - timestamps[b] || compareValues(values[a], values[b]) || a - b);
	return picked.slice(0, limit);
}

/** Indexes of the points of `cols` at one of `steps`, ordered by (step, timestamp, value), at most `limit` of them. */
export function selectPointsAtSteps(cols: SeriesColumns, steps: ReadonlySet<number>, limit: number): number[] {
	return orderPickedPoints(cols, findPointsAtSteps(cols, steps, 0, cols.values.length), limit);
}
