// An experiment's run rows kept current incrementally: observeRunChanges names the runs each write touched and only
// those are read again, so listing or searching a 10,000-run experiment while its runs log stays cheap.
import type * as Y from 'yjs';
import { readRun, readRuns } from '../../src/lib/core/docs/experiment';
import { readMetricSummaries } from '../../src/lib/core/docs/live';
import { observeRunChanges } from '../../src/lib/core/docs/run-changes';
import type { RunRow } from '../../src/lib/core/run-row';

interface Rows {
	exp: Y.Doc;
	live: Y.Doc;
	rows: RunRow[];
	/** run id → position in `rows` */
	index: Map<string, number>;
	/** runs changed since `rows` was read */
	dirty: Set<string>;
	stop: () => void;
}

export function createRunRowCache() {
	const byExperiment = new Map<string, Rows>();

	function readAll(experimentId: string, exp: Y.Doc, live: Y.Doc): Rows {
		const dirty = new Set<string>();
		const stop = observeRunChanges(exp, live, (ids) => ids.forEach((id) => dirty.add(id)));
		const rows = readRuns(exp, experimentId, (runId) => readMetricSummaries(live, runId));
		return { exp, live, rows, index: new Map(rows.map((r, i) => [r.run_id, i])), dirty, stop };
	}

	return {
		/**
		 * Every run of the experiment with its metric summaries, as `readRuns` reads them. The same array comes back
		 * until a run changes; then a new array in which only the changed runs are new objects. Read-only.
		 */
		read(experimentId: string, exp: Y.Doc, live: Y.Doc): readonly RunRow[] {
			let e = byExperiment.get(experimentId);
			if (!e || e.exp !== exp || e.live !== live) {
				e?.stop();
				e = readAll(experimentId, exp, live);
				byExperiment.set(experimentId, e);
				return e.rows;
			}
			if (e.dirty.size === 0) return e.rows;
			const rows = e.rows.slice();
			for (const runId of e.dirty) {
				const row = readRun(exp, experimentId, runId, readMetricSummaries(live, runId));
				const at = e.index.get(runId);
				if (row && at !== undefined) rows[at] = row;
				else if (row) e.index.set(runId, rows.push(row) - 1);
				else if (at !== undefined) {
					rows.splice(at, 1);
					e.index = new Map(rows.map((r, i) => [r.run_id, i]));
				}
			}
			e.dirty.clear();
			e.rows = rows;
			return rows;
		}
	};
}
