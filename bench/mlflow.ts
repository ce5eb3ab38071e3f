// Issue-3 figures, side by side: the same official-MLflow-client workload (bench/mlflow-py/workload.py) against
// Tandem and against `mlflow server` with a SQLite backend, both on loopback; prints values and ratios.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../tests/helpers/child-server';
import { runPython } from '../tests/helpers/python';
import { waitFor } from '../tests/helpers/wait';
import { freePort } from '../tests/helpers/ports';
import type { Row } from './table';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PY = path.join(root, '.venv-bench', 'bin', 'python');
const WORKLOAD = path.join(root, 'bench', 'mlflow-py', 'workload.py');
const progress = (what: string) => process.stderr.write(`[bench] ${what}…\n`);

export interface Target {
	name: string;
	url: string;
	pids: () => Promise<number[]>;
}

/** Runs one step of a workload script (default workload.py) against `target`; its JSON answer. */
export async function step<T>(target: Target, args: string[], timeoutMs = 1_800_000, workload = WORKLOAD): Promise<T> {
	const r = await runPython(workload, target.url, { python: PY, args, timeoutMs, env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_TIMEOUT: '600' } });
	if (r.code !== 0 || r.json === null) throw new Error(`${target.name} ${args[0]} failed:\n${r.stdout}\n${r.stderr.slice(-3000)}`);
	return r.json as T;
}

/** RSS (MiB) of a process and all its descendants (MLflow runs gunicorn/uvicorn workers). */
export async function treeRssMiB(pids: number[]): Promise<number> {
	let kib = 0;
	for (const pid of pids) {
		try {
			kib += Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
		} catch {
			/* exited */
		}
	}
	return kib / 1024;
}

export async function descendants(pid: number): Promise<number[]> {
	const all = await readdir('/proc');
	const parent = new Map<number, number>();
	for (const d of all) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = await readFile(`/proc/${d}/stat`, 'utf8');
			parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			/* gone */
		}
	}
	const out = [pid];
	for (let i = 0; i < out.length; i++) for (const [p, pp] of parent) if (pp === out[i]) out.push(p);
	return out;
}

/** `opts.artifactsDestination` (default `<dir>/artifacts`) and `opts.env` (e.g. an S3 store's endpoint and keys) serve bench/cluster.ts. */
export async function startMlflow(dir: string, opts: { artifactsDestination?: string; env?: Record<string, string> } = {}): Promise<{ target: Target; proc: ChildProcess }> {
	const port = await freePort();
	const proc = spawn(
		path.join(root, '.venv-bench', 'bin', 'mlflow'),
		['server', '--backend-store-uri', `sqlite:///${dir}/mlflow.db`, '--artifacts-destination', opts.artifactsDestination ?? `${dir}/artifacts`, '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
		{ cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: '1', ...opts.env } }
	);
	let err = '';
	proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
	const url = `http://127.0.0.1:${port}`;
	await waitFor(
		async () => {
			if (proc.exitCode !== null) throw new Error(`mlflow server exited:\n${err}`);
			const r = await fetch(`${url}/health`).catch(() => null);
			return r?.ok ?? false;
		},
		{ timeoutMs: 120_000, pollMs: 250, what: `mlflow server on ${url}` }
	);
	return { target: { name: 'MLflow', url, pids: () => descendants(proc.pid!) }, proc };
}

/** Runs `fn` while sampling the server's RSS every 100 ms: its answer, with the RSS before and the peak (MiB). */
export async function withRssSampling<T>(target: Target, fn: () => Promise<T>): Promise<T & { before: number; peak: number }> {
	const pids = await target.pids();
	const before = await treeRssMiB(pids);
	let peak = before;
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			peak = Math.max(peak, await treeRssMiB(pids));
			await new Promise((r) => setTimeout(r, 100));
		}
	})();
	try {
		return { ...(await fn()), before, peak };
	} finally {
		sampling = false;
		await sampler;
	}
}

