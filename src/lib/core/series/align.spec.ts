import { describe, expect, it } from 'vitest';
import { alignSeries, alignSlots } from './align';

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

describe('alignSlots', () => {
	it('aligns series on numbered slots exactly as alignSeries does on their xs', () => {
		// Seeded: 30 series, each on an ascending random subset of 200 slots (slot j at x = j / 7), some twice in a row.
		let seed = 12345;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const series = Array.from({ length: 30 }, () => {
			const at: number[] = [];
			for (let j = 0; j < 200; j++) if (random() < 0.3) at.push(j, ...(random() < 0.05 ? [j] : []));
			return { slots: Int32Array.from(at), xs: at.map((j) => j / 7), ys: at.map(() => (random() < 0.1 ? NaN : random())) };
		});
		const bySlot = alignSlots(series, series.map((s) => s.slots), 200);
		expect(bySlot).toEqual(alignSeries(series));
	});

	it('handles empty series and no series', () => {
		expect(alignSlots([], [], 10)).toEqual({ x: [], ys: [] });
		expect(alignSlots([{ xs: [], ys: [] }, { xs: [2.5], ys: [1] }], [new Int32Array(0), Int32Array.of(3)], 10)).toEqual({ x: [2.5], ys: [[undefined], [1]] });
	});
});
