// The rune bridge from documents to components: open some documents, read a plain snapshot from them, and
// re-read it at most once per animation frame while they change. Snapshots are `$state.raw` (replaced, not proxied).
import { untrack } from 'svelte';
import type * as Y from 'yjs';
import { openDocument } from './documents';
import { watchDocs } from './watch';

export interface DocsView<T> {
	/** The latest snapshot; `empty` until the documents are open. */
	readonly current: T;
	/** The documents' IndexedDB copies have been applied (offline data is showing). */
	readonly loaded: boolean;
	/** Every document has synced with the relay at least once since the view (re)opened them. */
	readonly synced: boolean;
}

/**
 * Call while a component initialises (it uses `$effect`). `key` may read reactive state: when it changes, the
 * documents named by `names(key)` are reopened and the old ones released. A null key shows `empty`.
 * `read` must be pure and fast: it runs on every frame with updates.
 */
export function createDocsView<K, T>(
	key: () => K | null,
	names: (key: K) => readonly string[],
	read: (docs: Y.Doc[], key: K) => T,
	empty: T
): DocsView<T> {
	let current = $state.raw(empty);
	let loaded = $state(false);
	let synced = $state(false);
	$effect(() => {
		const k = key();
		loaded = synced = false;
		if (k === null) {
			current = empty;
			loaded = synced = true;
			return;
		}
		const handles = untrack(() => names(k)).map((name) => openDocument(name));
		const docs = handles.map((h) => h.doc);
		let open = true;
		const refresh = () => {
			if (open) current = untrack(() => read(docs, k));
		};
		refresh();
		const stop = watchDocs(docs, refresh);
		void Promise.all(handles.map((h) => h.local)).then(() => {
			if (open) loaded = true;
		});
		void Promise.all(handles.map((h) => h.synced)).then(() => {
			if (open) synced = true;
		});
		return () => {
			open = false;
			stop();
			for (const h of handles) h.release();
		};
	});
	return {
		get current() {
			return current;
		},
		get loaded() {
			return loaded;
		},
		get synced() {
			return synced;
		}
	};
}
