// The compare page's view in the URL query, so a copied link reproduces it: `runs` and `exp`, the diff table's
// options (`diff`, `val`, `tags`, `goal`), the scatter's axes (`sx`, `sy`, `slog`), the parallel coordinates' axes
// (`pc`) and the overlaid charts' view (chart-url.ts). Parsed like any untrusted input.
import { isExperimentId, isRunId } from '../core/ids';
import { METRIC_VALUES, type MetricGoal, type MetricValue } from '../core/compare/diff';
import { parseColumnId } from './columns';
import { MAX_URL_SELECTION } from './url-state';
import { readChartUrlState, writeChartUrlState, type ChartUrlState } from './chart-url';


export interface CompareUrlState extends ChartUrlState {
	/** Compared run ids in order (their order picks their colors); valid and distinct, at most MAX_URL_SELECTION. */
	runs: string[];
	/** Where to look for the runs first; runs not in it are located through their own documents. */
	experimentId: string | null;
	diffOnly: boolean;
	metricValue: MetricValue;
	showTags: boolean;
	/** Metric goals chosen on the page (others are guessed from the key). */
	goals: Record<string, MetricGoal>;
	/** Scatter axes as column ids (`params.lr`, `metrics.loss`, `metrics.loss@min`, `tags.team`); null = default. */
	scatterX: string | null;
	scatterY: string | null;
	scatterLogX: boolean;
	scatterLogY: boolean;
	/** Parallel coordinates axes as column ids, in order; null = the default choice. */
	axes: string[] | null;
}

export const DEFAULT_COMPARE_STATE: CompareUrlState = {
	runs: [],
	experimentId: null,
	diffOnly: false,
	metricValue: 'last',
	showTags: false,
	goals: {},
	scatterX: null,
	scatterY: null,
	scatterLogX: false,
	scatterLogY: false,
	axes: null,
	chartX: 'step',
	smoothing: 0,
	logY: false,
	zoom: null
};

const URL_KEYS = ['runs', 'exp', 'diff', 'val', 'tags', 'goal', 'sx', 'sy', 'slog', 'pc'] as const;

/** A column id the scatter and parallel coordinates can plot: a param, a tag or a metric summary. */
export function isAxisId(id: string): boolean {
	const spec = parseColumnId(id);
	return spec !== null && spec.kind !== 'attr';
}

function readList(v: string | null): string[] {
	return v === null ? [] : v.split(',').filter((s) => s !== '');
}

function readGoals(v: string | null): Record<string, MetricGoal> {
	const out: Record<string, MetricGoal> = {};
	for (const item of readList(v)) {
		const at = item.lastIndexOf(':');
		const key = item.slice(0, at);
		const goal = item.slice(at + 1);
		if (at > 0 && (goal === 'min' || goal === 'max') && isAxisId(`metrics.${key}`)) out[key] = goal;
	}
	return out;
}

/** Reads the view from a URL query; invalid parts fall back to their defaults. */
export function readCompareUrlState(params: URLSearchParams): CompareUrlState {
	const exp = params.get('exp');
	const val = params.get('val');
	const axisOrNull = (v: string | null) => (v !== null && isAxisId(v) ? v : null);
	const slog = readList(params.get('slog'));
	const pc = params.get('pc');
	return {
		runs: [...new Set(readList(params.get('runs')).filter(isRunId))].slice(0, MAX_URL_SELECTION),
		experimentId: exp !== null && isExperimentId(exp) ? exp : null,
		diffOnly: params.get('diff') === '1',
		metricValue: (METRIC_VALUES as readonly string[]).includes(val ?? '') ? (val as MetricValue) : 'last',
		showTags: params.get('tags') === '1',
		goals: readGoals(params.get('goal')),
		scatterX: axisOrNull(params.get('sx')),
		scatterY: axisOrNull(params.get('sy')),
		scatterLogX: slog.includes('x'),
		scatterLogY: slog.includes('y'),
		axes: pc === null ? null : [...new Set(readList(pc).filter(isAxisId))],
		...readChartUrlState(params)
	};
}

/** Writes the view into a copy of `base` (other parameters are kept); defaults are left out. */
export function writeCompareUrlState(state: CompareUrlState, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
	const out = new URLSearchParams(base);
	for (const k of URL_KEYS) out.delete(k);
	if (state.runs.length > 0) out.set('runs', state.runs.slice(0, MAX_URL_SELECTION).join(','));
	if (state.experimentId !== null) out.set('exp', state.experimentId);
	if (state.diffOnly) out.set('diff', '1');
	if (state.metricValue !== 'last') out.set('val', state.metricValue);
	if (state.showTags) out.set('tags', '1');
	const goals = Object.entries(state.goals);
	if (goals.length > 0) out.set('goal', goals.map(([k, g]) => `${k}:${g}`).join(','));
	if (state.scatterX !== null) out.set('sx', state.scatterX);
	if (state.scatterY !== null) out.set('sy', state.scatterY);
	const slog = [state.scatterLogX ? 'x' : '', state.scatterLogY ? 'y' : ''].filter(Boolean);
	if (slog.length > 0) out.set('slog', slog.join(','));
	if (state.axes !== null) out.set('pc', state.axes.join(','));
	return writeChartUrlState(state, out);
}
