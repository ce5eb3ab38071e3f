import { describe, expect, it } from 'vitest';
import * as prng from 'lib0/prng';
import type { SeriesColumns } from '../chunk';
import { dropLoggedPoints, dropRepeatedPoints, isPastLatest, readHistoryOrder, sampleHistory } from './metric-history';

function cols(points: [step: number, timestamp: number, value: number][]): SeriesColumns {
	return {
		steps: Float64Array.from(points, (p) => p[0]),
		timestamps: Float64Array.from(points, (p) => p[1]),
		values: Float64Array.from(points, (p) => p[2])
	};
}

function points(c: SeriesColumns): [number, number, number][] {
	return Array.from(c.values, (v, i) => [c.steps[i], c.timestamps[i], v]);
}

describe('identical points (MLflow metric primary key)', () => {
	it('drops repeats within a batch, NaN equal to NaN, keeping first occurrences in order', () => {
		const c = cols([[0, 1, 0.5], [1, 2, NaN], [0, 1, 0.5], [1, 2, NaN], [0, 1, 0.6], [0, 2, 0.5]]);
		expect(points(dropRepeatedPoints(c))).toEqual([[0, 1, 0.5], [1, 2, NaN], [0, 1, 0.6], [0, 2, 0.5]]);
	});

	it('drops points already logged and keeps the rest', () => {
		const logged = cols([[0, 10, 1], [1, 11, NaN]]);
		expect(points(dropLoggedPoints(cols([[0, 10, 1], [1, 11, NaN], [1, 11, 2], [2, 12, 1]]), logged))).toEqual([[1, 11, 2], [2, 12, 1]]);
	});

	it('knows when no point can repeat a logged one: all strictly after the latest (step, timestamp)', () => {
		const latest = { step: 3, timestamp: 100 };
		expect(isPastLatest(cols([[3, 101, 0], [4, 0, 0]]), latest)).toBe(true);
		expect(isPastLatest(cols([[3, 100, 0]]), latest)).toBe(false);
		expect(isPastLatest(cols([[2, 500, 0]]), latest)).toBe(false);
		expect(isPastLatest(cols([[0, 0, 0]]), undefined)).toBe(true);
	});
});

describe('history order and sampling', () => {
	it('orders history by timestamp, then step, then value (NaN last)', () => {
		const c = cols([[2, 5, 1], [1, 5, 3], [1, 5, NaN], [1, 5, 2], [9, 1, 0]]);
		expect(readHistoryOrder(c).map((i) => points(c)[i])).toEqual([[9, 1, 0], [1, 5, 2], [1, 5, 3], [1, 5, NaN], [2, 5, 1]]);
	});

	it('returns everything in (step, timestamp, value) order when it fits, only the range when given', () => {
		const c = cols([[3, 0, 3], [1, 0, 1], [2, 0, 2]]);
		expect(sampleHistory(c, 10).map((i) => c.steps[i])).toEqual([1, 2, 3]);
		expect(sampleHistory(c, 10, { startStep: 2, endStep: 3 }).map((i) => c.steps[i])).toEqual([2, 3]);
		expect(sampleHistory(c, 1).map((i) => c.steps[i])).toEqual([3]);
	});

	it('samples like SQL NTILE: first row of each of n buckets, last row in place of the last bucket (seeded)', () => {
		const seed = Date.now() % 100_000;
		const gen = prng.create(seed);
		for (let round = 0; round < 200; round++) {
			const n = prng.int32(gen, 1, 60);
			const max = prng.int32(gen, 1, 20);
			const c = cols(Array.from({ length: n }, (_, i) => [i, 0, i]));
			// Reference NTILE: `buckets` groups in order, the first (n % buckets) of them one row larger than the rest.
			const buckets = Math.min(max, n);
			const sizes = Array.from({ length: buckets }, (_, b) => Math.floor(n / buckets) + (b < n % buckets ? 1 : 0));
			const want: number[] = [];
			let start = 0;
			for (const size of sizes) {
				want.push(start);
				start += size;
			}
			if (want[want.length - 1] !== n - 1) want[want.length - 1] = n - 1;
			expect({ seed, n, max, got: sampleHistory(c, max) }).toEqual({ seed, n, max, got: want });
		}
	});
});

describe('readHistoryOrder on points logged in order', () => {
	it('keeps append order when it already is history order, ties included', () => {
		const c = cols([[0, 1, 5], [1, 1, 5], [1, 2, 1], [1, 2, 2], [1, 2, NaN], [0, 3, 0]]);
		expect(readHistoryOrder(c)).toEqual([0, 1, 2, 3, 4, 5]);
	});

	it('sorts as soon as one point is out of order', () => {
		const c = cols([[0, 1, 0], [0, 2, 0], [0, 3, 0], [0, 2, 0]]);
		expect(readHistoryOrder(c)).toEqual([0, 1, 3, 2]);
	});
});
