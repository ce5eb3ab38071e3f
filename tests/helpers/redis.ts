// A real redis-server for tests: a free loopback port, a fresh temp directory, no persistence; started, killed
// (SIGKILL, for outages) and restarted on the same port, and waited for by PING, never by a fixed sleep.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './wait';
import { freePort } from './ports';

export interface TestRedis {
	/** `redis://127.0.0.1:<port>` */
	url: string;
	port: number;
	/** Stops the server (SIGTERM) and removes its directory. */
	stop(): Promise<void>;
	/** Kills the server (SIGKILL) and waits for it to exit; `restart()` brings it back on the same port, empty. */
	kill(): Promise<void>;
	/** Starts the server again on the same port (killing it first if it runs) and waits for PING. */
	restart(): Promise<void>;
}

const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** Whether a redis server on `port` answers PING with PONG. */
function ping(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let reply = '';
		socket.setTimeout(1_000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString();
			if (reply.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(reply.startsWith('+PONG')));
		socket.on('error', () => {});
	});
}

function exited(proc: ChildProcess): Promise<void> {
	return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((resolve) => proc.once('exit', () => resolve()));
}

export async function startRedis(): Promise<TestRedis> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-redis-'));
	const port = await freePort();
	let proc: ChildProcess | null = null;
	let output = '';

	const start = async () => {
		const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
			stdio: ['ignore', 'pipe', 'pipe']
		});
		proc = child;
		child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
		child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
		const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
		await Promise.race([
			spawnFailed,
			waitFor(
				async () => {
					if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output}`);
					return ping(port);
				},
				{ what: `redis-server on port ${port}`, timeoutMs: 15_000 }
			)
		]);
	};
	const kill = async () => {
		if (!proc) return;
		const p = proc;
		proc = null;
		p.kill('SIGKILL');
		await exited(p);
	};

	await start();
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		kill,
		async restart() {
			await kill();
			await start();
		},
		async stop() {
			if (proc) {
				const p = proc;
				proc = null;
				p.kill('SIGTERM');
				await exited(p);
			}
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}
