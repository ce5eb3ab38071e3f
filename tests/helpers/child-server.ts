// Runs the real CLI (`sync-server/cli.ts`) as a child process on port 0 and waits until it prints its URL,
// so tests can kill it with SIGKILL or SIGTERM like a user (or the OOM killer) would.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildServer {
	url: string;
	proc: ChildProcess;
	/** Resolves with the exit code/signal once the process has exited. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	output(): string;
}

/** `env`: variables set for the child besides this process's own. */
export function spawnServer(dataDir: string, args: string[] = [], timeoutMs = 30_000, env: Record<string, string> = {}): Promise<ChildServer> {
	const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'sync-server', 'cli.ts'), '--port', '0', '--data', dataDir, ...args], {
		cwd: root,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		proc.once('exit', (code, signal) => resolve({ code, signal }))
	);
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
		const onData = (d: Buffer) => {
			out += d.toString();
			const m = /listening on (http:\/\/\S+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				resolve({ url: m[1], proc, exited, output: () => out });
			}
		};
		proc.stdout!.on('data', onData);
		proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
		void exited.then(({ code, signal }) => {
			clearTimeout(timer);
			reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
		});
	});
}
