// GC's mark phase: every sha256 referenced by a run's or a logged model's artifact manifest, read one `run/<runId>`
// or `model/<modelId>` document at a time (deleted ones included: only an explicit purge gives their artifacts up).
import * as Y from 'yjs';
import { parseDocName } from '../../src/lib/core/schema';
import { readArtifacts } from '../../src/lib/core/docs/run';
import { readDocs, type DocAccess } from '../tracking/doc-access';
import type { DocStore } from '../store/doc-store';

export interface MarkDeps {
	store: Pick<DocStore, 'list' | 'load'>;
	/** The relay: a loaded room is read there, as it is the authoritative copy. */
	access: DocAccess;
	/** True while `name` is loaded in the relay (see trackLoadedRooms). */
	isLoaded(name: string): boolean;
	/** Aborts the walk (server closing): the mark rejects with the signal's reason. */
	signal?: AbortSignal;
}

/**
 * The sha256 of every artifact of every run. Rooms the relay holds are read through it; the others straight from
 * the store into a throwaway document, so a pass over 100k runs never keeps more than one unloaded run in memory
 * (opening them in the relay would keep each loaded until its idle timeout). A manifest entry written during the
 * walk may be missed: its blob was put moments before, so the sweep's grace period spares it.
 */
export async function markReferencedBlobs(deps: MarkDeps): Promise<Set<string>> {
	const referenced = new Set<string>();
	const add = (run: Y.Doc) => {
		for (const entry of readArtifacts(run).values()) referenced.add(entry.sha256);
	};
	for (const name of await deps.store.list()) {
		deps.signal?.throwIfAborted();
		const kind = parseDocName(name)?.kind;
		if (kind !== 'run' && kind !== 'model') continue;
		if (deps.isLoaded(name)) await readDocs(deps.access, [name], ([run]) => add(run));
		else {
			const run = await loadStored(deps.store, name);
			try {
				add(run);
			} finally {
				run.destroy();
			}
		}
	}
	return referenced;
}

async function loadStored(store: Pick<DocStore, 'load'>, name: string): Promise<Y.Doc> {
	const stored = await store.load(name);
	const doc = new Y.Doc();
	doc.transact(() => {
		if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
		for (const update of stored.updates) Y.applyUpdate(doc, update);
	});
	return doc;
}

/** Keeps the set of rooms the relay has loaded, from its events; subscribe before the first room loads. */
export function trackLoadedRooms(relay: { on(event: 'room-loaded' | 'room-unloaded', fn: (...args: unknown[]) => void): () => void }) {
	const loaded = new Set<string>();
	const offs = [relay.on('room-loaded', (name) => loaded.add(name as string)), relay.on('room-unloaded', (name) => loaded.delete(name as string))];
	return { isLoaded: (name: string) => loaded.has(name), stop: () => offs.forEach((off) => off()) };
}
