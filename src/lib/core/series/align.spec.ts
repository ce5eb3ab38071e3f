import { describe, expect, it } from 'vitest';
import { alignSeries } from './align';

describe('alignSeries', () => {
	it('passes one series through, turning NaN gaps into null', () => {
		const a = alignSeries([{ xs: [0, 1, 2], ys: [1, NaN, 3] }]);
		expect(a).toEqual({ x: [0, 1, 2], ys: [[1, null, 3]] });
	});

	it('merges xs into one ascending union; absent points are undefined, gaps null', () => {
		const a = alignSeries([
			{ xs: [0, 2, 4], ys: [10, 12, NaN] },
			{ xs: [1, 2, 3], ys: [21, 22, 23] }
		]);
		expect(a.x).toEqual([0, 1, 2, 3, 4]);
		expect(a.ys[0]).toEqual([10, undefined, 12, undefined, null]);
		expect(a.ys[1]).toEqual([undefined, 21, 22, 23, undefined]);
	});

	it('collapses repeated xs of one series onto one slot, keeping the last point', () => {
		const a = alignSeries([
			{ xs: [0, 1, 1], ys: [1, 2, 3] },
			{ xs: [1], ys: [9] }
		]);
		expect(a.x).toEqual([0, 1]);
		expect(a.ys).toEqual([
			[1, 3],
			[undefined, 9]
		]);
	});

	it('handles empty series and no series', () => {
		expect(alignSeries([])).toEqual({ x: [], ys: [] });
		const a = alignSeries([
			{ xs: [], ys: [] },
			{ xs: [5], ys: [1] }
		]);
		expect(a).toEqual({ x: [5], ys: [[undefined], [1]] });
	});
});
