import { describe, expect, it } from 'vitest';
import { smoothEma } from './smooth';

function expectClose(got: Float64Array, want: number[]): void {
	expect(got.length).toBe(want.length);
	want.forEach((w, i) => {
		if (Number.isNaN(w)) expect(got[i], `index ${i}`).toBeNaN();
		else if (!Number.isFinite(w)) expect(got[i], `index ${i}`).toBe(w);
		else expect(got[i], `index ${i}`).toBeCloseTo(w, 12);
	});
}

describe('smoothEma', () => {
	it('debiases the EMA so it starts at the first value (hand-computed, weight 0.5)', () => {
		// last: 0.5, 1.25, 2.125; debias: 1-0.5, 1-0.25, 1-0.125
		expectClose(smoothEma(new Float64Array([1, 2, 3]), 0.5), [1, 5 / 3, 17 / 7]);
	});

	it('matches a hand computation at weight 0.9', () => {
		// last: 1.0, 0.9+0 = 0.9, 0.81+0.4 = 1.21; debias: 0.1, 0.19, 0.271
		expectClose(smoothEma(new Float64Array([10, 0, 4]), 0.9), [10, 0.9 / 0.19, 1.21 / 0.271]);
	});

	it('passes NaN and infinities through without poisoning later points', () => {
		expectClose(smoothEma(new Float64Array([1, NaN, 2, Infinity, 3, -Infinity]), 0.5), [1, NaN, 5 / 3, Infinity, 17 / 7, -Infinity]);
		expectClose(smoothEma(new Float64Array([NaN, 4, 4, 8]), 0.5), [NaN, 4, 4, 4 + 4 * 0.5 / 0.875]);
	});

	it('returns a copy for weight 0 and for constant series, leaving the input untouched', () => {
		const ys = new Float64Array([3, 1, 4, 1, 5]);
		const same = smoothEma(ys, 0);
		expect(Array.from(same)).toEqual([3, 1, 4, 1, 5]);
		expect(same).not.toBe(ys);
		expect(Array.from(smoothEma(new Float64Array([0.1, 0.1, 0.1]), 0.99))).toEqual([0.1, 0.1, 0.1]);
		smoothEma(ys, 0.6);
		expect(Array.from(ys)).toEqual([3, 1, 4, 1, 5]);
		expect(smoothEma(new Float64Array(0), 0.5).length).toBe(0);
	});

	it('decays to exactly zero after a spike instead of lingering in subnormal numbers', () => {
		const ys = new Float64Array(5_000);
		ys[0] = 1;
		const out = smoothEma(ys, 0.6);
		expect(out[0]).toBe(1);
		expect(out[1]).toBeCloseTo(0.6 * 0.4 / (1 - 0.36), 12);
		expect(out[4_999]).toBe(0);
		expect(out.every(Number.isFinite)).toBe(true);
	});

	it('rejects weights outside [0, 1)', () => {
		for (const w of [-0.1, 1, 1.5, NaN]) expect(() => smoothEma(new Float64Array([1]), w)).toThrow(RangeError);
	});
});
