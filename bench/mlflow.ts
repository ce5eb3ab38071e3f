// Issue-3 figures, side by side: the same official-MLflow-client workload (bench/mlflow-py/workload.py) against
// Tandem and against `mlflow server` with a SQLite backend, both on loopback; prints values and ratios.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../tests/helpers/child-server';
import { runPython } from '../tests/helpers/python';
import { waitFor } from '../tests/helpers/wait';
import type { Row } from './table';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PY = path.join(root, '.venv-bench', 'bin', 'python');
const WORKLOAD = path.join(root, 'bench', 'mlflow-py', 'workload.py');
const progress = (what: string) => process.stderr.write(`[bench] ${what}…\n`);

interface Target {
	name: string;
	url: string;
	pids: () => Promise<number[]>;
}

async function step<T>(target: Target, args: string[], timeoutMs = 1_800_000): Promise<T> {
	const r = await runPython(WORKLOAD, target.url, { python: PY, args, timeoutMs, env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_TIMEOUT: '600' } });
	if (r.code !== 0 || r.json === null) throw new Error(`${target.name} ${args[0]} failed:\n${r.stdout}\n${r.stderr.slice(-3000)}`);
	return r.json as T;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as net.AddressInfo;
			s.close(() => resolve(port));
		});
		s.once('error', reject);
	});
}

/** RSS (MiB) of a process and all its descendants (MLflow runs gunicorn/uvicorn workers). */
async function treeRssMiB(pids: number[]): Promise<number> {
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

async function descendants(pid: number): Promise<number[]> {
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

async function startMlflow(dir: string): Promise<{ target: Target; proc: ChildProcess }> {
	const port = await freePort();
	const proc = spawn(
		path.join(root, '.venv-bench', 'bin', 'mlflow'),
		['server', '--backend-store-uri', `sqlite:///${dir}/mlflow.db`, '--artifacts-destination', `${dir}/artifacts`, '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
		{ cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: '1' } }
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

/** Runs the artifact round trip while sampling the server's RSS every 100 ms. */
async function artifactFigures(target: Target, mb: number) {
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
	const r = await step<{ upload_mb_s: number; download_mb_s: number }>(target, ['artifacts', String(mb)]);
	sampling = false;
	await sampler;
	return { ...r, before, peak };
}

async function measure(target: Target, quick: boolean) {
	const searchRuns = quick ? 2_000 : 10_000;
	progress(`${target.name}: log-batch ingest`);
	const ingest = await step<{ points_per_s: number }>(target, ['ingest', '10', quick ? '5' : '20']);
	progress(`${target.name}: log-batch ingest over plain HTTP`);
	const ingestRaw = await step<{ points_per_s: number }>(target, ['ingest-raw', '10', quick ? '5' : '20']);
	progress(`${target.name}: seeding ${searchRuns} runs`);
	const seeded = await step<{ experiment_id: string }>(target, ['seed', String(searchRuns)]);
	progress(`${target.name}: runs/search`);
	const search = await step<{ median_s: number; matches: number }>(target, ['search', seeded.experiment_id, '5']);
	progress(`${target.name}: get-history of 100,000 points`);
	const hist = await step<{ run_id: string }>(target, ['history-seed', '100000']);
	const history = await step<{ median_s: number; points: number }>(target, ['history', hist.run_id, '5']);
	if (history.points !== 100_000) throw new Error(`${target.name} returned ${history.points} history points`);
	progress(`${target.name}: 100 MB artifact`);
	const artifacts = await artifactFigures(target, 100);
	return { ingest, ingestRaw, search, history, artifacts, searchRuns };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function runMlflowCompareBench(opts: { quick: boolean }): Promise<Row[]> {
	const setup = spawnSync('bash', [path.join(root, 'bench', 'mlflow-py', 'setup.sh')], { stdio: 'inherit' });
	if (setup.status !== 0) throw new Error('could not install MLflow into .venv-bench');
	const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-vs-mlflow-'));
	const tandem = await spawnServer(path.join(dir, 'tandem'));
	let mlflow: { target: Target; proc: ChildProcess } | undefined;
	try {
		const t = await measure({ name: 'Tandem', url: tandem.url, pids: async () => [tandem.proc.pid!] }, opts.quick);
		mlflow = await startMlflow(dir);
		const m = await measure(mlflow.target, opts.quick);
		const ingestRatio = t.ingest.points_per_s / m.ingest.points_per_s;
		const rawRatio = t.ingestRaw.points_per_s / m.ingestRaw.points_per_s;
		const searchRatio = m.search.median_s / t.search.median_s;
		const historyRatio = m.history.median_s / t.history.median_s;
		const upRatio = t.artifacts.upload_mb_s / m.artifacts.upload_mb_s;
		const downRatio = t.artifacts.download_mb_s / m.artifacts.download_mb_s;
		const growth = (a: { before: number; peak: number }) => `+${fmt(a.peak - a.before)} MiB`;
		return [
			{ figure: 'log-batch ingest (1,000 metrics/call, 10 runs)', value: `Tandem ${fmt(t.ingest.points_per_s)} · MLflow ${fmt(m.ingest.points_per_s)} pts/s · ${fmt(ingestRatio, 1)}×`, target: '≥ 50×', ok: ingestRatio >= 50 },
			{ figure: 'log-batch ingest, same requests over plain HTTP (server-side)', value: `Tandem ${fmt(t.ingestRaw.points_per_s)} · MLflow ${fmt(m.ingestRaw.points_per_s)} pts/s · ${fmt(rawRatio, 1)}×`, target: '≥ 50×', ok: rawRatio >= 50 },
			{ figure: `runs/search, filter + order, ${fmt(t.searchRuns)} runs${opts.quick ? ' (quick)' : ''}`, value: `Tandem ${fmt(t.search.median_s * 1000, 1)} · MLflow ${fmt(m.search.median_s * 1000, 1)} ms · ${fmt(searchRatio, 1)}×`, target: '≥ 20×', ok: searchRatio >= 20 },
			{ figure: 'get-history, 100,000-point metric', value: `Tandem ${fmt(t.history.median_s * 1000, 1)} · MLflow ${fmt(m.history.median_s * 1000, 1)} ms · ${fmt(historyRatio, 1)}×`, target: '≥ 10×', ok: historyRatio >= 10 },
			{ figure: '100 MB artifact upload', value: `Tandem ${fmt(t.artifacts.upload_mb_s)} · MLflow ${fmt(m.artifacts.upload_mb_s)} MB/s · ${fmt(upRatio, 1)}×`, target: '≥ 1×', ok: upRatio >= 1 },
			{ figure: '100 MB artifact download', value: `Tandem ${fmt(t.artifacts.download_mb_s)} · MLflow ${fmt(m.artifacts.download_mb_s)} MB/s · ${fmt(downRatio, 1)}×`, target: '≥ 1×', ok: downRatio >= 1 },
			{ figure: 'server RSS growth during the 100 MB round trip', value: `Tandem ${growth(t.artifacts)} · MLflow ${growth(m.artifacts)}`, target: 'flat', ok: t.artifacts.peak - t.artifacts.before < 64 }
		];
	} finally {
		tandem.proc.kill('SIGTERM');
		await tandem.exited;
		if (mlflow?.proc.pid) {
			try {
				process.kill(-mlflow.proc.pid, 'SIGTERM');
			} catch {
				/* already gone */
			}
		}
		await rm(dir, { recursive: true, force: true });
	}
}
