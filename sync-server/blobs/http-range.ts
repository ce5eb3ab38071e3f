// HTTP byte ranges for blob downloads (RFC 9110 §14): parsing one `Range: bytes=…` header against a blob's
// size, and the matching `Content-Range` value. Multi-range requests are answered with the whole blob.
import type { ByteRange } from './blob-store';

/**
 * Parses a `Range` header for a resource of `size` bytes into one inclusive byte range, clamped to the resource:
 * `bytes=a-b`, open-ended `bytes=a-`, suffix `bytes=-n` (the last n bytes).
 * Returns null when the header should be ignored and the whole resource sent with 200: absent, another unit,
 * malformed, several ranges, or `a > b` (RFC 9110 lets a server ignore those).
 * Returns 'unsatisfiable' (answer 416, with formatContentRange's header) when the range starts at or past the end,
 * for a suffix of 0 bytes, or for any range of an empty resource.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
	if (header === undefined) return null;
	const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
	if (!m) return null;
	const [, first, last] = m;
	if (first === '' && last === '') return null;
	if (first === '') {
		const suffix = Number(last);
		if (suffix === 0 || size === 0) return 'unsatisfiable';
		return { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(first);
	const end = last === '' ? Infinity : Number(last);
	if (end < start) return null;
	if (start >= size) return 'unsatisfiable';
	return { start, end: Math.min(end, size - 1) };
}

/** The `Content-Range` header value for a 206 (`bytes 0-99/1000`) or, given 'unsatisfiable', a 416 (the range replaced by `*`). */
export function formatContentRange(range: ByteRange | 'unsatisfiable', size: number): string {
	return range === 'unsatisfiable' ? `bytes */${size}` : `bytes ${range.start}-${range.end}/${size}`;
}
