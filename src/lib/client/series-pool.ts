// Metric series shared by every chart of a page that draws the same series more than once (the chart workspace:
// the x metric behind every panel, a panel and its fullscreen twin) and kept a while after the last chart lets go,
// so going from the table to the charts and back, or scrolling a panel away and back, reuses what is loaded; and the
// hand-off of series opened before their chart is built.
import { createPool, type Lease } from './pool';
import { openSeries, type SeriesSource } from './series-source';
import { runInSlice } from './frame-budget';

/** Opens the series `key` of run `runId` (as openSeries); release the source when done. */
export type SeriesOpener = (runId: string, key: string, isRunning: () => boolean) => SeriesSource;

/** Series kept open in all, in use or idle (only idle ones are closed to stay under it): a 10,000-point series holds
 * about 0.5 MB of columns and chunks. */
const CAPACITY = 600;
/** ms an unused series stays open. */
const IDLE_MS = 60_000;

const running = new Map<string, () => boolean>();
const pool = createPool<SeriesSource>({
	open(name) {
		const [runId, key] = JSON.parse(name) as [string, string];
		return openSeries(runId, key, () => running.get(runId)?.() ?? false);
	},
	close: (_name, source) => source.release(),
	capacity: CAPACITY,
	idleMs: IDLE_MS
});

/**
 * A SeriesOpener over the shared pool: the source it gives is the pool's, and its `release` gives the lease back
 * (the series stays open for IDLE_MS in case a chart asks again). `isRunning` of the latest caller is the one read.
 */
export const openSharedSeries: SeriesOpener = (runId, key, isRunning) => {
	running.set(runId, isRunning);
	const lease: Lease<SeriesSource> = pool.acquire(JSON.stringify([runId, key]));
	const source = lease.value;
	return {
		buffer: source.buffer,
		get state() {
			return source.state;
		},
		subscribe: (fn) => source.subscribe(fn),
		release: () => lease.release()
	};
};

/**
 * Series opened ahead of the chart that will draw them (a workspace panel asks for its series as it nears the screen,
 * and builds its chart a task later, once the request is out): `prefetch` opens them, the chart's `open` takes them
 * over (any other series it opens as `open` would), and the ones not taken in the task of the first take (runs that
 * changed meanwhile) are released after it, as are all of them on `drop`.
 */
export interface SeriesHandoff {
	prefetch(runIds: readonly string[], key: string, isRunning: (runId: string) => () => boolean): void;
	open: SeriesOpener;
	drop(): void;
}

export function createSeriesHandoff(openFor: () => SeriesOpener): SeriesHandoff {
	const early = new Map<string, SeriesSource>();
	const name = (runId: string, key: string) => JSON.stringify([runId, key]);
	let dropping = false;
	function drop(): void {
		dropping = false;
		for (const s of early.values()) s.release();
		early.clear();
	}
	return {
		prefetch(runIds, key, isRunning) {
			const open = openFor();
			for (const id of runIds) if (!early.has(name(id, key))) early.set(name(id, key), open(id, key, isRunning(id)));
		},
		open(runId, key, isRunning) {
			const taken = early.get(name(runId, key));
			if (!taken) return openFor()(runId, key, isRunning);
			early.delete(name(runId, key));
			if (!dropping) {
				dropping = true;
				void runInSlice(drop);
			}
			return taken;
		},
		drop
	};
}
