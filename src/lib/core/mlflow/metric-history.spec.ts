import { describe, expect, it } from 'vitest';
import type { SeriesColumns } from '../chunk';
import { dropLoggedPoints, dropRepeatedPoints, isPastLatest, readHistoryOrder, sampleSteps, selectIntervalSteps, selectPointsAtSteps } from './metric-history';

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

	it('samples steps like MLflow: all within range when they fit, else evenly spaced plus the last', () => {
		const range = (lo: number, hi: number, by = 1) => Array.from({ length: Math.floor((hi - lo) / by) + 1 }, (_, i) => lo + i * by);
		// The cases of MLflow's test_get_sampled_steps_from_steps.
		expect(sampleSteps(range(0, 9), 0, 10, 5)).toEqual([0, 2, 4, 6, 8, 9]);
		expect(sampleSteps(range(0, 9), 4, 8, 5)).toEqual([4, 5, 6, 7, 8]);
		expect(new Set(sampleSteps(range(0, 100, 20), 0, 100, 5))).toEqual(new Set([0, 20, 40, 60, 80, 100]));
		expect(new Set(sampleSteps(range(0, 1000, 10), 0, 1000, 5))).toEqual(new Set([0, 200, 400, 600, 800, 1000]));
	});

	it('shares one set of steps across runs, with each run\'s first and last step in range', () => {
		const a = cols(Array.from({ length: 10 }, (_, i) => [i, 1, 10]));
		const b = cols(Array.from({ length: 20 }, (_, i) => [i, 1, 10]));
		expect([...selectIntervalSteps([a, b], 5)].sort((x, y) => x - y)).toEqual([0, 4, 8, 9, 12, 16, 19]);
		// No range: from step 0 (MLflow's default), so negative steps are left out.
		expect([...selectIntervalSteps([cols([[-2, 0, 0], [1, 0, 0]])], 5)]).toEqual([1]);
		expect([...selectIntervalSteps([a], 5, { startStep: 0, endStep: 4 })].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4]);
	});

	it('returns the points at the chosen steps by (step, timestamp, value), NaN last', () => {
		const c = cols([[2, 2, 1], [1, 5, 3], [2, 1, NaN], [2, 1, 0], [3, 0, 0]]);
		expect(selectPointsAtSteps(c, new Set([1, 2]), 10).map((i) => points(c)[i])).toEqual([[1, 5, 3], [2, 1, 0], [2, 1, NaN], [2, 2, 1]]);
		expect(selectPointsAtSteps(c, new Set([1, 2]), 2)).toHaveLength(2);
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
