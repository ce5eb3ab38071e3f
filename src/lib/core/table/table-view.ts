// The runs table's pure pipeline: filter, sort (numeric-aware, missing values last), nest (run-tree.ts) and group
// run rows into the flat list of items the virtualised table draws (and the server's first screen). Sort keys are
// computed once per row into typed arrays; folding a parent or a group re-runs only the last step.
import type { RunRow } from '../run-row';
import { readCellValue, type CellValue, type ColumnSpec } from './columns';
import { createTextKeys } from './text-order';
import { createForestItems, createForestScratch, markContextAncestors, readParentIndices, SHOWN, type ForestScratch } from './run-tree';

export interface SortSpec {
	column: ColumnSpec;
	desc: boolean;
}

/** Sort-key classes in the order they sort, whatever the direction: values first, then NaN, then missing. */
const RANK = { number: 0, text: 1, nan: 2, missing: 3 } as const;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
/** Keys that order as `collator` by plain comparison (see text-order.ts). */
const textKeyOf = createTextKeys(collator);

/** Numbers written as text ("0.01", "1e-3", "64") sort as numbers: params and tags are strings. */
const NUMERIC_TEXT = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

export interface SortKeys {
	rank: Uint8Array;
	num: Float64Array;
	/** The text, or when `textKeys` its key (text-order.ts): every text value had one. */
	text: string[];
	textKeys: boolean;
}

/** One key per value: numbers (and numeric text) by value, other text by numeric-aware collation. */
export function createSortKeys(n: number, valueAt: (i: number) => CellValue): SortKeys {
	const keys: SortKeys = { rank: new Uint8Array(n), num: new Float64Array(n), text: new Array<string>(n), textKeys: true };
	const textKeys = new Array<string>(n);
	for (let i = 0; i < n; i++) {
		const v = valueAt(i);
		keys.text[i] = '';
		if (v === undefined || v === '') keys.rank[i] = RANK.missing;
		else if (typeof v === 'number') {
			if (Number.isNaN(v)) keys.rank[i] = RANK.nan;
			else keys.num[i] = v;
		} else if (NUMERIC_TEXT.test(v)) keys.num[i] = Number(v);
		else {
			keys.rank[i] = RANK.text;
			keys.text[i] = v;
			if (keys.textKeys) {
				const key = textKeyOf(v);
				if (key === null) keys.textKeys = false;
				else textKeys[i] = key;
			}
		}
	}
	if (keys.textKeys) for (let i = 0; i < n; i++) if (keys.rank[i] === RANK.text) keys.text[i] = textKeys[i];
	return keys;
}

/**
 * Compares rows `a` and `b` (indices into the keys): numbers before text, then NaN, then missing values — the last
 * two stay last in both directions. Ties keep `a - b` order (stable).
 */
export function compareByKeys(keys: SortKeys, a: number, b: number, desc: boolean): number {
	const ra = keys.rank[a];
	const rb = keys.rank[b];
	if (ra !== rb) return ra - rb;
	let c = 0;
	if (ra === RANK.number) c = keys.num[a] - keys.num[b];
	else if (ra === RANK.text) {
		const ta = keys.text[a];
		const tb = keys.text[b];
		c = !keys.textKeys ? collator.compare(ta, tb) : ta < tb ? -1 : ta > tb ? 1 : 0;
	}
	if (c !== 0) return desc ? -c : c;
	return a - b;
}

/** `rows` indices sorted by `sort` (stable); when null, newest start first. */
export function sortRowIndices(rows: readonly RunRow[], indices: number[], sort: SortSpec | null, now: number): number[] {
	const spec = sort ?? { column: { kind: 'attr', key: 'start' } as const, desc: true };
	const keys = createSortKeys(rows.length, (i) => readCellValue(rows[i], spec.column, now));
	return indices.sort((a, b) => compareByKeys(keys, a, b, spec.desc));
}

export type TableItem =
	| { type: 'group'; key: string; label: string; count: number; collapsed: boolean }
	| {
			type: 'run';
			row: RunRow;
			group: string | null;
			/** 0 for a top-level run, 1 for a child, 2 for a grandchild, … */
			depth: number;
			/** Child runs shown under it when open (0: not a parent in this view). */
			children: number;
			/** Its children follow it. */
			open: boolean;
			/** Shown only as the parent of runs the filter matched; it does not match itself. */
			context: boolean;
	  };

export interface TableOrderInput {
	rows: readonly RunRow[];
	/** A compiled filter (compileRunQuery), or null for every row. */
	filter: ((row: RunRow) => boolean) | null;
	showDeleted: boolean;
	sort: SortSpec | null;
	/** ms since the epoch, for running runs' durations. */
	now: number;
}

