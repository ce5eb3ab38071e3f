import { describe, expect, it } from 'vitest';
import { buildChartFrame, readChartXRange, type ChartLineInput } from './chart-frame';

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
