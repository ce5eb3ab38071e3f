// What the tracking and registry services need from the relay: open documents and write to several at once,
// durably. The relay implements it; services never see sockets or the store.
import type * as Y from 'yjs';

export interface DocHandle {
	doc: Y.Doc;
	release(): void;
}

export interface DocAccess {
	open(name: string): Promise<DocHandle>;
	/** Loads every named doc, runs `fn` synchronously on them, and resolves after the writes are durable. */
	transact<T>(names: string[], fn: (docs: Y.Doc[]) => T, origin?: unknown): Promise<T>;
}

/** Transaction origin of writes made by HTTP APIs (as opposed to relay clients). */
export const API_ORIGIN = { kind: 'api' } as const;

/** Opens the named docs, runs `fn` on them (read-only use), and releases them. */
export async function readDocs<T>(access: DocAccess, names: string[], fn: (docs: Y.Doc[]) => T): Promise<T> {
	const handles = await Promise.all(names.map((n) => access.open(n)));
	try {
		return fn(handles.map((h) => h.doc));
	} finally {
		for (const h of handles) h.release();
	}
}
