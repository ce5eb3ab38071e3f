// A series' overview kept up to date point by point: a fixed number of buckets over a step range that doubles
// (adjacent buckets merged in pairs) when a step outside it arrives; each bucket keeps the actual points holding its
// minimum and maximum value (step, timestamp, value), so spikes stay and x by step or by time both work.
import { createColumns, type SeriesColumns } from '../chunk';

/** Buckets an overview keeps: up to twice as many points a series (~25 KB of memory). */
export const OVERVIEW_BUCKETS = 512;

export interface SeriesOverview {
	readonly buckets: number;
	/** Bucket i covers steps [base + i·width, base + (i+1)·width); base is a multiple of width, width a power of 2. */
	base: number;
	width: number;
	/** 1 where the bucket holds a finite point. */
	filled: Uint8Array;
	minStep: Float64Array;
	minTs: Float64Array;
	minVal: Float64Array;
	maxStep: Float64Array;
	maxTs: Float64Array;
	maxVal: Float64Array;
	/** No point folded yet: the first batch chooses base and width. */
	empty: boolean;
}

export function createOverview(buckets = OVERVIEW_BUCKETS): SeriesOverview {
	const f = () => new Float64Array(buckets);
	return { buckets, base: 0, width: 1, filled: new Uint8Array(buckets), minStep: f(), minTs: f(), minVal: f(), maxStep: f(), maxTs: f(), maxVal: f(), empty: true };
}

/** Bytes of memory an overview holds (for a cache's budget). */
export function readOverviewBytes(ov: SeriesOverview): number {
	return ov.buckets * (6 * 8 + 1) + 64;
}

/** Puts point (step, ts, v) into bucket b. Ties keep the smaller step, so the result does not depend on arrival order. */
function put(ov: SeriesOverview, b: number, step: number, ts: number, v: number): void {
	if (!ov.filled[b]) {
		ov.filled[b] = 1;
		ov.minStep[b] = ov.maxStep[b] = step;
		ov.minTs[b] = ov.maxTs[b] = ts;
		ov.minVal[b] = ov.maxVal[b] = v;
		return;
	}
	if (v < ov.minVal[b] || (v === ov.minVal[b] && step < ov.minStep[b])) {
		ov.minStep[b] = step;
		ov.minTs[b] = ts;
		ov.minVal[b] = v;
	}
	if (v > ov.maxVal[b] || (v === ov.maxVal[b] && step < ov.maxStep[b])) {
		ov.maxStep[b] = step;
		ov.maxTs[b] = ts;
		ov.maxVal[b] = v;
	}
}

/**
 * Doubles the bucket width, the old range becoming the new one's lower part (`down`: its upper part). base stays a
 * multiple of the width and moves by whole old buckets, so every old bucket falls whole into a new one.
 */
function grow(ov: SeriesOverview, down: boolean): void {
	const old = { ...ov, filled: ov.filled.slice(), minStep: ov.minStep.slice(), minTs: ov.minTs.slice(), minVal: ov.minVal.slice(), maxStep: ov.maxStep.slice(), maxTs: ov.maxTs.slice(), maxVal: ov.maxVal.slice() };
	const width = ov.width * 2;
	const base = Math.floor((down ? ov.base - (ov.buckets - 1) * ov.width : ov.base) / width) * width;
	ov.filled.fill(0);
	ov.width = width;
	ov.base = base;
	for (let i = 0; i < ov.buckets; i++) {
		if (!old.filled[i]) continue;
		const b = Math.floor((old.base + i * old.width - base) / width);
		put(ov, b, old.minStep[i], old.minTs[i], old.minVal[i]);
		put(ov, b, old.maxStep[i], old.maxTs[i], old.maxVal[i]);
	}
}

/**
 * Folds points into the overview, in any order (earlier steps and repeats included). Non-finite values are left out:
 * the overview draws no gaps (the full series, loaded on zoom, does). Steps are integers (SeriesColumns).
 */
export function foldOverview(ov: SeriesOverview, cols: SeriesColumns): void {
	const n = cols.values.length;
	if (n === 0) return;
	if (ov.empty) {
		let lo = Infinity;
		let hi = -Infinity;
		for (let i = 0; i < n; i++) {
			if (!Number.isFinite(cols.values[i])) continue;
			lo = Math.min(lo, cols.steps[i]);
			hi = Math.max(hi, cols.steps[i]);
		}
		if (lo > hi) return;
		let width = 1;
		while (hi - Math.floor(lo / width) * width >= ov.buckets * width) width *= 2;
		ov.width = width;
		ov.base = Math.floor(lo / width) * width;
		ov.empty = false;
	}
	for (let i = 0; i < n; i++) {
		const v = cols.values[i];
		if (!Number.isFinite(v)) continue;
		const step = cols.steps[i];
		while (step < ov.base) grow(ov, true);
		while (step >= ov.base + ov.buckets * ov.width) grow(ov, false);
		put(ov, Math.floor((step - ov.base) / ov.width), step, cols.timestamps[i], v);
	}
}

/**
 * The overview as at most `points` points (at least 2), sorted by step (then time): per group of adjacent buckets
 * its min and max points (one point when they are the same). With `points` ≥ 2 × buckets every bucket is its own group.
 */
export function readOverview(ov: SeriesOverview, points: number): SeriesColumns {
	const groups = Math.min(ov.buckets, Math.max(1, Math.floor(points / 2)));
	const out = createColumns(2 * groups);
	let m = 0;
	const emit = (step: number, ts: number, v: number) => {
		out.steps[m] = step;
		out.timestamps[m] = ts;
		out.values[m++] = v;
	};
	for (let g = 0; g < groups; g++) {
		const from = Math.floor((g * ov.buckets) / groups);
		const to = Math.floor(((g + 1) * ov.buckets) / groups);
		let lo = -1;
		let hi = -1;
		for (let b = from; b < to; b++) {
			if (!ov.filled[b]) continue;
			if (lo < 0 || ov.minVal[b] < ov.minVal[lo]) lo = b;
			if (hi < 0 || ov.maxVal[b] > ov.maxVal[hi]) hi = b;
		}
		if (lo < 0) continue;
		const a = { step: ov.minStep[lo], ts: ov.minTs[lo], v: ov.minVal[lo] };
		const z = { step: ov.maxStep[hi], ts: ov.maxTs[hi], v: ov.maxVal[hi] };
		const [first, second] = a.step < z.step || (a.step === z.step && a.ts <= z.ts) ? [a, z] : [z, a];
		emit(first.step, first.ts, first.v);
		if (second.step !== first.step || second.ts !== first.ts || !Object.is(second.v, first.v)) emit(second.step, second.ts, second.v);
	}
	return { steps: out.steps.slice(0, m), timestamps: out.timestamps.slice(0, m), values: out.values.slice(0, m) };
}
