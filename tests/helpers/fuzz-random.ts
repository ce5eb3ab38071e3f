// The seeded randomness every fuzz test shares: its seed and iteration count (printed, and overridable with
// TANDEM_FUZZ_SEED / TANDEM_FUZZ_ITERATIONS so a failure replays), and draws built on src/lib/core/seeded-random.
import { createRandom } from '../../src/lib/core/seeded-random';

export interface FuzzConfig {
	seed: number;
	iterations: number;
}

/**
 * The seed and iteration count of fuzz test `name`: the environment's TANDEM_FUZZ_SEED / TANDEM_FUZZ_ITERATIONS
 * when set, else the defaults; prints both so a failing run names what replays it.
 */
export function readFuzzConfig(name: string, defaults: FuzzConfig): FuzzConfig {
	const fromEnv = (v: string | undefined) => (v !== undefined && v.trim() !== '' && Number.isSafeInteger(Number(v)) ? Number(v) : undefined);
	const seed = fromEnv(process.env.TANDEM_FUZZ_SEED) ?? defaults.seed;
	const iterations = Math.max(1, fromEnv(process.env.TANDEM_FUZZ_ITERATIONS) ?? defaults.iterations);
	console.log(`${name}: seed ${seed}, ${iterations} iterations (replay: TANDEM_FUZZ_SEED=${seed} TANDEM_FUZZ_ITERATIONS=${iterations})`);
	return { seed, iterations };
}

/** Code points a parser may trip on: NUL, controls, quotes, lone surrogates, RTL and zero-width marks, dots that are not '.', emoji. */
const TRICKY_CHARS = ['\u0000', '\u0001', '\u001f', '"', '\\', '\'', '\ud800', '\udfff', '\u202e', '\u200b', '\ufeff', '\u2024', '\uff0e', '\u3002', '😀', 'é', '\u0301', '\n', '%', '/'];

export interface FuzzRandom {
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [min, max] (inclusive). */
	int(min: number, max: number): number;
	/** True with probability `p`. */
	chance(p: number): boolean;
	pick<T>(items: readonly T[]): T;
	/** Up to `n` distinct items of `items`, in random order. */
	sample<T>(items: readonly T[], n: number): T[];
	/** `n` random bytes. */
	bytes(n: number): Uint8Array;
	/** 32 lowercase hex characters (the shape of run ids). */
	hex32(): string;
	/** A short string of letters, digits and tricky code points, `max` characters at most. */
	text(max?: number): string;
	/** A string of random code points from every plane (lone surrogates included). */
	unicode(length: number): string;
	/** A fork: an independent generator whose draws do not shift this one's (its seed is drawn from this one). */
	fork(): FuzzRandom;
}

export function createFuzzRandom(seed: number): FuzzRandom {
	const next = createRandom(seed);
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
	const rng: FuzzRandom = {
		next,
		int,
		chance: (p) => next() < p,
		pick,
		sample(items, n) {
			const copy = [...items];
			for (let i = copy.length - 1; i > 0; i--) {
				const j = int(0, i);
				[copy[i], copy[j]] = [copy[j], copy[i]];
			}
			return copy.slice(0, n);
		},
		bytes(n) {
			const out = new Uint8Array(n);
			for (let i = 0; i < n; i++) out[i] = int(0, 255);
			return out;
		},
		hex32: () => Array.from({ length: 32 }, () => '0123456789abcdef'[int(0, 15)]).join(''),
		text(max = 12) {
			let s = '';
			const n = int(0, max);
			for (let i = 0; i < n; i++) s += next() < 0.7 ? 'abcdefghijklmnopqrstuvwxyz0123456789_-. '[int(0, 39)] : pick(TRICKY_CHARS);
			return s;
		},
		unicode(length) {
			let s = '';
			for (let i = 0; i < length; i++) {
				const plane = int(0, 3);
				const cp = plane === 0 ? int(0, 0x7f) : plane === 1 ? int(0x80, 0xffff) : int(0x10000, 0x10ffff);
				s += cp <= 0xffff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
			}
			return s;
		},
		fork: () => createFuzzRandom(int(0, 0x7fffffff))
	};
	return rng;
}
