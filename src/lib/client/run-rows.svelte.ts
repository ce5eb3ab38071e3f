// Every run of one experiment as rows (deleted ones included), kept current incrementally: after the first read,
// only the runs a change touched are re-read, at most once per frame, so a live run logging into a 10,000-run
// experiment costs a few rows per frame. Rows are painted from `exp/<id>` first; the live summaries document is
// opened after that paint and merged into the rows as it loads. Until the documents hold runs, a first screen given
// by the page (remembered, or the server's) shows. Also the table's edits on the local doc.
import { untrack } from 'svelte';
import type * as Y from 'yjs';
import { docNames, type Lifecycle } from '$lib/core/schema';
import { updateRun } from '$lib/core/docs/experiment';
import { observeMetricSummaries, readMetricSummaries } from '$lib/core/docs/live';
import { observeRunHeaderChanges } from '$lib/core/docs/run-changes';
import { readRunTableRow, readRunTableRows } from '$lib/core/docs/run-table-read';
import type { RunRow } from '$lib/core/run-row';
import { openDocument, type DocumentHandle } from './documents';
import { readColumnKeys, type ColumnKeys } from './columns';
import { measureFirstScreen, measureSinceToPaint, PERF } from './perf';

export interface RunRowsView {
	/** Every run, in document order; unchanged runs keep their object identity across updates. */
	readonly rows: RunRow[];
	/** Param, tag and metric keys seen in `rows` (a key whose last use went away stays until the next full read). */
	readonly keys: ColumnKeys;
	/** The experiment document's IndexedDB copy has been applied (offline rows are showing; summaries follow). */
	readonly loaded: boolean;
	/** `rows` are a first screen (remembered or the server's, see first-screen.ts), shown until the documents are read. */
	readonly provisional: boolean;
	/** Both documents (runs and live summaries) have synced with the relay since the view opened them. */
	readonly synced: boolean;
	/** Sets the lifecycle of runs on the local document (merges with the server when online). */
	setLifecycle(runIds: readonly string[], lifecycle: Lifecycle): void;
	/** Adds or changes tags (`set`) and removes tags (`remove`) on one run. */
	editTags(runId: string, set: Record<string, string>, remove: readonly string[]): void;
}

const EMPTY_KEYS: ColumnKeys = { params: [], tags: [], metrics: [] };
const nextFrame = (fn: () => void) => requestAnimationFrame(fn);
/** Runs `fn` just after the next paint (a task queued from a rAF callback). */
const afterPaint = (fn: () => void) => requestAnimationFrame(() => setTimeout(fn));
const isEmpty = (rec: object) => Object.keys(rec).length === 0;
/** The first view of a page load measures from navigation start; later ones (in-app navigations) from their opening. */
let pageLoadMeasured = false;

/**
 * Rows to show until the documents are read: at once, or when the promise settles if the documents have neither
 * runs nor synced by then.
 */
export type InitialRows = RunRow[] | Promise<RunRow[] | null> | null;

/**
 * Call while a component initialises; `experimentId` may read reactive state (a change reopens the documents).
 * `initial` may give rows to show until the documents are read (a first screen). `summariesAtOnce` true: the page
 * needs the metric summaries as soon as the runs (the chart workspace), not after the rows' first paint.
 */
