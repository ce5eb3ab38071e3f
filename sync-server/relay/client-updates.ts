// What a room does with a document update from a client socket: drop it (server-only doc), deny it (read-only
// socket), check it with the update guard, then apply it, hold it until its dependencies arrive, or refuse it whole
// with a permission-denied message saying why. Nothing refused or held is ever applied, stored or broadcast.
import * as Y from 'yjs';
import { checkClientUpdate, type DocSchema } from '../../src/lib/core/docs/update-guard';
import { encodePermissionDenied } from './protocol';
import { createPendingUpdates, type PendingLimits } from './pending';
import { CloseCode, sendTo, type Connection } from './socket';

/** Yjs client ids per socket whose refused clocks are remembered. */
const MAX_REFUSED_CLIENTS = 64;

/** Why a socket must be closed, and with which code. */
export interface Refusal {
	code: number;
	reason: string;
}

export interface ClientUpdatesOptions {
	name: string;
	doc: Y.Doc;
	/** null: a server-only document, whose client updates are dropped without a word (§2). */
	schema: DocSchema | null;
	pending: PendingLimits;
	log: (msg: string) => void;
	/** Closes a socket whose held update turned out malformed or past a bound once retried. */
	close: (conn: Connection, refusal: Refusal) => void;
}

export interface ClientUpdates {
	/** Handles one sync step 2 or update from `conn`; returns a refusal (close the socket) or null. */
	receive(conn: Connection, update: Uint8Array): Refusal | null;
	/** Forgets what `conn` holds (it closed). */
	drop(conn: Connection): void;
	destroy(): void;
}

export function createClientUpdates(opts: ClientUpdatesOptions): ClientUpdates {
	const { name, doc, schema, log } = opts;
	const pending = createPendingUpdates(opts.pending);
	let retryScheduled = false;

	const refuse = (conn: Connection, update: Uint8Array, why: string, tooLarge = false) => {
		log(`socket ${conn.id} (${name}): update refused: ${why}`);
		sendTo(conn, encodePermissionDenied(`update to ${name} refused: ${why}`));
		// Not read again to note its clocks: an oversized update is refused for its size alone, in constant time, and
		// what builds on it waits in the bounded pending buffer instead.
		if (tooLarge) return;
		// Its later updates build on the refused clocks: they are refused at once instead of waiting for them (for a
		// bounded number of client ids; past that they wait in the bounded pending buffer).
		const { from } = Y.parseUpdateMeta(update);
		for (const [client, clock] of from) {
			const start = Math.max(clock, Y.getState(doc.store, client));
			const known = conn.refusedFrom.get(client);
			if (known === undefined ? conn.refusedFrom.size < MAX_REFUSED_CLIENTS : start < known) conn.refusedFrom.set(client, start);
		}
	};

	/** Applies `update` if the guard lets it in now; returns a refusal when the socket must be closed. */
	const integrate = (conn: Connection, update: Uint8Array): Refusal | null => {
		if (!schema) return null;
		const result = checkClientUpdate(doc, update, schema, conn.writePolicy ?? undefined);
		if (result.ok) {
			try {
				Y.applyUpdate(doc, update, conn);
			} catch (e) {
				return { code: CloseCode.badRequest, reason: `update failed to apply: ${(e as Error).message}` };
			}
			if (doc.store.pendingStructs || doc.store.pendingDs) {
				// The guard let in something Yjs could not integrate: never let it sit in the document.
				log(`${name}: an update from socket ${conn.id} left structs pending in Yjs; dropped them`);
				doc.store.pendingStructs = null;
				doc.store.pendingDs = null;
			}
			return null;
		}
		if (result.kind === 'malformed') return { code: CloseCode.badRequest, reason: result.error };
		if (result.kind === 'rejected') {
			refuse(conn, update, result.error, result.tooLarge === true);
			return null;
		}
		const { client, clock } = result.need;
		if (clock >= (conn.refusedFrom.get(client) ?? Infinity)) {
			refuse(conn, update, `it builds on a refused update of client ${client}`);
			return null;
		}
		const over = pending.hold(conn, update, result.need);
		return over ? { code: CloseCode.tooManyPending, reason: over } : null;
	};

	/** Hands held updates whose dependencies arrived back to the guard, until none is ready. */
	const retryHeld = () => {
		retryScheduled = false;
		for (let ready = pending.takeReady(doc); ready; ready = pending.takeReady(doc)) {
			if (ready.conn.closed) continue;
			const refusal = integrate(ready.conn, ready.update);
			if (refusal) opts.close(ready.conn, refusal);
		}
	};
	// After any change of the document (a client's, or the server's own), outside its transaction.
	const onUpdate = () => {
		if (pending.size === 0 || retryScheduled) return;
		retryScheduled = true;
		queueMicrotask(retryHeld);
	};
	doc.on('update', onUpdate);

	return {
		receive(conn, update) {
			if (!schema) return null;
			if (!conn.canWrite) {
				sendTo(conn, encodePermissionDenied(`${name}: ${conn.readOnlyReason}`));
				return null;
			}
			return integrate(conn, update);
		},
		drop: (conn) => pending.drop(conn),
		destroy() {
			doc.off('update', onUpdate);
		}
	};
}
