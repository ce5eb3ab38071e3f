// Page bounds, page tokens and the JSON text of a paged answer.
import { describe, expect, it } from 'vitest';
import { readPage, readPageBounds, readPageToken, writePageJson } from './paging';

describe('paging', () => {
	it('bounds a page and hands out a token only when more items follow', () => {
		expect(readPageBounds(5, 0, 2)).toEqual({ start: 0, end: 2, nextPageToken: btoa('{"offset":2}') });
		expect(readPageBounds(5, 4, 2)).toEqual({ start: 4, end: 5 });
		expect(readPageBounds(5, 9, 2)).toEqual({ start: 9, end: 9 });
		expect(readPageToken(readPageBounds(5, 2, 2).nextPageToken)).toBe(4);
		expect(readPage(['a', 'b', 'c'], 1, 5)).toEqual({ items: ['b', 'c'] });
	});

	it('writes the same text as JSON.stringify of the paged answer', () => {
		const list = [{ key: 'a', value: 1 }];
		expect(writePageJson('metrics', JSON.stringify(list))).toBe(JSON.stringify({ metrics: list }));
		expect(writePageJson('runs', '[]', 'eyJvZmZzZXQiOiAyfQ==')).toBe(JSON.stringify({ runs: [], next_page_token: 'eyJvZmZzZXQiOiAyfQ==' }));
	});
});