export function createRunRowsView(
	experimentId: () => string | null,
	initial?: (experimentId: string) => InitialRows,
	summariesAtOnce?: () => boolean
): RunRowsView {
	let rows = $state.raw<RunRow[]>([]);
	let keys = $state.raw<ColumnKeys>(EMPTY_KEYS);
	let loaded = $state(false);
	let provisional = $state(false);
	let synced = $state(false);
	let expDoc: Y.Doc | null = null;
	// A first screen given at once shows from the first render: when the server renders the page (where effects do
	// not run) and in the browser hydrating it, so both render the same rows.
	const startId = untrack(experimentId);
	let given: { id: string; first: InitialRows } | null = startId === null || !initial ? null : { id: startId, first: initial(startId) };
	if (Array.isArray(given?.first) && given.first.length > 0) {
		rows = given.first;
		keys = readColumnKeys(rows);
		provisional = true;
	}

	$effect(() => {
		const id = experimentId();
		const reused = given?.id === id ? given : null;
		given = null;
		const kept = reused !== null && untrack(() => provisional);
		if (!kept) {
			rows = [];
			keys = EMPTY_KEYS;
			provisional = false;
		}
		loaded = synced = false;
		if (id === null) return;
		const pageStart = pageLoadMeasured ? performance.now() : 0;
		pageLoadMeasured = true;
		let firstRowsMeasured = false;
		let firstScreenMeasured = false;
		/** The experiment document has synced with the relay: an empty read now means no runs, not "not yet". */
		let expSynced = false;
		const exp = untrack(() => openDocument(docNames.experiment(id)));
		expDoc = exp.doc;
		let live: DocumentHandle | null = null;
		let stopLive = () => {};
		let open = true;
		let position = new Map<string, number>();
		/** Runs whose header, params or tags changed (re-read whole), and runs whose summaries changed (merged). */
		let dirty = new Set<string>();
		let metricsDirty = new Set<string>();
		let scheduled = false;
		let resolveLiveSynced: () => void;
		const liveSynced = new Promise<void>((resolve) => (resolveLiveSynced = resolve));

		const schedule = () => {
			if (scheduled) return;
			scheduled = true;
			nextFrame(readDirty);
		};
		/** Opens the live summaries document (once): after the first rows are painted, or once `exp` synced. */
		const openLive = () => {
			if (live || !open) return;
			live = untrack(() => openDocument(docNames.live(id)));
			stopLive = observeMetricSummaries(live.doc, (ids) => {
				for (const runId of ids) metricsDirty.add(runId);
				schedule();
			});
			// A document still open from an earlier view already holds summaries (the observer reports only changes).
			for (const runId of position.keys()) metricsDirty.add(runId);
			schedule();
			void live.synced.then(resolveLiveSynced);
		};

		const readAll = () => {
			const all = readRunTableRows(exp.doc, live?.doc ?? null, id);
			// An empty IndexedDB copy (a first visit) says nothing yet: the first screen stays until the relay's runs.
			if (provisional && all.length === 0 && !expSynced) return;
			provisional = false;
			position = new Map(all.map((r, i) => [r.run_id, i]));
			dirty = new Set();
			metricsDirty = new Set();
			rows = all;
			keys = readColumnKeys(all);
			if (!firstRowsMeasured && all.length > 0) {
				firstRowsMeasured = true;
				measureSinceToPaint(PERF.firstRows, pageStart);
				if (!firstScreenMeasured) measureFirstScreen(pageStart);
				firstScreenMeasured = true;
				afterPaint(openLive);
			}
		};
		const readDirty = () => {
			scheduled = false;
			if (!open || (dirty.size === 0 && metricsDirty.size === 0 && !provisional)) return;
			// Re-reading a quarter of the runs one by one costs about as much as one full read.
			if (provisional || dirty.size > rows.length / 4) return readAll();
			const next = rows.slice();
			const changed: RunRow[] = [];
			for (const runId of dirty) {
				metricsDirty.delete(runId);
				const row = readRunTableRow(exp.doc, live?.doc ?? null, id, runId);
				const at = position.get(runId);
				if (row && at !== undefined) next[at] = row;
				else if (row) position.set(runId, next.push(row) - 1);
				else if (at !== undefined) {
					next.splice(at, 1);
					position = new Map(next.map((r, i) => [r.run_id, i]));
				}
				if (row) changed.push(row);
			}
			// Summaries only: the header, params and tags are unchanged, so the row keeps them and takes new metrics.
			for (const runId of metricsDirty) {
				const at = position.get(runId);
				if (at === undefined || !live) continue; // no header yet: read whole when it arrives
				const metrics = readMetricSummaries(live.doc, runId);
				if (isEmpty(metrics) && isEmpty(next[at].metrics)) continue;
				next[at] = { ...next[at], metrics };
				changed.push(next[at]);
			}
			dirty = new Set();
			metricsDirty = new Set();
			rows = next;
			// New keys (a metric logged for the first time) add columns; most updates only change values. When most
			// rows changed (the live summaries arriving), reading the keys of all of them once is cheaper than twice.
			if (changed.length > next.length / 4) {
				keys = readColumnKeys(next);
				return;
			}
			const added = readColumnKeys(changed);
			const isNew = (have: string[], seen: string[]) => seen.some((k) => !have.includes(k));
			if (isNew(keys.params, added.params) || isNew(keys.tags, added.tags) || isNew(keys.metrics, added.metrics)) {
				keys = readColumnKeys(next);
			}
		};
		const stopHeaders = observeRunHeaderChanges(exp.doc, (ids) => {
			for (const runId of ids) dirty.add(runId);
			schedule();
		});
		const showFirstScreen = (screen: RunRow[] | null) => {
			if (!open || !screen || screen.length === 0 || rows.length > 0 || expSynced) return;
			rows = screen;
			keys = readColumnKeys(screen);
			provisional = true;
			firstScreenMeasured = true;
			measureFirstScreen(pageStart);
		};
		// Untracked: what these read ($state) must not re-run the effect.
		untrack(() => {
			readAll();
			if (kept && !firstScreenMeasured) {
				firstScreenMeasured = true;
				measureFirstScreen(pageStart);
			}
			const first = rows.length === 0 && !kept ? (reused ? reused.first : (initial?.(id) ?? null)) : null;
			if (first instanceof Promise) void first.then(showFirstScreen);
			else showFirstScreen(first);
		});
		if (summariesAtOnce && untrack(summariesAtOnce)) openLive();
		void exp.local.then(() => {
			if (!open) return;
			// What IndexedDB held is showing (the live summaries follow once it is painted).
			loaded = true;
			if (dirty.size > 0 || provisional) readDirty();
		});
		void exp.synced.then(() => {
			expSynced = true;
			if (provisional) schedule(); // the runs replace the first screen (or, if there are none now, clear it)
			afterPaint(openLive);
		});
		void Promise.all([exp.synced, liveSynced]).then(() => {
			if (!open) return;
			performance.mark(PERF.runsLoaded);
			// The rows the sync changed are read in the next frame (the observers scheduled it); `synced` is set in
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
			stopHeaders();
			stopLive();
			expDoc = null;
			exp.release();
			live?.release();
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
		get provisional() {
			return provisional;
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
