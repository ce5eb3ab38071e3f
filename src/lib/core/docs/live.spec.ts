import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { KEYS } from '../schema';
import type { MetricSummary } from '../run-row';
import { encodeSummary } from '../series/summary';
import { decodeStoredSummaries, hasBatch, MAX_REMEMBERED_BATCHES, packSummaries, readMetricSummaries, recordBatch, setMetricSummaries } from './live';

const RUN = 'c'.repeat(32);
const summary = (over: Partial<MetricSummary> = {}): MetricSummary => ({ last: 0.5, min: -1, max: 2, count: 3, step: 7, timestamp: 1_700_000_000_123, ...over });

/** Object.is per field: toEqual would take -0 for 0. */
function expectSame(got: Record<string, MetricSummary>, want: Record<string, MetricSummary>): void {
	expect(Object.keys(got)).toEqual(Object.keys(want));
	for (const k of Object.keys(want)) {
		for (const f of ['last', 'min', 'max', 'count', 'step', 'timestamp'] as const) {
			expect(Object.is(got[k][f], want[k][f]), `${k}.${f}: ${got[k][f]} vs ${want[k][f]}`).toBe(true);
		}
	}
}

describe('packed metric summaries', () => {
	it('round-trip NaN, ±Infinity, -0, unicode keys and large counts exactly', () => {
		const want = {
			loss: summary({ last: NaN, min: -Infinity, max: Infinity }),
			'zero/−0': summary({ last: -0, min: 0, max: -0, step: -Infinity, timestamp: -Infinity }),
			'准确率 🎯': summary({ count: Number.MAX_SAFE_INTEGER }),
			'': summary({ last: 5e-324, max: Number.MAX_VALUE })
		};
		expectSame(decodeStoredSummaries(packSummaries(want)), want);
	});

	it('round-trip an empty record, and read nothing from values that are not summaries', () => {
		expect(decodeStoredSummaries(packSummaries({}))).toEqual({});
		for (const raw of [undefined, null, 3, 'x', new Uint8Array(), new Uint8Array([99, 1, 2])]) expect(decodeStoredSummaries(raw)).toEqual({});
	});

	it('keep the records read before a truncation', () => {
		const bytes = packSummaries({ a: summary(), b: summary({ last: 9 }) });
		expectSame(decodeStoredSummaries(bytes.subarray(0, bytes.length - 3)), { a: summary() });
	});

	it('store a count that is not a non-negative integer as 0', () => {
		expect(decodeStoredSummaries(packSummaries({ a: summary({ count: -1 }) })).a.count).toBe(0);
		expect(decodeStoredSummaries(packSummaries({ a: summary({ count: 1.5 }) })).a.count).toBe(0);
	});

	it('are stored as one binary value per run, merged by key', () => {
		const live = new Y.Doc();
		setMetricSummaries(live, RUN, { loss: summary(), acc: summary({ last: 0.9 }) });
		setMetricSummaries(live, RUN, { loss: summary({ last: NaN, count: 4 }) });
		expect(live.getMap(KEYS.live.metrics).get(RUN)).toBeInstanceOf(Uint8Array);
		expectSame(readMetricSummaries(live, RUN), { loss: summary({ last: NaN, count: 4 }), acc: summary({ last: 0.9 }) });
		// And survive an update to another peer.
		const peer = new Y.Doc();
		Y.applyUpdate(peer, Y.encodeStateAsUpdate(live));
		expectSame(readMetricSummaries(peer, RUN), readMetricSummaries(live, RUN));
	});
});

describe('summaries stored by older versions (a JSON object per run)', () => {
	/** What the previous live.ts wrote: EncodedSummary objects, non-finite numbers as strings. */
	function writeJsonForm(live: Y.Doc, summaries: Record<string, MetricSummary>): void {
		live.getMap(KEYS.live.metrics).set(RUN, Object.fromEntries(Object.entries(summaries).map(([k, s]) => [k, encodeSummary(s)])));
	}

	it('read unchanged, non-finite values included', () => {
		const live = new Y.Doc();
		const want = { loss: summary(), odd: summary({ last: NaN, min: -Infinity, max: Infinity }) };
		writeJsonForm(live, want);
		expectSame(readMetricSummaries(live, RUN), want);
	});

	it('are kept when a run logs again, which stores them packed', () => {
		const live = new Y.Doc();
		writeJsonForm(live, { old: summary({ max: Infinity }), loss: summary() });
		setMetricSummaries(live, RUN, { loss: summary({ last: 3, count: 9 }) });
		expect(live.getMap(KEYS.live.metrics).get(RUN)).toBeInstanceOf(Uint8Array);
		expectSame(readMetricSummaries(live, RUN), { old: summary({ max: Infinity }), loss: summary({ last: 3, count: 9 }) });
	});
});

describe('applied batch ids', () => {
	it('are remembered per run, and the oldest tenth is forgotten past MAX_REMEMBERED_BATCHES', () => {
		const live = new Y.Doc();
		const other = 'd'.repeat(32);
		for (let i = 0; i < MAX_REMEMBERED_BATCHES; i++) live.transact(() => recordBatch(live, RUN, `b${i}`, i));
		// Recording an id again (a retry that slipped through) does not count twice.
		live.transact(() => recordBatch(live, RUN, 'b5', 5));
		expect(hasBatch(live, RUN, 'b0')).toBe(true);
		expect(hasBatch(live, other, 'b0')).toBe(false);
		live.transact(() => recordBatch(live, other, 'new', MAX_REMEMBERED_BATCHES));
		const kept = MAX_REMEMBERED_BATCHES * 0.9;
		expect(live.getMap(KEYS.live.batches).size).toBe(kept);
		expect(hasBatch(live, RUN, `b${MAX_REMEMBERED_BATCHES - kept}`)).toBe(false);
		expect(hasBatch(live, RUN, `b${MAX_REMEMBERED_BATCHES - kept + 1}`)).toBe(true);
		expect(hasBatch(live, other, 'new')).toBe(true);
	});

	it('are counted across a reload of the document (the count starts from what is stored)', () => {
		const first = new Y.Doc();
		for (let i = 0; i < MAX_REMEMBERED_BATCHES; i++) first.transact(() => recordBatch(first, RUN, `b${i}`, i));
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(first));
		reloaded.transact(() => recordBatch(reloaded, RUN, 'next', MAX_REMEMBERED_BATCHES));
		expect(reloaded.getMap(KEYS.live.batches).size).toBe(MAX_REMEMBERED_BATCHES * 0.9);
		expect(hasBatch(reloaded, RUN, 'next')).toBe(true);
	});
});
