// The real Tandem server in this process for a fuzz test, with its data dir inside a sandbox dir of its own, so a
// file written outside the data dir shows up as a new entry next to it; and a search for the marker name that
// every traversal payload ends in, in the places an escaped write could land (the sandbox, the temp dir, the cwd).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, type ServerOptions, type TandemServer } from '../../sync-server/server';

export interface FuzzServer {
	readonly url: string;
	/** The sandbox: holds `data/` (the server's data dir) and nothing else. */
	readonly root: string;
	readonly dataDir: string;
	/** Entries that appeared next to the data dir, and files named after `marker` anywhere an escape could write. */
	findEscapes(marker: string): Promise<string[]>;
	close(): Promise<void>;
}

/** Starts the server on port 0 (no static app: the fuzz aims at the API) with data in `<sandbox>/data`. */
export async function startFuzzServer(opts: Omit<ServerOptions, 'port' | 'dataDir'> = {}): Promise<FuzzServer> {
	const root = await mkdtemp(path.join(os.tmpdir(), 'tandem-fuzz-'));
	const dataDir = path.join(root, 'data');
	const server: TandemServer = await startServer({ staticDir: null, ...opts, port: 0, dataDir });
	return {
		url: server.url,
		root,
		dataDir,
		async findEscapes(marker) {
			const found = (await readdir(root)).filter((e) => e !== 'data').map((e) => path.join(root, e));
			for (const file of await listRecursive(root)) if (file.includes(marker)) found.push(file);
			for (const dir of [os.tmpdir(), process.cwd(), path.dirname(root), '/']) {
				for (const e of await readdir(dir).catch(() => [] as string[])) if (e.includes(marker)) found.push(path.join(dir, e));
			}
			return [...new Set(found)];
		},
		async close() {
			await server.close();
			await rm(root, { recursive: true, force: true });
		}
	};
}

async function listRecursive(dir: string): Promise<string[]> {
	const out: string[] = [];
	for (const e of await readdir(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		out.push(p);
		if (e.isDirectory()) out.push(...(await listRecursive(p)));
	}
	return out;
}
