// The connection state of one relay connection and of all of them together, as the header badge shows it.
// Pure: documents.ts feeds it the WebsocketProvider events; connection.svelte.ts makes the aggregate reactive.

export const CONNECTION = { connected: 'connected', syncing: 'syncing', offline: 'offline' } as const;
export type Connection = (typeof CONNECTION)[keyof typeof CONNECTION];

/** What documents.ts tracks per provider, from its `status`, `sync` and `connection-close` events. */
export interface ProviderState {
	status: 'connecting' | 'connected' | 'disconnected';
	synced: boolean;
	/** The last connection attempt closed or failed (reset when a connection opens). */
	failed: boolean;
}

export function createProviderState(): ProviderState {
	return { status: 'connecting', synced: false, failed: false };
}

/**
 * One provider: connected and synced → connected; open but not yet synced, or still on its first attempt
 * → syncing; closed, or retrying after a failed attempt → offline.
 */
export function readProviderConnection(s: ProviderState): Connection {
	if (s.status === 'connected') return s.synced ? CONNECTION.connected : CONNECTION.syncing;
	return s.failed || s.status === 'disconnected' ? CONNECTION.offline : CONNECTION.syncing;
}

const RANK: Record<Connection, number> = { connected: 0, syncing: 1, offline: 2 };

/** All providers: the worst of them (offline > syncing > connected); syncing while none is open yet. */
export function readConnection(states: Iterable<ProviderState>): Connection {
	let worst: Connection | null = null;
	for (const s of states) {
		const c = readProviderConnection(s);
		if (worst === null || RANK[c] > RANK[worst]) worst = c;
	}
	return worst ?? CONNECTION.syncing;
}
