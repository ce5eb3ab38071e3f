// Which documents this browser already holds in IndexedDB (y-indexeddb keeps one database per document,
// `tandem:<name>`), read once per page from `indexedDB.databases()`. A document known to be absent need not wait
// for its (empty) local copy before syncing: opening a new IndexedDB database costs tens of milliseconds.

/** The IndexedDB database y-indexeddb uses for document `name`. */
export function readDatabaseName(name: string): string {
	return `tandem:${name}`;
}

let known: Promise<Set<string> | null> | null = null;

/**
 * Resolves whether `name` has a local copy: false only when IndexedDB lists its databases and this one is not
 * among them (as of page start, plus documents this page opened since). Where the browser cannot list them, true.
 */
export async function isCachedLocally(name: string): Promise<boolean> {
	known ??= (async () => {
		try {
			if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return null;
			return new Set((await indexedDB.databases()).map((d) => d.name ?? ''));
		} catch {
			return null;
		}
	})();
	const set = await known;
	return set === null || set.has(readDatabaseName(name));
}

/** Records that this page has created `name`'s database (later opens then wait for it as usual). */
export function noteCachedLocally(name: string): void {
	void known?.then((set) => set?.add(readDatabaseName(name)));
}
