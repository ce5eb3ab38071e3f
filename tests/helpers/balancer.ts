// A small TCP round-robin load balancer for the multi-instance tests and bench, standing in for the nginx of
// compose.yaml (deploy/nginx.conf: round robin, no stickiness, WebSocket upgrades passed through). Each incoming
// connection is piped, bytes unchanged, to the next backend in turn; a backend that refuses the connection (killed,
// restarting) is skipped for the next one, so clients of a dead instance reconnect to a live one. It is a test
// helper: loopback only, no health checks beyond the connect attempt, no HTTP parsing. One fault for the failure
// tests: hold(), which stops a connection's bytes to its backend from a given message on (a link that hangs).
import net from 'node:net';

export interface Balancer {
	/** `http://127.0.0.1:<port>` of the balancer itself. */
	readonly url: string;
	readonly port: number;
	/** Replaces the backends (`http://host:port` URLs); connections already piped stay where they are. */
	setBackends(urls: string[]): void;
	/** How many client connections each backend (by URL) was given so far. */
	counts(): Record<string, number>;
	/**
	 * The first connection whose client sends a chunk that `match`es is held from that chunk on (included): its bytes
	 * are never sent to the backend, and are dropped when it closes. Resolves at that match; later chunks and
	 * connections are not matched again. Bytes from the backends flow as before.
	 */
	hold(match: (chunk: Buffer) => boolean): Promise<void>;
	/** Stops listening and destroys every open connection. */
	close(): Promise<void>;
}

interface Backend {
	url: string;
	host: string;
	port: number;
}

/** `http://host:port` (or any `scheme://host:port`: the bytes are piped, never read). */
function parseBackend(url: string): Backend {
	const u = new URL(url);
	if (!u.port || !u.hostname) throw new Error(`balancer backend must be scheme://host:port, not ${url}`);
	return { url, host: u.hostname, port: Number(u.port) };
}

/** Starts the balancer on a free loopback port in front of `backends` (may be empty; set them later). */
export async function startBalancer(backends: string[] = []): Promise<Balancer> {
	let pool = backends.map(parseBackend);
	let next = 0;
	const given = new Map<string, number>();
	const open = new Set<net.Socket>();
	let holding: { match: (chunk: Buffer) => boolean; matched: () => void } | null = null;
	const track = (s: net.Socket) => {
		open.add(s);
		s.once('close', () => open.delete(s));
	};

	/** Connects to the backends in turn from the next one; calls back with the first that accepts, or null. */
	const connectNext = (done: (upstream: net.Socket | null, backend: Backend | null) => void) => {
		const candidates = pool;
		const start = next;
		next = (start + 1) % Math.max(1, candidates.length);
		const attempt = (tried: number) => {
			if (tried >= candidates.length) return done(null, null);
			const at = (start + tried) % candidates.length;
			const b = candidates[at];
			const upstream = net.connect(b.port, b.host);
			const onError = () => {
				upstream.destroy();
				attempt(tried + 1);
			};
			upstream.once('error', onError);
			upstream.once('connect', () => {
				upstream.off('error', onError);
				// The turn after a skipped (dead) backend goes to the one after the backend that answered, so the
				// live backends keep equal shares rather than the dead one's successor taking its share too.
				if (tried > 0 && candidates === pool) next = (at + 1) % candidates.length;
				done(upstream, b);
			});
		};
		attempt(0);
	};

	const server = net.createServer({ pauseOnConnect: true }, (client) => {
		track(client);
		client.on('error', () => client.destroy());
		connectNext((upstream, backend) => {
			if (!upstream || !backend || client.destroyed) {
				upstream?.destroy();
				client.destroy();
				return;
			}
			track(upstream);
			given.set(backend.url, (given.get(backend.url) ?? 0) + 1);
			upstream.on('error', () => upstream.destroy());
			// A side that ends or dies takes the other with it: a killed instance resets its clients' sockets.
			upstream.once('close', () => client.destroy());
			client.once('close', () => upstream.destroy());
			// client → backend by hand (not pipe) so hold() can stop it mid-stream; backpressure kept.
			let held = false;
			client.on('data', (chunk: Buffer) => {
				if (!held && holding?.match(chunk)) {
					held = true;
					holding.matched();
					holding = null;
				}
				if (held) return;
				if (!upstream.write(chunk)) client.pause();
			});
			upstream.on('drain', () => client.resume());
			client.once('end', () => held || upstream.end());
			upstream.pipe(client);
			client.resume();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as net.AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		setBackends(urls) {
			pool = urls.map(parseBackend);
			next = 0;
		},
		counts: () => Object.fromEntries(given),
		hold: (match) => new Promise<void>((resolve) => (holding = { match, matched: resolve })),
		async close() {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const s of open) s.destroy();
			await closed;
		}
	};
}
