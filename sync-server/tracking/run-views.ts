// Which rows a runs-table view shows, read on the server for a first screen: the view's filter run in slices that
// give the event loop back (a `~` pattern over 10,000 long values), then the table's own order and deleted toggle
// and nesting (readViewMatches), memoised while the experiment's rows are the same array.
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
			// The matches' parents come along as context, so the order reads every row with the filter's answers.
			const kept = request.query.type === 'all' ? null : new Set(await filterInSlices(rows, compileRunQuery(request.query, { now })));
			return readViewMatches(rows, request.view, kept && ((row) => kept.has(row)), now);
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
