// One client socket of the relay: the connection record (also the origin of the updates it sends), sending with a
// bound on what a socket that stops reading may have queued, closing with a bounded reason, and the close codes.
import type { RawData, WebSocket } from 'ws';
import type { Room } from './room';
import type { WritePolicy } from '../../src/lib/core/docs/update-guard';

const MAX_REASON_BYTES = 123;
const CLOSE_GRACE_MS = 1_000;

/**
 * WebSocket close codes the relay uses; 4400–4499 tell y-websocket not to reconnect (4401/4403 come from
 * `authorize`). A slow reader is terminated without a close frame (it would wait behind what it does not read):
 * its client sees 1006 and reconnects, resyncing from step 1.
 */
export const CloseCode = {
	goingAway: 1001,
	tooBig: 1009,
	internalError: 1011,
	badRequest: 4400,
	/** Too many updates waiting for dependencies the room does not have. */
	tooManyPending: 4413,
	/** Too many open sockets for one token (`maxConnectionsPerTag`). */
	tooManyConnections: 4429
} as const;

/** One client socket. It is the transaction origin of the updates it sends, so they are not echoed back to it. */
export interface Connection {
	readonly kind: 'client';
	/** Unique per relay, for logs. */
	readonly id: number;
	readonly ws: WebSocket;
	readonly docName: string;
	/** Awareness client ids this socket owns (the ones it announced first); removed from the room when it closes. */
	readonly awarenessClients: Set<number>;
	/** The signed-in user behind the socket (`authorize`), written over the name its awareness states claim; null: no users. */
	user: string | null;
	/** Identifies the token the socket was admitted with (`authorize`); null when there is no authorize hook. */
	tag: string | null;
	/** False: its document updates are dropped and answered with a permission-denied message saying `readOnlyReason`. */
	canWrite: boolean;
	readOnlyReason: string;
	/** Decides, per write, what this socket may change in a shared document (access per entry); none: anything. */
	writePolicy: WritePolicy | null;
	/** Per Yjs client id, the first clock of an update from this socket that was refused: later ones build on it. */
	readonly refusedFrom: Map<number, number>;
	/** Bytes a socket may have queued beyond the sync reply in flight before it is terminated as a slow reader. */
	readonly maxBufferedBytes: number;
	/** Size of the sync step 2 reply being written (one at a time gets this allowance; 0 when none). */
	replyInFlight: number;
	/** Why the relay terminated it, for the close log; null otherwise. */
	terminatedFor: string | null;
	/** Answered the last ping (or has not been pinged yet). */
	alive: boolean;
	closed: boolean;
	room: Room | null;
}

/**
 * Sends `bytes` on an open socket; a failed send terminates it (its close handler cleans up). A socket with more
 * than `maxBufferedBytes` still queued (beyond one sync reply: a first sync of a large document may be bigger) has
 * stopped reading: it is terminated instead of queueing without end. `reply` marks a sync step 2 answer.
 */
export function sendTo(conn: Connection, bytes: Uint8Array, reply = false): void {
	const ws = conn.ws;
	if (ws.readyState !== ws.OPEN) return;
	if (ws.bufferedAmount > conn.maxBufferedBytes + conn.replyInFlight) {
		conn.terminatedFor = `slow reader: ${ws.bufferedAmount} B queued, the limit is ${conn.maxBufferedBytes} B`;
		ws.terminate();
		return;
	}
	const allowance = reply && conn.replyInFlight === 0 ? bytes.byteLength : 0;
	conn.replyInFlight += allowance;
	ws.send(bytes, (err) => {
		conn.replyInFlight -= allowance;
		if (err) ws.terminate();
	});
}

/** Closes `ws` with `code` and `reason`, cut to the 123 bytes of UTF-8 a close frame allows. */
export function closeSocket(ws: WebSocket, code: number, reason: string): void {
	let out = reason;
	while (Buffer.byteLength(out) > MAX_REASON_BYTES) out = out.slice(0, -1);
	ws.close(code, out);
}

/** Closes `ws` with 1001 and resolves once it is closed, terminating it if the peer does not answer in time. */
export function closeGracefully(ws: WebSocket): Promise<void> {
	if (ws.readyState === ws.CLOSED) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
		ws.once('close', () => {
			clearTimeout(timer);
			resolve();
		});
		ws.close(CloseCode.goingAway, 'server shutting down');
	});
}

/** A ws message as bytes, without copying when it is one Buffer. */
export function toBytes(data: RawData): Uint8Array {
	const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
	return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
