// Bulk reads of an experiment's runs for the runs table: the same rows as readRuns + readMetricSummaries, built
// with one toJSON per params/tags map, and with live summaries used as stored when they are plain numbers (no copy).
// About three times faster on 10,000 runs × 50 columns, which is most of the table's first render.
import * as Y from 'yjs';
import { KEYS, RUN_FIELDS as F, RUN_STATUSES, type RunStatus } from '../schema';
import type { MetricSummary, RunRow } from '../run-row';
import { decodeSummary } from '../series/summary';

/** A nested Y.Map<string> as a plain record, like readStringMap, via one toJSON. */
function readStrings(m: unknown): Record<string, string> {
	if (!(m instanceof Y.Map)) return {};
	const rec = m.toJSON() as Record<string, unknown>;
	for (const k in rec) {
		// Peers may write anything: keep only strings (rare; copy only then).
		if (typeof rec[k] !== 'string') return Object.fromEntries(Object.entries(rec).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
	}
	return rec as Record<string, string>;
}

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

/**
 * A run's summaries from the live document's stored value. Summaries stored as plain numbers are returned as
 * stored (shared with the document: read-only); others (NaN and ±∞ travel as strings) are decoded.
 */
function readSummaries(raw: unknown): Record<string, MetricSummary> {
	if (!raw || typeof raw !== 'object') return {};
	const rec = raw as Record<string, unknown>;
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

function readRow(experimentId: string, runId: string, header: Y.Map<unknown>, rawMetrics: unknown): RunRow {
	const str = (v: unknown) => (typeof v === 'string' ? v : '');
	const status = str(header.get(F.status));
	const end = header.get(F.endTime);
	const start = header.get(F.startTime);
	return {
		run_id: runId,
		experiment_id: experimentId,
		name: str(header.get(F.name)),
		status: (RUN_STATUSES as readonly string[]).includes(status) ? (status as RunStatus) : 'RUNNING',
		lifecycle: header.get(F.lifecycle) === 'deleted' ? 'deleted' : 'active',
		user: str(header.get(F.user)),
		start_time: typeof start === 'number' ? start : 0,
		end_time: typeof end === 'number' ? end : null,
		artifact_uri: str(header.get(F.artifactUri)),
		params: readStrings(header.get(F.params)),
		tags: readStrings(header.get(F.tags)),
		metrics: readSummaries(rawMetrics)
	};
}

/** Every run of the experiment as rows (what readRuns joined with readMetricSummaries gives), in document order. */
export function readRunTableRows(exp: Y.Doc, live: Y.Doc, experimentId: string): RunRow[] {
	const metrics = live.getMap(KEYS.live.metrics);
	const rows: RunRow[] = [];
	exp.getMap(KEYS.experiment.runs).forEach((m, runId) => {
		if (m instanceof Y.Map) rows.push(readRow(experimentId, runId, m, metrics.get(runId)));
	});
	return rows;
}

/** One run as readRunTableRows reads it; null if the experiment has no such run. */
export function readRunTableRow(exp: Y.Doc, live: Y.Doc, experimentId: string, runId: string): RunRow | null {
	const m = exp.getMap(KEYS.experiment.runs).get(runId);
	return m instanceof Y.Map ? readRow(experimentId, runId, m, live.getMap(KEYS.live.metrics).get(runId)) : null;
}
