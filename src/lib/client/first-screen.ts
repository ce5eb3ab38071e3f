// The runs table's first screen, remembered per experiment and view in localStorage: on the next visit it is painted
// at once, marked as a snapshot, while the experiment's documents load from IndexedDB (seconds for 10,000 runs); the
// documents replace it the moment they are read. Only the view it was taken in (filter, sort, deleted) may use it.
import type { RunRow } from '../core/run-row';
import { decodeSummary, encodeSummary } from '../core/series/summary';
import { readTableUrlState } from './url-state';

/** Rows remembered per experiment: more than a screen, few enough to parse in a millisecond or two. */
export const FIRST_SCREEN_ROWS = 60;
/** Experiments remembered; the least recently saved are forgotten first. */
const MAX_EXPERIMENTS = 10;
const PREFIX = 'tandem:first-screen:';
const INDEX = `${PREFIX}index`;

export interface FirstScreen {
	/** The view the rows were taken in (see readFirstScreenView). */
	view: string;
	rows: RunRow[];
	/** Active runs in the experiment when it was saved. */
	total: number;
	/** ms since the epoch. */
	savedAt: number;
}

/** The part of a runs-table URL query that decides which rows come first; null when a snapshot cannot serve it (grouped). */
export function readFirstScreenView(query: string): string | null {
	const s = readTableUrlState(new URLSearchParams(query));
	if (s.group !== null) return null;
	return JSON.stringify([s.filter, s.sort, s.showDeleted]);
}

function isRow(r: unknown): r is RunRow {
	const row = r as RunRow;
	return !!row && typeof row.run_id === 'string' && typeof row.name === 'string' && typeof row.params === 'object' && typeof row.tags === 'object' && typeof row.metrics === 'object';
}

/** The snapshot saved for `experimentId` in `view`, or null (none, another view, or unreadable). */
export function readFirstScreen(experimentId: string, view: string | null): FirstScreen | null {
	if (view === null) return null;
	try {
		const raw = JSON.parse(localStorage.getItem(PREFIX + experimentId) ?? 'null');
		if (!raw || raw.view !== view || !Array.isArray(raw.rows) || !raw.rows.every(isRow)) return null;
		const rows = (raw.rows as RunRow[]).map((r) => ({
			...r,
			metrics: Object.fromEntries(Object.entries(r.metrics).flatMap(([k, s]) => {
				const d = decodeSummary(s);
				return d ? [[k, d]] : [];
			}))
		}));
		return { view, rows, total: Number(raw.total) || rows.length, savedAt: Number(raw.savedAt) || 0 };
	} catch {
		return null; // storage blocked or a damaged entry: just load without it
	}
}

/** Remembers the top rows of `view` for `experimentId` (JSON keeps NaN and ±Infinity as strings). */
export function saveFirstScreen(experimentId: string, view: string | null, rows: readonly RunRow[], total: number, now = Date.now()): void {
	if (view === null) return;
	const entry = {
		view,
		total,
		savedAt: now,
		rows: rows.slice(0, FIRST_SCREEN_ROWS).map((r) => ({ ...r, metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, s]) => [k, encodeSummary(s)])) }))
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
