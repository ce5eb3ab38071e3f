// The crash test's Python writer: tests/python/crash_client.py (the official MLflow client, no retries) logging to one
// run, its stdout read line by line: each `ack` is an acknowledged write, a `fail` one that may or may not have landed.
// After a failure the script waits for "go" on stdin, sent once the server listens again.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PYTHON } from './python';
import type { CrashServer, CrashWriter, Ledger, RunLedger, Write } from './crash-harness';

const SCRIPT = path.resolve(path.dirname(PYTHON), '..', '..', 'tests', 'python', 'crash_client.py');

/** What crash_client.py writes for (op, i): keep in step with its write(). */
function pythonWrite(run: RunLedger, op: string, i: number): Write {
	switch (op) {
		case 'metric':
			return { run, metrics: [['py', i, i * 0.5]] };
		case 'param':
			return { run, params: { [`py.p${i}`]: `v${i}` } };
		case 'tag':
			return { run, tags: { [`py.t${i}`]: `t${i}` } };
		default:
			return {
				run,
				metrics: [0, 1, 2].map((j) => ['pyb', i * 4 + j, i * 0.5 + j] as [string, number, number]),
				params: { [`py.bp${i}`]: `v${i}` },
				tags: { [`py.bt${i}`]: `t${i}` }
			};
	}
}

/** A failure a dead server explains (refused, reset, aborted) rather than an error it answered. */
const CONNECTION_FAILURE = /Connection refused|Connection aborted|RemoteDisconnected|reset by peer|Max retries exceeded|BrokenPipe|ConnectionError/i;

/** Starts the script on `run`; resolves once MLflow is imported and the first write is about to go. */
export async function createPythonWriter(server: CrashServer, ledger: Ledger, run: RunLedger, seed: number): Promise<CrashWriter & { failures: number }> {
	const name = 'python';
	const runId = run.runId()!;
	const proc = spawn(PYTHON, [SCRIPT, runId, String(seed)], {
		env: { ...process.env, MLFLOW_TRACKING_URI: server.url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', PYTHONUNBUFFERED: '1' },
		stdio: ['pipe', 'pipe', 'pipe']
	});
	let stderr = '';
	proc.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
	const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
	let waiting = false;
	let stopping = false;
	let failures = 0;
	const resume = () => {
		waiting = false;
		proc.stdin.write(stopping ? 'stop\n' : 'go\n');
	};
	const ready = new Promise<void>((resolve, reject) => {
		void exited.then((code) => reject(new Error(`crash_client.py exited (${code}) before it was ready:\n${stderr}`)));
		createInterface({ input: proc.stdout }).on('line', (line) => {
			const msg = JSON.parse(line) as { ready?: true; ack?: string; fail?: string; i?: number; error?: string };
			if (msg.ready) resolve();
			else if (msg.ack) ledger.ack(name, pythonWrite(run, msg.ack, msg.i!));
			else if (msg.fail) {
				failures++;
				ledger.attempt(pythonWrite(run, msg.fail, msg.i!));
				if (!CONNECTION_FAILURE.test(msg.error ?? '')) ledger.errors.push(`python ${msg.fail} #${msg.i}: ${msg.error}`);
				waiting = true;
				if (server.up || stopping) resume();
			}
		});
	});
	await ready;
	return {
		name,
		get failures() {
			return failures;
		},
		onServerUp: () => {
			if (waiting) resume();
		},
		onServerKilled: () => {},
		async stop() {
			stopping = true;
			if (waiting) resume();
			const code = await exited;
			if (code !== 0) ledger.errors.push(`crash_client.py exited with ${code}:\n${stderr}`);
		},
		close: () => void proc.kill('SIGKILL')
	};
}
