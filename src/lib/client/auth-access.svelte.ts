// What this identity may not do on the page shown, for the layout to say: a document of the page the relay refused
// (the page is replaced by "You don't have access to this"), a change it dropped (permission denied), and lists
// read over HTTP because their shared document was refused (read-only). Fed by auth-events.ts.
import { untrack } from 'svelte';
import { subscribeAccessEvents } from './auth-events';
import { isSharedDocument, readDocumentStore } from './documents';

export interface Refusal {
	/** The page's pathname when it happened: the notice belongs to that page only. */
	path: string;
	doc: string;
	reason: string;
}

class PageAccess {
	denied = $state.raw<Refusal | null>(null);
	writeDenied = $state.raw<Refusal | null>(null);
	/** Notices of the lists now read over HTTP, one per list view shown. */
	readOnlyLists = $state.raw<string[]>([]);
	/** Shared documents a view shown cannot do without (a model's page needs the registry), with their holders. */
	readonly required = new Map<string, number>();

	constructor() {
		const store = readDocumentStore();
		subscribeAccessEvents((e) => {
			if (e.type === 'unauthenticated') return;
			const refusal = { path: location.pathname, doc: e.doc, reason: e.reason };
			if (e.type === 'write-denied') this.writeDenied = refusal;
			else if (store.isHeld(e.doc) && (!isSharedDocument(e.doc) || this.required.has(e.doc))) this.denied = refusal;
		});
	}
}

let access: PageAccess | null = null;
const SERVER_SIDE = { denied: null, writeDenied: null, readOnlyLists: [] } as const;

function pageAccess(): PageAccess {
	access ??= new PageAccess();
	return access;
}

/** The page's access notices, created on first use. */
export function readPageAccess(): { readonly denied: Refusal | null; readonly writeDenied: Refusal | null; readonly readOnlyLists: readonly string[] } {
	return typeof window === 'undefined' ? SERVER_SIDE : pageAccess(); // rendering on the server: none
}

/** Forgets the last dropped change (its notice was dismissed). */
export function dismissWriteDenied(): void {
	if (access) access.writeDenied = null;
}

/** While the calling component lives, a refusal of shared document `name` means the page cannot be shown. */
export function requireDocument(name: string): void {
	$effect(() => {
		const a = pageAccess();
		a.required.set(name, (a.required.get(name) ?? 0) + 1);
		return () => {
			const n = (a.required.get(name) ?? 1) - 1;
			if (n > 0) a.required.set(name, n);
			else a.required.delete(name);
		};
	});
}

/** Shows `notice` (a list read over HTTP, read-only) until the returned function is called. Effects may call it:
 * it does not make them depend on the notices. */
export function noteReadOnlyList(notice: string): () => void {
	const a = pageAccess();
	untrack(() => (a.readOnlyLists = [...a.readOnlyLists, notice]));
	return () =>
		untrack(() => {
			const i = a.readOnlyLists.indexOf(notice);
			if (i >= 0) a.readOnlyLists = a.readOnlyLists.filter((_, k) => k !== i);
		});
}
