// Tests of the UI's number and time formatting.
import { describe, expect, it } from 'vitest';
import { formatDuration, formatDurationShort, formatElapsed, formatMetric, formatNumberFull, formatParamValue, formatTimeAgo } from './format';

describe('formatMetric', () => {
	it('keeps integers and short decimals exact', () => {
		expect(formatMetric(42)).toBe('42');
		expect(formatMetric(0.25)).toBe('0.25');
		expect(formatMetric(-3.5)).toBe('-3.5');
		expect(formatMetric(0)).toBe('0');
	});
	it('rounds long decimals to 5 significant digits', () => {
		expect(formatMetric(0.123456789)).toBe('0.12346');
		expect(formatMetric(12345.678)).toBe('12346');
	});
	it('uses e-notation for tiny and huge values', () => {
		expect(formatMetric(0.0000123)).toBe('1.23e-5');
		expect(formatMetric(2.5e9 + 0.5)).toBe('2.5e+9');
	});
	it('spells out non-finite values', () => {
		expect(formatMetric(NaN)).toBe('NaN');
		expect(formatMetric(Infinity)).toBe('∞');
		expect(formatMetric(-Infinity)).toBe('−∞');
	});
});

describe('formatNumberFull and formatParamValue', () => {
	it('give a value to its last digit for a tooltip', () => {
		expect(formatNumberFull(0.1 + 0.2)).toBe('0.30000000000000004');
		expect(formatNumberFull(0.123456789)).toBe('0.123456789');
		expect(formatNumberFull(-Infinity)).toBe('−∞');
		expect(formatMetric(0.1 + 0.2)).toBe('0.3');
	});
	it('drop binary float noise from numeric params, and leave every other text as logged', () => {
		expect(formatParamValue('0.30000000000000004')).toBe('0.3');
		expect(formatParamValue('0.00010000000000000002')).toBe('0.0001');
		expect(formatParamValue('0.123456789012')).toBe('0.123456789012');
		expect(formatParamValue('12345678901234567890')).toBe('12345678901234567890');
		expect(formatParamValue('1e-05')).toBe('1e-05');
		expect(formatParamValue('adam')).toBe('adam');
	});
});

describe('formatTimeAgo', () => {
	const now = 1_700_000_000_000;
	it('reads relative to now', () => {
		expect(formatTimeAgo(now - 10_000, now)).toBe('just now');
		expect(formatTimeAgo(now - 5 * 60_000, now)).toBe('5 min ago');
		expect(formatTimeAgo(now - 3 * 3_600_000, now)).toBe('3 h ago');
	});
	it('falls back to a date after a day, and a dash for no time', () => {
		expect(formatTimeAgo(now - 3 * 86_400_000, now)).toMatch(/2023/);
		expect(formatTimeAgo(0, now)).toBe('—');
	});
});

describe('formatDuration', () => {
	it('picks a unit by size', () => {
		expect(formatDuration(850)).toBe('850 ms');
		expect(formatDuration(42_000)).toBe('42 s');
		expect(formatDuration(185_000)).toBe('3 min 5 s');
		expect(formatDuration(7_800_000)).toBe('2 h 10 min');
		expect(formatDuration(-1)).toBe('—');
	});
});

describe('formatElapsed', () => {
	it('counts whole seconds, and never shows a negative time for a clock that lags the server', () => {
		expect(formatElapsed(-200)).toBe('<1 s');
		expect(formatElapsed(999)).toBe('<1 s');
		expect(formatElapsed(61_900)).toBe('1 min 1 s');
	});
});

describe('formatDurationShort', () => {
	it('reads compactly at every scale', () => {
		expect(formatDurationShort(850)).toBe('850ms');
		expect(formatDurationShort(42_000)).toBe('42s');
		expect(formatDurationShort(1_500)).toBe('1.5s');
		expect(formatDurationShort(185_000)).toBe('3m05s');
		expect(formatDurationShort(7_800_000)).toBe('2h10m');
		expect(formatDurationShort(-2_000)).toBe('−2s');
		expect(formatDurationShort(NaN)).toBe('—');
	});
});
