// The server-only `exp/<id>/live` document: per-run metric summaries (what the runs table shows), each run's packed
// into one binary value (a Y.Map of JSON objects took seconds to load for 10,000 runs), and the batch ids already
// applied per run (so a retried ingest batch is applied once).
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { decodeUtf8 } from 'lib0/string';
import { KEYS } from '../schema';
import type { MetricSummary } from '../run-row';
import { decodeSummary, type EncodedSummary } from '../series/summary';

/** How many applied batch ids are remembered in total; the oldest are forgotten first. */
export const MAX_REMEMBERED_BATCHES = 20_000;

/** First byte of a packed summaries value; a reader meeting another version reads nothing rather than garbage. */
const PACKED_VERSION = 1;

/** A run's stored summaries: packed (Uint8Array, written now) or a JSON object of EncodedSummary (older data dirs). */
type StoredSummaries = Uint8Array | Record<string, EncodedSummary>;

function metricsMap(live: Y.Doc): Y.Map<StoredSummaries> {
	return live.getMap(KEYS.live.metrics);
}

function batchesMap(live: Y.Doc): Y.Map<number> {
	return live.getMap(KEYS.live.batches);
}

/**
 * Packs summaries into one binary record list: version byte, varuint count, then per metric its key (varuint
 * length + utf8), last, min, max, step and timestamp as float64 (NaN, ±∞ and -0 exact) and count as a varuint
 * (a count that is not a non-negative safe integer is stored as 0).
 */
export function packSummaries(summaries: Record<string, MetricSummary>): Uint8Array {
	const enc = encoding.createEncoder();
	const keys = Object.keys(summaries);
	encoding.writeUint8(enc, PACKED_VERSION);
	encoding.writeVarUint(enc, keys.length);
	for (const k of keys) {
		const s = summaries[k];
		encoding.writeVarString(enc, k);
		encoding.writeFloat64(enc, s.last);
		encoding.writeFloat64(enc, s.min);
		encoding.writeFloat64(enc, s.max);
		encoding.writeFloat64(enc, s.step);
		encoding.writeFloat64(enc, s.timestamp);
		encoding.writeVarUint(enc, Number.isSafeInteger(s.count) && s.count >= 0 ? s.count : 0);
	}
	return encoding.toUint8Array(enc);
}

/**
 * The keys decoded last, by position in a value, with their bytes: runs mostly log the same keys in the same order,
 * so comparing a few bytes replaces most utf8 decodes (200,000 of them for a 10,000-run table).
 */
const recentKeys: { bytes: Uint8Array; key: string }[] = [];
const MAX_RECENT_KEYS = 256;

function readKey(dec: decoding.Decoder, index: number): string {
	const len = decoding.readVarUint(dec);
	const start = dec.pos;
	const arr = dec.arr;
	if (start + len > arr.length) throw new RangeError('truncated key');
	dec.pos = start + len;
	const recent = recentKeys[index];
	if (recent && recent.bytes.length === len) {
		let same = true;
		for (let i = 0; i < len && same; i++) same = recent.bytes[i] === arr[start + i];
		if (same) return recent.key;
	}
	const bytes = arr.slice(start, start + len);
	const key = decodeUtf8(bytes);
	if (index < MAX_RECENT_KEYS) recentKeys[index] = { bytes, key };
	return key;
}

function unpackSummaries(bytes: Uint8Array): Record<string, MetricSummary> {
	const out: Record<string, MetricSummary> = {};
	try {
		const dec = decoding.createDecoder(bytes);
		if (decoding.readUint8(dec) !== PACKED_VERSION) return out;
		const n = decoding.readVarUint(dec);
		// One DataView over the value, not one per float.
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		for (let i = 0; i < n; i++) {
			const key = readKey(dec, i);
			const at = dec.pos;
			if (at + 40 > bytes.length) break;
			dec.pos = at + 40;
			out[key] = {
				last: view.getFloat64(at),
				min: view.getFloat64(at + 8),
				max: view.getFloat64(at + 16),
				step: view.getFloat64(at + 24),
				timestamp: view.getFloat64(at + 32),
				count: decoding.readVarUint(dec)
			};
		}
	} catch {
		// A truncated value (never written by this code): keep what was read.
	}
	return out;
}

