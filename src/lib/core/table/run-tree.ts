// Nested runs in the runs table (MLflow's `mlflow.parentRunId` tag): which row is whose child, which ancestors a
// filter's matches bring along as context, and the depth-first items of the forest with folded parents. Pure, over
// row indices and typed arrays, so 10,000 rows cost a few ms.
import type { RunRow } from '../run-row';
import { PARENT_RUN_TAG } from '../docs/run-family';

/** What a row is in a view: not shown, matched by the filter, or shown only as the parent of a match. */
export const SHOWN = { no: 0, match: 1, context: 2 } as const;

/**
 * The parent of each row as an index into `rows`, -1 for none: the row its parent tag names, if that row is in
 * `rows` and `eligible` (not a deleted run the view leaves out, say). A link that would close a cycle (runs naming
 * each other) is cut, so following parents always ends.
 */
export function readParentIndices(rows: readonly RunRow[], eligible: (i: number) => boolean): Int32Array {
	const parent = new Int32Array(rows.length).fill(-1);
	const at = new Map<string, number>();
	for (let i = 0; i < rows.length; i++) if (eligible(i)) at.set(rows[i].run_id, i);
	for (let i = 0; i < rows.length; i++) {
		const id = rows[i].tags[PARENT_RUN_TAG];
		if (id === undefined || !eligible(i)) continue;
		const p = at.get(id);
		if (p !== undefined && p !== i) parent[i] = p;
	}
	// 0 = not walked, 1 = on the current walk, 2 = its chain ends.
	const state = new Uint8Array(rows.length);
	const path: number[] = [];
	for (let i = 0; i < rows.length; i++) {
		let j = i;
		while (j >= 0 && state[j] === 0) {
			state[j] = 1;
			path.push(j);
			const p = parent[j];
			if (p >= 0 && state[p] === 1) parent[j] = -1; // the walk came back to itself: cut here
			j = parent[j];
		}
		for (const k of path) state[k] = 2;
		path.length = 0;
	}
	return parent;
}

/** Marks each ancestor of a matched row that is not matched itself as context, in `shown` (SHOWN values). */
export function markContextAncestors(parent: Int32Array, shown: Uint8Array): void {
	for (let i = 0; i < shown.length; i++) {
		if (shown[i] !== SHOWN.match) continue;
		for (let p = parent[i]; p >= 0 && shown[p] === SHOWN.no; p = parent[p]) shown[p] = SHOWN.context;
	}
}

export interface ForestNode {
	index: number;
	/** 0 for a top-level row, 1 for its children, … */
	depth: number;
	/** Children shown under it (when open). */
	children: number;
	/** Its children follow it. */
	open: boolean;
	/** Shown only for the matches below it. */
	context: boolean;
}

/**
 * Working arrays for createForestItems, one slot per row, reused across calls (a grouped table makes one forest per
 * group): an entry counts only where `mark` holds the current call's stamp, so nothing is cleared between calls.
 */
export interface ForestScratch {
	stamp: number;
	/** Row is in the current forest. */
	mark: Int32Array;
	/** Row is kept: a match, or above one. */
	kept: Int32Array;
	/** Children as linked lists in `order`'s order: first child, last child, next sibling (-1: none). */
	first: Int32Array;
	last: Int32Array;
	next: Int32Array;
}

export function createForestScratch(rows: number): ForestScratch {
	const a = () => new Int32Array(rows);
	return { stamp: 0, mark: a(), kept: a(), first: a(), last: a(), next: a() };
}

/**
 * The depth-first items of the forest over `order` (row indices, sorted): each row under its parent when the parent
 * is in `order` too, siblings in `order`'s order. A parent's children follow it when `isExpanded(index)`, or when it
 * is context (it is shown only for what is below it). Context rows with no match below them in `order` are left out.
 * Linear in `order`'s length.
 */
export function createForestItems(
	order: readonly number[],
	parent: Int32Array,
	shown: Uint8Array,
	isExpanded: (index: number) => boolean,
	scratch: ForestScratch = createForestScratch(parent.length)
): ForestNode[] {
	const stamp = ++scratch.stamp;
	const { mark, kept, first, last, next } = scratch;
	for (const i of order) {
		mark[i] = stamp;
		first[i] = -1;
		next[i] = -1;
	}
	const inForest = (p: number) => p >= 0 && mark[p] === stamp;
	const roots: number[] = [];
	let anyContext = false;
	for (const i of order) {
		if (shown[i] === SHOWN.context) anyContext = true;
		const p = parent[i];
		if (!inForest(p)) roots.push(i);
		else {
			if (first[p] < 0) first[p] = i;
			else next[last[p]] = i;
			last[p] = i;
		}
	}
	if (anyContext) {
		// Walked backwards, a pre-order meets every row after all of its descendants: keep what is above a match.
		const pre: number[] = [];
		const stack = roots.slice();
		while (stack.length > 0) {
			const i = stack.pop()!;
			pre.push(i);
			for (let c = first[i]; c >= 0; c = next[c]) stack.push(c);
		}
		for (let k = pre.length - 1; k >= 0; k--) {
			const i = pre[k];
			if (shown[i] === SHOWN.match) kept[i] = stamp;
			if (kept[i] === stamp && inForest(parent[i])) kept[parent[i]] = stamp;
		}
	}
	const isKept = (i: number) => !anyContext || kept[i] === stamp;
	const out: ForestNode[] = [];
	const walk: number[] = [];
	const depthOf: number[] = [];
	for (let k = roots.length - 1; k >= 0; k--) if (isKept(roots[k])) (walk.push(roots[k]), depthOf.push(0));
	const children: number[] = [];
	while (walk.length > 0) {
		const index = walk.pop()!;
		const depth = depthOf.pop()!;
		children.length = 0;
		for (let c = first[index]; c >= 0; c = next[c]) if (isKept(c)) children.push(c);
		const context = shown[index] === SHOWN.context;
		const open = children.length > 0 && (context || isExpanded(index));
		out.push({ index, depth, children: children.length, open, context });
		if (open) for (let k = children.length - 1; k >= 0; k--) (walk.push(children[k]), depthOf.push(depth + 1));
	}
	return out;
}
