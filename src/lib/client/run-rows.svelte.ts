// Every run of one experiment as rows (deleted ones included), kept current incrementally: after the first read,
// only the runs a change touched are re-read (observeRunChanges), at most once per frame, so a live run logging
// into a 10,000-run experiment costs a few rows per frame, not a full re-read. Also the table's edits on the local doc.
import { untrack } from 'svelte';
import type * as Y from 'yjs';
import { docNames, type Lifecycle } from '$lib/core/schema';
import { updateRun } from '$lib/core/docs/experiment';
import { observeRunChanges } from '$lib/core/docs/run-changes';
import { readRunTableRow, readRunTableRows } from '$lib/core/docs/run-table-read';
import type { RunRow } from '$lib/core/run-row';
import { openDocument } from './documents';
import { readColumnKeys, type ColumnKeys } from './columns';
import { measureSinceToPaint, PERF } from './perf';

export interface RunRowsView {
	/** Every run, in document order; unchanged runs keep their object identity across updates. */
	readonly rows: RunRow[];
	/** Param, tag and metric keys seen in `rows` (a key whose last use went away stays until the next full read). */
	readonly keys: ColumnKeys;
	/** The documents' IndexedDB copies have been applied (offline data is showing). */
	readonly loaded: boolean;
	/** Both documents have synced with the relay since the view opened them. */
	readonly synced: boolean;
	/** Sets the lifecycle of runs on the local document (merges with the server when online). */
	setLifecycle(runIds: readonly string[], lifecycle: Lifecycle): void;
	/** Adds or changes tags (`set`) and removes tags (`remove`) on one run. */
	editTags(runId: string, set: Record<string, string>, remove: readonly string[]): void;
}

const EMPTY_KEYS: ColumnKeys = { params: [], tags: [], metrics: [] };
const nextFrame = (fn: () => void) => requestAnimationFrame(fn);
/** The first view of a page load measures from navigation start; later ones (in-app navigations) from their opening. */
let pageLoadMeasured = false;

/** Call while a component initialises; `experimentId` may read reactive state (a change reopens the documents). */
export function createRunRowsView(experimentId: () => string | null): RunRowsView {
	let rows = $state.raw<RunRow[]>([]);
	let keys = $state.raw<ColumnKeys>(EMPTY_KEYS);
	let loaded = $state(false);
	let synced = $state(false);
	let expDoc: Y.Doc | null = null;

	$effect(() => {
		const id = experimentId();
		rows = [];
		keys = EMPTY_KEYS;
		loaded = synced = false;
		if (id === null) return;
		const pageStart = pageLoadMeasured ? performance.now() : 0;
		pageLoadMeasured = true;
		let firstRowsMeasured = false;
		const [exp, live] = untrack(() => [openDocument(docNames.experiment(id)), openDocument(docNames.live(id))]);
		expDoc = exp.doc;
		let open = true;
		let position = new Map<string, number>();
		let dirty = new Set<string>();
		let scheduled = false;

		const readAll = () => {
			const all = readRunTableRows(exp.doc, live.doc, id);
			position = new Map(all.map((r, i) => [r.run_id, i]));
			dirty = new Set();
			rows = all;
			keys = readColumnKeys(all);
			if (!firstRowsMeasured && all.length > 0) {
				firstRowsMeasured = true;
				measureSinceToPaint(PERF.firstRows, pageStart);
			}
		};
		const readDirty = () => {
			scheduled = false;
			if (!open || dirty.size === 0) return;
			// Re-reading a quarter of the runs one by one costs about as much as one full read.
			if (dirty.size > rows.length / 4) return readAll();
			const next = rows.slice();
			const changed: RunRow[] = [];
			for (const runId of dirty) {
				const row = readRunTableRow(exp.doc, live.doc, id, runId);
				const at = position.get(runId);
				if (row && at !== undefined) next[at] = row;
				else if (row) position.set(runId, next.push(row) - 1);
				else if (at !== undefined) {
					next.splice(at, 1);
					position = new Map(next.map((r, i) => [r.run_id, i]));
				}
				if (row) changed.push(row);
			}
			dirty = new Set();
			rows = next;
			// New keys (a metric logged for the first time) add columns; most updates only change values.
			const added = readColumnKeys(changed);
			const isNew = (have: string[], seen: string[]) => seen.some((k) => !have.includes(k));
			if (isNew(keys.params, added.params) || isNew(keys.tags, added.tags) || isNew(keys.metrics, added.metrics)) {
				keys = readColumnKeys(next);
			}
		};
		const stop = observeRunChanges(exp.doc, live.doc, (ids) => {
			for (const runId of ids) dirty.add(runId);
			if (!scheduled) {
				scheduled = true;
				nextFrame(readDirty);
			}
		});
		readAll();
		void Promise.all([exp.local, live.local]).then(() => {
			if (!open) return;
			loaded = true;
			if (dirty.size > 0) readDirty();
		});
		void Promise.all([exp.synced, live.synced]).then(() => {
			if (!open) return;
			performance.mark(PERF.runsLoaded);
			// The rows the sync changed are read in the next frame (observeRunChanges scheduled it); `synced` is set in
			// that frame too, so the page never shows "no runs" in between. Measured just after that frame's paint.
			requestAnimationFrame(() => {
				if (!open) return;
				synced = true;
				setTimeout(() => {
					performance.measure(PERF.firstRender, PERF.runsLoaded);
					performance.measure(PERF.runsComplete, { start: pageStart });
				});
			});
		});
		return () => {
			open = false;
			stop();
			expDoc = null;
			exp.release();
			live.release();
		};
	});

	return {
		get rows() {
			return rows;
		},
		get keys() {
			return keys;
		},
		get loaded() {
			return loaded;
		},
		get synced() {
			return synced;
		},
		setLifecycle(runIds, lifecycle) {
			const doc = expDoc;
			if (!doc) return;
			// One transaction: one update to store and send, however many runs.
			doc.transact(() => {
				for (const runId of runIds) updateRun(doc, runId, { lifecycle });
			});
		},
		editTags(runId, set, remove) {
			if (expDoc) updateRun(expDoc, runId, { tags: set, deleteTags: [...remove] });
		}
	};
}
