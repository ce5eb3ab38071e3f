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

/** Merges `series` onto the union of their xs (each x once). O(total points × log k) with k series. */
export function alignSeries(series: readonly XYSeries[]): AlignedSeries {
	if (series.length === 1) {
		const { xs, ys } = series[0];
		const x = Array.from(xs);
		const y: AlignedValue[] = new Array(x.length);
		for (let i = 0; i < x.length; i++) y[i] = ys[i] === ys[i] ? ys[i] : null;
		return { x, ys: [y] };
	}
	const k = series.length;
	const pos = new Int32Array(k);
	const x: number[] = [];
	// Per series: the output index each of its points landed on.
	const at = series.map((s) => new Int32Array(s.xs.length));
	for (;;) {
		let next = Infinity;
		for (let s = 0; s < k; s++) if (pos[s] < series[s].xs.length && series[s].xs[pos[s]] < next) next = series[s].xs[pos[s]];
		if (next === Infinity) break;
		const out = x.length;
		x.push(next);
		for (let s = 0; s < k; s++) {
			const xs = series[s].xs;
			// Repeated xs within one series collapse onto one slot; its last point there wins.
			while (pos[s] < xs.length && xs[pos[s]] === next) at[s][pos[s]++] = out;
		}
	}
	const ys = series.map((s, si) => {
		const y: AlignedValue[] = new Array(x.length);
		const idx = at[si];
		for (let i = 0; i < idx.length; i++) y[idx[i]] = s.ys[i] === s.ys[i] ? s.ys[i] : null;
		return y;
	});
	return { x, ys };
}
