// The compared runs' rows, live: read from their experiments' documents (`exp/<id>` + `exp/<id>/live`), re-read at
// most once per frame while those change. The experiment comes from the URL's `exp` when it holds the run; any other
// run is located through its own `run/<runId>` document (readRunExperiment), so a comparison may span experiments.
import { untrack } from 'svelte';
import { docNames } from '$lib/core/schema';
import { readRunExperiment } from '$lib/core/docs/run';
import { readRunTableRow } from '$lib/core/docs/run-table-read';
import type { RunRow } from '$lib/core/run-row';
import { openDocument, readDocumentStore, type DocumentHandle } from './documents';
import { watchDocs } from './watch';

export interface CompareKey {
	runIds: readonly string[];
	/** The experiment to look in first (the runs table's link names it); null = locate every run. */
	experimentId: string | null;
}

export interface CompareView {
	/** The runs found so far, in the requested order (a run not found yet is left out). */
	readonly runs: RunRow[];
	/** Requested runs known not to exist here (filled once the documents that would hold them have settled). */
	readonly missing: string[];
	/** Every requested run is found or known missing. */
	readonly settled: boolean;
}

/** Run documents opened at once to locate runs (each holds a WebSocket while open; see MAX_LIVE_PROVIDERS). */
const LOCATE_CONCURRENCY = 6;

/**
 * Resolves once `h` has synced with the relay, or once its local copy is loaded while the page is offline (then
 * the local copy is all there is).
 */
function whenSettled(h: DocumentHandle): Promise<void> {
	const store = readDocumentStore();
	return new Promise((resolve) => {
		let local = false;
		let off = () => {};
		const done = () => {
			off();
			resolve();
		};
		const check = () => {
			if (local && store.readConnection() === 'offline') done();
		};
		off = store.subscribeConnection(check);
		void h.synced.then(done);
		void h.local.then(() => {
			local = true;
			check();
		});
	});
}

interface OpenExperiment {
	exp: DocumentHandle;
	live: DocumentHandle;
	settled: Promise<void>;
	stop(): void;
}

/** Call while a component initialises; `key` may read reactive state (a change reopens the documents). */
export function createCompareView(key: () => CompareKey): CompareView {
	let runs = $state.raw<RunRow[]>([]);
	let missing = $state.raw<string[]>([]);
	let settled = $state(false);
	// Compared by value: a new array with the same ids must not reopen everything.
	const identity = $derived.by(() => {
		const k = key();
		return JSON.stringify([k.runIds, k.experimentId]);
	});

	$effect(() => {
		const [runIds, hint] = JSON.parse(identity) as [string[], string | null];
		untrack(() => {
			runs = [];
			missing = [];
			settled = runIds.length === 0;
		});
		if (runIds.length === 0) return;
		let open = true;
		const experiments = new Map<string, OpenExperiment>();
		/** runId → experiment id, once found. */
		const where = new Map<string, string>();
		const absent = new Set<string>();

		const read = () => {
			if (!open) return;
			const found: RunRow[] = [];
			for (const runId of runIds) {
				const at = where.get(runId);
				const candidates = at !== undefined ? [at] : [...experiments.keys()];
				for (const expId of candidates) {
					const e = experiments.get(expId);
					const row = e ? readRunTableRow(e.exp.doc, e.live.doc, expId, runId) : null;
					if (row) {
						where.set(runId, expId);
						found.push(row);
						break;
					}
				}
			}
			runs = found;
		};

		const openExperiment = (expId: string): OpenExperiment => {
			const had = experiments.get(expId);
			if (had) return had;
			const exp = openDocument(docNames.experiment(expId));
			const live = openDocument(docNames.live(expId));
			const stop = watchDocs([exp.doc, live.doc], read);
			const e: OpenExperiment = { exp, live, settled: Promise.all([whenSettled(exp), whenSettled(live)]).then(() => undefined), stop };
			experiments.set(expId, e);
			void exp.local.then(read);
			return e;
		};

		/** Finds the experiment of a run the hinted experiment does not hold, through the run's own document. */
		const locate = async (runId: string): Promise<void> => {
			const h = openDocument(docNames.run(runId));
			try {
				await h.local;
				if (open && readRunExperiment(h.doc) === null) await whenSettled(h);
				const expId = open ? readRunExperiment(h.doc) : null;
				if (!open) return;
				if (expId === null) {
					absent.add(runId);
					return;
				}
				const e = openExperiment(expId);
				await e.settled;
				read();
				if (!where.has(runId)) absent.add(runId);
			} finally {
				h.release();
			}
		};

		const run = async () => {
			if (hint !== null) {
				await openExperiment(hint).settled;
				read();
			}
			const queue = runIds.filter((id) => !where.has(id));
			const worker = async () => {
				for (let id = queue.shift(); id !== undefined && open; id = queue.shift()) await locate(id);
			};
			await Promise.all(Array.from({ length: Math.min(LOCATE_CONCURRENCY, queue.length) }, worker));
			if (!open) return;
			read();
			missing = runIds.filter((id) => absent.has(id) && !where.has(id));
			settled = true;
		};
		void run();

		return () => {
			open = false;
			for (const e of experiments.values()) {
				e.stop();
				e.exp.release();
				e.live.release();
			}
		};
	});

	return {
		get runs() {
			return runs;
		},
		get missing() {
			return missing;
		},
		get settled() {
			return settled;
		}
	};
}
