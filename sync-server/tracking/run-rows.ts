// An experiment's run rows kept current incrementally: observeRunChanges names the runs each write touched and only
// those are read again, so listing or searching a 10,000-run experiment while its runs log stays cheap. Once both of
// its documents are unloaded (idle), the rows are kept, frozen, without the documents: nothing here can change them
// until a document loads again, so a first visit after a quiet spell reads them without loading 10,000 runs; and when
// one does load, they hold for it until it changes. Another instance's write (the relay's 'doc-changed') or a missed
// one ('resync') thaws them: they are dropped.
import * as Y from 'yjs';
import { readRun, readRuns } from '../../src/lib/core/docs/experiment';
import { readMetricSummaries } from '../../src/lib/core/docs/live';
import { observeRunChanges } from '../../src/lib/core/docs/run-changes';
import type { RunRow } from '../../src/lib/core/run-row';
import { docNames } from '../../src/lib/core/schema';
import { isRunId } from '../../src/lib/core/ids';

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
/** The experiment whose `exp/<id>` or `exp/<id>/live` document `name` is, else undefined. */
const experimentOf = (name: string) => EXPERIMENT_DOC.exec(name)?.[1];

/**
 * The relay's room events, from which the cache learns which documents are loaded (and, loading, as what), and, with
 * several instances, which documents another instance wrote ('doc-changed') or that writes may have been missed ('resync').
 */
export interface RoomEvents {
	on(event: 'room-loaded' | 'room-unloaded' | 'doc-changed' | 'resync', fn: (name: unknown, doc?: unknown) => void): () => void;
}

/** A document loaded while its experiment's rows were frozen, and whether it has had an update since. */
interface Loaded {
	doc: Y.Doc;
	changed: boolean;
	stop: () => void;
}

function watchLoaded(doc: Y.Doc): Loaded {
	const onUpdate = () => {
		at.changed = true;
		at.stop();
	};
	const at: Loaded = { doc, changed: false, stop: () => doc.off('update', onUpdate) };
	doc.on('update', onUpdate);
	return at;
}

export function createRunRowCache(rooms?: RoomEvents) {
	const byExperiment = new Map<string, Rows>();
	const frozen = new Map<string, readonly RunRow[]>();
	/** run id → row of frozen rows, built on the first single-run read */
	const frozenIndexes = new WeakMap<readonly RunRow[], Map<string, RunRow>>();
	/** Experiment documents loaded now (exp/<id> and exp/<id>/live names), watched for changes if their rows are frozen. */
	const loaded = new Map<string, Loaded | null>();

	rooms?.on('room-loaded', (name, doc) => {
		const id = experimentOf(String(name));
		if (id === undefined) return;
		// The frozen rows still hold for the loaded documents until they change (see thaw).
		loaded.set(String(name), frozen.has(id) && doc instanceof Y.Doc ? watchLoaded(doc) : null);
	});
	rooms?.on('doc-changed', (name) => {
		const id = experimentOf(String(name));
		if (id !== undefined) frozen.delete(id);
	});
	rooms?.on('resync', () => frozen.clear());
	rooms?.on('room-unloaded', (name) => {
		const id = experimentOf(String(name));
		if (id === undefined) return;
		loaded.get(String(name))?.stop();
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

	/**
	 * The frozen rows of an experiment whose documents loaded again, made current: kept (and observed from now on)
	 * when both documents are the ones loaded and unchanged since, else dropped. Null when there were none.
	 */
	function thaw(experimentId: string, exp: Y.Doc, live: Y.Doc): Rows | null {
		const rows = frozen.get(experimentId);
		if (!rows) return null;
		frozen.delete(experimentId);
		const unchanged = (name: string, doc: Y.Doc) => {
			const at = loaded.get(name);
			at?.stop();
			return !!at && at.doc === doc && !at.changed;
		};
		const kept = [unchanged(docNames.experiment(experimentId), exp), unchanged(docNames.live(experimentId), live)];
		return kept[0] && kept[1] ? track(exp, live, rows as RunRow[]) : null;
	}

	/** An entry for `rows` as read from `exp` and `live`, whose changes are noted from now on. */
	function track(exp: Y.Doc, live: Y.Doc, rows: RunRow[]): Rows {
		const dirty = new Set<string>();
		const stop = observeRunChanges(exp, live, (ids) => ids.forEach((id) => dirty.add(id)));
		return { exp, live, rows, index: new Map(rows.map((r, i) => [r.run_id, i])), dirty, stop };
	}

	/** Every run of the experiment; entries under keys that are not run ids (a peer may write any) are no runs. */
	function readAll(experimentId: string, exp: Y.Doc, live: Y.Doc): Rows {
		return track(exp, live, readRuns(exp, experimentId, (runId) => readMetricSummaries(live, runId)).filter((r) => isRunId(r.run_id)));
	}

	return {
		/** The rows of an experiment whose documents have not loaded since they were read, or null. Read-only. */
		readFrozen(experimentId: string): readonly RunRow[] | null {
			if (loaded.has(docNames.experiment(experimentId)) || loaded.has(docNames.live(experimentId))) return null;
			return frozen.get(experimentId) ?? null;
		},
		/**
		 * One run's frozen row (null: the frozen rows have no such run), or undefined when the experiment's rows are
		 * not frozen: reading one run of an idle 10,000-run experiment need not load its documents (a second's work).
		 */
		readFrozenRow(experimentId: string, runId: string): RunRow | null | undefined {
			const rows = this.readFrozen(experimentId);
			if (!rows) return undefined;
			let index = frozenIndexes.get(rows);
			if (!index) frozenIndexes.set(rows, (index = new Map(rows.map((r) => [r.run_id, r]))));
			return index.get(runId) ?? null;
		},
		/**
		 * Every run of the experiment with its metric summaries, as `readRuns` reads them. The same array comes back
		 * until a run changes; then a new array in which only the changed runs are new objects. Read-only.
		 */
		read(experimentId: string, exp: Y.Doc, live: Y.Doc): readonly RunRow[] {
			let e = byExperiment.get(experimentId);
			if (!e || e.exp !== exp || e.live !== live) {
				e?.stop();
				e = thaw(experimentId, exp, live) ?? readAll(experimentId, exp, live);
				byExperiment.set(experimentId, e);
				return e.rows;
			}
			if (e.dirty.size === 0) return e.rows;
			const rows = e.rows.slice();
			for (const runId of e.dirty) {
				const row = isRunId(runId) ? readRun(exp, experimentId, runId, readMetricSummaries(live, runId)) : null;
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
