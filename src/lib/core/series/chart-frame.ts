// What one chart draws for a frame: every line of it downsampled to the pixel buckets of the visible x range
// (min/max/last, so no spike is lost), its smoothed twin when smoothing is on, shifted to display x, masked for a
// log scale and aligned on one shared x array (uPlot's data layout). Past SNAP_LINES lines, each kept point's x is
// snapped to a slot of its pixel bucket, so the lines share their xs (see snapToBuckets).
import { alignSeries, alignSlots, type AlignedValue, type XYSeries } from './align';
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

/** Past this many lines, kept points are snapped to bucket slots before aligning. */
export const SNAP_LINES = 10;
/** Slots per bucket: downsampleMinMaxLast keeps at most this many points a bucket. */
const SLOTS = 5;

/**
 * Moves each x of one downsampled line (ascending, display x) to a slot of its bucket: the k-th kept point of bucket
 * b sits at lo + (b + (k + 0.5) / SLOTS) × width; the points just outside the range sit half a bucket outside it.
 * Every line then draws on at most SLOTS × buckets + 2 shared xs instead of the union of their own (a hundred runs'
 * min/max points at different steps make ~10,000), and no point moves by more than one bucket (one pixel), so the
 * picture is the same while aligning and drawing cost several times less. Order is kept: slots ascend. A line with
 * more points in a bucket than it has slots is left as it is (false). With `slots` (as long as xs), each point's slot
 * number goes there: 0 before the range, 1 + b × SLOTS + k in it, readSlotCount(buckets) - 1 after it.
 */
export function snapToBuckets(xs: Float64Array, lo: number, hi: number, buckets: number, slots?: Int32Array): boolean {
	const width = (hi - lo) / buckets;
	if (!(width > 0)) return false;
	const bucketOf = (x: number) => Math.min(buckets - 1, Math.floor((x - lo) / width));
	// Points passed through unreduced may crowd one bucket past its slots: such a line keeps its own xs.
	for (let i = 0, run = 0; i < xs.length; i++) {
		run = i > 0 && xs[i] >= lo && xs[i] <= hi && xs[i - 1] >= lo && bucketOf(xs[i]) === bucketOf(xs[i - 1]) ? run + 1 : 1;
		if (run > SLOTS) return false;
	}
	let bucket = -1;
	let rank = 0;
	for (let i = 0; i < xs.length; i++) {
		const x = xs[i];
		let slot: number;
		if (x < lo) (xs[i] = lo - width / 2), (slot = 0);
		else if (x > hi) (xs[i] = hi + width / 2), (slot = SLOTS * buckets + 1);
		else {
			const b = bucketOf(x);
			rank = b === bucket ? rank + 1 : 0;
			bucket = b;
			xs[i] = lo + (b + (rank + 0.5) / SLOTS) * width;
			slot = 1 + b * SLOTS + rank;
		}
		if (slots) slots[i] = slot;
	}
	return true;
}

/** How many slots snapToBuckets numbers at `buckets` buckets (the range's, and one each side). */
export function readSlotCount(buckets: number): number {
	return SLOTS * buckets + 2;
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
	const snap = full !== null && lines.length > SNAP_LINES;
	// Per part its slot numbers, while every part so far snapped (then the parts align by slot, with no sort).
	let slots: Int32Array[] | null = snap ? [] : null;
	for (const l of lines) {
		const lo = full ? full[0] + l.xOffset : 0;
		const hi = full ? full[1] + l.xOffset : 0;
		for (const ys of l.smoothed ? [l.ys, l.smoothed] : [l.ys]) {
			const d = downsampleMinMaxLast(l.xs, ys, lo, hi, buckets);
			if (l.xOffset !== 0) for (let i = 0; i < d.xs.length; i++) d.xs[i] -= l.xOffset;
			if (snap) {
				const at = slots ? new Int32Array(d.xs.length) : undefined;
				if (snapToBuckets(d.xs, full[0], full[1], buckets, at) && slots && at) slots.push(at);
				else slots = null;
			}
			parts.push({ xs: d.xs, ys: logY ? maskForLog(d.ys) : d.ys });
			drawn += d.xs.length;
		}
	}
	const { x, ys } = slots ? alignSlots(parts, slots, readSlotCount(buckets)) : alignSeries(parts);
	return { x, ys, drawn };
}
