// Named views of an experiment page, saved in the `workspace` document so everyone sees them (issue 13 §4): the
// page's URL query (filter, sort, columns, widths, grouping, open parents, selected and hidden runs, tab, chart
// workspace layout and chart settings) under a name, who saved it and when. Opening one is navigating to its query;
// an unsaved view is still just a link. Renamed and deleted by anyone who may edit the experiment.
import * as Y from 'yjs';
import { KEYS, SAVED_VIEW_FIELDS as F } from '../schema';
import { createRunId, isExperimentId, isRunId } from '../ids';
import { createMap, readNumber, readString, setIfChanged, type YRecord } from './ymap';

export const SAVED_VIEW_LIMITS = { nameLength: 200, queryLength: 16_384, userLength: 256 } as const;

/** Query parameters that are not part of a view (where the page is, not how it looks). */
const NOT_VIEW_PARAMS = ['savedView', 'token'] as const;

export interface SavedView {
	id: string;
	experimentId: string;
	name: string;
	/** The page's query without its `?`. */
	query: string;
	createdBy: string;
	creationTime: number;
	lastUpdateTime: number;
}

function viewsMap(ws: Y.Doc): Y.Map<YRecord> {
	return ws.getMap<YRecord>(KEYS.workspace.views);
}

/** The view part of a page query (`?…` or not): every parameter but where-the-page-is ones, in their order. */
export function readViewQuery(search: string): string {
	const params = new URLSearchParams(search);
	for (const k of NOT_VIEW_PARAMS) params.delete(k);
	return params.toString().replaceAll('%2C', ',');
}

/** A view name as saved: trimmed, non-empty, at most SAVED_VIEW_LIMITS.nameLength; null if unusable. */
export function readViewName(name: string): string | null {
	const n = name.trim();
	return n !== '' && n.length <= SAVED_VIEW_LIMITS.nameLength ? n : null;
}

/** The experiment's saved views, newest first (ties by id, so every peer lists them alike). */
export function readSavedViews(ws: Y.Doc, experimentId: string): SavedView[] {
	const out: SavedView[] = [];
	viewsMap(ws).forEach((m, id) => {
		if (!(m instanceof Y.Map) || readString(m, F.experimentId) !== experimentId) return;
		out.push({
			id,
			experimentId,
			name: readString(m, F.name) || 'Untitled view',
			query: readString(m, F.query),
			createdBy: readString(m, F.createdBy),
			creationTime: readNumber(m, F.creationTime),
			lastUpdateTime: readNumber(m, F.lastUpdateTime)
		});
	});
	return out.sort((a, b) => b.creationTime - a.creationTime || (a.id < b.id ? -1 : 1));
}

/** Saves `query` as a new view named `name`; returns its id, or null for a bad name, query or experiment id. */
export function saveView(ws: Y.Doc, v: { experimentId: string; name: string; query: string; createdBy: string; now: number }, origin?: unknown): string | null {
	const name = readViewName(v.name);
	const query = readViewQuery(v.query);
	if (name === null || !isExperimentId(v.experimentId) || query.length > SAVED_VIEW_LIMITS.queryLength) return null;
	const id = createRunId();
	ws.transact(() => {
		viewsMap(ws).set(
			id,
			createMap({
				[F.experimentId]: v.experimentId,
				[F.name]: name,
				[F.query]: query,
				[F.createdBy]: v.createdBy.slice(0, SAVED_VIEW_LIMITS.userLength),
				[F.creationTime]: v.now,
				[F.lastUpdateTime]: v.now
			})
		);
	}, origin);
	return id;
}

/** Renames a view and/or replaces its query (saving the current view over it). False if no such view or bad input. */
export function updateView(ws: Y.Doc, id: string, patch: { name?: string; query?: string; now: number }, origin?: unknown): boolean {
	const m = isRunId(id) ? viewsMap(ws).get(id) : undefined;
	if (!(m instanceof Y.Map)) return false;
	const name = patch.name === undefined ? undefined : readViewName(patch.name);
	const query = patch.query === undefined ? undefined : readViewQuery(patch.query);
	if (name === null || (query !== undefined && query.length > SAVED_VIEW_LIMITS.queryLength)) return false;
	ws.transact(() => {
		if (name !== undefined) setIfChanged(m, F.name, name);
		if (query !== undefined) setIfChanged(m, F.query, query);
		setIfChanged(m, F.lastUpdateTime, patch.now);
	}, origin);
	return true;
}

/** Deletes a view; false if there was none. */
export function deleteView(ws: Y.Doc, id: string, origin?: unknown): boolean {
	const map = viewsMap(ws);
	if (!map.has(id)) return false;
	ws.transact(() => map.delete(id), origin);
	return true;
}

/** The experiment a write to `views.<id>…` belongs to: the entry's, or for a new entry the one its write names. */
export function readViewExperiment(ws: Y.Doc, viewId: string, written?: { field: string | null; value: unknown }): string | null {
	const m = viewsMap(ws).get(viewId);
	if (m instanceof Y.Map) return readString(m, F.experimentId) || null;
	if (written?.field === F.experimentId && isExperimentId(written.value)) return written.value;
	return null;
}
