// Per-experiment run counts and last activity for the experiments page, as `GET /api/experiments` reports them
// (the server counts; no runs travel), cached in localStorage so the page shows the last known figures at once,
// and offline.
import type { ListedExperiment, ListExperimentsAnswer, UncheckedJson } from '../core/api/native';

export interface ExperimentStats {
	/** Active (not deleted) runs. */
	runs: number;
	/** Active runs still RUNNING. */
	running: number;
	/** Latest of any active run's start, end or last metric timestamp; ms since the epoch, 0 when there are no runs. */
	lastActivity: number;
	/** When these figures were read, ms since the epoch. */
	readAt: number;
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

/**
 * Figures by experiment id from an API answer `{experiments: [{experiment_id, run_count, running_count,
 * last_activity}, ...]}`; an entry without a valid `run_count` is left out (not counted) rather than failing.
 */
export function readExperimentStats(body: unknown, readAt: number): Record<string, ExperimentStats> {
	const list = body && typeof body === 'object' ? (body as UncheckedJson<ListExperimentsAnswer>).experiments : undefined;
	const stats: Record<string, ExperimentStats> = {};
	if (!Array.isArray(list)) return stats;
	for (const e of list as UncheckedJson<ListedExperiment>[]) {
		const runs = count(e?.run_count);
		if (runs === null || typeof e.experiment_id !== 'string') continue;
		stats[e.experiment_id] = { runs, running: count(e.running_count) ?? 0, lastActivity: count(e.last_activity) ?? 0, readAt };
	}
	return stats;
}

const STORAGE_KEY = 'tandem:experiment-stats';

/** The cached figures (empty when storage is unavailable or holds something else). */
export function loadCachedStats(): Record<string, ExperimentStats> {
	try {
		const v: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
		return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, ExperimentStats>) : {};
	} catch {
		return {};
	}
}

export function saveCachedStats(stats: Record<string, ExperimentStats>): void {
	try {
		localStorage.setItem(STORAGE_KEY, JSON.stringify(stats));
	} catch {
		// a full or blocked storage only costs the cache
	}
}
