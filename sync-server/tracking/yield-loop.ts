// Long synchronous reads split into slices that give the event loop back in between (setImmediate), so one request
// over 10,000 runs or 1,000,000 points keeps other requests (and /healthz) answering: a slice ends once it has run
// for SLICE_MS, however much work each item takes.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest a slice runs before the loop is given back, ms. */
export const SLICE_MS = 10;

/** A clock of the current slice: `pause()` gives the loop back if the slice has run SLICE_MS, else resolves at once. */
export function createSliceClock(sliceMs: number = SLICE_MS) {
	let started = performance.now();
	return {
		/** Whether the slice has run out (check every few items, then await pause()). */
		due: () => performance.now() - started >= sliceMs,
		async pause(): Promise<void> {
			if (performance.now() - started < sliceMs) return;
			await nextTurn();
			started = performance.now();
		}
	};
}

/** `items.filter(test)`, giving the loop back between slices (the clock is read after every item: one may be slow). */
export async function filterInSlices<T>(items: readonly T[], test: (item: T) => boolean): Promise<T[]> {
	const clock = createSliceClock();
	const out: T[] = [];
	for (let i = 0; i < items.length; i++) {
		if (test(items[i])) out.push(items[i]);
		if (clock.due()) await clock.pause();
	}
	return out;
}

/**
 * The indexes 0 … n-1 sorted by `compare` (a total order), by a bottom-up merge sort that gives the loop back
 * between slices: sorting 1,000,000 points by a comparator takes about a second.
 */
export async function sortIndexesInSlices(n: number, compare: (a: number, b: number) => number): Promise<Uint32Array> {
	const clock = createSliceClock();
	let src = new Uint32Array(n);
	let dst = new Uint32Array(n);
	for (let i = 0; i < n; i++) src[i] = i;
	let step = 0;
	for (let width = 1; width < n; width *= 2) {
		for (let lo = 0; lo < n; lo += 2 * width) {
			const mid = Math.min(lo + width, n);
			const hi = Math.min(lo + 2 * width, n);
			let i = lo;
			let j = mid;
			let k = lo;
			while (k < hi) {
				dst[k++] = j >= hi || (i < mid && compare(src[i], src[j]) <= 0) ? src[i++] : src[j++];
				// The clock is read every 4,096 elements, inside a merge too: the last ones merge 1,000,000.
				if ((++step & 4095) === 0 && clock.due()) await clock.pause();
			}
		}
		[src, dst] = [dst, src];
	}
	return src;
}

/**
 * The pieces `write(from, to)` makes of [0, n), `step` at a time, giving the loop back between them (to build a
 * large answer's text without one long block); returned in order.
 */
export async function writeInSlices(n: number, step: number, write: (from: number, to: number) => string): Promise<string[]> {
	const clock = createSliceClock();
	const out: string[] = [];
	for (let from = 0; from < n; from += step) {
		out.push(write(from, Math.min(n, from + step)));
		await clock.pause();
	}
	return out;
}
