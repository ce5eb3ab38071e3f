import { describe, expect, it } from 'vitest';
import { createRandom } from '../seeded-random';
import { createAxis, readAxisNumber, readAxisPosition, readAxisTicks, readLinearTicks, readLogTicks } from './axes';

describe('createAxis', () => {
	it('scales numbers min to max, so the extremes sit at 0 and 1', () => {
		const axis = createAxis([0.5, 2, 1, undefined, NaN]);
		expect(axis).toMatchObject({ kind: 'numeric', scale: 'linear', min: 0.5, max: 2 });
		expect(readAxisPosition(axis, 0.5)).toBe(0);
		expect(readAxisPosition(axis, 2)).toBe(1);
		expect(readAxisPosition(axis, 1.25)).toBe(0.5);
		expect(readAxisPosition(axis, undefined)).toBeNull();
		expect(readAxisPosition(axis, NaN)).toBeNull();
	});

	it('reads numeric text (params) as numbers', () => {
		const axis = createAxis(['0.1', '1e-3', '.01']);
		expect(axis).toMatchObject({ kind: 'numeric', min: 0.001, max: 0.1 });
		expect(readAxisPosition(axis, '0.1')).toBe(1);
	});

	it('pads a numeric axis by a fraction of its span at each end', () => {
		const axis = createAxis([10, 20], { pad: 0.1 });
		expect(axis).toMatchObject({ kind: 'numeric', min: 9, max: 21 });
		expect(readAxisPosition(axis, 15)).toBeCloseTo(0.5, 12);
	});

	it('centres a single value', () => {
		for (const v of [0, 7, -3]) {
			const axis = createAxis([v, v]);
			expect(readAxisPosition(axis, v)).toBeCloseTo(0.5, 12);
		}
		expect(readAxisPosition(createAxis([5], { scale: 'log' }), 5)).toBeCloseTo(0.5, 12);
	});

	it('uses a log scale when asked and every value is positive, else stays linear', () => {
		const axis = createAxis(['0.001', '0.01', '0.1'], { scale: 'log' });
		expect(axis).toMatchObject({ kind: 'numeric', scale: 'log' });
		expect(readAxisPosition(axis, '0.01')).toBeCloseTo(0.5, 12);
		expect(createAxis([0, 1, 10], { scale: 'log' })).toMatchObject({ scale: 'linear', min: 0, max: 10 });
	});

	it('makes ordered bands of anything non-numeric, numeric-aware', () => {
		const axis = createAxis(['sgd', 'adam', 'sgd', undefined, 'rmsprop']);
		expect(axis).toEqual({ kind: 'band', categories: ['adam', 'rmsprop', 'sgd'] });
		expect(readAxisPosition(axis, 'adam')).toBeCloseTo(1 / 6, 12);
		expect(readAxisPosition(axis, 'sgd')).toBeCloseTo(5 / 6, 12);
		expect(readAxisPosition(axis, 'other')).toBeNull();
		expect(createAxis(['layer10', 'layer2', 'x'])).toEqual({ kind: 'band', categories: ['layer2', 'layer10', 'x'] });
		expect(readAxisTicks(axis).map((t) => t.value)).toEqual(['adam', 'rmsprop', 'sgd']);
	});

	it('turns a metric holding an infinity into bands rather than an unplaceable numeric axis', () => {
		const axis = createAxis([1, Infinity]);
		expect(axis.kind).toBe('band');
		expect(readAxisPosition(axis, Infinity)).not.toBeNull();
	});

	it('keeps every value of random data within [0, 1] (seeded)', () => {
		const seed = Date.now() % 100_000;
		const rand = createRandom(seed);
		for (let trial = 0; trial < 200; trial++) {
			const values = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6));
			const axis = createAxis(values, { pad: rand() < 0.5 ? 0 : 0.05, scale: rand() < 0.5 ? 'log' : 'linear' });
			for (const v of values) {
				const p = readAxisPosition(axis, v)!;
				expect(p >= -1e-9 && p <= 1 + 1e-9, `seed ${seed}: ${v} → ${p}`).toBe(true);
			}
			// Within float noise of the span (a tick at 0 for a minimum of 2.6e-8 on a 36,000 span is on the edge).
			const noise = axis.kind === 'numeric' ? 1e-9 * Math.max(axis.max - axis.min, Math.abs(axis.min), Math.abs(axis.max)) : 0;
			if (axis.kind === 'numeric') for (const t of axis.ticks) expect(t >= axis.min - noise && t <= axis.max + noise, `seed ${seed}: tick ${t}`).toBe(true);
		}
	});
});

describe('ticks', () => {
	it('steps by 1, 2 or 5 × 10^k without float noise', () => {
		expect(readLinearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
		expect(readLinearTicks(0.13, 0.71, 5)).toEqual([0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
		expect(readLinearTicks(0.13, 0.71, 3)).toEqual([0.2, 0.4, 0.6]);
		expect(readLinearTicks(-7, 38, 4)).toEqual([0, 10, 20, 30]);
		expect(readLinearTicks(3, 3)).toEqual([3]);
	});

	it('puts log ticks on powers of ten, with 2× and 5× over few decades', () => {
		expect(readLogTicks(0.001, 10)).toEqual([0.001, 0.01, 0.1, 1, 10]);
		expect(readLogTicks(0.9, 60)).toEqual([1, 2, 5, 10, 20, 50]);
	});
});

describe('readAxisNumber', () => {
	it('parses numbers as a person writes them and nothing else', () => {
		expect(['1', '-2.5', '1e-3', '.5', ' 4 ', '', 'abc', '0x10', 'Infinity', '1,000'].map(readAxisNumber)).toEqual([1, -2.5, 0.001, 0.5, 4, null, null, null, null, null]);
		expect([3, NaN, Infinity, undefined].map(readAxisNumber)).toEqual([3, null, null, null]);
	});
});
