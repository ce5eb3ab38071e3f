// Opens Tandem documents in the browser (DESIGN.md §1–§2): a Y.Doc loaded from IndexedDB first, so the app works
// offline, then kept in sync with the relay by a WebsocketProvider; ref-counted, at most ~32 providers kept open.
// The relay's refusals (sign-in needed, no access, a write denied) are reported through auth-events.ts.
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { messageAuth, WebsocketProvider } from 'y-websocket';
import { readAuthMessage } from 'y-protocols/auth';
import type { Awareness } from 'y-protocols/awareness';
import { parseDocName } from '../core/schema';
import { createPool, type Pool } from './pool';
import { isCachedLocally, isSurelyUncached, noteCachedLocally, readDatabaseName, waitAtMost } from './idb-cache';
import { createProviderState, readConnection, type Connection, type ProviderState } from './connection-state';
import { emitAccessEvent, RELAY_CLOSE } from './auth-events';
import { stopAwarenessEcho } from './awareness-echo';

/** Chromium allows 255 WebSockets per page and each provider holds one (§2). */
export const MAX_LIVE_PROVIDERS = 32;
/** ms a released document stays open (and synced) before it closes, so going back to a page is instant. */
export const IDLE_CLOSE_MS = 60_000;

export interface DocumentHandle {
	readonly name: string;
	readonly doc: Y.Doc;
	/** The provider's awareness (presence) on this document's socket: shared by every holder of the document. */
	readonly awareness: Awareness;
	/** Resolves once the state cached in IndexedDB has been applied to `doc` (or IndexedDB gave up). */
	readonly local: Promise<void>;
	/** Resolves when `doc` first synced with the relay; stays pending while offline. */
	readonly synced: Promise<void>;
	/** Resolves with the server's reason if the relay refuses this identity the document (4403); else stays pending. */
	readonly refused: Promise<string>;
	/** The reason, once the relay has refused the document; null until then. */
	readonly refusal: string | null;
	/** Gives the document back; the handle must not be used afterwards. Calling it twice is harmless. */
	release(): void;
}

export interface DocumentStoreOptions {
	/** WebSocket base URL of the relay, e.g. `ws://127.0.0.1:5000/sync`; room = document name. */
	relayUrl: string;
	capacity?: number;
	idleMs?: number;
}

export interface DocumentStore {
	openDocument(name: string): DocumentHandle;
	readConnection(): Connection;
	/** Calls `fn` whenever the aggregate connection state changes; returns the unsubscribe function. */
	subscribeConnection(fn: (c: Connection) => void): () => void;
	/** Whether a view holds `name` now (idle documents kept open do not count). */
	isHeld(name: string): boolean;
	closeAll(): void;
}

interface OpenDocument {
	doc: Y.Doc;
	awareness: Awareness;
	local: Promise<void>;
	synced: Promise<void>;
	refused: Promise<string>;
	/** The relay's reason once it refused the document, else null. */
	refusal: string | null;
	dispose(): void;
}

/**
 * Whether tabs share a document's updates over a BroadcastChannel (so two tabs see each other's edits even with the
 * relay unreachable). On connect the provider broadcasts the whole document, which costs seconds for an experiment
 * of 10,000 runs: experiment documents (and the server-written ones, which tabs never edit) only sync through the
 * relay; the workspace, runs (notes) and the registry keep cross-tab sharing.
 */
export function shareAcrossTabs(name: string): boolean {
	const kind = parseDocName(name)?.kind;
	return kind === 'workspace' || kind === 'run' || kind === 'registry' || kind === 'comments' || kind === 'registryComments';
}

/**
 * The documents every experiment or model shares (an identity may be refused them yet read some of what they list;
 * refused registry comments leave a model's page as it is, without them).
 */
export function isSharedDocument(name: string): boolean {
	const kind = parseDocName(name)?.kind;
	return kind === 'workspace' || kind === 'registry' || kind === 'registryComments';
}

