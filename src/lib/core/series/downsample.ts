// Min/max/last downsampling of one series for a chart of `buckets` pixels: every bucket keeps the points that
// carry its minimum, maximum and last value, so spikes survive any zoom level.

/** Visible point counts up to this many per bucket are returned as they are (no reduction is worth it). */
export const PASS_THROUGH_PER_BUCKET = 4;

export interface DownsampledSeries {
	xs: Float64Array;
	ys: Float64Array;
}

/** The first index i with xs[i] >= x (xs[i] > x when `after`), by binary search; xs.length if none. */
function searchSorted(xs: Float64Array, x: number, after: boolean): number {
	let lo = 0;
	let hi = xs.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (xs[mid] < x || (after && xs[mid] === x)) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * Reduces the points of (xs, ys) with x in [xMin, xMax] to at most ~5 per bucket of equal x width, plus one point
 * just outside each edge (when the data has one) so the line runs to the frame.
 *
 * Invariants: `xs` is sorted ascending and finite; `ys[i]` pairs with `xs[i]`. Output x is sorted ascending.
 * Per bucket the output holds, in x order and without repeats, the points with the bucket's minimum and maximum
 * finite y (the first of equals), its last finite point, and its first and last non-finite point.
 * Gaps: a non-finite y (NaN, ±Infinity) is a gap and is emitted as NaN, which the chart turns into a break
 * (uPlot gap). Infinities are never min or max: they cannot be drawn and would flatten the scale.
 * When the visible range (with its edge points) holds at most PASS_THROUGH_PER_BUCKET × buckets points, they are
 * copied through unreduced (non-finite ys still become NaN).
 *
 * Cost: two binary searches plus one pass over the visible points; O(buckets) extra memory.
 */
export function downsampleMinMaxLast(
	xs: Float64Array,
	ys: Float64Array,
	xMin: number,
	xMax: number,
	buckets: number
): DownsampledSeries {
	const n = Math.min(xs.length, ys.length);
	const nb = Math.max(1, Math.floor(buckets) || 1);
	const lo = Math.min(searchSorted(xs, xMin, false), n);
	const hi = Math.min(searchSorted(xs, xMax, true), n);
	const start = lo > 0 ? lo - 1 : 0;
	const end = hi < n ? hi + 1 : n;
	const size = Math.max(0, end - start);
	if (size <= PASS_THROUGH_PER_BUCKET * nb) {
		const outY = ys.slice(start, start + size);
		for (let i = 0; i < outY.length; i++) if (!Number.isFinite(outY[i])) outY[i] = NaN;
		return { xs: xs.slice(start, start + size), ys: outY };
	}

	const cap = Math.min(size, 5 * nb + 2);
	const outX = new Float64Array(cap);
	const outY = new Float64Array(cap);
	let m = 0;
	const push = (i: number) => {
		outX[m] = xs[i];
		const y = ys[i];
		outY[m++] = Number.isFinite(y) ? y : NaN;
	};
	if (start < lo) push(start);

	const scale = xMax > xMin ? nb / (xMax - xMin) : 0; // buckets per x unit
	const picks = [0, 0, 0, 0, 0];
	let bucket = -1;
	let iMin = -1;
	let iMax = -1;
	let iLast = -1;
	let iGap0 = -1;
	let iGap1 = -1;
	let vMin = Infinity;
	let vMax = -Infinity;
	const flush = () => {
		let k = 0;
		for (const i of [iMin, iMax, iLast, iGap0, iGap1]) {
			if (i < 0) continue;
			// insertion into the sorted, repeat-free picks
			let j = k;
			while (j > 0 && picks[j - 1] > i) j--;
			if (j > 0 && picks[j - 1] === i) continue;
			for (let t = k; t > j; t--) picks[t] = picks[t - 1];
			picks[j] = i;
			k++;
		}
		for (let t = 0; t < k; t++) push(picks[t]);
	};
	for (let i = lo; i < hi; i++) {
		let b = Math.floor((xs[i] - xMin) * scale);
		if (b >= nb) b = nb - 1;
		if (b !== bucket) {
			if (bucket >= 0) flush();
			bucket = b;
			iMin = iMax = iLast = iGap0 = iGap1 = -1;
			vMin = Infinity;
			vMax = -Infinity;
		}
		const y = ys[i];
		if (y - y === 0) {
			// finite
			if (y < vMin) {
				vMin = y;
				iMin = i;
			}
			if (y > vMax) {
				vMax = y;
				iMax = i;
			}
			iLast = i;
		} else {
			if (iGap0 < 0) iGap0 = i;
			iGap1 = i;
		}
	}
	if (bucket >= 0) flush();
	if (end > hi) push(hi);
	return { xs: outX.slice(0, m), ys: outY.slice(0, m) };
}