/** Which rows a view shows, in its order: what the fold of groups and parents does not change. */
export interface TableOrder {
	rows: readonly RunRow[];
	/** Indices into `rows` of the rows shown (matched, and their ancestors as context), sorted. */
	order: number[];
	/** Each row's parent (run-tree.ts readParentIndices), among the rows the deleted toggle keeps. */
	parent: Int32Array;
	/** SHOWN per row: not shown, matched, or context. */
	shown: Uint8Array;
	/** Rows that passed the filter (and the deleted toggle), in order, folded ones included; no context rows. */
	matched: RunRow[];
}

export interface TableFold {
	/** Group by this param or tag; null = no groups. */
	group: ColumnSpec | null;
	/** Keys of collapsed groups. */
	collapsed: ReadonlySet<string>;
	/** Run ids of parents whose children are shown. */
	expanded: ReadonlySet<string>;
	/** ms since the epoch, for a group by a value that reads the clock. */
	now: number;
}

export type TableViewInput = TableOrderInput & TableFold;

export interface TableView {
	items: TableItem[];
	/** Rows that passed the filter (and the deleted toggle), folded ones included. */
	matched: RunRow[];
}

/** The group key of rows without the grouped-by value. */
export const NO_VALUE_GROUP = '\u0000';

/** Filters and sorts; a matched child brings its ancestors along as context. */
export function createTableOrder(input: TableOrderInput): TableOrder {
	const { rows, filter, showDeleted, sort, now } = input;
	const parent = readParentIndices(rows, (i) => showDeleted || rows[i].lifecycle === 'active');
	const shown = new Uint8Array(rows.length);
	for (let i = 0; i < rows.length; i++) {
		const r = rows[i];
		if ((showDeleted || r.lifecycle === 'active') && (filter === null || filter(r))) shown[i] = SHOWN.match;
	}
	if (filter !== null) markContextAncestors(parent, shown);
	const kept: number[] = [];
	for (let i = 0; i < rows.length; i++) if (shown[i] !== SHOWN.no) kept.push(i);
	const order = sortRowIndices(rows, kept, sort, now);
	const matched: RunRow[] = [];
	for (const i of order) if (shown[i] === SHOWN.match) matched.push(rows[i]);
	return { rows, order, parent, shown, matched };
}

/** The forest over `indices` (sorted) as table items of group `group`. */
function pushForest(items: TableItem[], order: TableOrder, indices: readonly number[], group: string | null, expanded: ReadonlySet<string>, scratch: ForestScratch): void {
	const { rows, parent, shown } = order;
	for (const n of createForestItems(indices, parent, shown, (i) => expanded.has(rows[i].run_id), scratch)) {
		items.push({ type: 'run', row: rows[n.index], group, depth: n.depth, children: n.children, open: n.open, context: n.context });
	}
}

/**
 * The items the table draws: runs nested under their parents (children folded unless expanded), in groups when
 * grouped. Groups are ordered by their value (numeric-aware, rows without the value last); a run nests under its
 * parent inside a group when both have the group's value, else it is a top-level run of its own group. A collapsed
 * group contributes only its header; its count is of matched runs.
 */
export function createTableItems(order: TableOrder, fold: TableFold): TableItem[] {
	const { group, collapsed, expanded, now } = fold;
	const items: TableItem[] = [];
	const scratch = createForestScratch(order.rows.length);
	if (group === null) {
		pushForest(items, order, order.order, null, expanded, scratch);
		return items;
	}
	const buckets = new Map<string, number[]>();
	for (const i of order.order) {
		const v = readCellValue(order.rows[i], group, now);
		const key = v === undefined || v === '' ? NO_VALUE_GROUP : String(v);
		let b = buckets.get(key);
		if (!b) buckets.set(key, (b = []));
		b.push(i);
	}
	const keys = [...buckets.keys()];
	const groupKeys = createSortKeys(keys.length, (i) => (keys[i] === NO_VALUE_GROUP ? undefined : keys[i]));
	const orderedKeys = keys.map((_, i) => i).sort((a, b) => compareByKeys(groupKeys, a, b, false)).map((i) => keys[i]);
	for (const key of orderedKeys) {
		const members = buckets.get(key)!;
		const count = members.reduce((n, i) => n + (order.shown[i] === SHOWN.match ? 1 : 0), 0);
		if (count === 0) continue; // only context rows, whose matches went to other groups
		const isCollapsed = collapsed.has(key);
		items.push({ type: 'group', key, label: key === NO_VALUE_GROUP ? '(no value)' : key, count, collapsed: isCollapsed });
		if (!isCollapsed) pushForest(items, order, members, key, expanded, scratch);
	}
	return items;
}

/** Filters, sorts, nests and groups (createTableOrder, then createTableItems). */
export function createTableView(input: TableViewInput): TableView {
	const order = createTableOrder(input);
	return { items: createTableItems(order, input), matched: order.matched };
}
