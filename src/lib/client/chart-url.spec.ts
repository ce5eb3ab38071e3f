import { describe, expect, it } from 'vitest';
import { DEFAULT_CHART_STATE, readChartUrlState, writeChartUrlState } from './chart-url';

describe('chart URL state', () => {
	it('round-trips a view, keeping a zoom on ms timestamps exact', () => {
		const state = { chartX: 'time' as const, smoothing: 0.85, logY: true, zoom: [1_764_000_000_001, 1_764_000_900_999] as [number, number] };
		const params = writeChartUrlState(state, new URLSearchParams('q=keep'));
		expect(params.get('q')).toBe('keep');
		expect(readChartUrlState(params)).toEqual(state);
	});

	it('leaves defaults out', () => {
		expect(writeChartUrlState(DEFAULT_CHART_STATE, new URLSearchParams('x=time&zoom=1,2')).toString()).toBe('');
	});

	it('falls back to defaults for anything invalid', () => {
		for (const q of ['x=epoch', 'smooth=1', 'smooth=-0.1', 'smooth=abc', 'zoom=5,1', 'zoom=1', 'zoom=a,b', 'zoom=1,2,3', 'zoom=,2', 'zoom=1,Infinity', 'log=yes']) {
			expect(readChartUrlState(new URLSearchParams(q)), q).toEqual(DEFAULT_CHART_STATE);
		}
		expect(readChartUrlState(new URLSearchParams('zoom=-1.5,2e3')).zoom).toEqual([-1.5, 2000]);
	});
});
