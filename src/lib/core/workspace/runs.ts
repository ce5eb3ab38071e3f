// Which runs the chart workspace draws: the runs table's view (its filter and sort; with grouping, the runs its open
// groups show), less the runs hidden from charts, cut to the first N; and the metric keys those runs have. Pure.
import type { RunRow } from '../run-row';
import type { TableView } from '../table/table-view';

/** The runs of `view` to chart, in the table's order: at most `top`, none of `hidden`. */
export function readWorkspaceRuns(view: TableView, grouped: boolean, hidden: ReadonlySet<string>, top: number): RunRow[] {
	const out: RunRow[] = [];
	if (grouped) {
		for (const item of view.items) {
			if (out.length >= top) break;
			if (item.type === 'run' && !item.context && !hidden.has(item.row.run_id)) out.push(item.row);
		}
		return out;
	}
	for (const row of view.matched) {
		if (out.length >= top) break;
		if (!hidden.has(row.run_id)) out.push(row);
	}
	return out;
}

/** Every metric key some of `runs` has a summary for, sorted. */
export function readWorkspaceMetricKeys(runs: readonly RunRow[]): string[] {
	const keys = new Set<string>();
	for (const r of runs) for (const k in r.metrics) keys.add(k);
	return [...keys].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}
