import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, parseWorkspaceLayout, type WorkspaceLayout } from './layout';

const full: WorkspaceLayout = {
	version: 1,
	top: 100,
	x: { metric: 'epoch' },
	smoothing: 0.6,
	logY: true,
	panels: [
		{ type: 'line', size: 'l', metric: 'train/loss' },
		{ type: 'bar', size: 's', metric: 'val/acc', agg: 'max' },
		{ type: 'scatter', size: 'm', x: 'params.lr', y: 'metrics.val/acc@min' },
		{ type: 'parallel', size: 'l', axes: ['params.lr', 'metrics.loss'] },
		{ type: 'parallel', size: 's', axes: null }
	],
	removed: ['lr'],
	collapsed: ['', 'val'],
	search: 'loss'
};

describe('parseWorkspaceLayout', () => {
	it('reads back every field of a layout that went through JSON', () => {
		expect(parseWorkspaceLayout(JSON.parse(JSON.stringify(full)))).toEqual({ ok: true, layout: full });
	});

	it('fills what is missing with the defaults', () => {
		expect(parseWorkspaceLayout({ version: 1 })).toEqual({ ok: true, layout: DEFAULT_LAYOUT });
		expect(parseWorkspaceLayout({ version: 1, panels: [{ type: 'scatter', size: 'm' }] })).toEqual({
			ok: true,
			layout: { ...DEFAULT_LAYOUT, panels: [{ type: 'scatter', size: 'm', x: null, y: null }] }
		});
	});

	it('says precisely what is wrong', () => {
		const bad: [unknown, string][] = [
			[null, 'layout: not an object'],
			[{ version: 2 }, 'version: expected 1, got 2'],
			[{ version: 1, top: 0 }, 'top: expected a whole number in 1..100'],
			[{ version: 1, top: 101 }, 'top: expected a whole number in 1..100'],
			[{ version: 1, x: 'epoch' }, 'x: expected one of step, time, relative, got "epoch"'],
			[{ version: 1, x: { metric: 'bad,key' } }, 'x.metric: not a metric key: "bad,key"'],
			[{ version: 1, smoothing: 1 }, 'smoothing: expected a number in [0, 1)'],
			[{ version: 1, panels: [{ type: 'pie', size: 'm' }] }, 'panels[0].type: expected one of line, scatter, bar, parallel, got "pie"'],
			[{ version: 1, panels: [{ type: 'line', size: 'xl', metric: 'a' }] }, 'panels[0].size: expected one of s, m, l, got "xl"'],
			[{ version: 1, panels: [{ type: 'bar', size: 'm', metric: 'a', agg: 'mean' }] }, 'panels[0].agg: expected one of last, min, max, got "mean"'],
			[{ version: 1, panels: [{ type: 'scatter', size: 'm', x: 'lr' }] }, 'panels[0].x: not a column id: "lr"'],
			[{ version: 1, removed: ['*'] }, 'removed[0]: not a metric key: "*"'],
			[{ version: 1, search: 'x'.repeat(201) }, 'search: expected text of at most 200 characters']
		];
		for (const [v, error] of bad) expect(parseWorkspaceLayout(v)).toEqual({ ok: false, error });
	});
});
