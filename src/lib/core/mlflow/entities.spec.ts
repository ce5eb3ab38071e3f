// The one-pass metric list writer must produce exactly the JSON of the metric objects it replaces.
import { describe, expect, it } from 'vitest';
import * as prng from 'lib0/prng';
import type { SeriesColumns } from '../chunk';
import { toMetricJson, writeMetricListJson } from './entities';

const specials = [NaN, Infinity, -Infinity, -0, 0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 0.1 + 0.2];

function pick(gen: prng.PRNG): number {
	return prng.bool(gen) ? specials[prng.int32(gen, 0, specials.length - 1)] : prng.real53(gen) * 2 ** prng.int32(gen, -60, 60);
}

describe('writeMetricListJson', () => {
	it('writes the JSON of toMetricJson for each listed point, special doubles and odd keys included (seeded)', () => {
		const seed = Date.now() % 100_000;
		const gen = prng.create(seed);
		for (const key of ['loss', 'a "quoted"\\key', 'ünï/cødé\n']) {
			const n = 50;
			const cols: SeriesColumns = {
				steps: Float64Array.from({ length: n }, () => prng.int32(gen, -1000, 1000)),
				timestamps: Float64Array.from({ length: n }, () => prng.int32(gen, 0, 2 ** 31 - 1) * 1000),
				values: Float64Array.from({ length: n }, () => pick(gen))
			};
			const order = Array.from({ length: n }, (_, i) => (i * 7) % n);
			const want = order.slice(5, 40).map((i) => toMetricJson(key, cols.values[i], cols.timestamps[i], cols.steps[i]));
			expect({ seed, text: writeMetricListJson(key, cols, order, 5, 40) }).toEqual({ seed, text: JSON.stringify(want) });
		}
	});

	it('writes an empty list for an empty range', () => {
		const cols: SeriesColumns = { steps: new Float64Array(1), timestamps: new Float64Array(1), values: new Float64Array(1) };
		expect(writeMetricListJson('m', cols, [0], 1, 1)).toBe('[]');
	});
});
