// What scatter plots and parallel coordinates (compare page, chart workspace) can plot: every param, metric summary
// and tag of the runs as column ids, labelled with their kind (`params.lr` vs `metrics.lr`), what each run holds for
// one, which ones vary across the runs, and sensible default choices.
import type { RunRow } from '../core/run-row';
import { createAxis, type Axis, type AxisOptions, type AxisValue } from '../core/compare/axes';
import { formatColumnId, isSystemTag, METRIC_AGGREGATES, parseColumnId, readCellValue, readColumnKeys, type ColumnSpec } from './columns';

export interface AxisChoice {
	id: string;
	label: string;
}

export interface AxisChoiceGroup {
	label: 'Params' | 'Metrics' | 'Tags';
	choices: AxisChoice[];
}

const KIND_PREFIX = { param: 'params', metric: 'metrics', tag: 'tags' } as const;

/** A column as an axis names it: its kind first, so a param and a metric of one name differ (`params.lr`,
 * `metrics.lr`, `metrics.loss (min)`). */
function readSpecLabel(spec: ColumnSpec): string {
	if (spec.kind === 'attr') return spec.key;
	const base = `${KIND_PREFIX[spec.kind]}.${spec.key}`;
	return spec.kind === 'metric' && spec.agg !== 'last' ? `${base} (${spec.agg})` : base;
}

/** Every plottable column of `runs`, grouped: params, metrics (last, min, max), non-system tags. */
export function readAxisChoices(runs: readonly RunRow[]): AxisChoiceGroup[] {
	const keys = readColumnKeys(runs);
	const choice = (id: string): AxisChoice => ({ id, label: readSpecLabel(parseColumnId(id)!) });
	const groups: AxisChoiceGroup[] = [
		{ label: 'Params', choices: keys.params.map((key) => choice(formatColumnId({ kind: 'param', key }))) },
		{ label: 'Metrics', choices: keys.metrics.flatMap((key) => METRIC_AGGREGATES.map((agg) => choice(formatColumnId({ kind: 'metric', key, agg })))) },
		{ label: 'Tags', choices: keys.tags.filter((k) => !isSystemTag(k)).map((key) => choice(formatColumnId({ kind: 'tag', key }))) }
	];
	return groups.filter((g) => g.choices.length > 0);
}

/** The axis title for a column id: kind and key (`params.lr`), with `(min)`/`(max)` for those summaries. */
export function readAxisLabel(id: string): string {
	const spec = parseColumnId(id);
	return spec ? readSpecLabel(spec) : id;
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

/** Whether the runs hold more than one value for column `id` (a missing value counts as one). */
export function isVaryingAxis(runs: readonly RunRow[], id: string): boolean {
	if (runs.length === 0) return false;
	const first = readAxisValue(runs[0], id);
	return runs.some((r) => !Object.is(readAxisValue(r, id), first));
}

/** How many of `runs` hold a value for column `id`. */
function countHolding(runs: readonly RunRow[], id: string): number {
	let n = 0;
	for (const r of runs) if (readAxisValue(r, id) !== undefined) n++;
	return n;
}

/** Metric ids (last value) of `runs`: `primary` first when the runs have it, then the varying ones that most runs
 * hold (in key order among equals), then the constant ones. */
function rankMetrics(runs: readonly RunRow[], primary: string | null): string[] {
	const ids = readColumnKeys(runs).metrics.map((key) => `metrics.${key}`);
	const score = (id: string) => (id === primary ? 2 * runs.length + 2 : countHolding(runs, id) + (isVaryingAxis(runs, id) ? runs.length + 1 : 0));
	return ids.map((id, i) => ({ id, i, s: score(id) })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.id);
}

/**
 * Default scatter axes: y = the primary metric (`primary`, e.g. the runs table's sort column, when a metric the runs
 * hold), else the varying metric most runs hold; x = the first param the runs disagree on (else the first param,
 * else the next metric). Null where there is nothing.
 */
export function readDefaultScatterAxes(runs: readonly RunRow[], primary: string | null = null): { x: string | null; y: string | null } {
	if (runs.length === 0) return { x: null, y: null };
	const params = readColumnKeys(runs).params.map((key) => `params.${key}`);
	const metrics = rankMetrics(runs, primary && parseColumnId(primary)?.kind === 'metric' ? primary : null);
	const y = metrics[0] ?? params.find((id) => isVaryingAxis(runs, id)) ?? params[0] ?? null;
	const x = params.find((id) => id !== y && isVaryingAxis(runs, id)) ?? params.find((id) => id !== y) ?? metrics.find((id) => id !== y) ?? null;
	return { x, y };
}

/** Most axes the default parallel coordinates start with (params, then metrics). */
export const DEFAULT_PARAM_AXES = 6;
export const DEFAULT_METRIC_AXES = 4;

/**
 * Default parallel coordinates: the params the runs disagree on, then the metrics (the primary first), leaving out
 * columns every run holds the same value for unless `withConstant` (then constant params and metrics follow).
 */
export function readDefaultParallelAxes(runs: readonly RunRow[], opts: { primary?: string | null; withConstant?: boolean } = {}): string[] {
	if (runs.length === 0) return [];
	const params = readColumnKeys(runs).params.map((key) => `params.${key}`);
	const metrics = rankMetrics(runs, opts.primary ?? null);
	// One run varies in nothing: every column is worth an axis then.
	const varies = (id: string) => runs.length < 2 || isVaryingAxis(runs, id);
	const keep = (ids: string[]) => (opts.withConstant ? [...ids.filter(varies), ...ids.filter((id) => !varies(id))] : ids.filter(varies));
	return [...keep(params).slice(0, DEFAULT_PARAM_AXES), ...keep(metrics).slice(0, DEFAULT_METRIC_AXES)];
}

/** Columns of the default choice left out because every run holds the same value for them. */
export function readConstantAxes(runs: readonly RunRow[]): string[] {
	if (runs.length < 2) return [];
	const keys = readColumnKeys(runs);
	return [...keys.params.map((k) => `params.${k}`), ...keys.metrics.map((k) => `metrics.${k}`)].filter((id) => !isVaryingAxis(runs, id));
}
