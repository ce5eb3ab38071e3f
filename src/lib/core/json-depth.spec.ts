import { describe, expect, it } from 'vitest';
import { createRandom } from './seeded-random';
import { checkJsonShape, isJsonTooDeep, MAX_JSON_DEPTH, readJsonDepth } from './json-depth';

const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('readJsonDepth', () => {
	it('counts arrays and objects together, and nothing for scalars', () => {
		expect(readJsonDepth('1')).toBe(0);
		expect(readJsonDepth('"x"')).toBe(0);
		expect(readJsonDepth('{}')).toBe(1);
		expect(readJsonDepth('{"a":[{"b":[]}],"c":{}}')).toBe(4);
	});

	it('ignores brackets inside strings, escaped quotes included', () => {
		expect(readJsonDepth('{"a":"[[[{{{"}')).toBe(1);
		expect(readJsonDepth('["\\"[[[", "\\\\", [1]]')).toBe(2);
	});

	it('stops past the limit, so a 1,000,000-deep text costs one short scan', () => {
		expect(readJsonDepth(nested(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH);
		expect(isJsonTooDeep(nested(MAX_JSON_DEPTH))).toBe(false);
		expect(isJsonTooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
		expect(readJsonDepth('['.repeat(1_000_000), 10)).toBe(11);
		expect(isJsonTooDeep('{"a":'.repeat(500) + '1' + '}'.repeat(500))).toBe(true);
	});

	it('agrees with a recursive reading of random nestings', () => {
		const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
		const rand = createRandom(7);
		const build = (d: number): unknown => (d === 0 || rand() < 0.2 ? (rand() < 0.5 ? 'a"]}[' : 1) : rand() < 0.5 ? [build(d - 1), build(d - 1)] : { k: build(d - 1), '[': 2 });
		for (let i = 0; i < 200; i++) {
			const v = build(8);
			expect(readJsonDepth(JSON.stringify(v))).toBe(depthOf(v));
		}
	});
});

describe('checkJsonShape', () => {
	it('refuses too deep or too many values, counting only outside strings', () => {
		expect(checkJsonShape('[[[1]]]', 2)).toBe('deep');
		expect(checkJsonShape(`[${'0,'.repeat(10)}0]`, 400, 5)).toBe('many');
		expect(checkJsonShape(`["${','.repeat(100)}"]`, 400, 5)).toBeNull();
		expect(checkJsonShape('{"a":[1,2,3]}')).toBeNull();
		// Its UTF-8 bytes read the same (multi-byte characters hold no ASCII byte), escapes included.
		for (const text of ['["é[[[","\\"",[1]]', `[${'[' .repeat(5)}"ü"${']'.repeat(5)}]`, '{"k":"\\u005b,,,"}']) {
			expect(checkJsonShape(new TextEncoder().encode(text), 3, 2)).toBe(checkJsonShape(text, 3, 2));
		}
	});
});
