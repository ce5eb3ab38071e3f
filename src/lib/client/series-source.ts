// Loads one metric series of one run into a SeriesBuffer for charting, part after part (`series/<run>/<key>@n`).
// A running run's last part streams over the relay (a live document), within a budget of sockets; everything else
// is read from IndexedDB and topped up with one `GET /api/docs/<name>?sv=` that returns only the missing bytes.
// New points are appended to the buffer as they arrive: nothing is refetched or decoded twice.
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { docNames } from '$lib/core/schema';
import { isSeriesPartFull, observeSeriesChunks, readSeries } from '$lib/core/docs/series';
import { SeriesBuffer } from '$lib/core/series/series-buffer';
import type { SeriesColumns } from '$lib/core/chunk';
import { openDocument, readRoomPath } from './documents';

/** Series streamed live at once; past this a running series is polled over HTTP (each live one holds a socket). */
export const MAX_LIVE_SERIES = 16;
/** ms between HTTP top-ups of a running series that did not get a live slot. */
export const POLL_MS = 2_000;
/** ms to wait for IndexedDB before fetching anyway (a blocked IndexedDB must not stall the chart). */
const LOCAL_LOAD_TIMEOUT_MS = 3_000;

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

function toBase64(bytes: Uint8Array): string {
	let s = '';
	for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
	return btoa(s);
}

/** Applies what the server has and `doc` lacks; false when the server could not be reached. */
async function topUp(name: string, doc: Y.Doc): Promise<boolean> {
	const sv = encodeURIComponent(toBase64(Y.encodeStateVector(doc)));
	try {
		const res = await fetch(`/api/docs/${readRoomPath(name)}?sv=${sv}`);
		if (!res.ok) return false;
		const update = new Uint8Array(await res.arrayBuffer());
		if (update.byteLength > 2) Y.applyUpdate(doc, update);
		return true;
	} catch {
		return false; // offline: the cached copy is all there is
	}
}

/** A part as a local Y.Doc cached in IndexedDB, read once from cache and then topped up over HTTP. */
async function openCachedPart(name: string): Promise<{ doc: Y.Doc; close(): void }> {
	const doc = new Y.Doc();
	const idb = new IndexeddbPersistence(`tandem:${name}`, doc);
	let timer: ReturnType<typeof setTimeout> | undefined;
	await Promise.race([idb.whenSynced, new Promise((r) => (timer = setTimeout(r, LOCAL_LOAD_TIMEOUT_MS)))]);
	clearTimeout(timer);
	return {
		doc,
		close() {
			// close() lets IndexedDB finish the writes already queued for the updates just applied.
			void idb.destroy().finally(() => doc.destroy());
		}
	};
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
		const reached = await topUp(name, p.doc);
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
