// A `series/<runId>/<key>[@part]` document: one metric's points as a Y.Array of packed chunks (DESIGN.md §3),
// written only by the server. Tail chunks are sealed into one chunk every SERIES_SEAL_EVERY appends.
import * as Y from 'yjs';
import { KEYS, SERIES_PART_MAX_BYTES, SERIES_SEAL_EVERY } from '../schema';
import { concatColumns, decodeChunk, decodeChunks, encodeChunk, readChunkLength, type SeriesColumns } from '../chunk';

function chunksOf(series: Y.Doc): Y.Array<Uint8Array> {
	return series.getArray<Uint8Array>(KEYS.series.chunks);
}

function metaOf(series: Y.Doc): Y.Map<number> {
	return series.getMap<number>(KEYS.series.meta);
}

/** Chunks before this index are sealed; the rest are tail chunks. */
function sealedCount(series: Y.Doc): number {
	return metaOf(series).get('sealed') ?? 0;
}

/** Encoded bytes of all chunks (maintained on append and seal, used to roll over into a new part). */
export function readSeriesBytes(series: Y.Doc): number {
	return metaOf(series).get('bytes') ?? 0;
}

/** The part is full: the server writes the series' next points to the next part (`…@<part+1>`). */
export function isSeriesPartFull(series: Y.Doc): boolean {
	return readSeriesBytes(series) >= SERIES_PART_MAX_BYTES;
}

/** Appends one chunk and seals the tail when it is long enough; one transaction. */
export function appendSeriesChunk(series: Y.Doc, cols: SeriesColumns): void {
	const chunk = encodeChunk(cols);
	series.transact(() => {
		const chunks = chunksOf(series);
		const meta = metaOf(series);
		chunks.push([chunk]);
		meta.set('bytes', readSeriesBytes(series) + chunk.byteLength);
		const sealed = sealedCount(series);
		if (chunks.length - sealed >= SERIES_SEAL_EVERY) {
			const tail = chunks.slice(sealed);
			const merged = encodeChunk(concatColumns(tail.map((c) => decodeChunk(c))));
			chunks.delete(sealed, tail.length);
			chunks.insert(sealed, [merged]);
			meta.set('sealed', sealed + 1);
			const tailBytes = tail.reduce((n, c) => n + c.byteLength, 0);
			meta.set('bytes', readSeriesBytes(series) - tailBytes + merged.byteLength);
		}
	});
}

/** All points of this part, decoded straight into typed arrays (in append order). */
export function readSeries(series: Y.Doc): SeriesColumns {
	return decodeChunks(chunksOf(series).toArray());
}

/** Number of points in this part, from chunk headers only. */
export function readSeriesLength(series: Y.Doc): number {
	let n = 0;
	for (const c of chunksOf(series).toArray()) n += readChunkLength(c);
	return n;
}

/** Number of chunks (to check the chunk count stays bounded). */
export function readChunkCount(series: Y.Doc): number {
	return chunksOf(series).length;
}

/**
 * Calls `fn` with the points appended from now on (for live charts: append, never refetch). Points always arrive
 * at the end, so a seal (tail chunks replaced by their merge) is handled by counting points, not chunks.
 */
export function observeSeriesChunks(series: Y.Doc, fn: (added: SeriesColumns) => void): () => void {
	const arr = chunksOf(series);
	let seen = readSeriesLength(series);
	const handler = () => {
		const chunks = arr.toArray();
		const total = chunks.reduce((n, c) => n + readChunkLength(c), 0);
		if (total <= seen) {
			seen = total;
			return;
		}
		// Decode only the trailing chunks that hold the new points.
		let covered = 0;
		let first = chunks.length;
		while (first > 0 && covered < total - seen) covered += readChunkLength(chunks[--first]);
		const tail = decodeChunks(chunks.slice(first));
		const from = covered - (total - seen);
		seen = total;
		fn({ steps: tail.steps.subarray(from), timestamps: tail.timestamps.subarray(from), values: tail.values.subarray(from) });
	};
	arr.observe(handler);
	return () => arr.unobserve(handler);
}
