// Which rows a runs-table view shows, read on the server for a first screen: the view's filter run in slices that
// give the event loop back (a `~` pattern over 10,000 long values), then the table's own order and deleted toggle
// (readViewMatches), memoised while the experiment's rows are the same array.
import { compileRunQuery } from '../../src/lib/core/query/run-query';
import type { RunRow } from '../../src/lib/core/run-row';
import { formatRowViewKey, readsClock, readViewMatches, type FirstScreenRequest, type ViewMatches } from '../../src/lib/core/table/row-view';
import { createMemo } from './doc-memo';
import { filterInSlices } from './yield-loop';

export function createViewReader() {
	/** Views recently asked for: valid while the rows are the same array (and, if the view reads the clock, for a second). */
	const viewMatches = createMemo<Promise<ViewMatches>>({ maxEntries: 32 });

	/** readViewMatches with the filter run first, in slices; `total` counts every active run. */
	function readInSlices(key: string, rows: readonly RunRow[], request: FirstScreenRequest, now: number): Promise<ViewMatches> {
		const matches = (async () => {
			const kept = request.query.type === 'all' ? rows : await filterInSlices(rows, compileRunQuery(request.query, { now }));
			const { matched } = readViewMatches(kept, request.view, { type: 'all' }, now);
			let total = 0;
			for (const r of rows) if (r.lifecycle === 'active') total++;
			return { matched, total };
		})();
		matches.catch(() => viewMatches.forget(key));
		return matches;
	}

	return {
		/** The rows `request`'s view shows of an experiment's `rows`, in its order; `now` is ms since the epoch. */
		read(experimentId: string, rows: readonly RunRow[], request: FirstScreenRequest, now: number): Promise<ViewMatches> {
			const inputs = readsClock(request.view) ? [rows, Math.floor(now / 1000)] : [rows];
			const key = `${experimentId} ${formatRowViewKey(request.view)}`;
			return viewMatches.read(key, inputs, () => readInSlices(key, rows, request, now));
		}
	};
}
