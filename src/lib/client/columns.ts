// The runs table's columns as drawn: each column's label, width and alignment, the default set, the picker's
// choices and the order (pinned first). Column ids and cell values are in core/table/columns.ts.
import type { RunRow } from '../core/run-row';
import { ATTRIBUTE_COLUMNS, METRIC_AGGREGATES, formatColumnId, parseColumnId, type AttributeColumn, type ColumnSpec } from '../core/table/columns';

// The column ids and cell values live in core (the server reads them too); re-exported for the UI's modules.
export {
	ATTRIBUTE_COLUMNS,
	METRIC_AGGREGATES,
	formatColumnId,
	parseColumnId,
	readCellValue,
	type AttributeColumn,
	type CellValue,
	type ColumnSpec,
	type MetricAggregate
} from '../core/table/columns';

const ATTRIBUTE_LABELS: Record<AttributeColumn, string> = {
	name: 'Name',
	status: 'Status',
	user: 'User',
	start: 'Started',
	end: 'Ended',
	duration: 'Duration',
	run_id: 'Run ID'
};

/** Columns shown when the URL names none: the run's basics; every param and metric is appended after them. */
export const DEFAULT_ATTRIBUTES: readonly AttributeColumn[] = ['name', 'status', 'user', 'start', 'duration'];

/** The header text: attribute names, param/tag keys, metric keys with `(min)` / `(max)`. */
export function readColumnLabel(spec: ColumnSpec): string {
	if (spec.kind === 'attr') return ATTRIBUTE_LABELS[spec.key];
	if (spec.kind === 'metric' && spec.agg !== 'last') return `${spec.key} (${spec.agg})`;
	return spec.key;
}

/** Whether cells read as numbers (right-aligned, tabular figures). */
export function isNumericColumn(spec: ColumnSpec): boolean {
	return spec.kind === 'metric' || (spec.kind === 'attr' && spec.key === 'duration');
}

/** Default width in CSS px: fixed per column so rows never re-layout while scrolling (a resize overrides it). */
export function readColumnWidth(spec: ColumnSpec): number {
	if (spec.kind === 'attr') {
		return { name: 220, status: 104, user: 110, start: 120, end: 120, duration: 104, run_id: 280 }[spec.key];
	}
	return spec.kind === 'metric' ? 112 : 124;
}

/** Every param, tag and metric key some row has (the column picker's choices), each sorted. */
export interface ColumnKeys {
	params: string[];
	tags: string[];
	metrics: string[];
}

/** Collects the keys of `rows` (one pass; 10,000 rows × 50 keys ≈ a few ms). */
export function readColumnKeys(rows: readonly RunRow[]): ColumnKeys {
	const params = new Set<string>();
	const tags = new Set<string>();
	const metrics = new Set<string>();
	for (const r of rows) {
		for (const k in r.params) params.add(k);
		for (const k in r.tags) tags.add(k);
		for (const k in r.metrics) metrics.add(k);
	}
	const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
	return { params: sorted(params), tags: sorted(tags), metrics: sorted(metrics) };
}

/** MLflow's system tags (`mlflow.*`) clutter a default view; they stay available in the picker. */
export function isSystemTag(key: string): boolean {
	return key.startsWith('mlflow.');
}

/** The default columns: DEFAULT_ATTRIBUTES, then every metric (last value), then every param. */
export function readDefaultColumnIds(keys: ColumnKeys): string[] {
	return [
		...DEFAULT_ATTRIBUTES,
		...keys.metrics.map((key) => formatColumnId({ kind: 'metric', key, agg: 'last' })),
		...keys.params.map((key) => formatColumnId({ kind: 'param', key }))
	];
}

/** Every column id one could add, in picker order: attributes, metrics (last, min, max), params, tags. */
export function readAvailableColumnIds(keys: ColumnKeys): string[] {
	return [
		...ATTRIBUTE_COLUMNS,
		...keys.metrics.flatMap((key) => METRIC_AGGREGATES.map((agg) => formatColumnId({ kind: 'metric', key, agg }))),
		...keys.params.map((key) => formatColumnId({ kind: 'param', key })),
		...keys.tags.map((key) => formatColumnId({ kind: 'tag', key }))
	];
}

export interface Column {
	id: string;
	spec: ColumnSpec;
	label: string;
	/** px: the resized width, else readColumnWidth's. */
	width: number;
	/** A resize gave it `width`. */
	resized: boolean;
	numeric: boolean;
	pinned: boolean;
}

/**
 * The columns to draw, in order: the pinned ones first (keeping their relative order), then the rest. Unknown or
 * duplicate ids are dropped. `name` is always there (a row needs something to click). `widths` (id → px) holds the
 * columns resized from their default width.
 */
export function createColumns(ids: readonly string[], pinned: ReadonlySet<string>, widths: Readonly<Record<string, number>> = {}): Column[] {
	const seen = new Set<string>();
	const out: Column[] = [];
	for (const id of ids.includes('name') ? ids : ['name', ...ids]) {
		const spec = parseColumnId(id);
		if (!spec || seen.has(id)) continue;
		seen.add(id);
		const resized = Object.hasOwn(widths, id);
		const width = resized ? widths[id] : readColumnWidth(spec);
		out.push({ id, spec, label: readColumnLabel(spec), width, resized, numeric: isNumericColumn(spec), pinned: pinned.has(id) });
	}
	return [...out.filter((c) => c.pinned), ...out.filter((c) => !c.pinned)];
}

/** `ids` in display order: pinned ids first (keeping their relative order), then the others. */
export function orderColumnIds(ids: readonly string[], pinned: ReadonlySet<string>): string[] {
	return [...ids.filter((id) => pinned.has(id)), ...ids.filter((id) => !pinned.has(id))];
}

/**
 * Moves `id` by `delta` places (negative = left) within its block, pinned or not, of the display order; returns
 * the new display order.
 */
export function moveColumnId(ids: readonly string[], pinned: ReadonlySet<string>, id: string, delta: number): string[] {
	const order = orderColumnIds(ids, pinned);
	const from = order.indexOf(id);
	if (from < 0) return order;
	const pinnedCount = order.filter((x) => pinned.has(x)).length;
	const [lo, hi] = pinned.has(id) ? [0, pinnedCount - 1] : [pinnedCount, order.length - 1];
	const to = Math.max(lo, Math.min(hi, from + delta));
	order.splice(from, 1);
	order.splice(to, 0, id);
	return order;
}
