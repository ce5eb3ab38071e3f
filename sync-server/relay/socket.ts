// One client socket of the relay: the connection record (also the origin of the updates it sends), sending,
// closing with a bounded reason, and the close codes the relay uses.
import type { RawData, WebSocket } from 'ws';
import type { Room } from './room';

const MAX_REASON_BYTES = 123;
const CLOSE_GRACE_MS = 1_000;

/** WebSocket close codes the relay uses; 4400–4499 tell y-websocket not to reconnect. */
export const CloseCode = { goingAway: 1001, tooBig: 1009, internalError: 1011, badRequest: 4400 } as const;

/** One client socket. It is the transaction origin of the updates it sends, so they are not echoed back to it. */
export interface Connection {
	readonly kind: 'client';
	/** Unique per relay, for logs. */
	readonly id: number;
	readonly ws: WebSocket;
	readonly docName: string;
	/** Awareness client ids this socket announced; removed from the room when it closes. */
	readonly awarenessClients: Set<number>;
	/** Answered the last ping (or has not been pinged yet). */
	alive: boolean;
	closed: boolean;
	room: Room | null;
}

/** Sends `bytes` on an open socket; a failed send terminates the socket (its close handler cleans up). */
export function sendTo(conn: Connection, bytes: Uint8Array): void {
	if (conn.ws.readyState !== conn.ws.OPEN) return;
	conn.ws.send(bytes, (err) => {
		if (err) conn.ws.terminate();
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
