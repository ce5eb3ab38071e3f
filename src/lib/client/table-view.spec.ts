import { describe, expect, it } from 'vitest';
import { readVisibleColumns, readVisibleRange } from './table-view';

describe('virtual windows', () => {
	it('rows: the visible slice plus overscan, clamped', () => {
		expect(readVisibleRange(0, 300, 30, 10_000, 5)).toEqual({ start: 0, end: 15 });
		expect(readVisibleRange(3000, 300, 30, 10_000, 5)).toEqual({ start: 95, end: 115 });
		expect(readVisibleRange(299_990, 300, 30, 10_000, 5)).toEqual({ start: 9994, end: 10_000 });
		expect(readVisibleRange(0, 300, 30, 0)).toEqual({ start: 0, end: 0 });
	});
	it('columns: the ones overlapping the viewport (± overscan) and the x offset of the first', () => {
		const widths = [100, 100, 100, 100, 100, 100];
		expect(readVisibleColumns(widths, 0, 250, 0)).toEqual({ start: 0, end: 3, offset: 0 });
		expect(readVisibleColumns(widths, 150, 100, 0)).toEqual({ start: 1, end: 3, offset: 100 });
		expect(readVisibleColumns(widths, 150, 100, 60)).toEqual({ start: 0, end: 4, offset: 0 });
		expect(readVisibleColumns(widths, 1000, 100, 0)).toEqual({ start: 6, end: 6, offset: 600 });
	});
});
