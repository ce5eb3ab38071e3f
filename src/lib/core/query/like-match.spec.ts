import { describe, expect, it } from 'vitest';
import { createRandom } from '../seeded-random';
import { createLikeMatcher, MAX_LIKE_PATTERN_LENGTH } from './like-match';

/** The RegExp reading of LIKE, as a reference for short inputs (where its backtracking is harmless). */
function referenceLike(pattern: string, caseInsensitive: boolean): RegExp {
	let re = '';
	for (const ch of pattern) re += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	return new RegExp(`^${re}$`, caseInsensitive ? 'isu' : 'su');
}

describe('createLikeMatcher', () => {
	it('matches % and _ as SQL LIKE does, literally otherwise', () => {
		const like = (p: string, t: string, ci = false) => createLikeMatcher(p, ci)(t);
		expect(like('a%', 'abc')).toBe(true);
		expect(like('%c', 'abc')).toBe(true);
		expect(like('a_c', 'abc')).toBe(true);
		expect(like('a_c', 'ac')).toBe(false);
		expect(like('%', '')).toBe(true);
		expect(like('', '')).toBe(true);
		expect(like('_', '')).toBe(false);
		expect(like('a.c', 'abc')).toBe(false);
		expect(like('(a)*', '(a)*')).toBe(true);
		expect(like('%b%', 'abc')).toBe(true);
		expect(like('ABC', 'abc')).toBe(false);
		expect(like('A%C', 'abc', true)).toBe(true);
		expect(like('_', '😀')).toBe(true);
		expect(like('a\nb', 'a\nb')).toBe(true);
		expect(like('a%', 'a\nb')).toBe(true);
	});

	it('agrees with the RegExp reading on random patterns and texts (seed 1234)', () => {
		const rnd = createRandom(1234);
		const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
		for (let k = 0; k < 3000; k++) {
			const pattern = pick('ab%_', Math.floor(rnd() * 7));
			const text = pick('abAB', Math.floor(rnd() * 9));
			const ci = rnd() < 0.5;
			expect(createLikeMatcher(pattern, ci)(text), `${pattern} ~ ${text} (ci ${ci})`).toBe(referenceLike(pattern, ci).test(text));
		}
	});

	it('answers a pattern of many % over a long text without backtracking blow-up', () => {
		// The RegExp reading of this takes tens of seconds (n^7 steps); the matcher walks it in O(n·m).
		const text = 'a'.repeat(6000);
		expect(createLikeMatcher('%a%a%a%a%a%a%b', false)(text)).toBe(false);
		expect(createLikeMatcher('%a%a%a%a%a%a%a', false)(text)).toBe(true);
	});
});

describe('LIKE pattern length', () => {
	it('accepts up to MAX_LIKE_PATTERN_LENGTH characters and refuses longer with INVALID_PARAMETER_VALUE', () => {
		expect(createLikeMatcher('%'.repeat(MAX_LIKE_PATTERN_LENGTH), false)('x')).toBe(true);
		expect(() => createLikeMatcher('a'.repeat(MAX_LIKE_PATTERN_LENGTH + 1), false)).toThrow(
			expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE', message: `The LIKE pattern is 1001 characters long; the limit is ${MAX_LIKE_PATTERN_LENGTH}` })
		);
	});
});
