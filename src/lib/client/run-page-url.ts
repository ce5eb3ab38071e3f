// The run page's chart view in the URL query, so a copied link reproduces it: x-axis (`x`), smoothing (`smooth`),
// log y (`log=1`) and the zoomed x range (`zoom=a,b`). Parsed like any untrusted input.
import { CHART_X_AXES, type ChartXAxis } from './compare-url';

export interface RunPageUrlState {
	xAxis: ChartXAxis;
	/** EMA weight in [0, 1): 0 = no smoothing. */
	smoothing: number;
	logY: boolean;
	/** Shared x range in x-axis units (a < b, both finite), or null for the full range. */
	zoom: [number, number] | null;
}

export const DEFAULT_RUN_PAGE_STATE: RunPageUrlState = { xAxis: 'step', smoothing: 0, logY: false, zoom: null };

const URL_KEYS = ['x', 'smooth', 'log', 'zoom'] as const;

function readZoom(v: string | null): [number, number] | null {
	if (v === null) return null;
	const parts = v.split(',');
	if (parts.length !== 2 || parts.some((p) => p.trim() === '')) return null;
	const [a, b] = parts.map(Number);
	return Number.isFinite(a) && Number.isFinite(b) && a < b ? [a, b] : null;
}

/** Reads the view from a URL query; invalid parts fall back to their defaults. */
export function readRunPageUrlState(params: URLSearchParams): RunPageUrlState {
	const x = params.get('x') ?? '';
	const smooth = Number(params.get('smooth') ?? '0');
	return {
		xAxis: (CHART_X_AXES as readonly string[]).includes(x) ? (x as ChartXAxis) : 'step',
		smoothing: smooth >= 0 && smooth < 1 ? smooth : 0,
		logY: params.get('log') === '1',
		zoom: readZoom(params.get('zoom'))
	};
}

/** Writes the view into a copy of `base` (other parameters are kept); defaults are left out. */
export function writeRunPageUrlState(state: RunPageUrlState, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
	const out = new URLSearchParams(base);
	for (const k of URL_KEYS) out.delete(k);
	if (state.xAxis !== 'step') out.set('x', state.xAxis);
	if (state.smoothing > 0 && state.smoothing < 1) out.set('smooth', String(state.smoothing));
	if (state.logY) out.set('log', '1');
	if (state.zoom !== null) out.set('zoom', state.zoom.join(','));
	return out;
}
