import { describe, expect, it } from 'vitest';
import { PASS_THROUGH_PER_BUCKET, downsampleMinMaxLast } from './downsample';
import { createRandom } from '../seeded-random';


function hasPoint(out: { xs: Float64Array; ys: Float64Array }, x: number, y: number): boolean {
	for (let i = 0; i < out.xs.length; i++) if (out.xs[i] === x && Object.is(out.ys[i], y)) return true;
	return false;
}

function isSorted(xs: Float64Array): boolean {
	for (let i = 1; i < xs.length; i++) if (!(xs[i - 1] <= xs[i])) return false;
	return true;
}

describe('downsampleMinMaxLast', () => {
	it('passes small inputs through unchanged', () => {
		const xs = new Float64Array([0, 1, 2, 3, 4]);
		const ys = new Float64Array([5, -1, NaN, 7, 2]);
		const out = downsampleMinMaxLast(xs, ys, 0, 4, 100);
		expect(Array.from(out.xs)).toEqual([0, 1, 2, 3, 4]);
		expect(Array.from(out.ys)).toEqual([5, -1, NaN, 7, 2]);
		expect(out.xs).not.toBe(xs);
	});

	it('keeps a single-point spike and the line through the frame edges', () => {
		const n = 100_000;
		const xs = new Float64Array(n);
		const ys = new Float64Array(n);
		for (let i = 0; i < n; i++) {
			xs[i] = i;
			ys[i] = Math.sin(i / 1000);
		}
		ys[54_321] = 1e6;
		ys[12_345] = -1e6;
		const out = downsampleMinMaxLast(xs, ys, 10_000, 90_000, 200);
		expect(out.xs.length).toBeLessThanOrEqual(5 * 200 + 2);
		expect(out.xs.length).toBeGreaterThan(200);
		expect(hasPoint(out, 54_321, 1e6)).toBe(true);
		expect(hasPoint(out, 12_345, -1e6)).toBe(true);
		expect(out.xs[0]).toBe(9_999);
		expect(out.xs[out.xs.length - 1]).toBe(90_001);
		expect(isSorted(out.xs)).toBe(true);
		expect(Array.from(out.xs).filter((x) => x < 10_000 || x > 90_000)).toEqual([9_999, 90_001]);
	});

	it('handles a zoom past either end of the data, and a range with no points', () => {
		const xs = Float64Array.from({ length: 1_000 }, (_, i) => i * 10);
		const ys = Float64Array.from({ length: 1_000 }, (_, i) => i % 7);
		const left = downsampleMinMaxLast(xs, ys, -500, 2_000, 10);
		expect(left.xs[0]).toBe(0);
		expect(left.xs[left.xs.length - 1]).toBe(2_010);
		const right = downsampleMinMaxLast(xs, ys, 9_000, 20_000, 10);
		expect(right.xs[0]).toBe(8_990);
		expect(right.xs[right.xs.length - 1]).toBe(9_990);
		const between = downsampleMinMaxLast(xs, ys, 101, 109, 10);
		expect(Array.from(between.xs)).toEqual([100, 110]);
		const before = downsampleMinMaxLast(xs, ys, -50, -10, 10);
		expect(Array.from(before.xs)).toEqual([0]);
	});

	it('keeps NaN gaps as NaN points and turns infinities into gaps', () => {
		const n = 10_000;
		const xs = Float64Array.from({ length: n }, (_, i) => i);
		const ys = Float64Array.from({ length: n }, (_, i) => (i >= 4_000 && i < 4_003 ? NaN : i === 7_000 ? Infinity : i % 10));
		const out = downsampleMinMaxLast(xs, ys, 0, n - 1, 100);
		const gaps = Array.from(out.xs).filter((_, i) => Number.isNaN(out.ys[i]));
		expect(gaps).toEqual([4_000, 4_002, 7_000]);
		expect(Array.from(out.ys).some((y) => y === Infinity)).toBe(false);
		expect(Math.max(...Array.from(out.ys).filter(Number.isFinite))).toBe(9);
	});

	it('keeps every bucket’s min, max and last point, in x order (seeded property test)', () => {
		const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
		const rand = createRandom(seed);
		for (let round = 0; round < 40; round++) {
			const n = 1 + Math.floor(rand() * 20_000);
			const xs = new Float64Array(n);
			const ys = new Float64Array(n);
			let x = rand() * 100 - 50;
			for (let i = 0; i < n; i++) {
				x += rand() < 0.1 ? 0 : rand() * 3; // repeated x values happen (several points per step)
				xs[i] = x;
				const r = rand();
				ys[i] = r < 0.02 ? NaN : r < 0.03 ? (rand() - 0.5) * 1e9 : Math.round(rand() * 50);
			}
			const buckets = 1 + Math.floor(rand() * 400);
			const a = xs[0] + (rand() - 0.2) * (xs[n - 1] - xs[0]);
			const b = a + rand() * (xs[n - 1] - xs[0]);
			const out = downsampleMinMaxLast(xs, ys, a, b, buckets);
			const ctx = `seed ${seed}, round ${round}, n ${n}, buckets ${buckets}, range [${a}, ${b}]`;
			expect(isSorted(out.xs), ctx).toBe(true);
			expect(out.xs.length, ctx).toBeLessThanOrEqual(Math.max(5 * buckets + 2, PASS_THROUGH_PER_BUCKET * buckets));

			const scale = b > a ? buckets / (b - a) : 0; // the same bucketing formula as the implementation
			const ref = new Map<number, { min: number; max: number; last: number }>();
			for (let i = 0; i < n; i++) {
				if (xs[i] < a || xs[i] > b || !Number.isFinite(ys[i])) continue;
				const k = Math.min(buckets - 1, Math.floor((xs[i] - a) * scale));
				const e = ref.get(k);
				if (!e) ref.set(k, { min: i, max: i, last: i });
				else {
					if (ys[i] < ys[e.min]) e.min = i;
					if (ys[i] > ys[e.max]) e.max = i;
					e.last = i;
				}
			}
			const emitted = new Set(Array.from(out.xs, (v, i) => `${v}|${out.ys[i]}`));
			const inputs = new Set(Array.from(xs, (v, i) => `${v}|${Number.isFinite(ys[i]) ? ys[i] : NaN}`));
			const lost: string[] = [];
			for (const [k, e] of ref) {
				for (const i of [e.min, e.max, e.last]) if (!emitted.has(`${xs[i]}|${ys[i]}`)) lost.push(`bucket ${k} index ${i}`);
			}
			expect(lost, ctx).toEqual([]);
			const lo = xs.findIndex((v) => v >= a);
			if (lo > 0) expect(emitted.has(`${xs[lo - 1]}|${Number.isFinite(ys[lo - 1]) ? ys[lo - 1] : NaN}`), `${ctx}, left edge`).toBe(true);
			expect([...emitted].filter((p) => !inputs.has(p)), `${ctx}: output points that are not input points`).toEqual([]);
		}
	});
});
