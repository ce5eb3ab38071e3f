// The text keys must order printable ASCII exactly as the numeric, base-sensitivity collator does: checked on crafted
// pairs (case, punctuation, digit runs, leading zeros, spaces) and on thousands of random strings.
import { describe, expect, it } from 'vitest';
import { createTextKeys } from './text-order';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const keyOf = createTextKeys(collator);
const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);
const byKey = (a: string, b: string) => {
	const ka = keyOf(a)!;
	const kb = keyOf(b)!;
	return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('createTextKeys', () => {
	it('orders crafted pairs as the collator does', () => {
		const words = ['run-9', 'run-10', 'run-010', 'Run-9', 'run_9', 'run 9', 'run9', 'run-9a', 'run-9-b', 'a', 'A', 'b', 'ab', 'a-b', 'a_b', 'a.b', 'a/b', 'a~b', '0', '00', '007', '7', 'x1y2', 'x01y2', 'x1y10', '~', '!', ' ', 'Z', 'z', 'resnet50-lr0.001', 'resnet50-lr0.01', 'v1.10.2', 'v1.9.12'];
		for (const a of words) for (const b of words) expect([a, b, byKey(a, b)]).toEqual([a, b, sign(collator.compare(a, b))]);
	});

	it('orders random printable ASCII strings as the collator does', () => {
		const next = random(42);
		const alphabet = 'aAbBzZ09123 -_./:~!#()[]{}@+=';
		const make = () => Array.from({ length: 1 + Math.floor(next() * 10) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
		const texts = Array.from({ length: 400 }, make);
		for (let i = 0; i < 20_000; i++) {
			const a = texts[Math.floor(next() * texts.length)];
			const b = texts[Math.floor(next() * texts.length)];
			expect([a, b, byKey(a, b)]).toEqual([a, b, sign(collator.compare(a, b))]);
		}
		const sorted = texts.slice().sort(collator.compare);
		expect(texts.slice().sort(byKey).map((t) => keyOf(t))).toEqual(sorted.map((t) => keyOf(t)));
	});

	it('has no key for other text', () => {
		expect(keyOf('café')).toBeNull();
		expect(keyOf('tab\there')).toBeNull();
		expect(keyOf('')).toBe('');
	});
});