/** The artifact round trip with the server's RSS sampled. */
export const artifactFigures = (target: Target, mb: number) =>
	withRssSampling(target, () => step<{ upload_mb_s: number; download_mb_s: number }>(target, ['artifacts', String(mb)]));

async function measure(target: Target, quick: boolean) {
	const searchRuns = quick ? 2_000 : 10_000;
	progress(`${target.name}: log-batch ingest`);
	const ingest = await step<{ points_per_s: number }>(target, ['ingest', '10', quick ? '5' : '20']);
	progress(`${target.name}: log-batch ingest over plain HTTP`);
	const ingestRaw = await step<{ points_per_s: number }>(target, ['ingest-raw', '10', quick ? '5' : '20']);
	progress(`${target.name}: seeding ${searchRuns} runs`);
	const seeded = await step<{ experiment_id: string }>(target, ['seed', String(searchRuns)]);
	// Plain HTTP first, so its first call is the first read after the writes (cold: nothing memoised yet).
	progress(`${target.name}: runs/search over plain HTTP`);
	const searchRaw = await step<Timed & { matches: number; bytes: number; client_decode_s: number }>(target, ['search-raw', seeded.experiment_id, '5']);
	progress(`${target.name}: runs/search`);
	const search = await step<Timed & { matches: number }>(target, ['search', seeded.experiment_id, '5']);
	progress(`${target.name}: get-history of 100,000 points over plain HTTP`);
	const hist = await step<{ run_id: string }>(target, ['history-seed', '100000']);
	const historyRaw = await step<Timed & { points: number; bytes: number; pages: number; client_decode_s: number }>(target, ['history-raw', hist.run_id, '5']);
	progress(`${target.name}: get-history`);
	const history = await step<Timed & { points: number }>(target, ['history', hist.run_id, '5']);
	for (const h of [history, historyRaw]) if (h.points !== 100_000) throw new Error(`${target.name} returned ${h.points} history points`);
	progress(`${target.name}: 100 MB artifact`);
	const artifacts = await artifactFigures(target, 100);
	return { ingest, ingestRaw, search, searchRaw, history, historyRaw, artifacts, searchRuns };
}

