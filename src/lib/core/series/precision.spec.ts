import { describe, expect, it } from 'vitest';
import { formatPrecise } from './precision';

describe('formatPrecise', () => {
	it('spells a float32 widened to float64 as the float32 it was', () => {
		expect(formatPrecise(Math.fround(0.1))).toBe('0.1');
		expect(formatPrecise(Math.fround(0.3))).toBe('0.3');
		expect(formatPrecise(Math.fround(123.456))).toBe('123.456');
		expect(formatPrecise(Math.fround(1e-7))).toBe('1e-7');
	});

	it('drops float64 noise past 15 digits and keeps the digits that were logged', () => {
		expect(formatPrecise(0.1 + 0.2)).toBe('0.3');
		expect(formatPrecise(987.654321)).toBe('987.654321');
		expect(formatPrecise(0.123456789 + 1250)).toBe('1250.123456789');
		expect(formatPrecise(Math.PI)).toBe('3.14159265358979');
		expect(formatPrecise(1 / 3)).toBe('0.333333333333333');
	});

	it('spells integers, zero and non-finite values as they are', () => {
		expect([0, -0, 42, -7, 2 ** 40].map(formatPrecise)).toEqual(['0', '0', '42', '-7', String(2 ** 40)]);
		expect([NaN, Infinity, -Infinity].map(formatPrecise)).toEqual(['NaN', '∞', '−∞']);
	});
});
