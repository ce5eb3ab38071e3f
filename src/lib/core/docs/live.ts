// The server-only `exp/<id>/live` document: per-run metric summaries (what the runs table shows) and the
// batch ids already applied per run (so a retried ingest batch is applied once).
import * as Y from 'yjs';
import { KEYS } from '../schema';
import type { MetricSummary } from '../run-row';
import { decodeSummary, encodeSummary, type EncodedSummary } from '../series/summary';

/** How many applied batch ids are remembered in total; the oldest are forgotten first. */
export const MAX_REMEMBERED_BATCHES = 20_000;

function metricsMap(live: Y.Doc): Y.Map<Record<string, EncodedSummary>> {
	return live.getMap(KEYS.live.metrics);
}

function batchesMap(live: Y.Doc): Y.Map<number> {
	return live.getMap(KEYS.live.batches);
}

export function readMetricSummaries(live: Y.Doc, runId: string): Record<string, MetricSummary> {
	const raw = metricsMap(live).get(runId);
	const out: Record<string, MetricSummary> = {};
	if (!raw || typeof raw !== 'object') return out;
	for (const [k, v] of Object.entries(raw)) {
		const s = decodeSummary(v);
		if (s) out[k] = s;
	}
	return out;
}

/** Replaces the summaries of the given keys for a run, keeping its other keys. */
export function setMetricSummaries(live: Y.Doc, runId: string, summaries: Record<string, MetricSummary>): void {
	const map = metricsMap(live);
	const next: Record<string, EncodedSummary> = { ...(map.get(runId) ?? {}) };
	for (const [k, s] of Object.entries(summaries)) next[k] = encodeSummary(s);
	map.set(runId, next);
}

const batchKey = (runId: string, batchId: string) => `${runId}:${batchId}`;

export function hasBatch(live: Y.Doc, runId: string, batchId: string): boolean {
	return batchesMap(live).has(batchKey(runId, batchId));
}

/** Remembers an applied batch id (ms = when); forgets the oldest past MAX_REMEMBERED_BATCHES. */
export function recordBatch(live: Y.Doc, runId: string, batchId: string, ms: number): void {
	const map = batchesMap(live);
	map.set(batchKey(runId, batchId), ms);
	if (map.size > MAX_REMEMBERED_BATCHES) {
		const oldest = [...map.entries()].sort((a, b) => a[1] - b[1]).slice(0, map.size - MAX_REMEMBERED_BATCHES * 0.9);
		for (const [k] of oldest) map.delete(k);
	}
}
