// The Fanout port (DESIGN §6): carries every document update and awareness update one instance's rooms make to
// the rooms of every other instance sharing the same store. Implementations: in-process (memory-fanout.ts, the
// embedded default and the contract suite's reference) and Redis streams (redis-fanout.ts); fanout-contract.ts
// covers both.

/** What a room publishes: a Yjs document update (already durable in the shared store) or an awareness update. */
export type FanoutKind = 'update' | 'awareness';

export interface FanoutMessage {
	/** The document name (`workspace`, `exp/<id>`, …). */
	doc: string;
	kind: FanoutKind;
	/** A Yjs update (`kind: 'update'`) or an encoded awareness update (`kind: 'awareness'`). */
	data: Uint8Array;
}

export interface Fanout {
	/** Unique per instance; an instance never receives the messages it published. */
	readonly instanceId: string;
	/**
	 * Publishes one message to every other instance. Resolves once the bus has accepted it (a Redis stream entry
	 * exists); rejects with FanoutUnavailableError when the bus cannot be reached. Messages one instance publishes
	 * are delivered to every other instance in publish order.
	 */
	publish(message: FanoutMessage): Promise<void>;
	/** Receives every message other instances publish, exactly once, in order. Returns `off`. */
	subscribe(fn: (message: FanoutMessage) => void): () => void;
	/**
	 * Called when messages may have been missed (the bus was unreachable, or dropped entries before this instance
	 * read them): whoever holds state fed by the fanout must re-read it from the store. Returns `off`.
	 */
	onGap(fn: () => void): () => void;
	/**
	 * Resolves once every message the bus had accepted when it was called (from any instance) has been delivered to
	 * this instance's subscribers: a write acknowledged on another instance is then visible here (read your writes
	 * across instances). Rejects with FanoutUnavailableError when the bus cannot be reached.
	 */
	catchUp(): Promise<void>;
	/** Stops reading and releases connections. Publishing afterwards rejects. */
	close(): Promise<void>;
}

/** The bus cannot be reached: writes that depend on it are answered 503 and must be retried. */
export class FanoutUnavailableError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FanoutUnavailableError';
	}
}
