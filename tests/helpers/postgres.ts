// Starts a throwaway PostgreSQL server for tests: initdb into a fresh temp dir (trust auth), postgres on a free
// loopback port with fsync on, a fresh database. kill() SIGKILLs the postmaster and every backend (an outage or a
// crash), restart() brings it back on the same port and data dir. Root runs it as the `postgres` system user.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { waitFor } from './wait';
import { freePort } from './ports';

export interface PostgresServer {
	/** `postgres://postgres@127.0.0.1:<port>/<db>` of a fresh database. */
	url: string;
	/** The data directory (inside a temp dir that stop() deletes). */
	dataDir: string;
	/** Fast shutdown, then deletes the temp dir. Safe to call after kill(). */
	stop(): Promise<void>;
	/** SIGKILLs the postmaster and every backend at once; resolves when the postmaster has exited. */
	kill(): Promise<void>;
	/** Starts the server again on the same port and data dir (after kill() or a stop-less crash) and waits until it answers. */
	restart(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const running = new Set<ChildProcess>();
process.once('exit', () => {
	for (const proc of running) killGroup(proc);
});

/** Directory of initdb/postgres: $TANDEM_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin, else $PATH. */
function findPgBin(): string {
	if (process.env.TANDEM_PG_BIN) return process.env.TANDEM_PG_BIN;
	const base = '/usr/lib/postgresql';
	if (existsSync(base)) {
		const versions = readdirSync(base).filter((v) => /^\d+$/.test(v) && existsSync(path.join(base, v, 'bin', 'postgres')));
		versions.sort((a, b) => Number(b) - Number(a));
		if (versions.length > 0) return path.join(base, versions[0], 'bin');
	}
	return '';
}

/** PostgreSQL refuses to run as root: under root, the uid/gid of the `postgres` system user; otherwise none. */
function findRunAs(): { uid: number; gid: number } | null {
	if (process.getuid?.() !== 0) return null;
	try {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		return { uid, gid };
	} catch {
		throw new Error("running as root, but there is no 'postgres' system user to run PostgreSQL as (install postgresql or add the user)");
	}
}

/** Pids of the processes whose parent is `pid` (Linux /proc). */
function readChildPids(pid: number): number[] {
	const out: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// Fields after the parenthesised command: state, ppid, …
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
		} catch {
			// exited meanwhile
		}
	}
	return out;
}

/**
 * SIGKILLs the postmaster and every backend, as a crash of the machine would. The backends are not in the
 * postmaster's process group (each calls setsid), so they are found as its children; the postmaster is stopped
 * first so that it forks no new one meanwhile.
 */
function killGroup(proc: ChildProcess): void {
	const pid = proc.pid;
	if (!pid) return;
	const signal = (target: number, sig: NodeJS.Signals) => {
		try {
			process.kill(target, sig);
		} catch {
			// already gone
		}
	};
	signal(pid, 'SIGSTOP');
	for (const child of readChildPids(pid)) signal(child, 'SIGKILL');
	signal(pid, 'SIGKILL');
}

/** Waits until `url` answers `select 1`; fails early if `exited` settles first. */
async function waitUntilReady(url: string, exited: Promise<string>, output: () => string): Promise<void> {
	let gone: string | null = null;
	void exited.then((why) => (gone = why));
	await waitFor(
		async () => {
			if (gone !== null) return true;
			const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
			client.on('error', () => {}); // a refused connect rejects connect() below
			try {
				await client.connect();
				await client.query('select 1');
				return true;
			} finally {
				await client.end();
			}
		},
		{ timeoutMs: START_TIMEOUT_MS, pollMs: 50, what: `PostgreSQL at ${url}` }
	).catch((err: Error) => {
		throw new Error(`${err.message}\n${output()}`);
	});
	if (gone !== null) throw new Error(`PostgreSQL exited (${gone}) before accepting connections:\n${output()}`);
}

/** Creates database `name` (lowercase letters, digits, `_`) on the server of `url`; returns its URL. */
export async function createDatabase(url: string, name: string): Promise<string> {
	if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${JSON.stringify(name)}`);
	const client = new pg.Client({ connectionString: url });
	client.on('error', () => {}); // a lost connection fails the query below
	try {
		await client.connect();
		await client.query(`CREATE DATABASE ${name}`);
	} finally {
		await client.end();
	}
	const out = new URL(url);
	out.pathname = `/${name}`;
	return out.toString();
}

export async function startPostgres(): Promise<PostgresServer> {
	const bin = findPgBin();
	const exe = (name: string) => (bin ? path.join(bin, name) : name);
	const runAs = findRunAs();
	const root = await mkdtemp(path.join(os.tmpdir(), 'tandem-pg-'));
	const dataDir = path.join(root, 'data');
	const socketDir = path.join(root, 'sock');
	await mkdir(dataDir, { mode: 0o700 });
	await mkdir(socketDir);
	if (runAs) for (const dir of [root, dataDir, socketDir]) await chown(dir, runAs.uid, runAs.gid);
	const spawnOpts = { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } };
	try {
		// --no-sync only skips initdb's own final sync of the template files; the server itself runs with fsync on.
		execFileSync(exe('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], {
			...spawnOpts,
			stdio: ['ignore', 'pipe', 'pipe']
		});
	} catch (err) {
		await rm(root, { recursive: true, force: true });
		const e = err as { stderr?: Buffer; message: string };
		throw new Error(`initdb failed: ${e.stderr?.toString() || e.message}`);
	}
	const port = await freePort();
	const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
	let proc: ChildProcess | null = null;
	let exited: Promise<string> = Promise.resolve('not started');
	let log = '';
	const output = () => log.slice(-4000);

	const launch = async () => {
		const args = ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', socketDir];
		for (const setting of ['fsync=on', 'synchronous_commit=on', 'shared_buffers=16MB', 'max_connections=50']) args.push('-c', setting);
		const child = spawn(exe('postgres'), args, { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] });
		proc = child;
		running.add(child);
		child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
		child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
		exited = new Promise((resolve) => {
			child.once('exit', (code, signal) => {
				running.delete(child);
				resolve(String(code ?? signal));
			});
			child.once('error', (err) => {
				running.delete(child);
				resolve(err.message);
			});
		});
		await waitUntilReady(adminUrl, exited, output);
	};

	const kill = async () => {
		if (!proc || !running.has(proc)) return;
		killGroup(proc);
		await exited;
	};

	await launch().catch(async (err) => {
		await kill();
		await rm(root, { recursive: true, force: true });
		throw err;
	});
	const url = await createDatabase(adminUrl, 'tandem');

	return {
		url,
		dataDir,
		kill,
		async restart() {
			await kill();
			// After a SIGKILL the old backends may still be exiting and holding shared memory: retry until it starts.
			await waitFor(
				async () => {
					await launch();
					return true;
				},
				{ timeoutMs: START_TIMEOUT_MS, pollMs: 100, what: 'PostgreSQL to restart' }
			);
		},
		async stop() {
			if (proc && running.has(proc)) {
				proc.kill('SIGINT'); // fast shutdown
				const done = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 10_000).unref())]);
				if (done === null) await kill();
			}
			await rm(root, { recursive: true, force: true });
		}
	};
}
