// The compare page's view state: everything the URL holds (see compare-url.ts), kept in step with it through
// replaceState, plus the run under the pointer, which every view highlights together. Runs are drawn in their own
// colours (core/run-color.ts), the same as in every other view.
import type { MetricGoal, MetricValue } from '$lib/core/compare/diff';
import { readMetricGoal } from '$lib/core/compare/diff';
import { readCompareUrlState, writeCompareUrlState, type CompareUrlState } from './compare-url';
import type { ChartXAxis } from './chart-url';
import { syncQuery } from './url-sync.svelte';


export class CompareState {
	runIds = $state.raw<string[]>([]);
	experimentId = $state<string | null>(null);
	diffOnly = $state(false);
	metricValue = $state<MetricValue>('last');
	showTags = $state(false);
	goals = $state.raw<Record<string, MetricGoal>>({});
	scatterX = $state<string | null>(null);
	scatterY = $state<string | null>(null);
	scatterLogX = $state(false);
	scatterLogY = $state(false);
	/** Parallel coordinates axes (column ids); null = the default choice, which follows the runs. */
	axes = $state.raw<string[] | null>(null);
	chartX = $state<ChartXAxis>('step');
	smoothing = $state(0);
	logY = $state(false);
	/** The charts' shared x range (x-axis units), or null for everything. */
	zoom = $state.raw<[number, number] | null>(null);
	/** The run under the pointer or keyboard focus in any view; not in the URL. */
	hovered = $state<string | null>(null);

	/** Sets the view from a URL query (navigation, first load). */
	readUrl(params: URLSearchParams): void {
		const s = readCompareUrlState(params);
		this.runIds = s.runs;
		this.experimentId = s.experimentId;
		this.diffOnly = s.diffOnly;
		this.metricValue = s.metricValue;
		this.showTags = s.showTags;
		this.goals = s.goals;
		this.scatterX = s.scatterX;
		this.scatterY = s.scatterY;
		this.scatterLogX = s.scatterLogX;
		this.scatterLogY = s.scatterLogY;
		this.axes = s.axes;
		this.chartX = s.chartX;
		this.smoothing = s.smoothing;
		this.logY = s.logY;
		this.zoom = s.zoom;
	}

	readonly urlState: CompareUrlState = $derived({
		runs: this.runIds,
		experimentId: this.experimentId,
		diffOnly: this.diffOnly,
		metricValue: this.metricValue,
		showTags: this.showTags,
		goals: this.goals,
		scatterX: this.scatterX,
		scatterY: this.scatterY,
		scatterLogX: this.scatterLogX,
		scatterLogY: this.scatterLogY,
		axes: this.axes,
		chartX: this.chartX,
		smoothing: this.smoothing,
		logY: this.logY,
		zoom: this.zoom
	});

	/** Keeps the URL in step with the view (replaceState: no history entry per change). Call while a component initialises. */
	syncUrl(): void {
		syncQuery((base) => writeCompareUrlState(this.urlState, base));
	}

	/** The goal best/worst use for a metric: the one chosen on the page, else the one its key suggests. */
	readGoal(key: string): MetricGoal {
		return this.goals[key] ?? readMetricGoal(key);
	}

	/** Flips which way is better for `key`; back to the guess, it leaves the URL. */
	flipGoal(key: string): void {
		const next: MetricGoal = this.readGoal(key) === 'min' ? 'max' : 'min';
		const { [key]: _, ...rest } = this.goals;
		this.goals = next === readMetricGoal(key) ? rest : { ...rest, [key]: next };
	}
}
