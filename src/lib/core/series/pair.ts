// One metric plotted against another (a chart whose x is a metric, e.g. loss against epoch or tokens): the points of
// both series at the same step paired into (x value, y value), ordered by x for the downsampler. Pure.
import type { SeriesXY } from './series-buffer';

/**
 * Pairs `xs` (metric X by step) with `ys` (metric Y by step), both ascending by step (SeriesBuffer.readXY('step')):
 * for every step both have, x = X's value and y = Y's value there (at a repeated step the later point wins). Points
 * whose x is not finite have no place and are dropped. Output ascending by x (ties in step order). O(n log n).
 */
export function pairByStep(x: SeriesXY, y: SeriesXY): SeriesXY {
	const px: number[] = [];
	const py: number[] = [];
	let i = 0;
	let j = 0;
	while (i < x.xs.length && j < y.xs.length) {
		const si = x.xs[i];
		const sj = y.xs[j];
		if (si < sj) i++;
		else if (sj < si) j++;
		else {
			while (i + 1 < x.xs.length && x.xs[i + 1] === si) i++;
			while (j + 1 < y.xs.length && y.xs[j + 1] === sj) j++;
			if (Number.isFinite(x.ys[i])) {
				px.push(x.ys[i]);
				py.push(y.ys[j]);
			}
			i++;
			j++;
		}
	}
	const order = new Uint32Array(px.length);
	let sorted = true;
	for (let k = 0; k < order.length; k++) {
		order[k] = k;
		if (k > 0 && px[k] < px[k - 1]) sorted = false;
	}
	if (!sorted) order.sort((a, b) => px[a] - px[b] || a - b);
	const outX = new Float64Array(order.length);
	const outY = new Float64Array(order.length);
	for (let k = 0; k < order.length; k++) {
		outX[k] = px[order[k]];
		outY[k] = py[order[k]];
	}
	return { xs: outX, ys: outY };
}
