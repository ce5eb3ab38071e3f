// The rules a client write must follow, as a schema per document kind (a tree of maps, texts and arrays whose
// slots say who may set, replace or delete them and what value they take), and the check of one write against it.
import * as Y from 'yjs';
import type { PathKey, SharedType, Target } from './update-guard-paths';

/** Checks a plain value; returns what is wrong, or null. `at` is the full path, the key last. */
export type ValueCheck = (value: unknown, at: readonly PathKey[]) => string | null;
/** Checks a map key; `exists`: the map holds a value at it now. Returns what is wrong, or null. */
export type KeyCheck = (key: string, exists: boolean) => string | null;

export interface Slot {
	/** 'client': clients may set and replace it; 'create': only where it holds nothing yet; 'server': never. */
	set: 'client' | 'create' | 'server';
	/** Clients may delete it. */
	delete: boolean;
	/** It holds a plain value, checked by this… */
	value?: ValueCheck;
	/** …or a nested Y.Map with this schema. */
	map?: MapSchema;
}

export interface MapSchema {
	kind: 'map';
	/** Named fields. */
	fields?: Readonly<Record<string, Slot>>;
	/** Any other key that passes `key`. */
	entries?: { key: KeyCheck; slot: Slot };
}
export interface TextSchema {
	kind: 'text';
}
export interface ArraySchema {
	kind: 'array';
	item: ValueCheck;
	/** Clients may delete its entries. */
	delete: boolean;
}
export type NodeSchema = MapSchema | TextSchema | ArraySchema;

export interface DocSchema {
	/** For messages, e.g. 'run document'. */
	what: string;
	/** Each root's schema, or 'server' for a root only the server writes. */
	roots: Readonly<Record<string, NodeSchema | 'server'>>;
	/** A rule every write the schema allows must also pass, whoever writes it, seeing the document before the update. */
	rule?: (write: Write, doc: Y.Doc) => string | null;
}

/** The content of an inserted item, as far as the rules care. */
export type WriteValue =
	| { kind: 'any'; values: readonly unknown[] }
	| { kind: 'type'; type: 'map' | 'text' | 'array' | 'other' }
	| { kind: 'string' }
	| { kind: 'deleted' }
	| { kind: 'other'; name: string };

/** One effect of an update: an item inserted (a map key set, or a sequence insert) or an item deleted. */
export type Write = { op: 'insert'; target: Target; value: WriteValue } | { op: 'delete'; target: Target };

/** Reads an item's content as a WriteValue. */
export function readWriteValue(content: Y.Item['content']): WriteValue {
	if (content instanceof Y.ContentAny) return { kind: 'any', values: content.arr };
	if (content instanceof Y.ContentString) return { kind: 'string' };
	if (content instanceof Y.ContentDeleted) return { kind: 'deleted' };
	if (content instanceof Y.ContentType) {
		const t = content.type;
		return { kind: 'type', type: t instanceof Y.Map ? 'map' : t instanceof Y.Text ? 'text' : t instanceof Y.Array ? 'array' : 'other' };
	}
	return { kind: 'other', name: content.constructor.name };
}

/** A path for messages: `runs.<id>.tags."a b"`; long keys cut to 40 characters. */
export function formatPath(keys: readonly PathKey[]): string {
	return keys
		.map((k) => (k === null ? '[]' : /^[\w-]{1,40}$/.test(k) ? k : JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)))
		.join('.');
}

function hasLiveValue(type: SharedType | null, key: string): boolean {
	const item = type?._map.get(key);
	return item !== undefined && !item.deleted;
}

/** The slot of `key` in `node`, or the reason there is none. */
function findSlot(node: MapSchema, key: string, exists: boolean): Slot | string {
	if (node.fields && Object.hasOwn(node.fields, key)) return node.fields[key];
	if (!node.entries) return 'not a field clients know';
	return node.entries.key(key, exists) ?? node.entries.slot;
}

/** Checks one write against the document's schema; returns the reason it is refused, or null. */
export function checkWrite(schema: DocSchema, write: Write): string | null {
	const { path, key } = write.target;
	const root = path[0];
	const at = (n: number) => formatPath(path.slice(0, n));
	if (typeof root !== 'string' || !Object.hasOwn(schema.roots, root)) return `${formatPath([root])}: not part of a ${schema.what}`;
	let node = schema.roots[root];
	if (node === 'server') return `${root}: written by the server only`;
	for (let i = 1; i < path.length; i++) {
		const k = path[i];
		if (node.kind !== 'map' || k === null) return `${at(i + 1)}: not part of a ${schema.what}`;
		const slot = findSlot(node, k, true);
		if (typeof slot === 'string') return `${at(i + 1)}: ${slot}`;
		if (!slot.map) return `${at(i + 1)}: ${slot.set === 'server' ? 'written by the server only' : 'holds a value, not a map'}`;
		node = slot.map;
	}
	const here = formatPath(key === null ? path : [...path, key]);
	if (key === null) {
		if (node.kind === 'map') return `${here}: a map, not a sequence`;
		if (write.op === 'delete') return node.kind === 'array' && !node.delete ? `${here}: entries may not be removed` : null;
		const v = write.value;
		if (v.kind === 'deleted') return null;
		if (node.kind === 'text') return v.kind === 'string' ? null : `${here}: text takes strings only`;
		if (v.kind !== 'any') return `${here}: takes plain values only`;
		for (const item of v.values) {
			const wrong = node.item(item, path);
			if (wrong) return `${here}: ${wrong}`;
		}
		return null;
	}
	if (node.kind !== 'map') return `${here}: a sequence has no keys`;
	const exists = write.op === 'delete' || hasLiveValue(write.target.parentType, key);
	const slot = findSlot(node, key, exists);
	if (typeof slot === 'string') return `${here}: ${slot}`;
	if (write.op === 'delete' || write.value.kind === 'deleted') {
		if (slot.delete) return null;
		return `${here}: ${slot.set === 'server' ? 'written by the server only' : 'clients may not delete it'}`;
	}
	if (slot.set === 'server') return `${here}: written by the server only`;
	if (slot.set === 'create' && exists) return `${here}: set once, when created`;
	const v = write.value;
	if (slot.map) return v.kind === 'type' && v.type === 'map' ? null : `${here}: must be a Y.Map`;
	if (v.kind !== 'any' || v.values.length !== 1) return `${here}: must be one plain value`;
	const wrong = slot.value ? slot.value(v.values[0], [...path, key]) : null;
	return wrong && `${here}: ${wrong}`;
}
