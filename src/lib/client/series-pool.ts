// Metric series shared by every chart of a page that draws the same series more than once (the chart workspace:
// the x metric behind every panel, a panel and its fullscreen twin) and kept a while after the last chart lets go,
// so going from the table to the charts and back, or scrolling a panel away and back, reuses what is loaded.
import { createPool, type Lease } from './pool';
import { openSeries, type SeriesSource } from './series-source';

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
