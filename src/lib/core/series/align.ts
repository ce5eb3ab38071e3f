// Puts several downsampled series on one shared x array, the data layout uPlot draws: a k-way merge of their
// sorted xs. A series with no point at some x gets `undefined` there (the line runs on across it); a NaN y (a gap
// in the data) becomes `null` (the line breaks).

export interface XYSeries {
	/** Ascending. */
	xs: ArrayLike<number>;
	ys: ArrayLike<number>;
}

export type AlignedValue = number | null | undefined;

export interface AlignedSeries {
	x: number[];
	ys: AlignedValue[][];
}

/**
 * Merges `series` onto the union of their xs (each x once): all xs sorted together, then each series walked along the
 * union. O(total points × log total + union × k) with k series, in plain typed-array passes (a hundred lines whose
 * points sit at different steps, as overviews' min/max points do, make a union of ~10,000 xs).
 */
export function alignSeries(series: readonly XYSeries[]): AlignedSeries {
	if (series.length === 1) {
		const { xs, ys } = series[0];
		const x = Array.from(xs);
		const y: AlignedValue[] = new Array(x.length);
		for (let i = 0; i < x.length; i++) y[i] = ys[i] === ys[i] ? ys[i] : null;
		return { x, ys: [y] };
	}
	let total = 0;
	for (const s of series) total += s.xs.length;
	const all = new Float64Array(total);
	let at = 0;
	for (const s of series) for (let i = 0; i < s.xs.length; i++) all[at++] = s.xs[i];
	all.sort();
	const x: number[] = [];
	for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[i - 1]) x.push(all[i]);
	const ys = series.map((s) => {
		const y: AlignedValue[] = new Array(x.length);
		let j = 0;
		// Repeated xs within one series collapse onto one slot; its last point there wins.
		for (let i = 0; i < s.xs.length; i++) {
			const v = s.xs[i];
			while (x[j] < v) j++;
			y[j] = s.ys[i] === s.ys[i] ? s.ys[i] : null;
		}
		return y;
	});
	return { x, ys };
}
