// Series documents: appends, sealing every SERIES_SEAL_EVERY tail chunks, and the live observer across seals.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendSeriesChunk, observeSeriesChunks, readChunkCount, readSeries } from './series';
import { SERIES_SEAL_EVERY } from '../schema';
import { createColumns } from '../chunk';

function points(from: number, n: number) {
	const c = createColumns(n);
	for (let i = 0; i < n; i++) {
		c.steps[i] = from + i;
		c.timestamps[i] = 1000 + from + i;
		c.values[i] = (from + i) / 3;
	}
	return c;
}

describe('series document', () => {
	it('keeps every point in order while sealing bounds the chunk count', () => {
		const doc = new Y.Doc();
		for (let i = 0; i < 1000; i++) appendSeriesChunk(doc, points(i * 2, 2));
		const all = readSeries(doc);
		expect(Array.from(all.steps)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
		expect(all.values[1999]).toBe(1999 / 3);
		expect(readChunkCount(doc)).toBeLessThanOrEqual(1000 / SERIES_SEAL_EVERY + SERIES_SEAL_EVERY);
	});

	it('reports exactly the appended points to an observer, across seals and in a replica', () => {
		const server = new Y.Doc();
		const replica = new Y.Doc();
		server.on('update', (u: Uint8Array) => Y.applyUpdate(replica, u));
		appendSeriesChunk(server, points(0, 5));
		const seen: number[] = [];
		const off = observeSeriesChunks(replica, (c) => seen.push(...c.steps));
		for (let i = 1; i <= 3 * SERIES_SEAL_EVERY; i++) appendSeriesChunk(server, points(5 * i, 5));
		off();
		expect(seen).toEqual(Array.from({ length: 15 * SERIES_SEAL_EVERY }, (_, i) => i + 5));
		expect(readSeries(replica).steps.length).toBe(5 + 15 * SERIES_SEAL_EVERY);
	});
});
