// The runs table's first screen, shown while the experiment's documents load (seconds for 10,000 runs) and replaced
// the moment they are read: on a revisit the one remembered per experiment and view in localStorage, on a first
// visit the server's (GET /api/experiments/<id>/first-screen). Only the view it was taken in (filter, sort, deleted) may use it.
// Nested runs come as the table draws them: top-level rows, each parent folded with its child count.
import { nativePaths, type FirstScreenAnswer, type UncheckedJson } from '../core/api/native';
import type { RunRow } from '../core/run-row';
import { decodeSummary, encodeSummary } from '../core/series/summary';
import { FIRST_SCREEN_ROWS, formatRowViewKey, readTableRowView } from '../core/table/row-view';
import { EMPTY_TABLE_STATE, writeTableUrlState } from './url-state';

export { FIRST_SCREEN_ROWS };
/** Experiments remembered; the least recently saved are forgotten first. */
const MAX_EXPERIMENTS = 10;
const PREFIX = 'tandem:first-screen:';
const INDEX = `${PREFIX}index`;

export interface FirstScreen {
	/** The view the rows were taken in (see readFirstScreenView). */
	view: string;
	rows: RunRow[];
	/** Run id → the child runs its expander counts, for the parents among `rows` (their children are not in `rows` while folded). */
	children: ReadonlyMap<string, number>;
	/** Active runs in the experiment when it was taken. */
	total: number;
	/** Runs the view showed then, when known (the server says; a remembered screen does not). */
	matched: number | null;
	/** ms since the epoch. */
	savedAt: number;
	/** Remembered from the last visit, or answered by the server for this one. */
	source: 'remembered' | 'server';
	/** The experiment's name, when the server said (the page shows it before the workspace document loads). */
	experimentName?: string;
}

/** The part of a runs-table URL query that decides which rows come first; null when a snapshot cannot serve it (grouped). */
export function readFirstScreenView(query: string): string | null {
	return formatRowViewKey(readTableRowView(new URLSearchParams(query)));
}

function isRow(r: unknown): r is RunRow {
	const row = r as RunRow;
	return !!row && typeof row.run_id === 'string' && typeof row.name === 'string' && typeof row.params === 'object' && typeof row.tags === 'object' && typeof row.metrics === 'object';
}

/** A row of the table as a first screen keeps it: the run, and the child runs its expander counts (0: none). */
export interface FirstScreenRow {
	row: RunRow;
	children: number;
}

/** The parents' child counts of `rows`, from counts given per row (JSON: anything else counts as none). */
function readChildCounts(rows: readonly RunRow[], raw: unknown): Map<string, number> {
	const counts = new Map<string, number>();
	if (!Array.isArray(raw)) return counts;
	rows.forEach((r, i) => {
		const n = raw[i];
		if (Number.isSafeInteger(n) && n > 0) counts.set(r.run_id, n);
	});
	return counts;
}

/** Rows as JSON holds them (metric summaries packed by encodeSummary), or null if any is not a row. */
function decodeRows(raw: unknown): RunRow[] | null {
	if (!Array.isArray(raw) || !raw.every(isRow)) return null;
	return raw.map((r) => ({
		...r,
		metrics: Object.fromEntries(
			Object.entries(r.metrics).flatMap(([k, s]) => {
				const d = decodeSummary(s);
				return d ? [[k, d]] : [];
			})
		)
	}));
}

/** The snapshot saved for `experimentId` in `view`, or null (none, another view, or unreadable). */
export function readFirstScreen(experimentId: string, view: string | null): FirstScreen | null {
	if (view === null) return null;
	try {
		const raw = JSON.parse(localStorage.getItem(PREFIX + experimentId) ?? 'null');
		const rows = raw?.view === view ? decodeRows(raw.rows) : null;
		if (!rows) return null;
		const children = readChildCounts(rows, raw.children);
		return { view, rows, children, total: Number(raw.total) || rows.length, matched: null, savedAt: Number(raw.savedAt) || 0, source: 'remembered' };
	} catch {
		return null; // storage blocked or a damaged entry: just load without it
	}
}

async function readJson(res: Response): Promise<unknown> {
	return res.ok ? res.json() : null;
}

/**
 * Whether this page load hydrates a page the server rendered (hooks.server.ts marks its <html>); true once, for the
 * load that hydrates it, so later in-app navigations load as usual.
 */
export function takeServerRendered(): boolean {
	const root = document.documentElement;
	if (root.dataset.rendered !== 'server') return false;
	delete root.dataset.rendered;
	return true;
}

/** What app.html's inline script asked for before the app's code loaded (a first visit with no query). */
interface EarlyRequest {
	url: string;
	body: Promise<unknown>;
}

/** The answer app.html's inline script already requested for `url`, once; null when it asked for none or another. */
function takeEarlyRequest(url: string): Promise<unknown> | null {
	const g = globalThis as { __tandemFirstScreen?: EarlyRequest };
	const early = g.__tandemFirstScreen;
	if (!early || early.url !== url) return null;
	delete g.__tandemFirstScreen;
	return early.body;
}

/**
 * Asks the server for the first `limit` rows of the view `query` (the page's URL query) describes; null for a
 * grouped view, and when offline or refused (the documents still load the table).
 */
export async function fetchFirstScreen(
	experimentId: string,
	query: string,
	fetchFn: typeof fetch = fetch,
	limit = FIRST_SCREEN_ROWS
): Promise<FirstScreen | null> {
	const rowView = readTableRowView(new URLSearchParams(query));
	const view = formatRowViewKey(rowView);
	if (view === null) return null;
	const ask = writeTableUrlState({ ...EMPTY_TABLE_STATE, ...rowView });
	ask.set('limit', String(limit));
	const url = nativePaths.firstScreen(experimentId, ask);
	try {
		const body = ((await takeEarlyRequest(url)) ?? (await readJson(await fetchFn(url)))) as UncheckedJson<FirstScreenAnswer> | null;
		const rows = decodeRows(body?.rows);
		if (!rows || !body) return null;
		const experimentName = typeof body.experiment_name === 'string' ? body.experiment_name : undefined;
		const children = readChildCounts(rows, body.children);
		return { view, rows, children, total: Number(body.total) || 0, matched: Number(body.matched) || 0, savedAt: Date.now(), source: 'server', experimentName };
	} catch {
		return null;
	}
}

/** Remembers the top rows of `view` for `experimentId`, with their child counts (JSON keeps NaN and ±Infinity as strings). */
export function saveFirstScreen(experimentId: string, view: string | null, top: readonly FirstScreenRow[], total: number, now = Date.now()): void {
	if (view === null) return;
	const kept = top.slice(0, FIRST_SCREEN_ROWS);
	const entry = {
		view,
		total,
		savedAt: now,
		rows: kept.map(({ row: r }) => ({ ...r, metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, s]) => [k, encodeSummary(s)])) })),
		children: kept.map((r) => r.children)
	};
	try {
		const index = (JSON.parse(localStorage.getItem(INDEX) ?? '[]') as unknown[]).filter((id): id is string => typeof id === 'string' && id !== experimentId);
		index.push(experimentId);
		for (const old of index.splice(0, Math.max(0, index.length - MAX_EXPERIMENTS))) localStorage.removeItem(PREFIX + old);
		localStorage.setItem(PREFIX + experimentId, JSON.stringify(entry));
		localStorage.setItem(INDEX, JSON.stringify(index));
	} catch {
		// quota or blocked storage: the next visit simply waits for the documents
	}
}
