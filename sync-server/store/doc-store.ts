// The DocStore port: durable storage of Yjs documents as an append-only update log plus snapshots.
// Implementations: SQLite (sqlite-store.ts, the default), PostgreSQL (pg-store.ts, several instances) and in-memory
// (memory-store.ts); one contract suite (store-contract.ts) covers all three.

/** What a document's history looks like when loaded: apply `snapshot` (if any), then every update in order. */
export interface StoredDoc {
	snapshot: Uint8Array | null;
	updates: Uint8Array[];
	/** Encoded bytes of snapshot + log, so callers can decide when to compact. */
	bytes: number;
	/** Stores with `readSince`: what this load read up to (pass it to readSince to get what was committed after). */
	cursor?: StoreCursor;
}

/** A position in a shared store's history, opaque to callers; only the store that gave it reads it. */
export type StoreCursor = string & { readonly __storeCursor: true };

/** What was committed for a document after a cursor (see DocStore.readSince). */
export interface StoredSince {
	/** Committed after the cursor by other store instances, in commit order within each instance. */
	updates: Uint8Array[];
	/** The snapshot, when a compaction after the cursor may have folded updates the caller never read into it. */
	snapshot: Uint8Array | null;
	/** Where this read stopped: everything committed before it is in what `load` and every readSince since returned. */
	cursor: StoreCursor;
}

export interface DocStore {
	/** Reads a document's snapshot and log. A name never written returns `{snapshot: null, updates: [], bytes: 0}`. */
	load(name: string): Promise<StoredDoc>;
	/**
	 * Queues one Yjs update for `name`. It becomes durable at the next group commit;
	 * `flush()` resolves once everything appended before it is durable. Updates from one tick share one commit,
	 * so updates to several documents appended synchronously together are committed atomically.
	 */
	append(name: string, update: Uint8Array): void;
	/** Resolves when every update appended so far is durable (on disk and flushed); rejects if the commit failed. */
	flush(): Promise<void>;
	/**
	 * Replaces the history of `name` with `snapshot`, which must contain every update appended for `name` so far
	 * (callers pass `Y.encodeStateAsUpdate(doc)` of the in-memory document). Atomic: a crash leaves either the old
	 * history or the new one. A shared store may skip it while another instance compacts `name` (whose snapshot
	 * then folds in the same log). Given a function, the store calls it (at most once) when it is ready to write,
	 * and the snapshot must hold every update appended until that call: a skipped compaction then never encodes.
	 */
	compact(name: string, snapshot: SnapshotSource): Promise<void>;
	/**
	 * Shared stores only (PostgreSQL): what other instances committed for `name` after `cursor` (null: since the
	 * beginning, the snapshot and every update), in one cheap query. Updates this store instance appended are left
	 * out: they came from the caller's own document. Applying the result to a document that held everything up to
	 * `cursor` makes it hold everything committed up to the returned cursor.
	 */
	readSince?(name: string, cursor: StoreCursor | null): Promise<StoredSince>;
	/** Names of every stored document. */
	list(): Promise<string[]>;
	/** Flushes and releases resources. */
	close(): Promise<void>;
}

/** The store's backend (PostgreSQL) cannot be reached: nothing was lost, the work stays queued; answer 503 and retry. */
export class StoreUnavailableError extends Error {
	constructor(message: string, cause?: unknown) {
		super(message);
		this.name = 'StoreUnavailableError';
		if (cause !== undefined) this.cause = cause;
	}
}

/** A snapshot, or the function that encodes it when the store is ready to write it (see DocStore.compact). */
export type SnapshotSource = Uint8Array | (() => Uint8Array);

/** The snapshot `source` gives, encoded now if it is a function. */
export function readSnapshot(source: SnapshotSource): Uint8Array {
	return typeof source === 'function' ? source() : source;
}
