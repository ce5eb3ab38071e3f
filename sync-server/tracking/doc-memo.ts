// Memoises values computed from Yjs documents (or from other memoised values) until an input changes, so repeated
// reads of a large experiment or series (searches, listings, paged histories) cost nothing while nobody writes.
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

/**
 * One cached value per key, valid while its inputs are the very same values (`===`, in order). `maxEntries`
 * bounds the keys kept, the least recently read dropped first; unbounded by default.
 */
export function createMemo<T>(opts: { maxEntries?: number } = {}) {
	const max = opts.maxEntries ?? Number.POSITIVE_INFINITY;
	const cache = new Map<string, { inputs: readonly unknown[]; value: T }>();
	return {
		read(key: string, inputs: readonly unknown[], compute: () => T): T {
			const hit = cache.get(key);
			cache.delete(key);
			if (hit && hit.inputs.length === inputs.length && hit.inputs.every((x, i) => x === inputs[i])) {
				cache.set(key, hit);
				return hit.value;
			}
			const value = compute();
			cache.set(key, { inputs, value });
			if (cache.size > max) cache.delete(cache.keys().next().value!);
			return value;
		},
		/** Drops the value cached for `key` (a computation that failed, for one). */
		forget(key: string): void {
			cache.delete(key);
		}
	};
}

export function createDocMemo<T>(opts: { maxEntries?: number } = {}) {
	const memo = createMemo<T>(opts);
	return {
		/** `compute(docs)` unless the cached value for `key` was computed from these very docs, unchanged since. */
		read(key: string, docs: Y.Doc[], compute: (docs: Y.Doc[]) => T): T {
			return memo.read(key, [...docs, ...docs.map((d) => versionOf(d).n)], () => compute(docs));
		}
	};
}
