// Which runs a runs-table view shows, in what order: the filter (`q`), sort (`sort`, `-` prefix = descending),
// grouping (`group`) and deleted toggle (`deleted=1`) of its URL query. Read the same way by the browser's table
// and by the server, which answers a view's first screen (`GET /api/experiments/<id>/first-screen`) with the same code.
import { invalid } from '../errors';
import { parseRunQuery, type RunQuery } from '../query/run-query';
import type { RunRow } from '../run-row';
import { parseColumnId } from './columns';
import { createTableView } from './table-view';

export interface TableRowView {
	filter: string;
	/** A column id (see columns.ts) and direction; null = newest start first. */
	sort: { column: string; desc: boolean } | null;
	/** A `params.<key>` or `tags.<key>` column id, or null. */
	group: string | null;
	showDeleted: boolean;
}

/** Reads the view from a URL query; invalid parts fall back to their defaults (as the page does). */
export function readTableRowView(params: URLSearchParams): TableRowView {
	const sortRaw = params.get('sort');
	let sort: TableRowView['sort'] = null;
	if (sortRaw) {
		const desc = sortRaw.startsWith('-');
		const column = desc ? sortRaw.slice(1) : sortRaw;
		if (parseColumnId(column)) sort = { column, desc };
	}
	const groupRaw = params.get('group');
	const groupSpec = groupRaw ? parseColumnId(groupRaw) : null;
	return {
		filter: params.get('q') ?? '',
		sort,
		group: groupSpec && (groupSpec.kind === 'param' || groupSpec.kind === 'tag') ? groupRaw : null,
		showDeleted: params.get('deleted') === '1'
	};
}

/**
 * A key naming which rows come first in `view` (two views with the same key start with the same rows), or null for
 * a grouped view, whose first rows depend on which groups are collapsed.
 */
export function formatRowViewKey(view: TableRowView): string | null {
	return view.group !== null ? null : JSON.stringify([view.filter, view.sort, view.showDeleted]);
}

/** Rows a first screen holds when the request names no limit, and the most it may ask for. */
export const FIRST_SCREEN_ROWS = 60;
export const MAX_FIRST_SCREEN_ROWS = 500;

export interface FirstScreenRequest {
	view: TableRowView;
	/** The parsed filter (`{type: 'all'}` for none). */
	query: RunQuery;
	/** Rows wanted, 1 … MAX_FIRST_SCREEN_ROWS. */
	limit: number;
}

/**
 * Parses a first-screen request: the table page's own URL query plus `limit`. A filter that does not parse, a
 * grouped view or a bad limit is an INVALID_PARAMETER_VALUE error; other view parts are read as the page reads them.
 */
export function parseFirstScreenRequest(params: URLSearchParams): FirstScreenRequest {
	const view = readTableRowView(params);
	if (view.group !== null) throw invalid(`A grouped view has no first screen: its first rows depend on which groups are collapsed`);
	const parsed = parseRunQuery(view.filter);
	if (!parsed.ok) throw invalid(`Invalid filter 'q': ${parsed.error}`);
	const rawLimit = params.get('limit');
	const limit = rawLimit === null ? FIRST_SCREEN_ROWS : /^\d{1,6}$/.test(rawLimit) ? Number(rawLimit) : NaN;
	if (!(limit >= 1 && limit <= MAX_FIRST_SCREEN_ROWS)) {
		throw invalid(`Invalid value '${rawLimit}' for parameter 'limit': expected an integer from 1 to ${MAX_FIRST_SCREEN_ROWS}`);
	}
	return { view, query: parsed.query, limit };
}

export interface ViewMatches {
	/** The rows the view matches, in its order. */
	matched: RunRow[];
	/** The rows the table draws, in its order, with every parent folded: what a first screen holds. */
	drawn: RunRow[];
	/** Per row of `drawn`: the child runs its expander counts (0: not a parent in this view). */
	children: number[];
	/** Active runs, whatever the view (what the page's run count says). */
	total: number;
}

/**
 * Every row `view` shows, filtered, sorted and nested exactly as the runs table does (createTableView, no grouping,
 * no parent expanded). `filter` is the view's compiled query (null for every row); `now` (ms since the epoch) is the
 * clock for running runs' durations.
 */
export function readViewMatches(rows: readonly RunRow[], view: TableRowView, filter: ((row: RunRow) => boolean) | null, now: number): ViewMatches {
	const { items, matched } = createTableView({
		rows,
		filter,
		showDeleted: view.showDeleted,
		sort: view.sort ? { column: parseColumnId(view.sort.column)!, desc: view.sort.desc } : null,
		group: null,
		collapsed: new Set(),
		expanded: new Set(),
		now
	});
	const drawn: RunRow[] = [];
	const children: number[] = [];
	for (const item of items) if (item.type === 'run') (drawn.push(item.row), children.push(item.children));
	let total = 0;
	for (const r of rows) if (r.lifecycle === 'active') total++;
	return { matched, drawn, children, total };
}

/** Whether a view's rows depend on the clock (running runs' durations), so a memoised answer goes stale. */
export function readsClock(view: TableRowView): boolean {
	return view.sort?.column === 'duration' || /\bduration\b/.test(view.filter);
}
