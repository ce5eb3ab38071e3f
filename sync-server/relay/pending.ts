// Client updates a room cannot integrate yet (their dependencies are missing): held outside the document, bounded
// per socket and per room, and handed back once the document holds what each waits for. Yjs would keep them in
// `doc.store.pendingStructs` without bound, served by /api/docs and never stored.
import type * as Y from 'yjs';
import { isNeedMet, type Need } from '../../src/lib/core/docs/update-guard';
import type { Connection } from './socket';

export interface PendingLimits {
	/** Updates one socket may have waiting. */
	maxUpdatesPerSocket: number;
	/** Bytes one socket may have waiting. */
	maxBytesPerSocket: number;
	/** Bytes all sockets of one room may have waiting. */
	maxBytesPerRoom: number;
}

export interface HeldUpdate {
	conn: Connection;
	update: Uint8Array;
	need: Need;
}

export interface PendingUpdates {
	/** Holds `update` until `need` is met. Past a bound, drops everything `conn` holds and returns why (close it). */
	hold(conn: Connection, update: Uint8Array, need: Need): string | null;
	/** Removes and returns a held update whose need `doc` now meets, or null. */
	takeReady(doc: Y.Doc): HeldUpdate | null;
	/** Drops what `conn` holds (it closed). */
	drop(conn: Connection): void;
	readonly size: number;
}

export function createPendingUpdates(limits: PendingLimits): PendingUpdates {
	const held: HeldUpdate[] = [];
	const perSocket = new Map<Connection, { count: number; bytes: number }>();
	let roomBytes = 0;

	const drop = (conn: Connection) => {
		const mine = perSocket.get(conn);
		if (!mine) return;
		perSocket.delete(conn);
		roomBytes -= mine.bytes;
		for (let i = held.length - 1; i >= 0; i--) if (held[i].conn === conn) held.splice(i, 1);
	};

	return {
		hold(conn, update, need) {
			const mine = perSocket.get(conn) ?? { count: 0, bytes: 0 };
			const size = update.byteLength;
			const over =
				mine.count + 1 > limits.maxUpdatesPerSocket
					? `more than ${limits.maxUpdatesPerSocket} updates wait for missing dependencies`
					: mine.bytes + size > limits.maxBytesPerSocket
						? `more than ${limits.maxBytesPerSocket} B of updates wait for missing dependencies`
						: roomBytes + size > limits.maxBytesPerRoom
							? `the room holds more than ${limits.maxBytesPerRoom} B of updates waiting for missing dependencies`
							: null;
			if (over) {
				drop(conn);
				return over;
			}
			perSocket.set(conn, { count: mine.count + 1, bytes: mine.bytes + size });
			roomBytes += size;
			held.push({ conn, update, need });
			return null;
		},
		takeReady(doc) {
			const i = held.findIndex((h) => isNeedMet(doc, h.need));
			if (i < 0) return null;
			const [ready] = held.splice(i, 1);
			const mine = perSocket.get(ready.conn)!;
			mine.count--;
			mine.bytes -= ready.update.byteLength;
			roomBytes -= ready.update.byteLength;
			if (mine.count === 0) perSocket.delete(ready.conn);
			return ready;
		},
		drop,
		get size() {
			return held.length;
		}
	};
}
