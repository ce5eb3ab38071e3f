import { describe, expect, it } from 'vitest';
import { SeriesBuffer } from './series-buffer';

const cols = (steps: number[], timestamps: number[], values: number[]) => ({
	steps: Float64Array.from(steps),
	timestamps: Float64Array.from(timestamps),
	values: Float64Array.from(values)
});

describe('SeriesBuffer', () => {
	it('appends chunks in order and grows past its first capacity', () => {
		const b = new SeriesBuffer();
		const n = 3000;
		for (let c = 0; c < 3; c++) {
			const steps = Array.from({ length: n }, (_, i) => c * n + i);
			b.append(cols(steps, steps.map((s) => 1000 + s), steps.map((s) => s * 0.5)));
		}
		expect(b.length).toBe(3 * n);
		const { xs, ys } = b.readXY('step');
		expect(xs.length).toBe(3 * n);
		expect(xs[8999]).toBe(8999);
		expect(ys[8999]).toBe(4499.5);
		expect(b.columns().timestamps[4500]).toBe(5500);
		expect(b.readStartTime()).toBe(1000);
	});

	it('finds the timestamp of the first point logged at the nearest step (a pinned comment on a time axis)', () => {
		const b = new SeriesBuffer();
		expect(b.readTimestampAt(1)).toBeNaN();
		b.append(cols([0, 1, 2], [10, 11, 12], [1, 2, 3]));
		b.append(cols([1, 5], [13, 14], [4, 5]));
		expect(b.readTimestampAt(1)).toBe(11);
		expect(b.readTimestampAt(5)).toBe(14);
		expect(b.readTimestampAt(4)).toBe(14);
		expect(b.readTimestampAt(-3)).toBe(10);
	});

	it('returns views without copying while points arrive in order', () => {
		const b = new SeriesBuffer();
		b.append(cols([0, 1, 2], [10, 20, 30], [1, 2, 3]));
		expect(b.readXY('step').xs.buffer).toBe(b.columns().steps.buffer);
	});

	it('sorts by x, stable among equal xs, when a point arrives out of order', () => {
		const b = new SeriesBuffer();
		b.append(cols([0, 1, 2], [10, 11, 12], [100, 101, 102]));
		b.append(cols([1, 3], [13, 14], [201, 203])); // step 1 logged again later
		const { xs, ys } = b.readXY('step');
		expect(Array.from(xs)).toEqual([0, 1, 1, 2, 3]);
		expect(Array.from(ys)).toEqual([100, 101, 201, 102, 203]);
		// timestamps stayed ascending: that view is still the buffer itself, in arrival order
		expect(Array.from(b.readXY('timestamp').ys)).toEqual([100, 101, 102, 201, 203]);
	});

	it('notices disorder across a chunk boundary and refreshes the sorted copy as points arrive', () => {
		const b = new SeriesBuffer();
		b.append(cols([5], [1], [5]));
		b.append(cols([4], [2], [4]));
		expect(Array.from(b.readXY('step').xs)).toEqual([4, 5]);
		b.append(cols([6], [3], [6]));
		expect(Array.from(b.readXY('step').ys)).toEqual([4, 5, 6]);
	});

	it('keeps NaN and infinite values exactly', () => {
		const b = new SeriesBuffer();
		b.append(cols([0, 1, 2], [0, 0, 0], [NaN, Infinity, -0]));
		const ys = b.readXY('step').ys;
		expect(Number.isNaN(ys[0])).toBe(true);
		expect(ys[1]).toBe(Infinity);
		expect(Object.is(ys[2], -0)).toBe(true);
		expect(new SeriesBuffer().readStartTime()).toBeNaN();
	});
});
