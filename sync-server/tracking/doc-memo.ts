// Memoises a value computed from Yjs documents until any of them changes (or is reloaded as a new Y.Doc), so
// repeated reads of a large experiment (searches, listings) cost nothing while nobody writes to it.
import type * as Y from 'yjs';

const versions = new WeakMap<Y.Doc, { n: number }>();

/** A counter that moves on every update of `doc` (listener attached once per Y.Doc instance). */
function versionOf(doc: Y.Doc): { n: number } {
	let v = versions.get(doc);
	if (!v) {
		const counter = { n: 0 };
		doc.on('update', () => counter.n++);
		versions.set(doc, (v = counter));
	}
	return v;
}

export function createDocMemo<T>() {
	const cache = new Map<string, { docs: Y.Doc[]; seen: number[]; value: T }>();
	return {
		/** `compute(docs)` unless the cached value for `key` was computed from these very docs, unchanged since. */
		read(key: string, docs: Y.Doc[], compute: (docs: Y.Doc[]) => T): T {
			const hit = cache.get(key);
			const now = docs.map((d) => versionOf(d).n);
			if (hit && hit.docs.every((d, i) => d === docs[i] && hit.seen[i] === now[i])) return hit.value;
			const value = compute(docs);
			cache.set(key, { docs, seen: now, value });
			return value;
		}
	};
}
