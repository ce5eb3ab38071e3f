// Opens Tandem documents in the browser (DESIGN.md §1–§2): a Y.Doc loaded from IndexedDB first, so the app works
// offline, then kept in sync with the relay by a WebsocketProvider; ref-counted, at most ~32 providers kept open.
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import { parseDocName } from '../core/schema';
import { createPool, type Pool } from './pool';
import { isCachedLocally, isSurelyUncached, noteCachedLocally, readDatabaseName, waitAtMost } from './idb-cache';
import { createProviderState, readConnection, type Connection, type ProviderState } from './connection-state';

/** Chromium allows 255 WebSockets per page and each provider holds one (§2). */
export const MAX_LIVE_PROVIDERS = 32;
/** ms a released document stays open (and synced) before it closes, so going back to a page is instant. */
export const IDLE_CLOSE_MS = 60_000;

export interface DocumentHandle {
	readonly name: string;
	readonly doc: Y.Doc;
	/** Resolves once the state cached in IndexedDB has been applied to `doc` (or IndexedDB gave up). */
	readonly local: Promise<void>;
	/** Resolves when `doc` first synced with the relay; stays pending while offline. */
	readonly synced: Promise<void>;
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
	closeAll(): void;
}

interface OpenDocument {
	doc: Y.Doc;
	local: Promise<void>;
	synced: Promise<void>;
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
	return kind === 'workspace' || kind === 'run' || kind === 'registry';
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
		const synced = new Promise<void>((resolve) => {
			const onSync = (isSynced: boolean) => {
				if (!isSynced) return;
				provider.off('sync', onSync);
				resolve();
			};
			provider.on('sync', onSync);
		});
		provider.on('status', ({ status }) => {
			state.status = status;
			if (status === 'connected') state.failed = false;
			notify();
		});
		provider.on('sync', (isSynced) => {
			state.synced = isSynced;
			notify();
		});
		provider.on('connection-close', () => {
			state.failed = true;
			state.synced = false;
			notify();
		});
		provider.on('closed', () => {
			state.status = 'disconnected';
			notify();
		});
		notify();
		return {
			doc,
			local,
			synced,
			dispose() {
				disposed = true;
				provider.destroy();
				void persistence.destroy();
				doc.destroy();
				states.delete(name);
				notify();
			}
		};
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
			const { doc, local, synced } = lease.value;
			return { name, doc, local, synced, release: lease.release };
		},
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
