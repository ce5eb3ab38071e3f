// Loads one metric series of one run into a SeriesBuffer for charting, part after part (`series/<run>/<key>@n`).
// A running run's last part streams over the relay (a live document), within a budget of sockets; everything else
// is read from IndexedDB and topped up over HTTP with only the missing bytes (batched: doc-fetch.ts).
// New points are appended to the buffer as they arrive: nothing is refetched or decoded twice.
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { docNames } from '$lib/core/schema';
import { isSeriesPartFull, observeSeriesChunks, readSeries } from '$lib/core/docs/series';
import { SeriesBuffer } from '$lib/core/series/series-buffer';
import type { SeriesColumns } from '$lib/core/chunk';
import { openDocument } from './documents';
import { fetchDocDiff } from './doc-fetch';
import { runInSlice } from './frame-budget';
import { isCachedLocally, noteCachedLocally, readDatabaseName, waitAtMost } from './idb-cache';

/** Series streamed live at once; past this a running series is polled over HTTP (each live one holds a socket). */
export const MAX_LIVE_SERIES = 16;
/** ms between HTTP top-ups of a running series that did not get a live slot. */
export const POLL_MS = 2_000;

let liveInUse = 0;

export type SeriesState = 'loading' | 'ready' | 'unavailable';

export interface SeriesSource {
	readonly buffer: SeriesBuffer;
	/** 'unavailable': nothing cached here and the server could not be reached. */
	readonly state: SeriesState;
	/** Calls `fn` after points were appended or the state changed; returns the unsubscribe function. */
	subscribe(fn: () => void): () => void;
	release(): void;
}

interface Part {
	doc: Y.Doc;
	/** Stops observing and gives the document back. */
	close(): void;
}

/** Applies what the server has and `doc` lacks; false when the server could not be reached. */
async function topUp(name: string, doc: Y.Doc): Promise<boolean> {
	try {
		const update = await fetchDocDiff(name, Y.encodeStateVector(doc));
		// A batch answers a hundred series at once: they are decoded a frame's budget at a time.
		if (update.byteLength > 2) await runInSlice(() => Y.applyUpdate(doc, update));
		return true;
	} catch {
		return false; // offline: the cached copy is all there is
	}
}

/** Runs `fn` when the page is next idle (after the chart has drawn what was just fetched). */
const whenIdle = (fn: () => void): void => {
	if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 500 });
	else setTimeout(fn, 200);
};

/**
 * A part as a local Y.Doc cached in IndexedDB. With a local copy, that copy is loaded first (the caller tops it up);
 * without one, everything is fetched at once (`fetched` says whether the server answered) and cached once the page
 * is idle: y-indexeddb stores the whole state when its database opens, so nothing fetched is lost, and storing
 * 100 series does not delay drawing them.
 */
async function openCachedPart(name: string): Promise<{ doc: Y.Doc; fetched: boolean | null; close(): void }> {
	const doc = new Y.Doc();
	const cached = await isCachedLocally(name);
	noteCachedLocally(name);
	let idb: IndexeddbPersistence | null = null;
	const persist = () => (idb ??= new IndexeddbPersistence(readDatabaseName(name), doc));
	let closed = false;
	const close = () => {
		if (closed) return;
		closed = true;
		// Whatever was fetched is stored before the doc goes (a database just opened stores the whole state once it
		// has synced); destroy() lets IndexedDB finish the writes already queued. A stuck IndexedDB is not waited for.
		const p = doc.store.clients.size > 0 ? persist() : idb;
		if (!p) return doc.destroy();
		void waitAtMost(p.whenSynced)
			.then(() => p.destroy())
			.finally(() => doc.destroy());
	};
	if (!cached) {
		const fetched = await topUp(name, doc);
		whenIdle(() => {
			if (!closed) persist();
		});
		return { doc, fetched, close };
	}
	const local = persist();
	await waitAtMost(local.whenSynced);
	return { doc, fetched: null, close };
}

/**
 * Opens the series of `key` in run `runId`. `isRunning` is read when a part opens (a running run's last part is
 * streamed live) and before each poll (polling stops once the run has ended). Release the source when done.
 */
export function openSeries(runId: string, key: string, isRunning: () => boolean): SeriesSource {
	const buffer = new SeriesBuffer();
	const listeners = new Set<() => void>();
	let state: SeriesState = 'loading';
	let closed = false;
	let holdsLiveSlot = false;
	let pollTimer: ReturnType<typeof setTimeout> | undefined;
	const parts: Part[] = [];

	const notify = () => {
		for (const fn of listeners) fn();
	};
	const onPoints = (cols: SeriesColumns) => {
		if (cols.values.length === 0) return;
		buffer.append(cols);
		notify();
	};
	const setState = (s: SeriesState) => {
		if (state === s) return;
		state = s;
		notify();
	};

	async function loadPart(part: number): Promise<void> {
		const name = docNames.series(runId, key, part);
		const running = isRunning();
		if (running && !holdsLiveSlot && liveInUse < MAX_LIVE_SERIES) {
			holdsLiveSlot = true;
			liveInUse++;
		}
		if (running && holdsLiveSlot) {
			const h = openDocument(name);
			await h.local;
			if (closed) return h.release();
			onPoints(readSeries(h.doc));
			if (buffer.length > 0) setState('ready');
			let next = false;
			const stop = observeSeriesChunks(h.doc, (cols) => {
				onPoints(cols);
				setState('ready');
				if (!next && isSeriesPartFull(h.doc)) {
					next = true;
					void loadPart(part + 1);
				}
			});
			parts.push({ doc: h.doc, close: () => (stop(), h.release()) });
			void h.synced.then(() => {
				if (!closed) setState('ready');
			});
			if (isSeriesPartFull(h.doc)) {
				next = true;
				await loadPart(part + 1);
			}
			return;
		}
		const p = await openCachedPart(name);
		if (closed) return p.close();
		onPoints(readSeries(p.doc));
		const stop = observeSeriesChunks(p.doc, onPoints);
		parts.push({ doc: p.doc, close: () => (stop(), p.close()) });
		const reached = p.fetched ?? (await topUp(name, p.doc));
		if (closed) return;
		if (isSeriesPartFull(p.doc)) return loadPart(part + 1);
		setState(reached || buffer.length > 0 ? 'ready' : 'unavailable');
		if (running) schedulePoll(name, p.doc, part);
	}

	/** Tops the part up every POLL_MS while the run runs, and once more after it ended (its final points). */
	function schedulePoll(name: string, doc: Y.Doc, part: number): void {
		pollTimer = setTimeout(async () => {
			if (closed) return;
			const stillRunning = isRunning();
			await topUp(name, doc);
			if (closed) return;
			if (isSeriesPartFull(doc)) void loadPart(part + 1);
			else if (stillRunning) schedulePoll(name, doc, part);
		}, POLL_MS);
	}

	void loadPart(0);

	return {
		buffer,
		get state() {
			return state;
		},
		subscribe(fn) {
			listeners.add(fn);
			return () => void listeners.delete(fn);
		},
		release() {
			if (closed) return;
			closed = true;
			clearTimeout(pollTimer);
			if (holdsLiveSlot) liveInUse--;
			for (const p of parts) p.close();
			listeners.clear();
		}
	};
}
