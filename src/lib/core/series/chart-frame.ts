// What one chart draws for a frame: every line of it downsampled to the pixel buckets of the visible x range
// (min/max/last, so no spike is lost), its smoothed twin when smoothing is on, shifted to display x, masked for a
// log scale and aligned on one shared x array (uPlot's data layout).
import { alignSeries, type AlignedValue, type XYSeries } from './align';
import { downsampleMinMaxLast } from './downsample';

export interface ChartLineInput {
	/** Ascending raw x (step or timestamp in ms); pairs with ys. */
	xs: Float64Array;
	ys: Float64Array;
	/** The smoothed ys (same length), or null when smoothing is off. */
	smoothed: Float64Array | null;
	/** Subtracted from raw x to get display x (a run's start time for relative time, else 0). */
	xOffset: number;
}

export interface ChartFrame {
	/** Display x, ascending. */
	x: number[];
	/** Per line its raw ys, then (when smoothed) its smoothed ys; each aligned to `x`. */
	ys: AlignedValue[][];
	/** Points drawn across all lines (after downsampling). */
	drawn: number;
}

/** The display x range holding every line's points, or null when no line has any. */
export function readChartXRange(lines: readonly ChartLineInput[]): [number, number] | null {
	let lo = Infinity;
	let hi = -Infinity;
	for (const l of lines) {
		if (l.xs.length === 0) continue;
		lo = Math.min(lo, l.xs[0] - l.xOffset);
		hi = Math.max(hi, l.xs[l.xs.length - 1] - l.xOffset);
	}
	return lo <= hi ? [lo, hi] : null;
}

/** Non-positive values cannot sit on a log axis: they become gaps. */
function maskForLog(ys: Float64Array): Float64Array {
	for (let i = 0; i < ys.length; i++) if (!(ys[i] > 0)) ys[i] = NaN;
	return ys;
}

/**
 * Builds the frame for display x range `range` (null = everything) at `buckets` pixel buckets. Cost: per line two
 * binary searches and one pass over its visible points, then a merge of the (≤ ~5 × buckets) kept points.
 */
export function buildChartFrame(lines: readonly ChartLineInput[], range: readonly [number, number] | null, buckets: number, logY: boolean): ChartFrame {
	const full = range ?? readChartXRange(lines);
	const parts: XYSeries[] = [];
	let drawn = 0;
	for (const l of lines) {
		const lo = full ? full[0] + l.xOffset : 0;
		const hi = full ? full[1] + l.xOffset : 0;
		for (const ys of l.smoothed ? [l.ys, l.smoothed] : [l.ys]) {
			const d = downsampleMinMaxLast(l.xs, ys, lo, hi, buckets);
			if (l.xOffset !== 0) for (let i = 0; i < d.xs.length; i++) d.xs[i] -= l.xOffset;
			parts.push({ xs: d.xs, ys: logY ? maskForLog(d.ys) : d.ys });
			drawn += d.xs.length;
		}
	}
	const { x, ys } = alignSeries(parts);
	return { x, ys, drawn };
}