/** Whether a JSON-form summary holds only numbers (no NaN/±∞ strings), so it can be used as stored. */
function isPlainSummary(s: unknown): s is MetricSummary {
	if (!s || typeof s !== 'object') return false;
	// Named loads (not a loop over field names): summaries share one shape, so these stay fast on 200,000 of them.
	const r = s as Record<keyof MetricSummary, unknown>;
	return (
		typeof r.last === 'number' &&
		typeof r.min === 'number' &&
		typeof r.max === 'number' &&
		typeof r.count === 'number' &&
		typeof r.step === 'number' &&
		typeof r.timestamp === 'number'
	);
}

/** The JSON-object form: summaries of plain numbers are used as stored (no copy); others are decoded. */
function readJsonSummaries(rec: Record<string, unknown>): Record<string, MetricSummary> {
	let out: Record<string, MetricSummary> | null = null;
	for (const k in rec) {
		if (isPlainSummary(rec[k])) {
			if (out) out[k] = rec[k];
			continue;
		}
		if (!out) {
			out = {};
			for (const j in rec) {
				if (j === k) break;
				out[j] = rec[j] as MetricSummary;
			}
		}
		const d = decodeSummary(rec[k]);
		if (d) out[k] = d;
	}
	return out ?? (rec as Record<string, MetricSummary>);
}

/**
 * The one decoder of a run's stored summaries value (the live metrics map's value for a run), packed or in the
 * older JSON-object form; anything else reads as no summaries. The result may share objects with the document:
 * treat it as read-only.
 */
export function decodeStoredSummaries(raw: unknown): Record<string, MetricSummary> {
	if (raw instanceof Uint8Array) return unpackSummaries(raw);
	if (!raw || typeof raw !== 'object') return {};
	return readJsonSummaries(raw as Record<string, unknown>);
}

/** A run's metric summaries by key (read-only, see decodeStoredSummaries); empty for a run with none. */
export function readMetricSummaries(live: Y.Doc, runId: string): Record<string, MetricSummary> {
	return decodeStoredSummaries(metricsMap(live).get(runId));
}

/** Replaces the summaries of the given keys for a run, keeping its other keys; stores them packed. */
export function setMetricSummaries(live: Y.Doc, runId: string, summaries: Record<string, MetricSummary>): void {
	metricsMap(live).set(runId, packSummaries({ ...readMetricSummaries(live, runId), ...summaries }));
}

/**
 * Calls `onChange(runIds)` after each transaction that changed runs' summaries, with those run ids. Returns the
 * function that stops observing.
 */
export function observeMetricSummaries(live: Y.Doc, onChange: (runIds: Set<string>) => void): () => void {
	const map = metricsMap(live);
	const onMetrics = (e: Y.YMapEvent<StoredSummaries>) => {
		if (e.keysChanged.size > 0) onChange(new Set(e.keysChanged));
	};
	map.observe(onMetrics);
	return () => map.unobserve(onMetrics);
}

const batchKey = (runId: string, batchId: string) => `${runId}:${batchId}`;

export function hasBatch(live: Y.Doc, runId: string, batchId: string): boolean {
	return batchesMap(live).has(batchKey(runId, batchId));
}

/**
 * Live entries per batches map, kept by an observer: Y.Map.size walks every key ever set (deleted keys stay in its
 * index), which made each recordBatch cost O(batches ever recorded): ~5 ms each past 20,000. Counted once per loaded
 * document, then adjusted by each transaction's changes, whoever wrote them.
 */
const batchCounts = new WeakMap<Y.Map<number>, { n: number }>();

function readBatchCount(map: Y.Map<number>): { n: number } {
	let count = batchCounts.get(map);
	if (!count) {
		const c = { n: map.size };
		map.observe((e) => {
			for (const change of e.changes.keys.values()) c.n += change.action === 'add' ? 1 : change.action === 'delete' ? -1 : 0;
		});
		batchCounts.set(map, (count = c));
	}
	return count;
}

/** Remembers an applied batch id (ms = when); forgets the oldest tenth past MAX_REMEMBERED_BATCHES. */
export function recordBatch(live: Y.Doc, runId: string, batchId: string, ms: number): void {
	const map = batchesMap(live);
	const key = batchKey(runId, batchId);
	// The observer counts this transaction's changes when it ends: count the new key here.
	const size = readBatchCount(map).n + (map.has(key) ? 0 : 1);
	map.set(key, ms);
	if (size > MAX_REMEMBERED_BATCHES) {
		const oldest = [...map.entries()].sort((a, b) => a[1] - b[1]).slice(0, size - MAX_REMEMBERED_BATCHES * 0.9);
		for (const [k] of oldest) map.delete(k);
	}
}
