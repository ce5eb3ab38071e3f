// The text of a runs-table cell: one cheap pure function per cell, so a frame of scrolling updates text nodes
// instead of building components. Dates older than a day use one shared formatter (Intl formatters are costly).
import type { RunRow } from '../core/run-row';
import { readCellValue, type ColumnSpec } from './columns';
import { formatDuration, formatElapsed, formatMetric, formatNumberFull, formatParamValue, formatTimeAgo } from './format';

const DAY_MS = 86_400_000;
let dateFormat: Intl.DateTimeFormat | null = null;

/** `ms` since the epoch: "5 min ago" within a day of `now`, else a short local date. */
export function formatWhen(ms: number, now: number): string {
	if (!Number.isFinite(ms) || ms <= 0) return '';
	if (Math.abs(now - ms) < DAY_MS) return formatTimeAgo(ms, now);
	dateFormat ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
	return dateFormat.format(ms);
}

/**
 * What a cell shows for `row` in the column `spec`; '' when the run has no such value. `now` (ms since the epoch)
 * drives relative times and running runs' durations.
 */
export function formatCellText(row: RunRow, spec: ColumnSpec, now: number): string {
	const v = readCellValue(row, spec, now);
	if (v === undefined) return '';
	if (typeof v === 'string') return spec.kind === 'attr' && spec.key === 'status' ? v.toLowerCase() : spec.kind === 'param' ? formatParamValue(v) : v;
	if (spec.kind === 'metric') return formatMetric(v);
	if (spec.kind === 'attr' && spec.key === 'duration') return row.end_time === null ? formatElapsed(v) : formatDuration(v);
	if (spec.kind === 'attr' && (spec.key === 'start' || spec.key === 'end')) return formatWhen(v, now);
	return String(v);
}

/**
 * A cell's tooltip: what the cell may cut short, whole: the full text (an ellipsis hides its end) or a metric to its
 * last digit; undefined when the cell shows everything (times, durations, status).
 */
export function formatCellTitle(row: RunRow, spec: ColumnSpec, now: number): string | undefined {
	if (spec.kind === 'attr' && spec.key !== 'name' && spec.key !== 'user' && spec.key !== 'run_id') return undefined;
	const v = readCellValue(row, spec, now);
	if (v === undefined) return undefined;
	return typeof v === 'number' ? formatNumberFull(v) : v;
}
