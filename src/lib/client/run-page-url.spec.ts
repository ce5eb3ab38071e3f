// Unit tests of the run page's chart view in the URL: untrusted values fall back to defaults, and it round-trips.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_PAGE_STATE, readRunPageUrlState, writeRunPageUrlState, type RunPageUrlState } from './run-page-url';

const read = (q: string) => readRunPageUrlState(new URLSearchParams(q));

describe('readRunPageUrlState', () => {
	it('reads every field', () => {
		expect(read('x=relative&smooth=0.6&log=1&zoom=10,250.5')).toEqual({ xAxis: 'relative', smoothing: 0.6, logY: true, zoom: [10, 250.5] });
	});

	it('falls back to defaults for missing or invalid values', () => {
		expect(read('')).toEqual(DEFAULT_RUN_PAGE_STATE);
		expect(read('x=epoch&smooth=1&log=yes&zoom=5,1')).toEqual(DEFAULT_RUN_PAGE_STATE);
		expect(read('smooth=-0.1').smoothing).toBe(0);
		expect(read('smooth=abc').smoothing).toBe(0);
		for (const zoom of ['1', '1,2,3', ',2', 'a,b', '1,Infinity', '3,3', '1e999,2']) expect(read(`zoom=${zoom}`).zoom, zoom).toBeNull();
		expect(read('zoom=-5,1e3').zoom).toEqual([-5, 1000]);
	});
});

describe('writeRunPageUrlState', () => {
	it('leaves defaults out and keeps unrelated parameters', () => {
		expect(writeRunPageUrlState(DEFAULT_RUN_PAGE_STATE, new URLSearchParams('tab=notes&x=time')).toString()).toBe('tab=notes');
	});

	it('round-trips through the URL', () => {
		const s: RunPageUrlState = { xAxis: 'time', smoothing: 0.85, logY: true, zoom: [1700000000000, 1700000360000] };
		expect(readRunPageUrlState(writeRunPageUrlState(s))).toEqual(s);
	});
});
