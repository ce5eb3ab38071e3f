// A finished run's series drawn from the server's overview (POST /api/series/overview: per step bucket the points with
// its min and max, ~1,000 a line) instead of every point: the chart workspace's panels of 100 runs. Requests made in
// one task go as one call; overviews stay in page memory a while, so a panel scrolled back or unzoomed draws at once.
// A running run, or a server that cannot be reached, gets the full series (series-pool.ts: live, or IndexedDB).
import { nativePaths, type SeriesOverviewBody } from '../core/api/native';
import { decodeOverviewAnswer, MAX_OVERVIEW_SERIES } from '../core/series/overview-wire';
import { OVERVIEW_BUCKETS } from '../core/series/overview';
import { SeriesBuffer } from '../core/series/series-buffer';
import type { SeriesColumns } from '../core/chunk';
import { fetchApi } from './auth-events';
import { openSharedSeries, type SeriesOpener } from './series-pool';
import type { SeriesSource, SeriesState } from './series-source';
import { createTaskBatch } from './task-batch';

/** Points asked for a line: all the server keeps (two per bucket of OVERVIEW_BUCKETS), about two per pixel of a wide panel. */
export const OVERVIEW_POINTS = 2 * OVERVIEW_BUCKETS;
/** Overviews kept in page memory (~24 KB each), least recently used dropped first. */
const KEPT = 2_000;

const kept = new Map<string, SeriesColumns>();

const fetchOverview = createTaskBatch(async (items: { run_id: string; key: string }[]) => {
	const res = await fetchApi(nativePaths.seriesOverview(), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ series: items, points: OVERVIEW_POINTS } satisfies SeriesOverviewBody)
	});
	if (!res.ok) throw new Error(`POST /api/series/overview answered ${res.status}`);
	return decodeOverviewAnswer(new Uint8Array(await res.arrayBuffer()));
}, MAX_OVERVIEW_SERIES);

/** Opens the series `key` of run `runId` as its overview when the run has ended (else as openSharedSeries). */
export const openOverviewSeries: SeriesOpener = (runId, key, isRunning) => {
	if (isRunning()) return openSharedSeries(runId, key, isRunning);
	const name = `${runId}/${key}`;
	const buffer = new SeriesBuffer();
	const listeners = new Set<() => void>();
	let state: SeriesState = 'loading';
	let closed = false;
	let full: SeriesSource | null = null;
	const notify = () => {
		for (const fn of listeners) fn();
	};
	const show = (cols: SeriesColumns) => {
		buffer.append(cols);
		state = 'ready';
		notify();
	};
	/** Offline or refused: the full series, copied into this buffer as its points arrive. */
	const fallBack = () => {
		const source = (full = openSharedSeries(runId, key, isRunning));
		let copied = 0;
		const copy = () => {
			const cols = source.buffer.columns();
			if (cols.values.length > copied) buffer.append({ steps: cols.steps.subarray(copied), timestamps: cols.timestamps.subarray(copied), values: cols.values.subarray(copied) });
			copied = cols.values.length;
			state = source.state;
			notify();
		};
		source.subscribe(copy);
		copy();
	};

	const hit = kept.get(name);
	if (hit) {
		kept.delete(name);
		kept.set(name, hit);
		buffer.append(hit);
		state = 'ready';
	} else {
		fetchOverview({ run_id: runId, key }).then(
			(cols) => {
				kept.set(name, cols);
				for (const old of kept.keys()) {
					if (kept.size <= KEPT) break;
					kept.delete(old);
				}
				if (!closed) show(cols);
			},
			() => {
				if (!closed) fallBack();
			}
		);
	}
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
			closed = true;
			listeners.clear();
			full?.release();
		}
	};
};
