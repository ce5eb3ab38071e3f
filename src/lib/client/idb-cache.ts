// Which documents this browser already holds in IndexedDB (y-indexeddb keeps one database per document,
// `tandem:<name>`), read once per page from `indexedDB.databases()`. A document known to be absent need not wait
// for its (empty) local copy before syncing: opening a new IndexedDB database costs tens of milliseconds. A browser
// that never stored a document here (no marker in localStorage) need not even ask: on a first visit the listing
// itself waits 100 ms or more for IndexedDB to start up. Also the deadline every wait on IndexedDB gets.

/** The IndexedDB database y-indexeddb uses for document `name`. */
export function readDatabaseName(name: string): string {
	return `tandem:${name}`;
}

let known: Promise<Set<string> | null> | null = null;
/** Set in localStorage once this origin has stored a document in IndexedDB (both are cleared together). */
const MARKER = 'tandem:idb-used';
/** Read once per page: the marker was absent when the page started. */
let firstUse: boolean | null = null;
/** Documents this page has opened (and so created locally). */
const opened = new Set<string>();

function readFirstUse(): boolean {
	if (firstUse === null) {
		try {
			firstUse = localStorage.getItem(MARKER) === null;
		} catch {
			firstUse = false; // storage blocked: ask IndexedDB
		}
	}
	return firstUse;
}

/** Synchronously true when `name` certainly has no local copy: this browser had stored nothing here at page start. */
export function isSurelyUncached(name: string): boolean {
	return readFirstUse() && !opened.has(name);
}

/**
 * Resolves whether `name` has a local copy: false only when IndexedDB lists its databases and this one is not
 * among them (as of page start, plus documents this page opened since). Where the browser cannot list them, true.
 */
export async function isCachedLocally(name: string): Promise<boolean> {
	if (readFirstUse()) return opened.has(name);
	known ??= (async () => {
		try {
			if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return null;
			return new Set((await indexedDB.databases()).map((d) => d.name ?? ''));
		} catch {
			return null;
		}
	})();
	const set = await known;
	return set === null || set.has(readDatabaseName(name)) || opened.has(name);
}

/** Records that this page has created `name`'s database (later opens then wait for it as usual). */
export function noteCachedLocally(name: string): void {
	if (opened.size === 0 && readFirstUse()) {
		try {
			localStorage.setItem(MARKER, '1');
		} catch {
			// storage blocked: later pages ask IndexedDB instead
		}
	}
	opened.add(name);
}

/** ms to wait for IndexedDB before carrying on without it: a blocked or broken IndexedDB (private modes, a stuck
 * upgrade in another tab) must never stall a page that could carry on over the network. */
export const LOCAL_LOAD_TIMEOUT_MS = 3_000;

/** Resolves when `p` settles or after `ms`, whichever comes first; never rejects. */
export function waitAtMost(p: Promise<unknown>, ms = LOCAL_LOAD_TIMEOUT_MS): Promise<void> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	return Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() =>
		clearTimeout(timer)
	);
}
