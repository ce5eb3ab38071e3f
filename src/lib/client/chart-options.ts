// How a metric chart is set up in uPlot: series styles (a faded raw line under its smoothed twin), axes and their
// ticks per x-axis kind, drag-to-zoom and double-click reset, and reading exact values under the cursor.
import type uPlot from 'uplot';
import type { ChartXAxis } from './chart-url';
import { formatDurationShort, formatMetric } from './format';

export interface ChartOptionsInput {
	width: number;
	height: number;
	xAxis: ChartXAxis;
	/** x is another metric's value (plain numbers: no time scale, no whole-number steps). */
	xIsMetric?: boolean;
	logY: boolean;
	smoothed: boolean;
	lines: readonly { label: string; color: string }[];
	/** A drag selected the display x range [lo, hi]. */
	onSelect(lo: number, hi: number): void;
	/** A double-click asked for the full range. */
	onReset(): void;
	onCursor(u: uPlot): void;
}

/** Past this many lines a chart draws them as hairlines. */
const DENSE_LINES = 10;

/** CSS px per device pixel, as uPlot scales stroke widths by it. */
function uPlotPxRatio(): number {
	return typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
}

/** Tick spacings for steps: whole numbers only. */
const STEP_INCRS = Array.from({ length: 45 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));
/** Tick spacings for durations in ms: round seconds, minutes and hours. */
const TIME_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5];

function cssVar(name: string): string {
	return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The y axis is as wide as its longest tick label (11px font: ~6.5 px per character) plus the tick marks. */
function readYAxisSize(_u: uPlot, values: string[] | null): number {
	const longest = (values ?? []).reduce((n, v) => Math.max(n, v.length), 0);
	return Math.max(36, Math.ceil(longest * 6.5) + 16);
}

/** uPlot options for a chart; series order matches buildChartFrame (per line: raw, then smoothed when on). */
export function createChartOptions(o: ChartOptionsInput): uPlot.Options {
	const axis = { stroke: cssVar('--text-muted'), grid: { stroke: cssVar('--border'), width: 1 }, ticks: { stroke: cssVar('--border'), width: 1 }, font: '11px system-ui, sans-serif' };
	const series: uPlot.Series[] = [{}];
	// Many overlaid lines are drawn one device pixel wide: a hairline rasterises several times faster than a wider
	// stroke (and 100 lines of a thousand segments each are what a workspace panel draws).
	const width = o.lines.length > DENSE_LINES ? 1 / uPlotPxRatio() : o.smoothed ? 1.6 : 1.25;
	for (const l of o.lines) {
		if (o.smoothed) series.push({ label: l.label, stroke: l.color, width: 1 / uPlotPxRatio(), alpha: 0.28, points: { show: false } });
		series.push({ label: l.label, stroke: l.color, width, points: { show: false } });
	}
	return {
		width: o.width,
		height: o.height,
		ms: 1,
		legend: { show: false },
		cursor: {
			drag: { x: true, y: false, setScale: false },
			points: { size: 6 },
			bind: { dblclick: () => () => (o.onReset(), null) }
		},
		scales: { x: { time: !o.xIsMetric && o.xAxis === 'time' }, y: o.logY ? { distr: 3 } : {} },
		axes: [
			o.xIsMetric
				? { ...axis, values: (_u, splits) => splits.map((v) => (v == null ? '' : formatMetric(v))) }
				: {
						...axis,
						values: o.xAxis === 'relative' ? (_u, splits) => splits.map(formatDurationShort) : undefined,
						incrs: o.xAxis === 'relative' ? TIME_INCRS : o.xAxis === 'step' ? STEP_INCRS : undefined
					},
			{ ...axis, size: readYAxisSize, values: (_u, splits) => splits.map((v) => (v == null ? '' : formatMetric(v))) }
		],
		series,
		hooks: {
			setSelect: [
				(u) => {
					const { left, width } = u.select;
					if (width < 2) return;
					const lo = u.posToVal(left, 'x');
					const hi = u.posToVal(left + width, 'x');
					u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
					o.onSelect(lo, hi);
				}
			],
			setCursor: [o.onCursor]
		}
	};
}

/** An x value as the hover legend reads it. */
export function formatChartX(v: number, xAxis: ChartXAxis): string {
	if (xAxis === 'time') return new Date(v).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
	if (xAxis === 'relative') return formatDurationShort(v);
	return String(v);
}

/**
 * The value of aligned series `si` nearest to index `idx` (runs logged at other steps have no point at exactly
 * this x); null when `idx` lies outside the series' points or the nearest point is a gap.
 */
export function readValueNear(data: uPlot.AlignedData, si: number, idx: number): number | null {
	const ys = data[si] as (number | null | undefined)[];
	const x = data[0];
	let l = idx;
	while (l >= 0 && ys[l] === undefined) l--;
	let r = idx;
	while (r < ys.length && ys[r] === undefined) r++;
	if (l < 0 || r >= ys.length) return null;
	return (x[idx] - x[l] <= x[r] - x[idx] ? ys[l] : ys[r]) ?? null;
}
