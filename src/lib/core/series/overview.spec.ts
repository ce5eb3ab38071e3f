import { describe, expect, it } from 'vitest';
import { concatColumns, type SeriesColumns } from '../chunk';
import { downsampleMinMaxLast } from './downsample';
import { createOverview, foldOverview, readOverview, type SeriesOverview } from './overview';

/** A seeded series: `n` points, steps from `from` by `stride`, values with spikes and a few NaNs. */
function makeSeries(n: number, from = 0, stride = 1, seed = 1): SeriesColumns {
	let s = seed;
	const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
	const cols = { steps: new Float64Array(n), timestamps: new Float64Array(n), values: new Float64Array(n) };
	for (let i = 0; i < n; i++) {
		cols.steps[i] = from + i * stride;
		cols.timestamps[i] = 1_700_000_000_000 + i * 10;
		const r = rand();
		cols.values[i] = r < 0.002 ? NaN : r > 0.998 ? 100 * r : Math.sin(i / 50) + r;
	}
	return cols;
}

function pick(cols: SeriesColumns, order: number[]): SeriesColumns {
	const map = (a: Float64Array) => Float64Array.from(order, (i) => a[i]);
	return { steps: map(cols.steps), timestamps: map(cols.timestamps), values: map(cols.values) };
}

function shuffled(n: number, seed: number): number[] {
	const order = Array.from({ length: n }, (_, i) => i);
	let s = seed;
	for (let i = n - 1; i > 0; i--) {
		s = (s * 16807) % 2147483647;
		const j = s % (i + 1);
		[order[i], order[j]] = [order[j], order[i]];
	}
	return order;
}

/** Min and max per overview bucket as downsample.ts finds them over the sorted full series, on the overview's grid. */
function expectedBuckets(ov: SeriesOverview, cols: SeriesColumns): Map<number, { min: number; max: number }> {
	const sorted = pick(cols, Array.from(cols.steps.keys()).sort((a, b) => cols.steps[a] - cols.steps[b]));
	const xMax = ov.base + ov.buckets * ov.width;
	const d = downsampleMinMaxLast(sorted.steps, sorted.values, ov.base, xMax, ov.buckets);
	const out = new Map<number, { min: number; max: number }>();
	for (let i = 0; i < d.xs.length; i++) {
		if (d.xs[i] < ov.base || d.xs[i] >= xMax || Number.isNaN(d.ys[i])) continue;
		const b = Math.floor((d.xs[i] - ov.base) / ov.width);
		const e = out.get(b) ?? { min: Infinity, max: -Infinity };
		out.set(b, { min: Math.min(e.min, d.ys[i]), max: Math.max(e.max, d.ys[i]) });
	}
	return out;
}

function actualBuckets(ov: SeriesOverview): Map<number, { min: number; max: number }> {
	const out = new Map<number, { min: number; max: number }>();
	for (let b = 0; b < ov.buckets; b++) if (ov.filled[b]) out.set(b, { min: ov.minVal[b], max: ov.maxVal[b] });
	return out;
}

/** Every kept point is a point of the series, in its bucket. */
function expectPointsReal(ov: SeriesOverview, cols: SeriesColumns): void {
	const byStep = new Map<number, number[]>();
	for (let i = 0; i < cols.steps.length; i++) byStep.set(cols.steps[i], [...(byStep.get(cols.steps[i]) ?? []), i]);
	for (let b = 0; b < ov.buckets; b++) {
		if (!ov.filled[b]) continue;
		for (const [step, ts, v] of [[ov.minStep[b], ov.minTs[b], ov.minVal[b]], [ov.maxStep[b], ov.maxTs[b], ov.maxVal[b]]]) {
			expect(Math.floor((step - ov.base) / ov.width)).toBe(b);
			expect(byStep.get(step)!.some((i) => cols.timestamps[i] === ts && cols.values[i] === v)).toBe(true);
		}
	}
}

describe('series overview', () => {
	it('holds the same min and max per bucket as downsample of the full series', () => {
		const cols = makeSeries(10_000);
		const ov = createOverview(64);
		foldOverview(ov, cols);
		expect(ov.base).toBe(0);
		expect(ov.width).toBe(256); // 10,000 steps in 64 buckets of a power-of-2 width
		expect(actualBuckets(ov)).toEqual(expectedBuckets(ov, cols));
		expectPointsReal(ov, cols);
	});

	it('doubles its range as later steps arrive, batch by batch', () => {
		const cols = makeSeries(5_000, 3, 7, 5);
		const ov = createOverview(32);
		const widths: number[] = [];
		for (let i = 0; i < 5_000; i += 100) {
			foldOverview(ov, { steps: cols.steps.subarray(i, i + 100), timestamps: cols.timestamps.subarray(i, i + 100), values: cols.values.subarray(i, i + 100) });
			widths.push(ov.width);
		}
		expect(widths[0]).toBe(32);
		expect(ov.width).toBe(2048);
		expect(ov.base % ov.width).toBe(0);
		expect(actualBuckets(ov)).toEqual(expectedBuckets(ov, cols));
		expectPointsReal(ov, cols);
	});

	it('holds the min and max of each bucket whatever order the points arrive in (earlier steps, repeats)', () => {
		const cols = concatColumns([makeSeries(3_000, 1_000, 1, 2), makeSeries(1_000, 0, 3, 3)]); // a second pass over earlier steps
		const inOrder = createOverview(128);
		foldOverview(inOrder, cols);
		const order = shuffled(cols.steps.length, 9);
		const outOfOrder = createOverview(128);
		for (let i = 0; i < order.length; i += 37) foldOverview(outOfOrder, pick(cols, order.slice(i, i + 37)));
		expect(actualBuckets(inOrder)).toEqual(expectedBuckets(inOrder, cols));
		expect(actualBuckets(outOfOrder)).toEqual(expectedBuckets(outOfOrder, cols));
		expectPointsReal(outOfOrder, cols);
	});

	it('grows downward for a step before its range', () => {
		const ov = createOverview(16);
		foldOverview(ov, makeSeries(10, 100));
		const earlier = makeSeries(5, -40, 1, 7);
		foldOverview(ov, earlier);
		const all = concatColumns([makeSeries(10, 100), earlier]);
		expect(ov.base).toBeLessThanOrEqual(-40);
		expect(actualBuckets(ov)).toEqual(expectedBuckets(ov, all));
	});

	it('reads at most `points` points in step order, keeping each spike', () => {
		const cols = makeSeries(10_000);
		cols.values[4321] = 1e6;
		cols.values[777] = -1e6;
		const ov = createOverview();
		foldOverview(ov, cols);
		for (const points of [2, 100, 999, 1_024, 5_000]) {
			const read = readOverview(ov, points);
			expect(read.values.length).toBeLessThanOrEqual(Math.max(2, points));
			expect(read.values).toContain(1e6);
			expect(read.values).toContain(-1e6);
			for (let i = 1; i < read.steps.length; i++) expect(read.steps[i]).toBeGreaterThan(read.steps[i - 1]);
		}
		expect(readOverview(ov, 1_024).values.length).toBeGreaterThan(600);
	});

	it('keeps nothing of a series without finite values', () => {
		const ov = createOverview(8);
		foldOverview(ov, { steps: Float64Array.of(1, 2), timestamps: Float64Array.of(1, 2), values: Float64Array.of(NaN, Infinity) });
		expect(ov.empty).toBe(true);
		expect(readOverview(ov, 100).values.length).toBe(0);
	});
});