/** The relay URL for a page served by the Tandem server: same host, `ws:`/`wss:` to match http/https. */
export function readRelayUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
	return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/sync`;
}

/** Document names keep their `/`; each segment is URI-encoded (metric keys may contain spaces). */
export function readRoomPath(name: string): string {
	return name.split('/').map(encodeURIComponent).join('/');
}

export function createDocumentStore(opts: DocumentStoreOptions): DocumentStore {
	const states = new Map<string, ProviderState>();
	const listeners = new Set<(c: Connection) => void>();
	let connection = readConnection(states.values());

	function notify(): void {
		const next = readConnection(states.values());
		if (next === connection) return;
		connection = next;
		for (const fn of listeners) fn(next);
	}

	function open(name: string): OpenDocument {
		const doc = new Y.Doc();
		const persistence = new IndexeddbPersistence(readDatabaseName(name), doc);
		const provider = new WebsocketProvider(opts.relayUrl, readRoomPath(name), doc, { connect: false, disableBc: !shareAcrossTabs(name) });
		stopAwarenessEcho(provider);
		const state = createProviderState();
		states.set(name, state);
		let disposed = false;
		// Connecting after the local load sends the cached state vector, so the relay sends only what is missing.
		const local = waitAtMost(persistence.whenSynced);
		// A document with no local copy has nothing to wait for: connect at once.
		const connect = () => {
			if (!disposed) provider.connect(); // a second call is a no-op
		};
		void local.then(connect);
		if (isSurelyUncached(name)) connect();
		else
			void isCachedLocally(name).then((cached) => {
				if (!cached) connect();
			});
		noteCachedLocally(name);
		let markSynced!: () => void;
		const synced = new Promise<void>((resolve) => (markSynced = resolve));
		let markRefused!: (reason: string) => void;
		const refused = new Promise<string>((resolve) => (markRefused = resolve));
		provider.on('status', ({ status }) => {
			state.status = status;
			if (status === 'connected') state.failed = false;
			notify();
		});
		provider.on('sync', (isSynced) => {
			state.synced = isSynced;
			if (isSynced) markSynced();
			notify();
		});
		provider.on('connection-close', () => {
			state.failed = true;
			state.synced = false;
			notify();
		});
		// A write this identity may not make is dropped by the relay, which says why (y-websocket only logs it).
		provider.messageHandlers[messageAuth] = (_encoder, decoder) =>
			readAuthMessage(decoder, doc, (_doc, reason) => emitAccessEvent({ type: 'write-denied', doc: name, reason }));
		provider.on('closed', ({ code, reason }) => {
			state.status = 'disconnected';
			if (code === RELAY_CLOSE.unauthenticated) emitAccessEvent({ type: 'unauthenticated', reason });
			if (code === RELAY_CLOSE.forbidden) {
				// Not offline but settled: the server answered, and there is nothing to sync. The shared documents
				// settle as they are (their lists are read over HTTP).
				Object.assign(state, { status: 'connected', synced: true, failed: false });
				entry.refusal = reason;
				markRefused(reason);
				if (isSharedDocument(name)) markSynced();
				emitAccessEvent({ type: 'refused', doc: name, reason });
			}
			notify();
		});
		notify();
		const entry: OpenDocument = {
			doc,
			awareness: provider.awareness,
			local,
			synced,
			refused,
			refusal: null,
			dispose() {
				disposed = true;
				provider.destroy();
				void persistence.destroy();
				doc.destroy();
				states.delete(name);
				notify();
			}
		};
		return entry;
	}

	const pool: Pool<OpenDocument> = createPool({
		open,
		close: (_name, d) => d.dispose(),
		capacity: opts.capacity ?? MAX_LIVE_PROVIDERS,
		idleMs: opts.idleMs ?? IDLE_CLOSE_MS
	});

	return {
		openDocument(name) {
			const lease = pool.acquire(name);
			const open = lease.value;
			// Reopening a refused document (kept open idle) tells the view that now holds it.
			const refusal = open.refusal;
			if (refusal !== null) queueMicrotask(() => emitAccessEvent({ type: 'refused', doc: name, reason: refusal }));
			return {
				name,
				doc: open.doc,
				awareness: open.awareness,
				local: open.local,
				synced: open.synced,
				refused: open.refused,
				get refusal() {
					return open.refusal;
				},
				release: lease.release
			};
		},
		isHeld: (name) => pool.refCount(name) > 0,
		readConnection: () => connection,
		subscribeConnection(fn) {
			listeners.add(fn);
			return () => void listeners.delete(fn);
		},
		closeAll: () => pool.closeAll()
	};
}

let pageStore: DocumentStore | null = null;

/** The page's document store, created on first use against the relay of the server that served the page. */
export function readDocumentStore(): DocumentStore {
	pageStore ??= createDocumentStore({ relayUrl: readRelayUrl(location) });
	return pageStore;
}

/** Opens (or shares) the named document; see DocumentHandle. Release it when the view that used it goes away. */
export function openDocument(name: string): DocumentHandle {
	return readDocumentStore().openDocument(name);
}

/**
 * Starts opening documents a page is about to use, from its `load` (while its code mounts): released at once, they
 * stay open and syncing for IDLE_CLOSE_MS, so the page's views find them already connected.
 */
export function prewarmDocuments(names: readonly string[]): void {
	for (const name of names) openDocument(name).release();
}
