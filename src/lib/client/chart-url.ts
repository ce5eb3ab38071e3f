// The chart view in a URL query, shared by every page with metric charts (run page, compare page): `x` (x-axis),
// `smooth` (EMA weight), `log` (log y) and `zoom` (`lo,hi` in x-axis units). Parsed like any untrusted input.

export const CHART_X_AXES = ['step', 'time', 'relative'] as const;
/** What charts put on x: the step, wall-clock time, or time since each run's first point. */
export type ChartXAxis = (typeof CHART_X_AXES)[number];

export interface ChartUrlState {
	chartX: ChartXAxis;
	/** EMA weight in [0, 1): 0 = no smoothing. */
	smoothing: number;
	logY: boolean;
	/** The x range shown, in x-axis units (ms for time); null = everything. */
	zoom: [number, number] | null;
}

export const DEFAULT_CHART_STATE: ChartUrlState = { chartX: 'step', smoothing: 0, logY: false, zoom: null };

export const CHART_URL_KEYS = ['x', 'smooth', 'log', 'zoom'] as const;

function readZoom(v: string | null): [number, number] | null {
	if (v === null) return null;
	const parts = v.split(',');
	if (parts.length !== 2 || parts.some((p) => p.trim() === '')) return null;
	const [lo, hi] = parts.map(Number);
	return Number.isFinite(lo) && Number.isFinite(hi) && hi > lo ? [lo, hi] : null;
}

/** Reads the chart view from a URL query; invalid parts fall back to their defaults. */
export function readChartUrlState(params: URLSearchParams): ChartUrlState {
	const x = params.get('x');
	const smooth = Number(params.get('smooth') ?? '0');
	return {
		chartX: (CHART_X_AXES as readonly string[]).includes(x ?? '') ? (x as ChartXAxis) : 'step',
		smoothing: smooth >= 0 && smooth < 1 ? smooth : 0,
		logY: params.get('log') === '1',
		zoom: readZoom(params.get('zoom'))
	};
}

/** Writes the chart view into `out` (replacing its chart keys); defaults are left out. */
export function writeChartUrlState(state: ChartUrlState, out: URLSearchParams): URLSearchParams {
	for (const k of CHART_URL_KEYS) out.delete(k);
	if (state.chartX !== 'step') out.set('x', state.chartX);
	if (state.smoothing > 0) out.set('smooth', String(state.smoothing));
	if (state.logY) out.set('log', '1');
	// Fifteen significant digits keep a zoom on ms timestamps exact to the millisecond.
	if (state.zoom !== null) out.set('zoom', state.zoom.map((v) => String(Number(v.toPrecision(15)))).join(','));
	return out;
}
