// The runs table's column ids as they appear in URLs (`name`, `params.lr`, `tags.team`, `metrics.loss`,
// `metrics.loss@min`) and what each reads from a run row: shared by the browser's table and the server's first screen.
import type { RunRow } from '../run-row';
import { isValidKey } from '../schema';

export const ATTRIBUTE_COLUMNS = ['name', 'status', 'user', 'start', 'end', 'duration', 'run_id'] as const;
export type AttributeColumn = (typeof ATTRIBUTE_COLUMNS)[number];
export const METRIC_AGGREGATES = ['last', 'min', 'max'] as const;
export type MetricAggregate = (typeof METRIC_AGGREGATES)[number];

export type ColumnSpec =
	| { kind: 'attr'; key: AttributeColumn }
	| { kind: 'param' | 'tag'; key: string }
	| { kind: 'metric'; key: string; agg: MetricAggregate };

/** A cell's raw value: numbers for times (ms since the epoch), durations (ms) and metrics; text otherwise. */
export type CellValue = number | string | undefined;

/** Parses a column id; null for anything that is not one (URLs are untrusted). */
export function parseColumnId(id: string): ColumnSpec | null {
	if ((ATTRIBUTE_COLUMNS as readonly string[]).includes(id)) return { kind: 'attr', key: id as AttributeColumn };
	const dot = id.indexOf('.');
	if (dot < 0) return null;
	const prefix = id.slice(0, dot);
	let key = id.slice(dot + 1);
	if (prefix === 'params' || prefix === 'tags') return isValidKey(key) ? { kind: prefix === 'params' ? 'param' : 'tag', key } : null;
	if (prefix !== 'metrics') return null;
	// Metric keys never contain '@' (MLflow's key rule), so `@min` / `@max` is unambiguous.
	let agg: MetricAggregate = 'last';
	const at = key.lastIndexOf('@');
	if (at >= 0) {
		const a = key.slice(at + 1);
		if (a !== 'min' && a !== 'max') return null;
		agg = a;
		key = key.slice(0, at);
	}
	return isValidKey(key) ? { kind: 'metric', key, agg } : null;
}

export function formatColumnId(spec: ColumnSpec): string {
	switch (spec.kind) {
		case 'attr':
			return spec.key;
		case 'param':
			return `params.${spec.key}`;
		case 'tag':
			return `tags.${spec.key}`;
		case 'metric':
			return `metrics.${spec.key}${spec.agg === 'last' ? '' : `@${spec.agg}`}`;
	}
}

/**
 * What a cell holds. `now` (ms since the epoch) gives a running run's duration. Metric values may be NaN or ±∞;
 * a missing param, tag or metric is undefined.
 */
export function readCellValue(row: RunRow, spec: ColumnSpec, now: number): CellValue {
	switch (spec.kind) {
		case 'param':
			return Object.hasOwn(row.params, spec.key) ? row.params[spec.key] : undefined;
		case 'tag':
			return Object.hasOwn(row.tags, spec.key) ? row.tags[spec.key] : undefined;
		case 'metric':
			return Object.hasOwn(row.metrics, spec.key) ? row.metrics[spec.key][spec.agg] : undefined;
		case 'attr':
			switch (spec.key) {
				case 'name':
					return row.name;
				case 'status':
					return row.status;
				case 'user':
					return row.user || undefined;
				case 'start':
					return row.start_time || undefined;
				case 'end':
					return row.end_time ?? undefined;
				case 'duration':
					return row.start_time ? (row.end_time ?? now) - row.start_time : undefined;
				case 'run_id':
					return row.run_id;
			}
	}
}
