// Unit tests of the text splice finder and caret transform behind the collaborative notes textarea.
import { describe, expect, it } from 'vitest';
import { createRandom } from './seeded-random';
import { applySplice, diffText, transformIndex } from './text-diff';

describe('diffText', () => {
	it('finds no splice for equal texts', () => {
		expect(diffText('same', 'same')).toBeNull();
	});

	it('finds inserts, deletes and replacements as one splice between the common prefix and suffix', () => {
		expect(diffText('hello world', 'hello brave world')).toEqual({ index: 6, remove: 0, insert: 'brave ' });
		expect(diffText('hello brave world', 'hello world')).toEqual({ index: 6, remove: 6, insert: '' });
		expect(diffText('abcdef', 'abXYef')).toEqual({ index: 2, remove: 2, insert: 'XY' });
		expect(diffText('', 'new')).toEqual({ index: 0, remove: 0, insert: 'new' });
		expect(diffText('old', '')).toEqual({ index: 0, remove: 3, insert: '' });
	});

	it('does not let prefix and suffix overlap on repeated characters', () => {
		const s = diffText('aaa', 'aaaa')!;
		expect(s.remove).toBe(0);
		expect(s.insert).toBe('a');
		expect(applySplice('aaa', s)).toBe('aaaa');
	});

	it('never splits a surrogate pair', () => {
		// 😀 is \ud83d\ude00 and 😁 is \ud83d\ude01: they share the high surrogate.
		const s = diffText('x😀y', 'x😁y')!;
		expect(s).toEqual({ index: 1, remove: 2, insert: '😁' });
		const t = diffText('😀a', '😁a')!;
		expect(t.insert).toBe('😁');
	});

	it('round-trips random edits (seeded)', () => {
		const seed = 20261130;
		const random = createRandom(seed);
		const alphabet = ['a', 'b', ' ', '\n', '😀', 'é'];
		const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
		for (let i = 0; i < 500; i++) {
			const prev = word(Math.floor(random() * 12));
			const next = word(Math.floor(random() * 12));
			const s = diffText(prev, next);
			expect(s === null ? prev : applySplice(prev, s), `seed ${seed}, case ${i}`).toBe(next);
		}
	});
});

describe('transformIndex', () => {
	it('moves the caret right for text inserted before it and not for text inserted after it', () => {
		expect(transformIndex(5, [{ retain: 2 }, { insert: 'abc' }])).toBe(8);
		expect(transformIndex(5, [{ retain: 7 }, { insert: 'abc' }])).toBe(5);
		expect(transformIndex(5, [{ insert: 'xy' }])).toBe(7);
	});

	it('keeps the caret in front of text inserted exactly at it', () => {
		expect(transformIndex(5, [{ retain: 5 }, { insert: 'abc' }])).toBe(5);
	});

	it('moves the caret left for deletions before it and to the start of a deletion around it', () => {
		expect(transformIndex(5, [{ delete: 2 }])).toBe(3);
		expect(transformIndex(5, [{ retain: 3 }, { delete: 5 }])).toBe(3);
		expect(transformIndex(5, [{ retain: 5 }, { delete: 5 }])).toBe(5);
	});

	it('combines several ops', () => {
		// old "0123456789", caret at 6; delete "12", insert "ab" at old 4, retain to the end.
		expect(transformIndex(6, [{ retain: 1 }, { delete: 2 }, { retain: 1 }, { insert: 'ab' }, { retain: 6 }])).toBe(6);
		expect(transformIndex(0, [{ insert: 'x' }])).toBe(0);
	});
});
