// The page-wide relay connection state (connected / syncing / offline) as a reactive value for the header badge.
import { readDocumentStore } from './documents';
import type { Connection } from './connection-state';

class ConnectionStatus {
	current = $state<Connection>('syncing');
	constructor() {
		const store = readDocumentStore();
		this.current = store.readConnection();
		store.subscribeConnection((c) => (this.current = c));
	}
}

let status: ConnectionStatus | null = null;

/** The page's connection status, created on first use (it lives as long as the page). */
export function readConnectionStatus(): { readonly current: Connection } {
	if (typeof window === 'undefined') return { current: 'syncing' }; // rendering on the server
	status ??= new ConnectionStatus();
	return status;
}
