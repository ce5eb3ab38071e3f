import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, type WorkspaceLayout } from './layout';
import { formatLayoutParam, readLayoutParam } from './layout-url';

const custom: WorkspaceLayout = {
	...DEFAULT_LAYOUT,
	top: 100,
	x: { metric: 'epoch' },
	smoothing: 0.25,
	logY: true,
	panels: [
		{ type: 'line', size: 'l', metric: 'train/loss' },
		{ type: 'bar', size: 's', metric: 'val/acc', agg: 'max' },
		{ type: 'scatter', size: 'm', x: null, y: 'metrics.val/acc@min' },
		{ type: 'scatter', size: 'm', x: 'params.lr', y: null },
		{ type: 'parallel', size: 'l', axes: ['params.lr', 'metrics.loss'] },
		{ type: 'parallel', size: 's', axes: [] },
		{ type: 'parallel', size: 'm', axes: null }
	],
	removed: ['lr', 'grad norm'],
	collapsed: ['', 'val'],
	search: 'a*b, c'
};

describe('layout URL parameter', () => {
	it('writes nothing for the default layout and reads nothing as the default', () => {
		expect(formatLayoutParam(DEFAULT_LAYOUT)).toBeNull();
		expect(readLayoutParam(null)).toEqual({ ok: true, layout: DEFAULT_LAYOUT });
	});

	it('is compact and readable', () => {
		expect(formatLayoutParam({ ...DEFAULT_LAYOUT, top: 25, x: 'time', panels: [{ type: 'line', size: 's', metric: 'train/loss' }] })).toBe('1*n25*xtime*plstrain/loss');
	});

	it('round-trips every field, through URLSearchParams too', () => {
		const text = formatLayoutParam(custom)!;
		expect(readLayoutParam(text)).toEqual({ ok: true, layout: custom });
		const params = new URLSearchParams();
		params.set('layout', text);
		expect(readLayoutParam(new URLSearchParams(params.toString()).get('layout'))).toEqual({ ok: true, layout: custom });
	});

	it('refuses other versions, unknown fields and invalid values', () => {
		expect(readLayoutParam('2*n5')).toEqual({ ok: false, error: 'version: expected 1, got "2"' });
		expect(readLayoutParam('1*zz')).toEqual({ ok: false, error: 'unknown field "zz"' });
		expect(readLayoutParam('1*n500')).toEqual({ ok: false, error: 'top: expected a whole number in 1..100' });
		expect(readLayoutParam('1*nabc').ok).toBe(false);
		expect(readLayoutParam('1*pqma').ok).toBe(false);
		expect(readLayoutParam('1*pbmmean,a').ok).toBe(false);
		expect(readLayoutParam('1*q%E0%A4%A').ok).toBe(false);
	});
});
