import { describe, expect, it } from 'vitest';
import { createColumns } from './columns';
import { CHECK_WIDTH, createGridLayout } from './grid-layout';

describe('createGridLayout', () => {
	const columns = createColumns(['name', 'status', 'user', 'start', 'metrics.loss', 'params.lr'], new Set(['name', 'params.lr']));
	const widths = Object.fromEntries(columns.map((c) => [c.id, c.width]));
	it('places pinned columns after the checkbox column and windows the unpinned ones', () => {
		const l = createGridLayout(columns, 0, CHECK_WIDTH + widths.name + widths['params.lr'] + widths.status + 1);
		expect(l.pinned.map((c) => c.id)).toEqual(['name', 'params.lr']);
		expect(l.pinnedLeft).toEqual([CHECK_WIDTH, CHECK_WIDTH + widths.name]);
		expect(l.offset).toBe(0);
		expect(l.free[0].id).toBe('status');
		const total = CHECK_WIDTH + columns.reduce((s, c) => s + c.width, 0);
		expect(l.width).toBe(`max(100%, ${total}px)`);
	});
	it('skips unpinned columns scrolled past (beyond the overscan) and keeps their width as the offset', () => {
		const l = createGridLayout(columns, widths.status + widths.user + 200, 300);
		expect(l.free[0].id).toBe('start');
		expect(l.offset).toBe(widths.status + widths.user);
	});
});
