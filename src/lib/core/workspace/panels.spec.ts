import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, type WorkspaceLayout } from './layout';
import { addPanel, buildSections, movePanel, movePanelTo, readMetricSection, removePanel, resizePanel, resolvePanels, toggleSection, updatePanel } from './panels';

const keys = ['val/loss', 'lr', 'train/loss', 'train/acc', 'val/acc', 'epoch'];
const ids = (l: WorkspaceLayout) => resolvePanels(l, keys).map((p) => p.id);
const sections = (l: WorkspaceLayout) => buildSections(resolvePanels(l, keys), l).map((s) => [s.id, s.panels.map((p) => p.id), s.collapsed]);

describe('workspace panels', () => {
	it('sections metrics by prefix, the default section first', () => {
		expect([readMetricSection('train/loss'), readMetricSection('a/b/c'), readMetricSection('loss'), readMetricSection('/x')]).toEqual(['train', 'a', '', '']);
		expect(sections(DEFAULT_LAYOUT)).toEqual([
			['', ['line:epoch', 'line:lr'], false],
			['train', ['line:train/acc', 'line:train/loss'], false],
			['val', ['line:val/acc', 'line:val/loss'], false]
		]);
	});

	it('filters by the metric search and collapses sections', () => {
		const l = toggleSection({ ...DEFAULT_LAYOUT, search: 'LOSS' }, 'val');
		expect(sections(l)).toEqual([
			['train', ['line:train/loss'], false],
			['val', ['line:val/loss'], true]
		]);
		expect(toggleSection(l, 'val').collapsed).toEqual([]);
	});

	it('moves a panel within its section only, by steps or by a drop', () => {
		const panels = resolvePanels(DEFAULT_LAYOUT, keys);
		const moved = movePanel(DEFAULT_LAYOUT, panels, 'line:train/loss', -1);
		expect(sections(moved)[1]).toEqual(['train', ['line:train/loss', 'line:train/acc'], false]);
		expect(movePanel(DEFAULT_LAYOUT, panels, 'line:train/acc', -1)).toBe(DEFAULT_LAYOUT);
		expect(movePanelTo(DEFAULT_LAYOUT, panels, 'line:train/acc', 'line:val/acc')).toBe(DEFAULT_LAYOUT);
		const dropped = movePanelTo(DEFAULT_LAYOUT, panels, 'line:lr', 'line:epoch');
		expect(sections(dropped)[0]).toEqual(['', ['line:lr', 'line:epoch'], false]);
		// A metric logged later gets its panel after the placed ones.
		expect(resolvePanels(moved, [...keys, 'train/f1']).filter((p) => p.section === 'train').map((p) => p.id)).toEqual([
			'line:train/loss',
			'line:train/acc',
			'line:train/f1'
		]);
	});

	it('removes a panel for good, and adding it back restores it', () => {
		const panels = resolvePanels(DEFAULT_LAYOUT, keys);
		const removed = removePanel(DEFAULT_LAYOUT, panels, 'line:lr');
		expect(removed.removed).toEqual(['lr']);
		expect(ids(removed)).not.toContain('line:lr');
		const back = addPanel(removed, resolvePanels(removed, keys), { type: 'line', size: 'm', metric: 'lr' });
		expect(back.removed).toEqual([]);
		expect(ids(back).filter((id) => id === 'line:lr')).toHaveLength(1);
		// An explicit line panel removed does not come back as an automatic one either.
		const moved = movePanel(DEFAULT_LAYOUT, panels, 'line:lr', -1);
		expect(ids(removePanel(moved, resolvePanels(moved, keys), 'line:lr'))).not.toContain('line:lr');
	});

	it('adds, resizes and changes panels of every type, with ids for repeats', () => {
		let l = addPanel(DEFAULT_LAYOUT, resolvePanels(DEFAULT_LAYOUT, keys), { type: 'scatter', size: 'm', x: 'params.lr', y: 'metrics.val/acc' });
		l = addPanel(l, resolvePanels(l, keys), { type: 'parallel', size: 'l', axes: null });
		l = addPanel(l, resolvePanels(l, keys), { type: 'line', size: 's', metric: 'epoch' });
		expect(sections(l)[0]).toEqual(['', ['line:epoch', 'line:lr', 'parallel:', 'line:epoch#2'], false]);
		expect(sections(l)[2][1]).toEqual(['line:val/acc', 'line:val/loss', 'scatter:params.lr|metrics.val/acc']);
		l = resizePanel(l, resolvePanels(l, keys), 'parallel:', 's');
		expect(resolvePanels(l, keys).find((p) => p.id === 'parallel:')!.spec.size).toBe('s');
		l = updatePanel(l, resolvePanels(l, keys), 'line:lr', { type: 'bar', size: 'm', metric: 'lr', agg: 'min' });
		expect(ids(l)).toContain('bar:min|lr');
		expect(ids(l)).not.toContain('line:lr');
	});
});
