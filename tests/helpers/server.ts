// Starts the real Tandem server in this process for a test: port 0, a fresh temp data dir, the built SPA from
// build/. `stop`/`start` keep the data dir (to test offline and restarts); `close` also deletes it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type ServerOptions, type TandemServer } from '../../sync-server/server';

export const BUILD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'build');

export interface TestServer {
	/** Base URL, e.g. http://127.0.0.1:43210 (the same across restarts unless the port was taken meanwhile). */
	readonly url: string;
	readonly dataDir: string;
	readonly running: boolean;
	/** Stops the server, keeping its data. */
	stop(): Promise<void>;
	/** Starts it again on the same data dir, on the same port if it is still free. */
	start(): Promise<void>;
	/** stop() then start(). */
	restart(): Promise<void>;
	/** Stops the server and deletes its data dir. */
	close(): Promise<void>;
}

export async function startTestServer(opts: Omit<ServerOptions, 'port' | 'dataDir'> = {}): Promise<TestServer> {
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-test-'));
	const launch = (port: number) => startServer({ staticDir: BUILD_DIR, ...opts, port, dataDir });
	let server: TandemServer | null = await launch(0);
	let port = server.port;
	let url = server.url;

	async function stop(): Promise<void> {
		const s = server;
		server = null;
		await s?.close();
	}
	async function start(): Promise<void> {
		if (server) return;
		try {
			server = await launch(port);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
			server = await launch(0);
		}
		port = server.port;
		url = server.url;
	}
	return {
		get url() {
			return url;
		},
		dataDir,
		get running() {
			return server !== null;
		},
		stop,
		start,
		async restart() {
			await stop();
			await start();
		},
		async close() {
			await stop();
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}
