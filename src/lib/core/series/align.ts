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

/**
 * alignSeries for series whose points sit on numbered slots (`slots[k][i]` is the slot of series k's point i, ascending
 * within a series, each below `count`; a slot's x is the same in every series): the union is the slots used, in
 * order, found by marking them, with no sort. O(total points + count + union × k).
 */
export function alignSlots(series: readonly XYSeries[], slots: readonly Int32Array[], count: number): AlignedSeries {
	const xAt = new Float64Array(count);
	const index = new Int32Array(count).fill(-1);
	series.forEach((s, k) => {
		const at = slots[k];
		for (let i = 0; i < at.length; i++) (index[at[i]] = 0), (xAt[at[i]] = s.xs[i]);
	});
	const x: number[] = [];
	for (let j = 0; j < count; j++) if (index[j] === 0) (index[j] = x.length), x.push(xAt[j]);
	const ys = series.map((s, k) => {
		const y: AlignedValue[] = new Array(x.length);
		const at = slots[k];
		// A slot a series uses twice (points just outside the range) keeps its last point, as alignSeries does.
		for (let i = 0; i < at.length; i++) y[index[at[i]]] = s.ys[i] === s.ys[i] ? s.ys[i] : null;
		return y;
	});
	return { x, ys };
}
