// Starts the relay alone on an HTTP server on 127.0.0.1 (port 0 unless given), for tests that need only `/sync/`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRelay, type Relay, type RelayOptions } from '../../sync-server/relay/relay';
import { createMemoryStore } from '../../sync-server/store/memory-store';
import { isServerOnlyDoc, isValidDocName } from '../../src/lib/core/schema';

export interface RelayServer {
	/** `http://127.0.0.1:<port>` */
	url: string;
	/** `ws://127.0.0.1:<port>/sync`: the y-websocket server URL (the provider appends `/<doc name>`). */
	wsUrl: string;
	port: number;
	relay: Relay;
	/** Stops listening, closes the relay (sockets, rooms, store flush) and the server; the store stays open. */
	close(): Promise<void>;
}

/** Defaults: a fresh memory store and Tandem's own doc-name rules (`src/lib/core/schema`). */
export async function startRelayServer(opts: Partial<RelayOptions> & { port?: number } = {}): Promise<RelayServer> {
	const { port = 0, ...relayOpts } = opts;
	const relay = createRelay({ store: createMemoryStore(), isValidDocName, isServerOnly: isServerOnlyDoc, ...relayOpts });
	const server = http.createServer((_req, res) => void res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => {
		if ((req.url ?? '').startsWith('/sync/')) relay.handleUpgrade(req, socket, head);
		else socket.destroy();
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const actualPort = (server.address() as AddressInfo).port;
	let closing: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${actualPort}`,
		wsUrl: `ws://127.0.0.1:${actualPort}/sync`,
		port: actualPort,
		relay,
		close: () =>
			(closing ??= (async () => {
				const closed = new Promise<void>((resolve) => server.close(() => resolve()));
				server.closeAllConnections();
				await relay.close();
				await closed;
			})())
	};
}
