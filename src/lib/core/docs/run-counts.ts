// An experiment's run counts and last activity, read straight from the run headers' status, lifecycle and times
// and the live document's summary timestamps: no RunRow, params or tags are built (GET /api/experiments).
import * as Y from 'yjs';
import { KEYS, RUN_FIELDS as F, RUN_STATUSES } from '../schema';
import type { MetricSummary } from '../run-row';
import { readMetricSummaries } from './live';

export interface RunCounts {
	/** Active (not deleted) runs. */
	run_count: number;
	/** Active runs whose status is RUNNING (or unknown, which rows read as RUNNING). */
	running_count: number;
	/** Latest start, end or last-metric timestamp of any active run; ms since the epoch, 0 when there is none. */
	last_activity: number;
}

export const NO_RUNS: RunCounts = Object.freeze({ run_count: 0, running_count: 0, last_activity: 0 });

/** As rows read it (readRuns): a status this version does not know reads as RUNNING. */
const isRunning = (status: unknown) => status === 'RUNNING' || !(RUN_STATUSES as readonly unknown[]).includes(status);
const finite = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The latest `timestamp` among a run's metric summaries (non-finite ones count as 0). */
function latestMetricTime(summaries: Record<string, MetricSummary>): number {
	let latest = 0;
	for (const key in summaries) latest = Math.max(latest, finite(summaries[key].timestamp));
	return latest;
}

/** Counts the runs of `exp` (an `exp/<id>` document) with metric times from `live` (its `exp/<id>/live`). */
export function readRunCounts(exp: Y.Doc, live: Y.Doc): RunCounts {
	const counts = { ...NO_RUNS };
	exp.getMap(KEYS.experiment.runs).forEach((header, runId) => {
		if (!(header instanceof Y.Map) || header.get(F.lifecycle) === 'deleted') return;
		counts.run_count++;
		if (isRunning(header.get(F.status))) counts.running_count++;
		const last = Math.max(finite(header.get(F.startTime)), finite(header.get(F.endTime)), latestMetricTime(readMetricSummaries(live, runId)));
		if (last > counts.last_activity) counts.last_activity = last;
	});
	return counts;
}
