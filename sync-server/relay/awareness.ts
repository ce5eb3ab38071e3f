// Awareness (presence) from untrusted sockets: a socket owns the client ids it announces first, at most a few, and
// may set only their states, each of bounded size. y-websocket clients echo every state they receive, so an entry
// for an id another socket owns is dropped silently (an echo, or a spoof), never applied. A socket with a signed-in
// user cannot claim another's name: the user's name is written over the one in its states.
import { applyAwarenessUpdate, type Awareness } from 'y-protocols/awareness';
import { withUserName } from '../../src/lib/core/presence/state';
import { encodeAwarenessEntries, type AwarenessEntry } from './protocol';
import type { Connection } from './socket';

export interface AwarenessLimits {
	/** Client ids one socket may own (y-websocket announces one). */
	maxClientsPerSocket: number;
	/** Largest state of one client, in UTF-8 bytes of its JSON. */
	maxStateBytes: number;
}

export interface AwarenessGate {
	/** Applies what `conn` may set of `entries` with `conn` as origin; returns an error (close the socket) or null. */
	apply(conn: Connection, entries: readonly AwarenessEntry[]): string | null;
	/** Forgets the ids `conn` owned (call when it closes, after removing their states). */
	release(conn: Connection): void;
}

export function createAwarenessGate(awareness: Awareness, limits: AwarenessLimits): AwarenessGate {
	const owners = new Map<number, Connection>();

	/** Whether y-protocols would change anything for this entry (a newer clock, or a removal at the same clock). */
	const isNews = (e: AwarenessEntry) => {
		const known = awareness.meta.get(e.clientId)?.clock;
		return known === undefined || known < e.clock || (known === e.clock && e.state === 'null' && awareness.states.has(e.clientId));
	};

	return {
		apply(conn, entries) {
			const kept: AwarenessEntry[] = [];
			for (const e of entries) {
				const bytes = Buffer.byteLength(e.state);
				if (bytes > limits.maxStateBytes) return `awareness state of client ${e.clientId} is ${bytes} B; the limit is ${limits.maxStateBytes} B`;
				const owner = owners.get(e.clientId);
				if ((owner !== undefined && owner !== conn) || e.clientId === awareness.clientID || !isNews(e)) continue;
				if (owner === undefined) {
					if (conn.awarenessClients.size >= limits.maxClientsPerSocket) {
						return `a socket may announce at most ${limits.maxClientsPerSocket} awareness clients`;
					}
					owners.set(e.clientId, conn);
					conn.awarenessClients.add(e.clientId);
				}
				kept.push(conn.user === null || e.state === 'null' ? e : { ...e, state: JSON.stringify(withUserName(JSON.parse(e.state), conn.user)) });
			}
			if (kept.length === 0) return null;
			try {
				applyAwarenessUpdate(awareness, encodeAwarenessEntries(kept), conn);
				return null;
			} catch (e) {
				return `awareness update failed to apply: ${(e as Error).message}`;
			}
		},
		release(conn) {
			for (const id of conn.awarenessClients) if (owners.get(id) === conn) owners.delete(id);
			conn.awarenessClients.clear();
		}
	};
}
