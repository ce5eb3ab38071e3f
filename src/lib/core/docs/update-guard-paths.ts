// Where an item of a client update lands: the keys from the document root down to the type it goes into, and the
// map key it sets (or null in a sequence). Parent info an item omits is inherited from its origin or right origin,
// found in the document or earlier in the same update; an item that Yjs would garbage-collect on arrival is 'dead'.
import * as Y from 'yjs';
import { locate, type DecodedUpdate } from './update-guard-deps';

/** Any shared type (Yjs types its roots and nested types with different event parameters). */
export type SharedType = Y.Doc['share'] extends Map<string, infer T> ? T : never;

/** A key on the way down from a root; null is a position in a sequence (Y.Text, Y.Array). */
export type PathKey = string | null;

/** Deeper than any document's schema: resolution stops here and the write is refused. */
export const MAX_DEPTH = 8;

export interface Target {
	/** The root's name, then the map keys down to the type the item goes into. */
	path: readonly PathKey[];
	/** The map key the item sets, or null for a sequence item. */
	key: string | null;
	/** The parent type as the document holds it now; null when the update creates it (or the root is new). */
	parentType: SharedType | null;
	/** The id of the item holding the parent type; null for a root. */
	parentId: Y.ID | null;
}

/** The item lands nowhere: its parent or a neighbour is garbage-collected or deleted, so Yjs drops or deletes it. */
export const DEAD = 'dead' as const;
/** Its parent chain is deeper than MAX_DEPTH. */
export const TOO_DEEP = 'too-deep' as const;
export type Resolved = Target | typeof DEAD | typeof TOO_DEEP;

export interface PathResolver {
	/** Where an item of the update goes. Throws on an origin cycle or an item with no parent information. */
	resolveUpdateItem(item: Y.Item): Resolved;
	/** Where an item the document holds is. */
	resolveDocItem(item: Y.Item): Resolved;
}

export function createPathResolver(doc: Y.Doc, update: DecodedUpdate): PathResolver {
	const byItem = new Map<Y.Item, Resolved>();
	const byType = new Map<SharedType, readonly PathKey[] | typeof DEAD | typeof TOO_DEEP>();
	let rootNames: Map<SharedType, string> | null = null;

	const rootName = (type: SharedType): string | null => {
		rootNames ??= new Map([...doc.share].map(([name, t]) => [t, name]));
		return rootNames.get(type) ?? null;
	};

	/** The keys from the root down to `type` (a type in the document). */
	function pathOfDocType(type: SharedType): readonly PathKey[] | typeof DEAD | typeof TOO_DEEP {
		const memo = byType.get(type);
		if (memo !== undefined) return memo;
		const keys: PathKey[] = [];
		let t = type;
		let result: readonly PathKey[] | typeof DEAD | typeof TOO_DEEP | null = null;
		while (result === null) {
			const item = t._item;
			if (item === null) {
				const name = rootName(t);
				result = name === null ? DEAD : [name, ...keys.reverse()];
			} else if (item.deleted) result = DEAD;
			else if (keys.length >= MAX_DEPTH) result = TOO_DEEP;
			else {
				keys.push(item.parentSub);
				t = item.parent as SharedType;
			}
		}
		byType.set(type, result);
		return result;
	}

	function targetInDocType(type: SharedType, key: string | null): Resolved {
		const path = pathOfDocType(type);
		return typeof path === 'string' ? path : { path, key, parentType: type, parentId: type._item?.id ?? null };
	}

	function resolveDocItem(item: Y.Item): Resolved {
		return targetInDocType(item.parent as SharedType, item.parentSub);
	}

	/** An item with its parent given: a root name, or the id of a type item. */
	function resolveExplicit(item: Y.Item, depth: number): Resolved {
		const parent = item.parent as unknown;
		if (typeof parent === 'string') return { path: [parent], key: item.parentSub, parentType: doc.share.get(parent) ?? null, parentId: null };
		const found = locate(doc, update, parent as Y.ID);
		if (found === null || !(found.struct instanceof Y.Item) || !(found.struct.content instanceof Y.ContentType)) return DEAD;
		if (found.where === 'doc') return found.struct.deleted ? DEAD : targetInDocType(found.struct.content.type, item.parentSub);
		if (depth >= MAX_DEPTH) return TOO_DEEP;
		const above = resolveAt(found.struct, depth + 1);
		if (typeof above === 'string') return above;
		return above.path.length >= MAX_DEPTH ? TOO_DEEP : { path: [...above.path, above.key], key: item.parentSub, parentType: null, parentId: found.struct.id };
	}

	/** Follows omitted parent info along origins (iteratively: a typed text is a long chain) and memoizes the chain. */
	function resolveAt(item: Y.Item, depth: number): Resolved {
		const chain: Y.Item[] = [];
		const seen = new Set<Y.Item>();
		let cur = item;
		let result: Resolved | undefined;
		while (result === undefined) {
			const memo = byItem.get(cur);
			if (memo !== undefined) {
				result = memo;
				break;
			}
			if (seen.has(cur)) throw new Error(`items around ${cur.id.client}:${cur.id.clock} name each other as origins in a cycle`);
			seen.add(cur);
			chain.push(cur);
			if (cur.parent !== null) {
				result = resolveExplicit(cur, depth);
				break;
			}
			const left = cur.origin ? locate(doc, update, cur.origin) : null;
			const right = cur.rightOrigin ? locate(doc, update, cur.rightOrigin) : null;
			if (left?.struct instanceof Y.GC || right?.struct instanceof Y.GC) result = DEAD;
			else {
				const from = left ?? right;
				if (from === null) throw new Error(`item ${cur.id.client}:${cur.id.clock} has neither a parent nor a known origin`);
				if (!(from.struct instanceof Y.Item)) result = DEAD;
				else if (from.where === 'doc') result = resolveDocItem(from.struct);
				else cur = from.struct;
			}
		}
		// Not memoized when too deep: that depends on where the walk started (it is bounded by MAX_DEPTH levels).
		if (result !== TOO_DEEP) for (const c of chain) byItem.set(c, result);
		return result;
	}

	return { resolveUpdateItem: (item) => resolveAt(item, 0), resolveDocItem };
}
