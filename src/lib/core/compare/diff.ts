// The compare page's diff: one row per param, metric and tag across the compared runs, whether the runs differ on
// it, and for metrics which runs are best and worst (lower or higher is better, guessed from the key or chosen).
import type { MetricSummary } from '../run-row';
import { readAxisNumber } from './axes';

export const DIFF_SECTIONS = ['param', 'metric', 'tag'] as const;
export type DiffSection = (typeof DIFF_SECTIONS)[number];
export const METRIC_VALUES = ['last', 'min', 'max'] as const;
/** Which of a metric's summaries a diff row shows. */
export type MetricValue = (typeof METRIC_VALUES)[number];
export const METRIC_GOALS = ['min', 'max'] as const;
/** Whether lower (`min`) or higher (`max`) values of a metric are better. */
export type MetricGoal = (typeof METRIC_GOALS)[number];

/** What the diff reads from a run (a RunRow has all of it). */
export interface DiffRun {
	params: Readonly<Record<string, string>>;
	tags: Readonly<Record<string, string>>;
	metrics: Readonly<Record<string, MetricSummary>>;
}

export interface DiffRow {
	section: DiffSection;
	key: string;
	/** One per run, in run order: strings for params and tags, numbers for metrics; undefined where a run lacks it. */
	values: (string | number | undefined)[];
	/** Some runs disagree; a run lacking the key disagrees with one that has it. */
	differs: boolean;
	/** A metric row, or every present value is text that reads as a number (cells right-aligned). */
	numeric: boolean;
	/** Metric rows: the goal used for best and worst. */
	goal: MetricGoal | null;
	/** Metric rows: indices of the runs holding the best and worst value; both empty unless two values differ. */
	best: number[];
	worst: number[];
}

export interface DiffOptions {
	/** Which metric summary a metric row shows (default `last`). */
	metricValue?: MetricValue;
	/** Include a tag section (default false); `includeTag` picks which tag keys (default all). */
	tags?: boolean;
	includeTag?: (key: string) => boolean;
	/** Chosen goals by metric key; other metrics use readMetricGoal. */
	goals?: Readonly<Record<string, MetricGoal>>;
}

/** Words in a metric key that mean higher is better; anything else (loss, error, time, …) is lower-is-better. */
const HIGHER_IS_BETTER = new Set([
	'acc', 'accuracy', 'auc', 'auroc', 'ap', 'map', 'f1', 'f1score', 'precision', 'recall', 'score', 'reward', 'return',
	'iou', 'miou', 'dice', 'bleu', 'rouge', 'meteor', 'r2', 'ndcg', 'mrr', 'hit', 'hits', 'top1', 'top5', 'sharpe',
	'throughput', 'psnr', 'ssim', 'spearman', 'pearson', 'correlation', 'kappa', 'mcc', 'specificity', 'sensitivity'
]);

/** A guess at a metric's goal from the words of its key (`val/top1_acc` → max, `train_loss` → min). */
export function readMetricGoal(key: string): MetricGoal {
	const words = key.toLowerCase().split(/[^a-z0-9]+/);
	return words.some((w) => HIGHER_IS_BETTER.has(w) || /^(acc|top)\d*$/.test(w)) ? 'max' : 'min';
}

const byKey = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

function collectKeys(runs: readonly DiffRun[], pick: (r: DiffRun) => object, keep: (k: string) => boolean): string[] {
	const keys = new Set<string>();
	for (const r of runs) for (const k in pick(r)) if (keep(k)) keys.add(k);
	return [...keys].sort(byKey);
}

/** Same value: strings by equality, numbers with NaN equal to NaN (Object.is, but 0 equals -0). */
function same(a: string | number | undefined, b: string | number | undefined): boolean {
	return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

function createRow(section: DiffSection, key: string, values: (string | number | undefined)[], goal: MetricGoal | null): DiffRow {
	const differs = values.some((v) => !same(v, values[0]));
	const present = values.filter((v) => v !== undefined);
	const numeric = section === 'metric' || (present.length > 0 && present.every((v) => readAxisNumber(v) !== null));
	const row: DiffRow = { section, key, values, differs, numeric, goal, best: [], worst: [] };
	if (goal === null || !differs) return row;
	// Best and worst among the comparable values: NaN has no rank; ±Infinity does.
	let lo = Infinity;
	let hi = -Infinity;
	let ranked = 0;
	for (const v of values) {
		if (typeof v !== 'number' || Number.isNaN(v)) continue;
		ranked++;
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	if (ranked < 2 || lo === hi) return row;
	const [bestValue, worstValue] = goal === 'min' ? [lo, hi] : [hi, lo];
	values.forEach((v, i) => {
		if (v === bestValue) row.best.push(i);
		else if (v === worstValue) row.worst.push(i);
	});
	return row;
}

/**
 * The diff of `runs` (columns, in the given order): params, then metrics, then tags when asked for; keys sorted
 * numeric-aware within each section. O(runs × keys).
 */
export function createDiffRows(runs: readonly DiffRun[], opts: DiffOptions = {}): DiffRow[] {
	const metricValue = opts.metricValue ?? 'last';
	const rows: DiffRow[] = [];
	for (const key of collectKeys(runs, (r) => r.params, () => true)) {
		rows.push(createRow('param', key, runs.map((r) => (Object.hasOwn(r.params, key) ? r.params[key] : undefined)), null));
	}
	for (const key of collectKeys(runs, (r) => r.metrics, () => true)) {
		const values = runs.map((r) => (Object.hasOwn(r.metrics, key) ? r.metrics[key][metricValue] : undefined));
		rows.push(createRow('metric', key, values, opts.goals?.[key] ?? readMetricGoal(key)));
	}
	if (opts.tags) {
		for (const key of collectKeys(runs, (r) => r.tags, opts.includeTag ?? (() => true))) {
			rows.push(createRow('tag', key, runs.map((r) => (Object.hasOwn(r.tags, key) ? r.tags[key] : undefined)), null));
		}
	}
	return rows;
}

/** The rows where the runs disagree ("differences only"). */
export function filterDifferences(rows: readonly DiffRow[]): DiffRow[] {
	return rows.filter((r) => r.differs);
}
