// One room: the authoritative Y.Doc of a document name, its awareness, the sockets synced to it, and the persistence
// hook (every doc update is appended to the store and broadcast to every socket but its origin; compaction).
// Client updates pass the update guard (client-updates.ts); awareness passes the awareness gate (awareness.ts).
// With a fanout (DESIGN §6) it also publishes its durable updates and its sockets' awareness, and applies those of
// other instances (REMOTE_ORIGIN: sent to its sockets, never stored or published again).
import * as Y from 'yjs';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import type { FanoutKind, FanoutMessage } from '../fanout/fanout';
import { readDocSchema, type DocSchema } from '../../src/lib/core/docs/update-guard';
import { StoreUnavailableError, type DocStore, type StoreCursor } from '../store/doc-store';
import { CloseCode, sendTo, type Connection } from './socket';
import { encodeAwarenessMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, MAX_AWARENESS_ENTRIES, type ClientMessage } from './protocol';
import { createAwarenessGate, type AwarenessLimits } from './awareness';
import { createAwarenessBatch } from './awareness-batch';
import { createClientUpdates, type Refusal } from './client-updates';
import type { PendingLimits } from './pending';

export type { Refusal } from './client-updates';

/** Origin of the transaction that applies a stored snapshot + log while loading (never stored again). */
export const LOAD_ORIGIN = { kind: 'load' } as const;
/** Origin of what another instance published (it stored it already): relayed to sockets, never stored or published. */
export const REMOTE_ORIGIN = { kind: 'remote' } as const;

export interface RoomOptions {
	name: string;
	store: DocStore;
	/** Client updates are dropped and the room never asks clients for their state. */
	serverOnly: boolean;
	/** Compact when the bytes appended since load/compaction exceed this. */
	compactAfterBytes: number;
	/** …or when the number of updates appended since load/compaction exceeds this (load time grows per update). */
	compactAfterUpdates: number;
	pending: PendingLimits;
	awareness: AwarenessLimits;
	log: (msg: string) => void;
	/** Receives background store work (compactions) so the relay can wait for it on close. */
	track: (work: Promise<void>) => void;
	/** Closes a socket the room refuses outside `handleMessage` (a held update, once retried). */
	close: (conn: Connection, refusal: Refusal) => void;
	/** Publishes to the other instances (absent: one instance, nothing published and no promise made). */
	publish?: (kind: FanoutKind, data: Uint8Array) => Promise<void>;
}

/** For a client-writable name with no schema (not one of Tandem's): clients may write nothing. */
const NOTHING_WRITABLE: DocSchema = { what: 'document clients may write', roots: {} };

export interface Room {
	readonly name: string;
	readonly doc: Y.Doc;
	readonly awareness: Awareness;
	readonly connections: ReadonlySet<Connection>;
	/** Stores with readSince: the doc holds everything committed up to here (relay-link's refresh moves it on). */
	storeCursor: StoreCursor | null;
	/** Open handles plus sockets; the relay unloads the room after it has been 0 for a while. */
	holders: number;
	idleTimer: ReturnType<typeof setTimeout> | null;
	/** Starts syncing `conn`: asks for its state (unless server-only or the socket is read-only) and sends the current awareness. */
	addConnection(conn: Connection): void;
	/** Stops syncing `conn` and removes the awareness states it announced. */
	removeConnection(conn: Connection): void;
	/** Handles one parsed client message; returns why the socket must be closed, or null. */
	handleMessage(conn: Connection, message: ClientMessage): Refusal | null;
	/** Sends `bytes` to every connection of the room. */
	sendToAll(bytes: Uint8Array): void;
	/** Applies what another instance published (REMOTE_ORIGIN). Throws on a malformed update. */
	applyRemote(message: FanoutMessage): void;
	/** While set, the publish of every update the doc emits is pushed onto `into` (for `transact` to wait on). */
	collectPublishes(into: Promise<void>[] | null): void;
	destroy(): void;
}

/** Loads `name` from the store (snapshot, then every logged update, in one transaction) and returns its room. */
export async function loadRoom(opts: RoomOptions): Promise<Room> {
	const stored = await opts.store.load(opts.name);
	const doc = new Y.Doc();
	doc.transact(() => {
		if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
		for (const update of stored.updates) Y.applyUpdate(doc, update);
	}, LOAD_ORIGIN);
	const room = createRoom(doc, opts);
	room.storeCursor = stored.cursor ?? null;
	room.noteAppended(
		stored.updates.reduce((n, u) => n + u.byteLength, 0),
		stored.updates.length
	);
	return room;
}

