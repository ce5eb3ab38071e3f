// The runs table's view in the URL query, so a copied link reproduces it: `q` (filter), `sort` (`-` prefix =
// descending), `cols`, `pin`, `w` (column widths, `id:px`), `group`, `sel` (selected run ids), `hide` (runs hidden
// from the charts), `open` (parents shown with their children) and `deleted=1`. Parsed like any untrusted input.
import { isRunId } from '../core/ids';
import { parseColumnId } from '../core/table/columns';
import { readTableRowView, type TableRowView } from '../core/table/row-view';

/** The view: which rows (filter, sort, group, deleted toggle; core/table/row-view.ts), which columns, which selected. */
export interface TableUrlState extends TableRowView {
	/** Column ids in display order; null = the default columns (which follow new metrics and params as they appear). */
	columns: string[] | null;
	/** Pinned column ids; null = the default (`name` only). */
	pinned: string[] | null;
	selected: string[];
	/** Runs the table lists but the charts leave out (the eye toggle per row). */
	hidden: string[];
	/** Parent runs shown with their children. */
	expanded: string[];
	/** Column id → width in px, for columns resized from their default. */
	widths: Record<string, number>;
}

/** Column widths a resize may give, px. */
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 1200;

export const DEFAULT_PINNED = ['name'] as const;

/** More selected runs than this are left out of the URL (a link must stay a sane length). */
export const MAX_URL_SELECTION = 200;

export const EMPTY_TABLE_STATE: TableUrlState = {
	filter: '',
	sort: null,
	columns: null,
	pinned: null,
	group: null,
	selected: [],
	hidden: [],
	expanded: [],
	widths: {},
	showDeleted: false
};

const KEYS = ['q', 'sort', 'cols', 'pin', 'w', 'group', 'sel', 'hide', 'open', 'deleted'] as const;

function readList(v: string | null): string[] {
	return v === null ? [] : v.split(',').filter((s) => s !== '');
}

function readColumnList(v: string | null): string[] | null {
	if (v === null) return null;
	return [...new Set(readList(v).filter((id) => parseColumnId(id) !== null))];
}

function readRunIdList(v: string | null): string[] {
	return [...new Set(readList(v).filter(isRunId))].slice(0, MAX_URL_SELECTION);
}

/** `id:px` pairs (column ids never hold ':'); widths out of range or not whole px are dropped. */
function readWidths(v: string | null): Record<string, number> {
	const out: Record<string, number> = {};
	for (const pair of readList(v)) {
		const at = pair.lastIndexOf(':');
		const id = pair.slice(0, at);
		const px = /^\d{1,4}$/.test(pair.slice(at + 1)) ? Number(pair.slice(at + 1)) : NaN;
		if (at > 0 && parseColumnId(id) !== null && px >= MIN_COLUMN_WIDTH && px <= MAX_COLUMN_WIDTH) out[id] = px;
	}
	return out;
}

/** Reads the view from a URL query; invalid parts fall back to their defaults. */
export function readTableUrlState(params: URLSearchParams): TableUrlState {
	return {
		...readTableRowView(params),
		columns: readColumnList(params.get('cols')),
		pinned: readColumnList(params.get('pin')),
		selected: readRunIdList(params.get('sel')),
		hidden: readRunIdList(params.get('hide')),
		expanded: readRunIdList(params.get('open')),
		widths: readWidths(params.get('w'))
	};
}

/**
 * Writes the view into a copy of `base` (other parameters are kept); defaults are left out so a plain link stays
 * plain. Selections (and hidden and expanded sets) longer than MAX_URL_SELECTION are left out.
 */
export function writeTableUrlState(state: TableUrlState, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
	const out = new URLSearchParams(base);
	for (const k of KEYS) out.delete(k);
	if (state.filter.trim() !== '') out.set('q', state.filter);
	if (state.sort) out.set('sort', `${state.sort.desc ? '-' : ''}${state.sort.column}`);
	if (state.columns !== null) out.set('cols', state.columns.join(','));
	if (state.pinned !== null && !(state.pinned.length === 1 && state.pinned[0] === DEFAULT_PINNED[0])) out.set('pin', state.pinned.join(','));
	const widths = Object.entries(state.widths);
	if (widths.length > 0) out.set('w', widths.map(([id, px]) => `${id}:${px}`).join(','));
	if (state.group) out.set('group', state.group);
	if (state.selected.length > 0 && state.selected.length <= MAX_URL_SELECTION) out.set('sel', state.selected.join(','));
	if (state.hidden.length > 0 && state.hidden.length <= MAX_URL_SELECTION) out.set('hide', state.hidden.join(','));
	if (state.expanded.length > 0 && state.expanded.length <= MAX_URL_SELECTION) out.set('open', state.expanded.join(','));
	if (state.showDeleted) out.set('deleted', '1');
	return out;
}

/** A query string (`?…`, or '' when empty) with commas and colons left readable. */
export function formatQuery(params: URLSearchParams): string {
	const s = params.toString().replaceAll('%2C', ',').replaceAll('%3A', ':');
	return s ? `?${s}` : '';
}
