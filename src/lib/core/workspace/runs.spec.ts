import { describe, expect, it } from 'vitest';
import { createTestRow } from '../table/row-fixture';
import type { TableItem, TableView } from '../table/table-view';
import { readWorkspaceMetricKeys, readWorkspaceRuns } from './runs';

const summary = { last: 1, min: 1, max: 1, count: 1, step: 0, timestamp: 0 };
const rows = Array.from({ length: 6 }, (_, i) => createTestRow({ name: `r${i}`, metrics: i % 2 ? { 'train/loss': summary } : { acc: summary, 'val/acc': summary } }));
const run = (row: (typeof rows)[number], context = false): TableItem => ({ type: 'run', row, group: 'g', depth: 0, children: 0, open: false, context });

describe('workspace runs', () => {
	it('takes the first N of the table’s matches in its order, leaving hidden runs out', () => {
		const view: TableView = { items: [], matched: [rows[3], rows[1], rows[0], rows[5], rows[2]] };
		const names = (top: number, hidden: string[] = []) => readWorkspaceRuns(view, false, new Set(hidden), top).map((r) => r.name);
		expect(names(3)).toEqual(['r3', 'r1', 'r0']);
		expect(names(3, [rows[1].run_id])).toEqual(['r3', 'r0', 'r5']);
		expect(names(100)).toHaveLength(5);
	});

	it('with grouping, takes the runs the open groups show, not the parents shown only for context', () => {
		const view: TableView = {
			items: [
				{ type: 'group', key: 'a', label: 'a', count: 2, collapsed: false },
				run(rows[4], true),
				run(rows[2]),
				{ type: 'group', key: 'b', label: 'b', count: 3, collapsed: true },
				{ type: 'group', key: 'c', label: 'c', count: 1, collapsed: false },
				run(rows[0])
			],
			matched: rows
		};
		expect(readWorkspaceRuns(view, true, new Set(), 10).map((r) => r.name)).toEqual(['r2', 'r0']);
		expect(readWorkspaceRuns(view, true, new Set(), 1).map((r) => r.name)).toEqual(['r2']);
	});

	it('lists the metric keys the runs have', () => {
		expect(readWorkspaceMetricKeys(rows)).toEqual(['acc', 'train/loss', 'val/acc']);
		expect(readWorkspaceMetricKeys([])).toEqual([]);
	});
});
