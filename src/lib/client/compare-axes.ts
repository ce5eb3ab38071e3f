// What the compare page's scatter plot and parallel coordinates can plot: every param, metric summary and tag of
// the compared runs as column ids, what each run holds for one, and sensible default choices.
import type { RunRow } from '../core/run-row';
import { createAxis, type Axis, type AxisOptions, type AxisValue } from '../core/compare/axes';
import { formatColumnId, isSystemTag, METRIC_AGGREGATES, parseColumnId, readCellValue, readColumnKeys, readColumnLabel } from './columns';

export interface AxisChoice {
	id: string;
	label: string;
}

export interface AxisChoiceGroup {
	label: 'Params' | 'Metrics' | 'Tags';
	choices: AxisChoice[];
}

/** Every plottable column of `runs`, grouped: params, metrics (last, min, max), non-system tags. */
export function readAxisChoices(runs: readonly RunRow[]): AxisChoiceGroup[] {
	const keys = readColumnKeys(runs);
	const choice = (id: string): AxisChoice => ({ id, label: readColumnLabel(parseColumnId(id)!) });
	const groups: AxisChoiceGroup[] = [
		{ label: 'Params', choices: keys.params.map((key) => choice(formatColumnId({ kind: 'param', key }))) },
		{ label: 'Metrics', choices: keys.metrics.flatMap((key) => METRIC_AGGREGATES.map((agg) => choice(formatColumnId({ kind: 'metric', key, agg })))) },
		{ label: 'Tags', choices: keys.tags.filter((k) => !isSystemTag(k)).map((key) => choice(formatColumnId({ kind: 'tag', key }))) }
	];
	return groups.filter((g) => g.choices.length > 0);
}

/** The axis title for a column id: the key, with `(min)`/`(max)` for those summaries. */
export function readAxisLabel(id: string): string {
	const spec = parseColumnId(id);
	return spec ? readColumnLabel(spec) : id;
}

/** What `row` holds for the column `id` (undefined when it has none; metric values may be NaN or ±∞). */
export function readAxisValue(row: RunRow, id: string): AxisValue {
	const spec = parseColumnId(id);
	return spec ? readCellValue(row, spec, Date.now()) : undefined;
}

/** The axis for column `id` over `runs`. */
export function createRunAxis(runs: readonly RunRow[], id: string, opts: AxisOptions = {}): Axis {
	return createAxis(runs.map((r) => readAxisValue(r, id)), opts);
}

function differs(runs: readonly RunRow[], id: string): boolean {
	const first = readAxisValue(runs[0], id);
	return runs.some((r) => readAxisValue(r, id) !== first);
}

/**
 * Default scatter axes: x = the first param the runs disagree on (else the first param, else the first metric),
 * y = the first metric's last value that is not x (else the second choice there is). Null where there is nothing.
 */
export function readDefaultScatterAxes(runs: readonly RunRow[]): { x: string | null; y: string | null } {
	if (runs.length === 0) return { x: null, y: null };
	const keys = readColumnKeys(runs);
	const params = keys.params.map((key) => `params.${key}`);
	const metrics = keys.metrics.map((key) => `metrics.${key}`);
	const x = params.find((id) => differs(runs, id)) ?? params[0] ?? metrics[0] ?? null;
	const y = metrics.find((id) => id !== x) ?? [...params, ...metrics].find((id) => id !== x) ?? null;
	return { x, y };
}

/** Most axes the default parallel coordinates start with (params, then metrics). */
export const DEFAULT_PARAM_AXES = 6;
export const DEFAULT_METRIC_AXES = 4;

/** Default parallel coordinates: the params the runs disagree on (else all params), then the metrics' last values. */
export function readDefaultParallelAxes(runs: readonly RunRow[]): string[] {
	if (runs.length === 0) return [];
	const keys = readColumnKeys(runs);
	const params = keys.params.map((key) => `params.${key}`);
	const differing = params.filter((id) => differs(runs, id));
	return [...(differing.length > 0 ? differing : params).slice(0, DEFAULT_PARAM_AXES), ...keys.metrics.slice(0, DEFAULT_METRIC_AXES).map((key) => `metrics.${key}`)];
}
