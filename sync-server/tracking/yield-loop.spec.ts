import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/lib/core/seeded-random';
import { createSliceClock, filterInSlices, sortIndexesInSlices, writeInSlices } from './yield-loop';

/** Busy-waits `ms` (an item that is slow to test). */
const spin = (ms: number) => {
	const end = performance.now() + ms;
	while (performance.now() < end);
};

describe('yield-loop', () => {
	it('filters as Array.filter does, in order', async () => {
		const items = Array.from({ length: 1000 }, (_, i) => i);
		expect(await filterInSlices(items, (i) => i % 7 === 0)).toEqual(items.filter((i) => i % 7 === 0));
	});

	it('gives the loop back between slices: a timer set before a long filter fires before it ends', async () => {
		let fired = false;
		let firedAt = -1;
		setImmediate(() => (fired = true));
		const items = Array.from({ length: 40 }, (_, i) => i);
		await filterInSlices(items, (i) => {
			if (fired && firedAt === -1) firedAt = i;
			spin(2);
			return true;
		});
		expect(firedAt).toBeGreaterThan(0);
		expect(firedAt).toBeLessThan(20);
	});

	it('writes pieces in order and a clock that is not due does not wait', async () => {
		expect(await writeInSlices(10, 4, (a, b) => `${a}-${b}`)).toEqual(['0-4', '4-8', '8-10']);
		const clock = createSliceClock(1_000);
		expect(clock.due()).toBe(false);
		await clock.pause();
	});

	it('sorts indexes as Array.sort does with the same total order, for every length up to 70 and a large one', async () => {
		const rand = createRandom(11);
		for (const n of [...Array.from({ length: 70 }, (_, i) => i), 100_003]) {
			const keys = Array.from({ length: n }, () => Math.floor(rand() * 50));
			const compare = (a: number, b: number) => keys[a] - keys[b] || a - b;
			const expected = Array.from({ length: n }, (_, i) => i).sort(compare);
			expect(Array.from(await sortIndexesInSlices(n, compare))).toEqual(expected);
		}
	});
});
