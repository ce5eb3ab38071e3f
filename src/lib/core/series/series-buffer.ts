// A metric series held in memory for charting: growable typed columns that points are appended to as chunks
// arrive, and per x-axis views (by step or by timestamp) sorted for the downsampler without copying when the
// points already arrive in order.
import type { SeriesColumns } from '../chunk';

/** What a chart puts on x: the step, or the point's timestamp (wall-clock and relative time both use it). */
export type SeriesXKey = 'step' | 'timestamp';

export interface SeriesXY {
	/** Ascending; pairs with `ys`. May alias the buffer's storage: read it, never write it. */
	xs: Float64Array;
	ys: Float64Array;
}

const MIN_CAPACITY = 1024;

function grow(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
	if (need <= a.length) return a;
	const out = new Float64Array(Math.max(need, a.length * 2, MIN_CAPACITY));
	out.set(a);
	return out;
}

/** Sorts by x, keeping append order among equal xs (so the later of two points at one step stays "last"). */
function sortByX(xs: Float64Array, ys: Float64Array): SeriesXY {
	const idx = new Uint32Array(xs.length);
	for (let i = 0; i < idx.length; i++) idx[i] = i;
	idx.sort((a, b) => xs[a] - xs[b] || a - b);
	const sx = new Float64Array(idx.length);
	const sy = new Float64Array(idx.length);
	for (let i = 0; i < idx.length; i++) {
		sx[i] = xs[idx[i]];
		sy[i] = ys[idx[i]];
	}
	return { xs: sx, ys: sy };
}

export class SeriesBuffer {
	#steps = new Float64Array(0);
	#timestamps = new Float64Array(0);
	#values = new Float64Array(0);
	#length = 0;
	/** Per x key: some point arrived with a smaller x than the one before it, so views need a sorted copy. */
	#unordered: Record<SeriesXKey, boolean> = { step: false, timestamp: false };
	#sorted: Partial<Record<SeriesXKey, { length: number; view: SeriesXY }>> = {};

	get length(): number {
		return this.#length;
	}

	/** Appends points in arrival order (as observeSeriesChunks delivers them). */
	append(cols: SeriesColumns): void {
		const n = cols.values.length;
		if (n === 0) return;
		const at = this.#length;
		this.#steps = grow(this.#steps, at + n);
		this.#timestamps = grow(this.#timestamps, at + n);
		this.#values = grow(this.#values, at + n);
		this.#steps.set(cols.steps.subarray(0, n), at);
		this.#timestamps.set(cols.timestamps.subarray(0, n), at);
		this.#values.set(cols.values.subarray(0, n), at);
		this.#unordered.step ||= !isAscending(this.#steps, at, n);
		this.#unordered.timestamp ||= !isAscending(this.#timestamps, at, n);
		this.#length = at + n;
	}

	/** The points in arrival order (views into the buffer). */
	columns(): SeriesColumns {
		const n = this.#length;
		return { steps: this.#steps.subarray(0, n), timestamps: this.#timestamps.subarray(0, n), values: this.#values.subarray(0, n) };
	}

	/** Points sorted by `x`: views into the buffer when they arrived in order, else a sorted copy (cached). */
	readXY(x: SeriesXKey): SeriesXY {
		const n = this.#length;
		const xs = (x === 'step' ? this.#steps : this.#timestamps).subarray(0, n);
		const ys = this.#values.subarray(0, n);
		if (!this.#unordered[x]) return { xs, ys };
		const cached = this.#sorted[x];
		if (cached && cached.length === n) return cached.view;
		const view = sortByX(xs, ys);
		this.#sorted[x] = { length: n, view };
		return view;
	}

	/**
	 * The timestamp (ms since the epoch) of the first point logged at the step nearest `step` (the step itself when
	 * present; an overview may hold only some steps), or NaN when empty. O(points).
	 */
	readTimestampAt(step: number): number {
		const steps = this.#steps;
		let best = NaN;
		let distance = Infinity;
		for (let i = 0; i < this.#length && distance > 0; i++) {
			const d = Math.abs(steps[i] - step);
			if (d < distance) [best, distance] = [this.#timestamps[i], d];
		}
		return best;
	}

	/** The first point's timestamp by time (ms since the epoch), or NaN when empty. */
	readStartTime(): number {
		if (this.#length === 0) return NaN;
		const { xs } = this.readXY('timestamp');
		return xs[0];
	}
}

/** Whether a[from-1 .. from+n) is non-decreasing (the point before `from` links the new run to the old). */
function isAscending(a: Float64Array, from: number, n: number): boolean {
	for (let i = Math.max(1, from); i < from + n; i++) if (a[i] < a[i - 1]) return false;
	return true;
}
