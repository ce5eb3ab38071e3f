// The DocStore port: durable storage of Yjs documents as an append-only update log plus snapshots.
// Implementations: SQLite (sqlite-store.ts, the default), PostgreSQL (pg-store.ts, several instances) and in-memory
// (memory-store.ts); one contract suite (store-contract.ts) covers all three.

/** What a document's history looks like when loaded: apply `snapshot` (if any), then every update in order. */
export interface StoredDoc {
	snapshot: Uint8Array | null;
	updates: Uint8Array[];
	/** Encoded bytes of snapshot + log, so callers can decide when to compact. */
	bytes: number;
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
	 * history or the new one.
	 */
	compact(name: string, snapshot: Uint8Array): Promise<void>;
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
