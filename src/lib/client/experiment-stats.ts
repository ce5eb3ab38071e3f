// Per-experiment run counts and last activity for the experiments page, from `GET /api/experiments/<id>/runs`
// (one HTTP read per experiment instead of a WebSocket per `exp/<id>` document), cached in localStorage so the
// page shows the last known figures at once, and offline.

export interface ExperimentStats {
	/** Active (not deleted) runs. */
	runs: number;
	/** Active runs still RUNNING. */
	running: number;
	/** Latest of any run's start, end or last metric timestamp; ms since the epoch, 0 when there are no runs. */
	lastActivity: number;
	/** When these figures were read, ms since the epoch. */
	readAt: number;
}

/** The fields of the API's run JSON these figures need (metric timestamps may be JSON numbers or strings). */
interface RunJson {
	status?: unknown;
	lifecycle?: unknown;
	start_time?: unknown;
	end_time?: unknown;
	metrics?: unknown;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Figures from an API answer `{runs: [...]}`; anything malformed counts as nothing rather than failing. */
export function readExperimentStats(body: unknown, readAt: number): ExperimentStats {
	const runs = body && typeof body === 'object' && Array.isArray((body as { runs?: unknown }).runs) ? ((body as { runs: RunJson[] }).runs) : [];
	const stats: ExperimentStats = { runs: 0, running: 0, lastActivity: 0, readAt };
	for (const r of runs) {
		if (!r || typeof r !== 'object' || r.lifecycle === 'deleted') continue;
		stats.runs++;
		if (r.status === 'RUNNING') stats.running++;
		let last = Math.max(num(r.start_time), num(r.end_time));
		if (r.metrics && typeof r.metrics === 'object') {
			for (const m of Object.values(r.metrics as Record<string, { timestamp?: unknown }>)) last = Math.max(last, num(m?.timestamp));
		}
		stats.lastActivity = Math.max(stats.lastActivity, last);
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
