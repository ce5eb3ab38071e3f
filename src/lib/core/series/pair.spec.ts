import { describe, expect, it } from 'vitest';
import { pairByStep } from './pair';

const xy = (xs: number[], ys: number[]) => ({ xs: Float64Array.from(xs), ys: Float64Array.from(ys) });
const plain = (s: { xs: Float64Array; ys: Float64Array }) => ({ xs: [...s.xs], ys: [...s.ys] });

describe('pairByStep', () => {
	it('pairs the values logged at the same step, ordered by the x metric', () => {
		const epoch = xy([0, 10, 20, 30], [0, 1, 2, 3]);
		const loss = xy([0, 5, 10, 30, 40], [1, 0.9, 0.8, 0.5, 0.4]);
		expect(plain(pairByStep(epoch, loss))).toEqual({ xs: [0, 1, 3], ys: [1, 0.8, 0.5] });
	});

	it('sorts by x when the x metric goes down, drops non-finite x, and lets a repeated step’s last point win', () => {
		const lr = xy([0, 1, 1, 2, 3], [0.1, 0.5, 0.05, NaN, 0.01]);
		const loss = xy([0, 1, 2, 3, 3], [4, 3, 2, 1, 0.5]);
		expect(plain(pairByStep(lr, loss))).toEqual({ xs: [0.01, 0.05, 0.1], ys: [0.5, 3, 4] });
		expect(plain(pairByStep(xy([], []), loss))).toEqual({ xs: [], ys: [] });
	});
});
