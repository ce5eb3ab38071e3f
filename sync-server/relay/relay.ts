// The WebSocket relay (DESIGN §1, §4): y-websocket protocol over `ws`, one authoritative room per document name,
// loaded on demand and unloaded when idle, durable through the DocStore; also the server's own door to documents.
// With a fanout, the rooms of several instances on one store see each other's updates and awareness (DESIGN §6).
import type { IncomingMessage } from 'node:http';
import * as Y from 'yjs';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { KEEPALIVE_MESSAGE, parseClientMessage, readDocNameFromUrl, readStateVectorError } from './protocol';
import { loadRoom, type Refusal, type Room } from './room';
import { linkRelayToFanout } from '../fanout/relay-link';
import { CloseCode, closeGracefully, closeSocket, sendTo, toBytes, type Connection } from './socket';
import { createAdmission } from './admission';
import type { PendingLimits } from './pending';
import type { AwarenessLimits } from './awareness';
import type { Relay, RelayEvent, RelayOptions, RoomHandle } from './relay-api';

export type { Relay, RelayEvent, RelayOptions, RoomHandle } from './relay-api';
export type { Authorization, Authorize } from './admission';
export { CloseCode } from './socket';

/** What an empty document encodes to. */
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

/** Frames a socket may send before it is admitted and its room loaded (y-websocket sends two or three). */
const MAX_EARLY_FRAMES = 64;

/** Default transaction origin of server writes through `transact`. */
export const SERVER_ORIGIN = { kind: 'server' } as const;

