import { describe, expect, it } from 'vitest';
import { compileRunQueryRegex, estimateRegexSize, MAX_REGEX_LENGTH, MAX_REGEX_SIZE } from './run-query-regex';
import { compileRunQuery, parseRunQuery } from './run-query';
import { createTestRow } from '../table/row-fixture';

const compile = (p: string, i = false) => {
	const r = compileRunQueryRegex(p, i);
	if (!r.ok) throw new Error(r.error);
	return r.test;
};
const msElapsed = (fn: () => void) => {
	const t = performance.now();
	fn();
	return performance.now() - t;
};

describe('run query regex (RE2)', () => {
	it('finds the pattern anywhere, as RegExp.test does, with (?i) folding case', () => {
		expect(compile('vision.*')('team vision-x')).toBe(true);
		expect(compile('^vision$')('Vision')).toBe(false);
		expect(compile('^vision$', true)('Vision')).toBe(true);
		expect(compile('vision\\-\\w+')('vision-x')).toBe(true);
		expect(compile('^0\\.0')('0.05')).toBe(true);
	});

	it('runs ^(a+)+$ over 10,000 characters (and 100,000) at once', () => {
		const test = compile('^(a+)+$');
		expect(msElapsed(() => expect(test(`${'a'.repeat(10_000)}b`)).toBe(false))).toBeLessThan(200);
		expect(msElapsed(() => expect(test('a'.repeat(100_000))).toBe(true))).toBeLessThan(500);
		const nested = compile('(?:(?:(?:a*)*)*)*b');
		expect(msElapsed(() => expect(nested('a'.repeat(50_000))).toBe(false))).toBeLessThan(500);
	});

	it('refuses backreferences and lookarounds, which no linear matcher has', () => {
		expect(compileRunQueryRegex('(a)\\1', false)).toMatchObject({ ok: false, error: expect.stringMatching(/invalid escape/) });
		expect(compileRunQueryRegex('(?=a)b', false).ok).toBe(false);
	});

	it('bounds the pattern length and the size its repetitions expand to', () => {
		expect(compileRunQueryRegex('a'.repeat(MAX_REGEX_LENGTH), false).ok).toBe(true);
		expect(compileRunQueryRegex('a'.repeat(MAX_REGEX_LENGTH + 1), false)).toEqual({
			ok: false,
			error: `the pattern is ${MAX_REGEX_LENGTH + 1} characters long; the limit is ${MAX_REGEX_LENGTH}`
		});
		expect(compileRunQueryRegex('a{999}', false).ok).toBe(true);
		const big = compileRunQueryRegex('a{999}'.repeat(100), false);
		expect(big.ok).toBe(false);
		expect(!big.ok && big.error).toMatch(/expands to about \d+ states .*the limit is 1000/);
		expect(compileRunQueryRegex('(a{30}){30}[^x]{99}', false).ok).toBe(false);
	});

	it('estimates sizes: atoms, classes, escapes, groups and counted repetitions', () => {
		expect(estimateRegexSize('abc')).toBe(3);
		expect(estimateRegexSize('[a-z\\]]\\p{Greek}\\x{41}')).toBe(3);
		expect(estimateRegexSize('a{10}')).toBe(11);
		expect(estimateRegexSize('(ab){10}')).toBeGreaterThanOrEqual(20);
		expect(estimateRegexSize('((a{10}){10}){10}')).toBeGreaterThanOrEqual(1000);
		expect(estimateRegexSize('a{2,}b{1,50}')).toBeGreaterThanOrEqual(53);
		expect(estimateRegexSize('x{,3}')).toBe(5); // not a repetition in RE2: literal characters
		expect(estimateRegexSize('a{999}'.repeat(2))).toBeGreaterThan(MAX_REGEX_SIZE);
	});
});

describe('~ in run queries', () => {
	it('says what is wrong with a refused pattern, at its column', () => {
		const long = parseRunQuery(`tags.t ~ '${'a'.repeat(1001)}'`);
		expect(long).toEqual({ ok: false, error: 'invalid regular expression at column 10: the pattern is 1001 characters long; the limit is 1000', at: 9 });
		const backref = parseRunQuery("tags.t ~ '(a)\\1'");
		expect(backref.ok).toBe(false);
	});

	it('filters rows with the hostile pattern in linear time', () => {
		const rows = Array.from({ length: 50 }, (_, i) => createTestRow({ tags: { t: 'a'.repeat(2000 + i) } }));
		const parsed = parseRunQuery("tags.t ~ '^(a+)+$' and tags.t !~ '(a|aa)+b'");
		if (!parsed.ok) throw new Error(parsed.error);
		const test = compileRunQuery(parsed.query);
		let n = 0;
		expect(msElapsed(() => (n = rows.filter(test).length))).toBeLessThan(1000);
		expect(n).toBe(50);
	});
});