function createRoom(doc: Y.Doc, opts: RoomOptions): Room & { noteAppended(bytes: number, count: number): void } {
	const { name, store, serverOnly, log } = opts;
	const awareness = new Awareness(doc);
	awareness.setLocalState(null);
	const connections = new Set<Connection>();
	let logBytes = 0;
	// Compaction re-encodes the whole document and blocks the event loop for it, so a large document waits
	// until its log is as large as its last snapshot: the cost stays proportional to what was appended.
	let snapshotBytes = 0;
	let logCount = 0;
	let compacting = false;

	/** Compacts once the log passed a threshold, or (`force`, on unload) whenever it holds more than one update. */
	const maybeCompact = (force = false) => {
		if (compacting) return;
		if (force ? logCount <= 1 : logBytes <= Math.max(opts.compactAfterBytes, snapshotBytes) && logCount <= opts.compactAfterUpdates) return;
		compacting = true;
		const [count, bytes] = [logCount, logBytes];
		logBytes = 0;
		logCount = 0;
		// Encoded when the store is ready to write it, in one synchronous step with what it notes of its appends, so it
		// holds every update appended until then (a shared store may skip the compaction and never ask). On unload, now.
		const encode = () => {
			const snapshot = Y.encodeStateAsUpdate(doc);
			log(`compacting ${name}: ${count} updates, ${bytes} B of log -> ${snapshot.byteLength} B snapshot`);
			snapshotBytes = snapshot.byteLength;
			return snapshot;
		};
		opts.track(
			store
				.compact(name, force ? encode() : encode)
				.catch((e: Error) => log(`compaction of ${name} failed: ${e.message}`))
				.finally(() => {
					compacting = false;
				})
		);
	};

	const noteAppended = (bytes: number, count: number) => {
		logBytes += bytes;
		logCount += count;
		maybeCompact();
	};

	const sendToAll = (bytes: Uint8Array, except?: unknown) => {
		for (const conn of connections) if (conn !== except) sendTo(conn, bytes);
	};

	/**
	 * store.flush(), asked again while the store is unreachable (StoreUnavailableError: it keeps what was appended,
	 * queued), backing off up to 1 s: what a refused write left in the doc still reaches sockets and other instances
	 * once it is durable, and what follows it (which depends on it) is never sent without it.
	 */
	const durable = (): Promise<void> =>
		store.flush().catch(async (e: Error) => {
			for (let waitMs = 50; e instanceof StoreUnavailableError; waitMs = Math.min(2 * waitMs, 1_000)) {
				await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
				try {
					return await store.flush();
				} catch (again) {
					e = again as Error;
				}
			}
			throw e;
		});
	/**
	 * Runs `fn` once everything appended so far is committed, in order. What the server writes reaches clients only
	 * once it is durable: a crash can then never leave a client holding server-written items the server lost, which
	 * the update guard would refuse when that client syncs again (and go on refusing from its IndexedDB copy).
	 */
	let committed: Promise<void> = Promise.resolve();
	const afterCommit = (fn: () => void) => {
		committed = committed
			.then(durable)
			.then(fn, (e: Error) => log(`not sending an uncommitted change of ${name}: ${e.message}`));
	};

	const { publish } = opts;
	let collecting: Promise<void>[] | null = null;
	/**
	 * Publishes `update` once it is durable (never before: another instance must not hold what the store may lose),
	 * in append order; local sends that wait for the commit do not wait for the publish.
	 */
	const publishAfterCommit = (update: Uint8Array) => {
		const flushed = committed.then(durable);
		committed = flushed.then(
			() => {},
			() => {}
		);
		const published = flushed.then(() => publish!('update', update));
		published.catch((e: Error) => log(`could not publish an update of ${name}: ${e.message}`));
		if (collecting) collecting.push(published);
	};

	const onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === REMOTE_ORIGIN) {
			// Stored by the instance that made it; what this doc lacked reaches its sockets at once. It is in the log
			// this room's compaction folds, so it counts (the instances reach the threshold together; one compacts).
			sendToAll(encodeSyncUpdate(update));
			noteAppended(update.byteLength, 1);
			return;
		}
		try {
			store.append(name, update);
		} catch (e) {
			// Only a closed store throws here; the change still reaches the sockets (clients keep it and resend it).
			log(`could not store an update of ${name}: ${(e as Error).message}`);
		}
		// A client's own change is relayed at once: it is the client's to resend, and the guard accepts it again.
		const fromClient = connections.has(origin as Connection);
		const message = encodeSyncUpdate(update);
		if (fromClient) sendToAll(message, origin);
		else afterCommit(() => sendToAll(message));
		if (publish) publishAfterCommit(update);
		noteAppended(update.byteLength, 1);
	};
	doc.on('update', onUpdate);

	type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };
	const onAwareness = ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
		const changed = [...added, ...updated, ...removed];
		const conn = connections.has(origin as Connection) ? (origin as Connection) : null;
		localAwareness.note(changed, conn);
		// What this instance's sockets announced (or left behind when they closed) goes out; what came in does not.
		if (publish && (origin as Connection | null)?.kind === 'client') noteAwarenessOut(changed);
	};
	/** Client ids whose awareness changed this tick: published once per tick (cursors move many times a second). */
	let awarenessOut: Set<number> | null = null;
	const noteAwarenessOut = (changed: number[]) => {
		if (!awarenessOut) {
			awarenessOut = new Set();
			setImmediate(publishAwareness);
		}
		for (const id of changed) awarenessOut.add(id);
	};
	/** In messages of at most MAX_AWARENESS_ENTRIES, which the other instances' sockets accept (see sendAwarenessStates). */
	const publishAwareness = () => {
		if (!awarenessOut) return;
		const clients = [...awarenessOut];
		awarenessOut = null;
		for (let i = 0; i < clients.length; i += MAX_AWARENESS_ENTRIES) {
			const update = encodeAwarenessUpdate(awareness, clients.slice(i, i + MAX_AWARENESS_ENTRIES));
			publish!('awareness', update).catch((e: Error) => log(`could not publish awareness of ${name}: ${e.message}`));
		}
	};
	/** This room's sockets hear of awareness changes in one message per window, not one per change (awareness-batch.ts). */
	const localAwareness = createAwarenessBatch<Connection>({ awareness, send: sendToAll });
	awareness.on('update', onAwareness);
	const awarenessGate = createAwarenessGate(awareness, opts.awareness);
	const clientUpdates = createClientUpdates({
		name,
		doc,
		schema: serverOnly ? null : (readDocSchema(name) ?? NOTHING_WRITABLE),
		pending: opts.pending,
		log,
		close: opts.close
	});

	// In messages of at most MAX_AWARENESS_ENTRIES: y-websocket echoes each update it applies as one message, and
	// the relay refuses a message of more entries, so one of all of a busy room's states would close the joiner.
	const sendAwarenessStates = (conn: Connection) => {
		const clients = [...awareness.getStates().keys()];
		for (let i = 0; i < clients.length; i += MAX_AWARENESS_ENTRIES) {
			sendTo(conn, encodeAwarenessMessage(encodeAwarenessUpdate(awareness, clients.slice(i, i + MAX_AWARENESS_ENTRIES))));
		}
	};

	return {
		name,
		doc,
		awareness,
		connections,
		holders: 0,
		storeCursor: null,
		idleTimer: null,
		noteAppended,
		sendToAll: (bytes) => sendToAll(bytes),
		addConnection(conn) {
			connections.add(conn);
			// Ask only a socket that may write for what the room lacks (§2: never for a server-only document).
			if (!serverOnly && conn.canWrite) sendTo(conn, encodeSyncStep1(doc));
			sendAwarenessStates(conn);
		},
		removeConnection(conn) {
			if (!connections.delete(conn)) return;
			clientUpdates.drop(conn);
			// `conn` as origin (it is no longer a connection, so every socket hears of it): the removal is published.
			removeAwarenessStates(awareness, [...conn.awarenessClients], conn);
			awarenessGate.release(conn);
		},
		handleMessage(conn, message) {
			switch (message.type) {
				case 'sync-step1': {
					// Answered once what the doc holds is committed (see afterCommit); encoded then, so nothing is missed.
					const sv = message.stateVector;
					afterCommit(() => {
						if (connections.has(conn)) sendTo(conn, encodeSyncStep2(Y.encodeStateAsUpdate(doc, sv)), true);
					});
					return null;
				}
				case 'sync-step2':
				case 'sync-update':
					return clientUpdates.receive(conn, message.update);
				case 'awareness': {
					const error = awarenessGate.apply(conn, message.entries);
					return error ? { code: CloseCode.badRequest, reason: error } : null;
				}
				case 'query-awareness':
					sendAwarenessStates(conn);
					return null;
			}
		},
		applyRemote(message) {
			if (message.kind === 'update') Y.applyUpdate(doc, message.data, REMOTE_ORIGIN);
			else applyAwarenessUpdate(awareness, message.data, REMOTE_ORIGIN);
		},
		collectPublishes(into) {
			collecting = into;
		},
		destroy() {
			// Leave a compact snapshot behind so the next load (and the disk) pays for state, not history.
			maybeCompact(true);
			publishAwareness(); // the last sockets' goodbyes, before the awareness goes
			localAwareness.destroy();
			doc.off('update', onUpdate);
			clientUpdates.destroy();
			awareness.off('update', onAwareness);
			awareness.destroy();
			doc.destroy();
		}
	};
}
