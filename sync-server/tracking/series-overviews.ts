// The server's in-memory series overviews (core/series/overview.ts), one per `run/key`, kept up to date as points are
// logged (runs.log is the one place every API's points land) so a chart workspace's hundreds of series answer without
// reading their documents. Bounded by bytes, least recently used dropped first; a series not held is read from its
// documents on first request and kept. With several instances, a series another instance logged to (the relay's
// 'doc-changed') is dropped, and read again from its documents when next asked for; 'resync' drops them all.
import { parseDocName } from '../../src/lib/core/schema';
import type { RoomEvents } from './run-rows';
import type { SeriesColumns } from '../../src/lib/core/chunk';
import { createOverview, foldOverview, readOverview, readOverviewBytes, type SeriesOverview } from '../../src/lib/core/series/overview';

/** Memory the overviews may hold: ~2,600 series of OVERVIEW_BUCKETS buckets. */
export const OVERVIEW_CACHE_BYTES = 64 * 1024 * 1024;

export interface OverviewStoreOptions {
	/** Every point of a series (all parts), from its documents. */
	readHistory(runId: string, key: string): Promise<SeriesColumns>;
	maxBytes?: number;
	/** The relay's events: which series other instances wrote to (their points never pass through noteAppended here). */
	events?: RoomEvents;
}

export function createOverviewStore(opts: OverviewStoreOptions) {
	const maxBytes = opts.maxBytes ?? OVERVIEW_CACHE_BYTES;
	/** In least recently used order (a Map iterates in insertion order: a hit is re-inserted). */
	const held = new Map<string, SeriesOverview>();
	let bytes = 0;
	/** Series being read from their documents: a write meanwhile marks its read stale (it may have missed the write). */
	const reading = new Map<string, { stale: boolean; elsewhere: boolean; done: Promise<SeriesOverview> }>();
	const id = (runId: string, key: string) => `${runId}/${key}`;

	/** Another instance wrote to series `name`: what is held (or being read) here may lack its points. */
	function dropWrittenElsewhere(name: string): void {
		const ov = held.get(name);
		if (ov) {
			held.delete(name);
			bytes -= readOverviewBytes(ov);
		}
		// The read in progress answers its caller (it is as fresh as when it started) but is not kept.
		const entry = reading.get(name);
		if (entry) entry.elsewhere = true;
	}
	opts.events?.on('doc-changed', (docName) => {
		const ref = parseDocName(String(docName));
		if (ref?.kind === 'series') dropWrittenElsewhere(id(ref.runId, ref.key));
	});
	opts.events?.on('resync', () => {
		for (const name of [...held.keys(), ...reading.keys()]) dropWrittenElsewhere(name);
	});

	function keep(name: string, ov: SeriesOverview): void {
		if (held.has(name)) return;
		held.set(name, ov);
		bytes += readOverviewBytes(ov);
		for (const [old, o] of held) {
			if (bytes <= maxBytes || old === name) break;
			held.delete(old);
			bytes -= readOverviewBytes(o);
		}
	}

	async function build(runId: string, key: string, name: string): Promise<SeriesOverview> {
		for (;;) {
			const entry = reading.get(name)!;
			const cols = await opts.readHistory(runId, key);
			const ov = createOverview();
			foldOverview(ov, cols);
			const cur = held.get(name);
			if (cur) return cur; // a write started one meanwhile (part 0 in hand): it holds every point
			if (!entry.stale) return ov;
			entry.stale = false; // read again: the write may have landed after the documents were read
		}
	}

	return {
		/**
		 * Called inside the log's transaction, right after `cols` was appended to the series: folds them into the
		 * overview held, or, when they are the series' first points (`first`), starts one from them while there is
		 * room. A series neither held nor new is left to its first read: building it here would read the whole
		 * series on every append (after an eviction, or while another instance writes to it too).
		 */
		noteAppended(runId: string, key: string, first: boolean, cols: SeriesColumns): void {
			const name = id(runId, key);
			const pending = reading.get(name);
			if (pending) pending.stale = true;
			const ov = held.get(name);
			if (ov) return foldOverview(ov, cols);
			if (!first) return;
			const fresh = createOverview();
			if (bytes + readOverviewBytes(fresh) > maxBytes) return; // full: ingest never evicts what readers asked for
			foldOverview(fresh, cols);
			keep(name, fresh);
		},

		/** The overview of one series as at most `points` points (empty for a series never logged). */
		async read(runId: string, key: string, points: number): Promise<SeriesColumns> {
			const name = id(runId, key);
			let ov = held.get(name);
			if (ov) {
				held.delete(name);
				held.set(name, ov);
			} else {
				let entry = reading.get(name);
				if (!entry) {
					entry = { stale: false, elsewhere: false, done: null as unknown as Promise<SeriesOverview> };
					reading.set(name, entry);
					entry.done = build(runId, key, name).finally(() => reading.delete(name));
				}
				ov = await entry.done;
				if (!entry.elsewhere) keep(name, ov);
			}
			return readOverview(ov, points);
		},

		/** Bytes held (for tests and the cache's budget). */
		heldBytes: () => bytes
	};
}

export type OverviewStore = ReturnType<typeof createOverviewStore>;
