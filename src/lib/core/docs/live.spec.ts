import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { KEYS } from '../schema';
import type { MetricSummary } from '../run-row';
import { encodeSummary } from '../series/summary';
import { decodeStoredSummaries, packSummaries, readMetricSummaries, setMetricSummaries } from './live';

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
