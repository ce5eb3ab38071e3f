import { describe, expect, it } from 'vitest';
import { formatQuery, MAX_URL_SELECTION } from './url-state';
import { DEFAULT_COMPARE_STATE, readCompareUrlState, writeCompareUrlState, type CompareUrlState } from './compare-url';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('compare URL state', () => {
	it('round-trips a full view', () => {
		const state: CompareUrlState = {
			runs: [B, A],
			experimentId: '123456789012345678',
			diffOnly: true,
			metricValue: 'min',
			showTags: true,
			goals: { 'val/acc': 'min', loss: 'max' },
			scatterX: 'params.learning rate',
			scatterY: 'metrics.loss@max',
			scatterLogX: true,
			scatterLogY: false,
			axes: ['params.opt', 'metrics.loss', 'tags.team'],
			chartX: 'relative',
			smoothing: 0.6,
			logY: true,
			zoom: [1_700_000_000_123, 1_700_000_360_456]
		};
		const query = formatQuery(writeCompareUrlState(state));
		expect(query).toContain(`runs=${B},${A}`);
		expect(readCompareUrlState(new URLSearchParams(query))).toEqual(state);
	});

	it('leaves defaults out and keeps unrelated parameters', () => {
		const params = writeCompareUrlState(DEFAULT_COMPARE_STATE, new URLSearchParams('keep=1&diff=1&x=time'));
		expect(params.toString()).toBe('keep=1');
		expect(readCompareUrlState(params)).toEqual(DEFAULT_COMPARE_STATE);
	});

	it('drops invalid parts instead of failing', () => {
		const s = readCompareUrlState(
			new URLSearchParams(`runs=nope,${A},${A},${B.toUpperCase()}&exp=x1&val=avg&goal=loss:up,:max,acc:max&sx=name&sy=metrics.loss@avg&pc=params.a,bogus,params.a&x=epoch&smooth=1.5`)
		);
		expect(s).toEqual({ ...DEFAULT_COMPARE_STATE, runs: [A], goals: { acc: 'max' }, axes: ['params.a'] });
		expect(readCompareUrlState(new URLSearchParams('smooth=abc')).smoothing).toBe(0);
	});

	it('keeps an empty axis list (the user removed every axis) apart from the default', () => {
		expect(readCompareUrlState(new URLSearchParams('pc=')).axes).toEqual([]);
		expect(writeCompareUrlState({ ...DEFAULT_COMPARE_STATE, axes: [] }).get('pc')).toBe('');
	});

	it(`keeps at most ${MAX_URL_SELECTION} runs`, () => {
		const many = Array.from({ length: MAX_URL_SELECTION + 5 }, (_, i) => i.toString(16).padStart(32, '0'));
		expect(readCompareUrlState(new URLSearchParams(`runs=${many.join(',')}`)).runs).toEqual(many.slice(0, MAX_URL_SELECTION));
	});
});
