// The foldable, highlighted tree of a JSON, YAML or MLmodel preview, read from the parsed value: each node's key
// label and, for a scalar, its kind (the colour it gets) and text as the file's syntax writes it; for a mapping or a
// sequence, its entries and a one-line summary. Everything is read node by node as the tree opens, so the cost
// stays linear in what is shown; `readOpenDepth` decides how much is open at first.

export type TreeSyntax = 'json' | 'yaml';
export type ScalarKind = 'string' | 'number' | 'boolean' | 'null';

/** One child of a mapping (`key` a string) or sequence (`key` its index). */
export interface TreeEntry {
	key: string | number;
	value: unknown;
}

/** Children of a mapping or a sequence shown at once; more come a page at a time. */
export const TREE_PAGE = 200;
/** A value with fewer nodes than this opens whole; a larger one opens its first level only. */
export const OPEN_ALL_BELOW = 1500;

/** Whether `v` is a mapping or a sequence (has children), as JSON.parse and parseYaml build them. */
export function isBranch(v: unknown): v is Record<string, unknown> | unknown[] {
	return v !== null && typeof v === 'object';
}

/** The children of a mapping or a sequence, from `start`, at most `limit` of them. */
export function readEntries(v: Record<string, unknown> | unknown[], start = 0, limit = TREE_PAGE): TreeEntry[] {
	if (Array.isArray(v)) return v.slice(start, start + limit).map((value, i) => ({ key: start + i, value }));
	return Object.keys(v)
		.slice(start, start + limit)
		.map((key) => ({ key, value: v[key] }));
}

/** How many children a mapping or sequence has. */
export function countEntries(v: Record<string, unknown> | unknown[]): number {
	return Array.isArray(v) ? v.length : Object.keys(v).length;
}

/** "3 keys", "1 item", as shown beside a folded node. */
export function summarizeBranch(v: Record<string, unknown> | unknown[]): string {
	const n = countEntries(v);
	const noun = Array.isArray(v) ? 'item' : 'key';
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A YAML plain scalar that would read back as something else (a number, a boolean, null) or not at all. */
const YAML_NEEDS_QUOTES = /^$|^[\s\-?:,[\]{}#&*!|>'"%@`]|[:#]\s|\s$|^(true|false|yes|no|on|off|null|~|[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?|\.inf|\.nan)$/i;

/** A scalar's kind and its text as `syntax` writes it (JSON quotes strings; YAML quotes only where it must). */
export function readScalar(v: unknown, syntax: TreeSyntax): { kind: ScalarKind; text: string } {
	if (typeof v === 'string') {
		if (syntax === 'json') return { kind: 'string', text: JSON.stringify(v) };
		return { kind: 'string', text: YAML_NEEDS_QUOTES.test(v) || v.includes('\n') ? `'${v.replaceAll("'", "''")}'` : v };
	}
	if (typeof v === 'number') return { kind: 'number', text: Number.isFinite(v) ? String(v) : syntax === 'yaml' ? (Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf') : String(v) };
	if (typeof v === 'boolean') return { kind: 'boolean', text: String(v) };
	return { kind: 'null', text: 'null' };
}

/** The label before a node's value: a JSON key quoted, a YAML key as is, a sequence item's index (JSON) or `-` (YAML). */
export function formatKey(key: string | number, syntax: TreeSyntax): string {
	if (typeof key === 'number') return syntax === 'json' ? String(key) : '-';
	return syntax === 'json' ? JSON.stringify(key) : key;
}

/** The brackets a JSON branch opens and closes with; YAML has none. */
export function readBrackets(v: Record<string, unknown> | unknown[], syntax: TreeSyntax): [string, string] {
	if (syntax === 'yaml') return ['', ''];
	return Array.isArray(v) ? ['[', ']'] : ['{', '}'];
}

/** Nodes of `v` counted up to `cap` (then `cap`): one walk that stops early, so a huge value costs `cap` steps. */
export function countNodes(v: unknown, cap: number): number {
	let n = 0;
	const stack: unknown[] = [v];
	while (stack.length > 0 && n < cap) {
		const node = stack.pop();
		n++;
		if (!isBranch(node)) continue;
		for (const child of Array.isArray(node) ? node : Object.values(node)) {
			if (n + stack.length >= cap) break;
			stack.push(child);
		}
	}
	return Math.min(n + stack.length, cap);
}

/** How many levels open at first: all of a small value, the root's children of a large one. */
export function readOpenDepth(v: unknown): number {
	return countNodes(v, OPEN_ALL_BELOW) < OPEN_ALL_BELOW ? Infinity : 1;
}