/** Repeated timings of one step: the median, and the first call (cold: nothing cached yet) apart. */
interface Timed {
	median_s: number;
	first_s: number;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Installs MLflow into .venv-bench (once). */
export function setUpMlflowVenv(): void {
	const setup = spawnSync('bash', [path.join(root, 'bench', 'mlflow-py', 'setup.sh')], { stdio: 'inherit' });
	if (setup.status !== 0) throw new Error('could not install MLflow into .venv-bench');
}

/** Stops an `mlflow server` started by startMlflow (its whole process group: gunicorn/uvicorn workers). */
export function stopMlflow(proc: ChildProcess | undefined): void {
	if (!proc?.pid) return;
	try {
		process.kill(-proc.pid, 'SIGTERM');
	} catch {
		/* already gone */
	}
}

export async function runMlflowCompareBench(opts: { quick: boolean }): Promise<Row[]> {
	setUpMlflowVenv();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-vs-mlflow-'));
	const tandem = await spawnServer(path.join(dir, 'tandem'));
	let mlflow: { target: Target; proc: ChildProcess } | undefined;
	try {
		const t = await measure({ name: 'Tandem', url: tandem.url, pids: async () => [tandem.proc.pid!] }, opts.quick);
		mlflow = await startMlflow(dir);
		const m = await measure(mlflow.target, opts.quick);
		const ms = (x: Timed) => fmt(x.median_s * 1000, 1);
		const kb = (bytes: number) => `${fmt(bytes / 1024)} KiB`;
		/** Tandem vs MLflow timings of one step, with MLflow's time over Tandem's. */
		const timed = (figure: string, tx: Timed, mx: Timed, target: number): Row => {
			const ratio = mx.median_s / tx.median_s;
			return { figure, value: `Tandem ${ms(tx)} · MLflow ${ms(mx)} ms · ${fmt(ratio, 1)}×`, target: `≥ ${target}×`, ok: ratio >= target };
		};
		const rate = (figure: string, tx: number, mx: number, unit: string, target: number): Row => {
			const ratio = tx / mx;
			return { figure, value: `Tandem ${fmt(tx)} · MLflow ${fmt(mx)} ${unit} · ${fmt(ratio, 1)}×`, target: `≥ ${target}×`, ok: ratio >= target };
		};
		/**
		 * The official client's own decoding of each server's answer (json.loads, protobuf, entities; no server): even
		 * a server answering in no time leaves the client at least that, which caps its ratio at MLflow's client time
		 * over the decoding of Tandem's answer.
		 */
		const decoding = (what: string, tx: { client_decode_s: number }, mx: { client_decode_s: number }, mClient: Timed): Row => ({
			figure: `${what}: the official client decoding the answer alone (no server)`,
			value: `Tandem's ${fmt(tx.client_decode_s * 1000, 1)} · MLflow's ${fmt(mx.client_decode_s * 1000, 1)} ms · client ratio ceiling ${fmt(mClient.median_s / tx.client_decode_s, 1)}×`,
			target: '—'
		});
		const growth = (a: { before: number; peak: number }) => `+${fmt(a.peak - a.before)} MiB`;
		const runs = `${fmt(t.searchRuns)} runs${opts.quick ? ' (quick)' : ''}`;
		const cold = (x: Timed) => fmt(x.first_s * 1000, 1);
		return [
			rate('log-batch ingest (1,000 metrics/call, 10 runs), official client', t.ingest.points_per_s, m.ingest.points_per_s, 'pts/s', 50),
			rate('log-batch ingest, same requests over plain HTTP (server + wire)', t.ingestRaw.points_per_s, m.ingestRaw.points_per_s, 'pts/s', 50),
			timed(`runs/search, filter + order, ${runs}, official client, median of 5`, t.search, m.search, 20),
			timed(`runs/search, same request over plain HTTP + json.loads (server + wire), median of 5`, t.searchRaw, m.searchRaw, 20),
			{
				figure: 'runs/search answer: runs, size; first call after seeding (cold), plain HTTP',
				value: `Tandem ${t.searchRaw.matches}, ${kb(t.searchRaw.bytes)}, ${cold(t.searchRaw)} ms · MLflow ${m.searchRaw.matches}, ${kb(m.searchRaw.bytes)}, ${cold(m.searchRaw)} ms`,
				target: 'same runs',
				ok: t.searchRaw.matches === m.searchRaw.matches
			},
			decoding('runs/search', t.searchRaw, m.searchRaw, m.search),
			timed('get-history, 100,000-point metric, official client, median of 5', t.history, m.history, 10),
			timed(`get-history, same ${t.historyRaw.pages} paged requests over plain HTTP + json.loads (server + wire)`, t.historyRaw, m.historyRaw, 10),
			{
				figure: 'get-history answers: pages, size; first read after logging (cold), plain HTTP',
				value: `Tandem ${t.historyRaw.pages}, ${kb(t.historyRaw.bytes)}, ${cold(t.historyRaw)} ms · MLflow ${m.historyRaw.pages}, ${kb(m.historyRaw.bytes)}, ${cold(m.historyRaw)} ms`,
				target: '—'
			},
			decoding('get-history', t.historyRaw, m.historyRaw, m.history),
			rate('100 MB artifact upload', t.artifacts.upload_mb_s, m.artifacts.upload_mb_s, 'MB/s', 1),
			rate('100 MB artifact download', t.artifacts.download_mb_s, m.artifacts.download_mb_s, 'MB/s', 1),
			{ figure: 'server RSS growth during the 100 MB round trip', value: `Tandem ${growth(t.artifacts)} · MLflow ${growth(m.artifacts)}`, target: 'flat', ok: t.artifacts.peak - t.artifacts.before < 64 }
		];
	} finally {
		tandem.proc.kill('SIGTERM');
		await tandem.exited;
		stopMlflow(mlflow?.proc);
		await rm(dir, { recursive: true, force: true });
	}
}