export function createRelay(opts: RelayOptions): Relay {
	const maxFrameBytes = opts.maxFrameBytes ?? 16 * 1024 * 1024;
	const pingIntervalMs = opts.pingIntervalMs ?? 15_000;
	const idleUnloadMs = opts.idleUnloadMs ?? 30_000;
	const compactAfterBytes = opts.compactAfterBytes ?? 4 * 1024 * 1024;
	const compactAfterUpdates = opts.compactAfterUpdates ?? 10_000;
	const maxBufferedBytes = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
	const pendingLimits: PendingLimits = { maxUpdatesPerSocket: 32, maxBytesPerSocket: 4 * 1024 * 1024, maxBytesPerRoom: 16 * 1024 * 1024, ...opts.pending };
	const awareness: AwarenessLimits = { maxClientsPerSocket: 4, maxStateBytes: 64 * 1024, ...opts.awareness };
	const log = opts.log ?? (() => {});
	if (!(pingIntervalMs > 0 && pingIntervalMs <= 25_000)) throw new RangeError('pingIntervalMs must be in (0, 25000]: clients drop sockets silent for 30 s');

	const rooms = new Map<string, Room>();
	const loading = new Map<string, Promise<Room>>();
	const connections = new Set<Connection>();
	const background = new Set<Promise<void>>();
	const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
	const admission = createAdmission({ authorize: opts.authorize, maxConnectionsPerTag: opts.maxConnectionsPerTag ?? 256 });
	const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false });
	let nextConnectionId = 1;
	let closing: Promise<void> | null = null;

	const emit = (event: RelayEvent, ...args: unknown[]) => {
		for (const fn of listeners.get(event) ?? []) fn(...args);
	};
	const track = (work: Promise<void>) => {
		background.add(work);
		void work.finally(() => background.delete(work));
	};
	// With a fanout (several instances): applies what the others publish, and gives each room its publish hook.
	const link = opts.fanout
		? linkRelayToFanout({ fanout: opts.fanout, store: opts.store, rooms, loading, emit, isClosing: () => !!closing, log, track })
		: null;

	const heartbeat = setInterval(() => {
		for (const conn of connections) {
			if (conn.ws.readyState !== conn.ws.OPEN) continue;
			if (!conn.alive) {
				log(`socket ${conn.id} (${conn.docName}) did not answer a ping; terminating`);
				conn.ws.terminate();
				continue;
			}
			conn.alive = false;
			conn.ws.ping();
			if (conn.room) sendTo(conn, KEEPALIVE_MESSAGE);
		}
	}, pingIntervalMs);
	heartbeat.unref();

	async function acquire(name: string): Promise<Room> {
		if (closing) throw new Error('relay is closed');
		let room = rooms.get(name);
		if (!room) {
			let pending = loading.get(name);
			if (!pending) {
				const serverOnly = opts.isServerOnly(name);
				// Buffering starts before the load reads the store: whatever is published after that read is applied.
				const publish = link?.startLoading(name);
				pending = loadRoom({ name, store: opts.store, serverOnly, compactAfterBytes, compactAfterUpdates, pending: pendingLimits, awareness, log, track, close: refuseConnection, publish });
				loading.set(name, pending);
				pending.then(
					(loaded) => {
						loading.delete(name);
						rooms.set(name, loaded);
						emit('room-loaded', name, loaded.doc);
						link?.endLoading(name, loaded);
					},
					(e: Error) => {
						loading.delete(name);
						link?.endLoading(name, null);
						log(`could not load ${name}: ${e.message}`);
					}
				);
			}
			room = await pending;
			if (closing) throw new Error('relay is closed');
		}
		room.holders++;
		if (room.idleTimer) clearTimeout(room.idleTimer);
		room.idleTimer = null;
		return room;
	}

	function release(room: Room): void {
		room.holders--;
		if (room.holders > 0 || rooms.get(room.name) !== room) return;
		room.idleTimer = setTimeout(() => unload(room), idleUnloadMs);
		room.idleTimer.unref();
	}

	function unload(room: Room): void {
		if (room.idleTimer) clearTimeout(room.idleTimer);
		room.idleTimer = null;
		if (rooms.get(room.name) !== room) return;
		rooms.delete(room.name);
		room.destroy();
		emit('room-unloaded', room.name);
	}

	function closeConnection(conn: Connection, code: number, reason: string): void {
		log(`closing socket ${conn.id} (${conn.docName}) with ${code}: ${reason}`);
		closeSocket(conn.ws, code, reason);
	}

	const refuseConnection = (conn: Connection, refusal: Refusal) => closeConnection(conn, refusal.code, refusal.reason);

	function handleFrame(conn: Connection, bytes: Uint8Array): void {
		if (conn.closed || conn.ws.readyState !== conn.ws.OPEN || !conn.room) return;
		const parsed = parseClientMessage(bytes);
		const refusal = parsed.ok ? conn.room.handleMessage(conn, parsed.value) : { code: CloseCode.badRequest, reason: parsed.error };
		if (refusal) refuseConnection(conn, refusal);
	}

	function accept(ws: WebSocket, name: string, req: IncomingMessage): void {
		const conn: Connection = {
			kind: 'client',
			id: nextConnectionId++,
			ws,
			docName: name,
			awarenessClients: new Set(),
			user: null,
			tag: null,
			canWrite: true,
			readOnlyReason: '',
			writePolicy: null,
			refusedFrom: new Map(),
			maxBufferedBytes,
			replyInFlight: 0,
			terminatedFor: null,
			alive: true,
			closed: false,
			room: null
		};
		connections.add(conn);
		// Frames that arrive while the socket is authorized and its room loads, bounded like everything a socket sends.
		const early: Uint8Array[] = [];
		let earlyBytes = 0;
		ws.on('pong', () => (conn.alive = true));
		ws.on('error', (err: Error & { code?: string }) => {
			const what = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? `a frame larger than ${maxFrameBytes} B` : err.message;
			log(`socket ${conn.id} (${name}) closed on ${what}`);
		});
		ws.on('message', (data: RawData, isBinary: boolean) => {
			if (ws.readyState !== ws.OPEN) return;
			if (!isBinary) return closeConnection(conn, CloseCode.badRequest, 'text frames are not part of the y-websocket protocol');
			const bytes = toBytes(data);
			if (conn.room) return handleFrame(conn, bytes);
			early.push(bytes);
			earlyBytes += bytes.byteLength;
			if (early.length > MAX_EARLY_FRAMES || earlyBytes > maxFrameBytes) {
				early.length = 0;
				closeConnection(conn, CloseCode.badRequest, `more than ${MAX_EARLY_FRAMES} frames or ${maxFrameBytes} B before the document loaded`);
			}
		});
		ws.on('close', (code: number, reason: Buffer) => {
			conn.closed = true;
			connections.delete(conn);
			admission.leave(conn);
			if (conn.terminatedFor) log(`terminated socket ${conn.id} (${name}): ${conn.terminatedFor}`);
			const room = conn.room;
			conn.room = null;
			if (room) {
				room.removeConnection(conn);
				release(room);
			}
			emit('socket-close', name, code, reason.toString());
		});
		emit('socket-open', name);
		admission.admit(conn, req).then((refusal) => {
			if (conn.closed) return;
			if (refusal) return refuseConnection(conn, refusal);
			acquire(name).then(
				(room) => {
					if (conn.closed) return release(room);
					conn.room = room;
					room.addConnection(conn);
					for (const bytes of early.splice(0)) handleFrame(conn, bytes);
				},
				(e: Error) => {
					if (!conn.closed) closeConnection(conn, closing ? CloseCode.goingAway : CloseCode.internalError, `could not load ${name}: ${e.message}`);
				}
			);
		});
	}

	/** With a fanout, waits first until what other instances had acknowledged is applied here (see Fanout.catchUp). */
	async function open(name: string): Promise<RoomHandle> {
		if (link) await link.catchUp();
		return openCaughtUp(name);
	}

	async function openCaughtUp(name: string): Promise<RoomHandle> {
		if (!opts.isValidDocName(name)) throw new Error(`invalid document name '${name}'`);
		const room = await acquire(name);
		let held = true;
		return {
			doc: room.doc,
			release() {
				if (held) release(room);
				held = false;
			}
		};
	}

	async function transact<T>(names: string[], fn: (docs: Y.Doc[]) => T, origin: unknown = SERVER_ORIGIN): Promise<T> {
		if (link) await link.catchUp();
		const settled = await Promise.allSettled(names.map((name) => openCaughtUp(name)));
		const handles = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
		// With a fanout: the publishes of this block's updates, which the result waits for.
		const publishes: Promise<void>[] | null = link ? [] : null;
		const collecting = publishes ? names.flatMap((name) => rooms.get(name) ?? []) : [];
		let result: T;
		try {
			const failed = settled.find((s) => s.status === 'rejected');
			if (failed) throw failed.reason;
			const docs = handles.map((h) => h.doc);
			// Nested transactions: each doc emits its update as its block ends, all in this tick, so one group commit holds them.
			const nest = (i: number): T => (i === docs.length ? fn(docs) : docs[i].transact(() => nest(i + 1), origin));
			for (const room of collecting) room.collectPublishes(publishes);
			result = nest(0);
		} finally {
			for (const room of collecting) room.collectPublishes(null);
			for (const h of handles) h.release();
		}
		await opts.store.flush();
		if (publishes) await Promise.all(publishes);
		return result;
	}

	return {
		handleUpgrade(req, socket, head) {
			if (closing) {
				socket.destroy();
				return;
			}
			wss.handleUpgrade(req, socket, head, (ws) => {
				const name = readDocNameFromUrl(req.url ?? '');
				if (name === null || !opts.isValidDocName(name)) {
					// Accept, then close with 4400: a refused upgrade makes y-websocket retry forever; 4400 stops it and says why.
					const reason = name === null ? `not a /sync/<document> URL: ${req.url}` : `invalid document name '${name}'`;
					log(`refusing socket: ${reason}`);
					closeSocket(ws, CloseCode.badRequest, reason);
					return;
				}
				accept(ws, name, req);
			});
		},
		open,
		transact,
		...(link?.refresh ? { refresh: link.refresh } : {}),
		async encodeDiff(name, stateVector) {
			const svError = stateVector?.byteLength ? readStateVectorError(stateVector) : null;
			if (svError) throw new Error(svError);
			if (!rooms.has(name) && !loading.has(name)) {
				// Not loaded: answer from the stored history without building a Y.Doc (an idle room is stored as one
				// snapshot, so a client with nothing gets its bytes as they are), and leave the room unloaded.
				if (closing) throw new Error('relay is closed');
				if (!opts.isValidDocName(name)) throw new Error(`invalid document name '${name}'`);
				const stored = await opts.store.load(name);
				const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
				const whole = parts.length === 0 ? EMPTY_UPDATE : parts.length === 1 ? parts[0] : Y.mergeUpdates(parts);
				return stateVector?.byteLength ? Y.diffUpdate(whole, stateVector) : whole;
			}
			const handle = await open(name);
			try {
				return stateVector?.byteLength ? Y.encodeStateAsUpdate(handle.doc, stateVector) : Y.encodeStateAsUpdate(handle.doc);
			} finally {
				handle.release();
			}
		},
		stats: () => ({ rooms: rooms.size, sockets: connections.size }),
		closeTagged(tag, code, reason) {
			const sockets = admission.tagged(tag);
			for (const conn of sockets) closeConnection(conn, code, reason);
			return sockets.length;
		},
		on(event, fn) {
			let set = listeners.get(event);
			if (!set) listeners.set(event, (set = new Set()));
			set.add(fn);
			return () => void set.delete(fn);
		},
		close() {
			return (closing ??= (async () => {
				clearInterval(heartbeat);
				link?.close();
				await Promise.allSettled([...loading.values()]);
				await Promise.all([...connections].map((conn) => closeGracefully(conn.ws)));
				for (const room of [...rooms.values()]) unload(room);
				wss.close();
				await Promise.allSettled([...background]);
				await opts.store.flush();
			})());
		}
	};
}
