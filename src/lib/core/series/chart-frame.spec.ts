import { describe, expect, it } from 'vitest';
import { buildChartFrame, readChartXRange, snapToBuckets, type ChartLineInput } from './chart-frame';

function line(n: number, f: (i: number) => number, xOffset = 0, x0 = 0): ChartLineInput {
	const xs = Float64Array.from({ length: n }, (_, i) => x0 + i);
	return { xs, ys: Float64Array.from({ length: n }, (_, i) => f(i)), smoothed: null, xOffset };
}

describe('buildChartFrame', () => {
	it('keeps a one-point spike in a million points at 500 buckets', () => {
		const l = line(1_000_000, (i) => (i === 777_777 ? 1e6 : Math.sin(i / 1000)));
		const f = buildChartFrame([l], null, 500, false);
		expect(f.drawn).toBeLessThanOrEqual(5 * 500 + 2);
		const ys = f.ys[0].filter((v): v is number => typeof v === 'number');
		expect(Math.max(...ys)).toBe(1e6);
		expect(f.x[f.x.indexOf(777_777)]).toBe(777_777);
		expect(f.x[0]).toBe(0);
		expect(f.x[f.x.length - 1]).toBe(999_999);
	});

	it('re-buckets a zoomed range from the full-resolution points', () => {
		const l = line(100_000, (i) => i);
		const f = buildChartFrame([l], [1000, 1100], 400, false);
		// 101 points in range (+ one edge point each side) pass through unreduced
		expect(f.x).toEqual(Array.from({ length: 103 }, (_, i) => 999 + i));
		expect(f.ys[0][1]).toBe(1000);
	});

	it('puts the smoothed twin after its raw line, on the same xs', () => {
		const l = line(10, (i) => i);
		l.smoothed = Float64Array.from({ length: 10 }, (_, i) => i / 2);
		const f = buildChartFrame([l], null, 100, false);
		expect(f.ys).toHaveLength(2);
		expect(f.ys[1][4]).toBe(2);
	});

	it('shifts each line by its offset (relative time) and aligns lines on one x', () => {
		const a = line(3, (i) => i, 1000, 1000); // xs 1000..1002, starts at 1000
		const b = line(2, (i) => 10 + i, 5000, 5001); // xs 5001..5002, started at 5000
		expect(readChartXRange([a, b])).toEqual([0, 2]);
		const f = buildChartFrame([a, b], null, 100, false);
		expect(f.x).toEqual([0, 1, 2]);
		expect(f.ys[0]).toEqual([0, 1, 2]);
		expect(f.ys[1]).toEqual([undefined, 10, 11]);
	});

	it('turns non-positive values into gaps on a log scale, and NaN into gaps always', () => {
		const l = line(4, (i) => [1, 0, -2, NaN][i]);
		expect(buildChartFrame([l], null, 100, true).ys[0]).toEqual([1, null, null, null]);
		expect(buildChartFrame([l], null, 100, false).ys[0]).toEqual([1, 0, -2, null]);
	});

	it('draws nothing for lines with no points', () => {
		const f = buildChartFrame([line(0, () => 0)], null, 100, false);
		expect(f).toEqual({ x: [], ys: [[]], drawn: 0 });
		expect(readChartXRange([line(0, () => 0)])).toBeNull();
	});
});

describe('snapping many lines to bucket slots', () => {
	it('shares xs across many lines whose points sit at different steps, keeping every spike within one bucket', () => {
		// 40 lines of 5,000 points, each offset by a different fraction of a step, each with one spike.
		const lines = Array.from({ length: 40 }, (_, k) => {
			const l = line(5000, (i) => (i === 100 * k + 7 ? 1000 + k : Math.sin(i / 50)), 0, k / 40);
			return l;
		});
		const buckets = 400;
		const f = buildChartFrame(lines, null, buckets, false);
		expect(f.x.length).toBeLessThanOrEqual(5 * buckets + 2);
		const [lo, hi] = [f.x[0], f.x[f.x.length - 1]];
		const width = (hi - lo) / buckets;
		lines.forEach((_, k) => {
			const ys = f.ys[k];
			const at = ys.findIndex((v) => v === 1000 + k);
			expect(at, `line ${k} keeps its spike`).toBeGreaterThanOrEqual(0);
			expect(Math.abs(f.x[at] - (100 * k + 7 + k / 40))).toBeLessThanOrEqual(width);
		});
		// The same lines unsnapped (10 or fewer) keep their own xs exactly.
		const few = buildChartFrame(lines.slice(0, 2), null, buckets, false);
		expect(few.x).toContain(7);
	});

	it('numbers the slots it snaps to; a frame of many lines, one of which cannot snap, still holds every point', () => {
		const at = new Int32Array(5);
		expect(snapToBuckets(Float64Array.from([-1, 0.2, 0.4, 3.3, 11]), 0, 10, 10, at)).toBe(true);
		expect(Array.from(at)).toEqual([0, 1, 2, 16, 51]);
		// 11 short lines (passed through unreduced): one crowds a bucket, so the frame aligns them by their xs.
		const lines = Array.from({ length: 11 }, (_, k) => line(k === 3 ? 40 : 10, (i) => k * 100 + i, 0, k === 3 ? 0 : k));
		lines[3].xs = Float64Array.from({ length: 40 }, (_, i) => i / 4);
		const f = buildChartFrame(lines, null, 10, false);
		lines.forEach((l, k) => expect(f.ys[k].filter((v) => v !== undefined)).toEqual(Array.from(l.ys)));
	});

	it('leaves a line whose points crowd one bucket past its slots as it was', () => {
		const xs = Float64Array.from([0, 0.1, 0.2, 0.3, 0.4, 0.5, 5]);
		const before = Array.from(xs);
		expect(snapToBuckets(xs, 0, 10, 10)).toBe(false);
		expect(Array.from(xs)).toEqual(before);
		const ok = Float64Array.from([-1, 0.2, 0.4, 3.3, 11]);
		expect(snapToBuckets(ok, 0, 10, 10)).toBe(true);
		expect(Array.from(ok)).toEqual([-0.5, 0.1, 0.3, 3.1, 10.5]);
	});
});
