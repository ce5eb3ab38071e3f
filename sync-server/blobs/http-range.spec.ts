// Unit tests of Range header parsing (RFC 9110 §14) and Content-Range formatting.
import { describe, expect, it } from 'vitest';
import { formatContentRange, parseRange } from './http-range';

describe('parseRange', () => {
	it('returns null without a header', () => {
		expect(parseRange(undefined, 100)).toBeNull();
		expect(parseRange('', 100)).toBeNull();
	});

	it('parses a closed range, clamping its end to the resource', () => {
		expect(parseRange('bytes=0-0', 100)).toEqual({ start: 0, end: 0 });
		expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
		expect(parseRange('bytes=99-99', 100)).toEqual({ start: 99, end: 99 });
		expect(parseRange('bytes=50-1000', 100)).toEqual({ start: 50, end: 99 });
		expect(parseRange('bytes=0-99999999999999999999999', 100)).toEqual({ start: 0, end: 99 });
	});

	it('parses an open-ended range', () => {
		expect(parseRange('bytes=100-', 1000)).toEqual({ start: 100, end: 999 });
		expect(parseRange('bytes=0-', 1)).toEqual({ start: 0, end: 0 });
	});

	it('parses a suffix range', () => {
		expect(parseRange('bytes=-500', 1000)).toEqual({ start: 500, end: 999 });
		expect(parseRange('bytes=-1', 1000)).toEqual({ start: 999, end: 999 });
		expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
	});

	it('tolerates case and whitespace around the parts', () => {
		expect(parseRange('Bytes = 1 - 2 ', 10)).toEqual({ start: 1, end: 2 });
		expect(parseRange('BYTES=3-', 10)).toEqual({ start: 3, end: 9 });
	});

	it("is 'unsatisfiable' for a start at or past the end, an empty suffix, or an empty resource", () => {
		expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
		expect(parseRange('bytes=100-200', 100)).toBe('unsatisfiable');
		expect(parseRange('bytes=99999999999999999999999-', 100)).toBe('unsatisfiable');
		expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
		expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
		expect(parseRange('bytes=-10', 0)).toBe('unsatisfiable');
	});

	it('ignores (null) other units, malformed values, reversed and multiple ranges', () => {
		for (const h of ['items=0-1', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=1-2-3', 'bytes=-1-2', 'bytes=5-4', 'bytes=0-1,3-4', 'bytes=0x10-20', 'bytes=1.5-2', '0-10']) {
			expect(parseRange(h, 100), h).toBeNull();
		}
	});
});

describe('formatContentRange', () => {
	it('formats a satisfied and an unsatisfiable range', () => {
		expect(formatContentRange({ start: 0, end: 99 }, 1000)).toBe('bytes 0-99/1000');
		expect(formatContentRange(parseRange('bytes=-1', 10)!, 10)).toBe('bytes 9-9/10');
		expect(formatContentRange('unsatisfiable', 1000)).toBe('bytes */1000');
	});
});
