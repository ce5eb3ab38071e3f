// The relay's public contract: its options (limits and hooks), the handle on a loaded room, and the Relay itself.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type * as Y from 'yjs';
import type { DocStore } from '../store/doc-store';
import type { Fanout } from '../fanout/fanout';
import type { Authorize } from './admission';
import type { AwarenessLimits } from './awareness';
import type { PendingLimits } from './pending';

export interface RelayOptions {
	store: DocStore;
	/** Which names exist (e.g. `workspace`, `exp/<id>`); a socket for any other name is closed with 4400. */
	isValidDocName(name: string): boolean;
	/** Documents only the server writes: client updates to them are dropped (not applied, not stored). */
	isServerOnly(name: string): boolean;
	/**
	 * Asked at every upgrade, after the name check and before the room loads: refuse (closed with its code), admit
	 * read-only (its document updates are dropped and answered with a permission-denied message; its awareness is
	 * kept), or admit with write access. The update guard applies to every socket whatever this answers.
	 */
	authorize?: Authorize;
	/** Open sockets per `authorize` tag (default 256); one more is closed with 4429. */
	maxConnectionsPerTag?: number;
	/**
	 * Largest accepted frame in bytes (default 16 MiB: a reconnecting client's step 2 may carry a large document's
	 * offline history); a larger one closes its socket with 1009.
	 */
	maxFrameBytes?: number;
	/** What a socket that stops reading may have queued beyond one sync reply (default 8 MiB) before it is terminated. */
	maxBufferedBytes?: number;
	/** Updates waiting for missing dependencies (default 32 and 4 MiB per socket, 16 MiB per room); past them 4413. */
	pending?: Partial<PendingLimits>;
	/** Awareness client ids per socket (default 4) and bytes of one client's state (default 64 KiB); past them 4400. */
	awareness?: Partial<AwarenessLimits>;
	/** Ping period in ms (default 15 000, at most 25 000): a socket that has not ponged by the next ping is terminated.
	 * Each period also sends every socket an empty awareness message, because y-websocket drops a socket silent for 30 s. */
	pingIntervalMs?: number;
	/** A room with no sockets and no open handles is unloaded after this many ms (default 30 000). */
	idleUnloadMs?: number;
	/** Compact a document once this many bytes were appended to its log since load/compaction (default 4 MiB). */
	compactAfterBytes?: number;
	/** …or once this many updates were (default 10 000): loading applies them one by one. */
	compactAfterUpdates?: number;
	log?: (msg: string) => void;
	/**
	 * Several instances on one shared store (DESIGN §6): rooms publish their durable updates and their sockets'
	 * awareness here and apply what the other instances publish. Absent (the embedded default): nothing is published.
	 * The relay subscribes at creation and unsubscribes on close; whoever made the fanout closes it.
	 */
	fanout?: Fanout;
}

export interface RoomHandle {
	doc: Y.Doc;
	/** Lets the room unload once idle; idempotent. Do not use `doc` afterwards. */
	release(): void;
}

export type RelayEvent = 'room-loaded' | 'room-unloaded' | 'socket-open' | 'socket-close' | 'doc-changed' | 'resync';

export interface Relay {
	/** Handles an HTTP upgrade for `/sync/<doc name>` (URL-decoded, may contain '/'). */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	/** Loads the room of `name` (or returns the loaded one) and keeps it loaded while the handle is held.
	 * Concurrent opens share one load. Rejects for an invalid name. */
	open(name: string): Promise<RoomHandle>;
	/** Loads every named doc, runs `fn` on them in one synchronous block (nested transactions with `origin`), and
	 * resolves with its result once the updates are durable (`store.flush()`) and, with a fanout, published; rejects
	 * with FanoutUnavailableError when a publish failed (the updates are stored: a retry is answered from them). */
	transact<T>(names: string[], fn: (docs: Y.Doc[]) => T, origin?: unknown): Promise<T>;
	/**
	 * Only with a fanout and a store that has readSince (several instances): brings the loaded rooms of `names` up
	 * to everything committed to the store, even by an instance that died before publishing it (relay-link.ts).
	 * For a read that must not miss a committed write (a batch id's check); one small query per room.
	 */
	refresh?(names: readonly string[]): Promise<void>;
	/** The update holding everything in `name` that `stateVector` lacks (absent or empty: the whole doc). */
	encodeDiff(name: string, stateVector?: Uint8Array): Promise<Uint8Array>;
	stats(): { rooms: number; sockets: number };
	/** Closes every open socket admitted with `tag` (a revoked or expired token) with `code` and `reason`; returns how many. */
	closeTagged(tag: string, code: number, reason: string): number;
	/**
	 * 'room-loaded' (name, doc), 'room-unloaded' (name), 'socket-open' (name), 'socket-close' (name, code, reason);
	 * with a fanout, 'doc-changed' (name: another instance wrote it, whether it is loaded here or not) and 'resync'
	 * (messages may have been missed: drop whatever was read from documents not loaded here). Returns `off`.
	 */
	on(event: RelayEvent, fn: (...args: unknown[]) => void): () => void;
	/** Closes every socket (1001), unloads every room and flushes the store (which stays open). */
	close(): Promise<void>;
}
