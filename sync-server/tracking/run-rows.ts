// An experiment's run rows kept current incrementally: observeRunChanges names the runs each write touched and only
// those are read again, so listing or searching a 10,000-run experiment while its runs log stays cheap. Once both of
// its documents are unloaded (idle), the rows are kept, frozen, without the documents: nothing can change them until
// a document loads again, so a first visit after a quiet spell reads them without loading 10,000 runs.
import type * as Y from 'yjs';
import { readRun, readRuns } from '../../src/lib/core/docs/experiment';
import { readMetricSummaries } from '../../src/lib/core/docs/live';
import { observeRunChanges } from '../../src/lib/core/docs/run-changes';
import type { RunRow } from '../../src/lib/core/run-row';
import { docNames } from '../../src/lib/core/schema';

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

/** Experiments whose rows stay frozen after their documents unloaded; the least recently frozen go first. */
const MAX_FROZEN = 8;
const EXPERIMENT_DOC = /^exp\/([^/]+)(\/live)?$/;

/** The relay's room events, from which the cache learns which documents are loaded. */
export interface RoomEvents {
	on(event: 'room-loaded' | 'room-unloaded', fn: (name: unknown) => void): () => void;
}

export function createRunRowCache(rooms?: RoomEvents) {
	const byExperiment = new Map<string, Rows>();
	const frozen = new Map<string, readonly RunRow[]>();
	/** Experiment documents loaded now (exp/<id> and exp/<id>/live names). */
	const loaded = new Set<string>();

	rooms?.on('room-loaded', (name) => {
		const id = EXPERIMENT_DOC.exec(String(name))?.[1];
		if (id === undefined) return;
		loaded.add(String(name));
		frozen.delete(id); // from now on the documents are read (and observed) again
	});
	rooms?.on('room-unloaded', (name) => {
		const id = EXPERIMENT_DOC.exec(String(name))?.[1];
		if (id === undefined) return;
		loaded.delete(String(name));
		if (loaded.has(docNames.experiment(id)) || loaded.has(docNames.live(id))) return;
		const e = byExperiment.get(id);
		if (!e) return;
		e.stop();
		byExperiment.delete(id);
		// Changes observed but not read yet (a write just before unloading) leave nothing to freeze.
		if (e.dirty.size > 0) return;
		frozen.set(id, e.rows);
		for (const old of [...frozen.keys()].slice(0, Math.max(0, frozen.size - MAX_FROZEN))) frozen.delete(old);
	});

	function readAll(experimentId: string, exp: Y.Doc, live: Y.Doc): Rows {
		const dirty = new Set<string>();
		const stop = observeRunChanges(exp, live, (ids) => ids.forEach((id) => dirty.add(id)));
		const rows = readRuns(exp, experimentId, (runId) => readMetricSummaries(live, runId));
		return { exp, live, rows, index: new Map(rows.map((r, i) => [r.run_id, i])), dirty, stop };
	}

	return {
		/** The rows of an experiment whose documents have not loaded since they were read, or null. Read-only. */
		readFrozen(experimentId: string): readonly RunRow[] | null {
			return frozen.get(experimentId) ?? null;
		},
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
