// Clients of a test relay: real y-websocket providers, raw `ws` sockets that record what the relay sends them, a
// sync frame encoder for hand-made messages, and readers of the relay's document and of the store. Everything
// started is stopped by `cleanup()` (call it in afterEach).
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import type { DocStore } from '../../sync-server/store/doc-store';
import type { RelayOptions } from '../../sync-server/relay/relay';
import { once, waitFor } from './wait';
import { startRelayServer, type RelayServer } from './relay-server';

export interface RawClient {
	ws: WebSocket;
	/** Resolves with the close event (code, reason). */
	closed: Promise<{ code: number; reason: string }>;
	/** Every binary message the relay sent, in order. */
	received: Uint8Array[];
	/** Resolves with the first message (already received or to come) for which `match` is true. */
	waitForMessage(match: (m: Uint8Array) => boolean, what?: string): Promise<Uint8Array>;
}

/** A sync message (0) of `syncType` (0 step 1, 1 step 2, 2 update) carrying `payload`. */
export function encodeSyncFrame(syncType: number, payload: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	encoding.writeVarUint(e, syncType);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

/** The reason of a y-protocols auth "permission denied" message (type 2, 0), or null for any other message. */
export function readPermissionDenied(m: Uint8Array): string | null {
	const d = decoding.createDecoder(m);
	if (decoding.readVarUint(d) !== 2 || decoding.readVarUint(d) !== 0) return null;
	return decoding.readVarString(d);
}

export function createRelayKit(defaultName: string) {
	const cleanups: Array<() => unknown> = [];

	async function startServer(opts: Partial<RelayOptions> & { port?: number } = {}): Promise<RelayServer> {
		const server = await startRelayServer(opts);
		cleanups.push(() => server.close());
		return server;
	}

	function connect(server: RelayServer, name = defaultName, doc = new Y.Doc(), params: Record<string, string> = {}): WebsocketProvider {
		const provider = new WebsocketProvider(server.wsUrl, name, doc, {
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true, // one process: keep in-process BroadcastChannel from syncing providers behind the relay's back
			maxBackoffTime: 200,
			params
		});
		cleanups.push(() => provider.destroy());
		return provider;
	}

	/** Opens a raw `ws` client on `/sync/<path>` and resolves once it is open. */
	async function rawClient(server: RelayServer, path = defaultName, opts: WebSocket.ClientOptions = {}): Promise<RawClient> {
		const ws = new WebSocket(`${server.wsUrl}/${path}`, opts);
		const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
		const received: Uint8Array[] = [];
		ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
		ws.on('error', () => {});
		cleanups.push(() => ws.terminate());
		await once(ws, 'open');
		return {
			ws,
			closed,
			received,
			waitForMessage: (match, what = 'a message') => waitFor(() => received.find(match), { what, events: [[ws, 'message']] })
		};
	}

	return {
		startServer,
		connect,
		rawClient,
		synced: (p: WebsocketProvider, what = 'provider sync') => waitFor(() => p.synced, { what, events: [[p, 'sync']] }),
		async cleanup() {
			for (const fn of cleanups.splice(0).reverse()) await fn();
		},
		/** Adds a cleanup step (run in reverse order of adding). */
		defer: (fn: () => unknown) => void cleanups.push(fn)
	};
}

/** Reads `fn(doc)` from the relay's authoritative doc `name`. */
export async function readRelayDoc<T>(server: RelayServer, name: string, fn: (doc: Y.Doc) => T): Promise<T> {
	const handle = await server.relay.open(name);
	try {
		return fn(handle.doc);
	} finally {
		handle.release();
	}
}

/** Everything the store holds for `name`, applied to a fresh doc. */
export async function readStored(store: DocStore, name: string): Promise<Y.Doc> {
	const stored = await store.load(name);
	const doc = new Y.Doc();
	if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
	for (const u of stored.updates) Y.applyUpdate(doc, u);
	return doc;
}
