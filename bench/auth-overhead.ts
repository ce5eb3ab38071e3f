// Issue-11 figure: what access control costs. Two real servers (child processes, fresh data dirs): one with no users,
// one with an admin, a user and the user's write token (made with the CLI: `npm run tandem -- user add / token
// create`), every request carrying `Authorization: Bearer`. The same workloads run on both, alternating in rounds so
// the busy machine's drift falls on both alike: native ingest throughput and MLflow runs/search latency (the search
// filters runs by what the caller may read).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer, type ChildServer } from '../tests/helpers/child-server';
import { median, ms } from './browser-bench';
import { readProc } from './load-probes';
import type { Row } from './table';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const R = '/api/2.0/mlflow';
const progress = (what: string) => process.stderr.write(`[bench] ${what}…\n`);

interface Target {
	name: string;
	server: ChildServer;
	dataDir: string;
	headers: Record<string, string>;
	experimentId: string;
}

/** Runs `npm run tandem -- <args> --data <dir>` (without npm) and returns its stdout's last line. */
function runTandemCli(dataDir: string, args: string[]): Promise<string> {
	const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'sync-server', 'tandem.ts'), ...args, '--data', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
	proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
	return new Promise((resolve, reject) =>
		proc.once('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop() ?? '') : reject(new Error(`tandem ${args.join(' ')} exited ${code}:\n${out}`))))
	);
}

async function call<T>(t: Target, method: string, p: string, body?: string): Promise<T> {
	const res = await fetch(t.server.url + p, { method, headers: { 'content-type': 'application/json', ...t.headers }, body });
	const text = await res.text();
	if (res.status !== 200) throw new Error(`${t.name}: ${method} ${p} → ${res.status} ${text.slice(0, 300)}`);
	return JSON.parse(text) as T;
}

/** A server on a fresh data dir; `withUser`: an admin, user `bench` and its write token, made before it starts. */
async function startTarget(withUser: boolean): Promise<Target> {
	const dataDir = await mkdtemp(path.join(os.tmpdir(), `tandem-bench-auth-${withUser ? 'on' : 'off'}-`));
	const headers: Record<string, string> = {};
	if (withUser) {
		await runTandemCli(dataDir, ['user', 'add', 'admin', '--admin']);
		await runTandemCli(dataDir, ['user', 'add', 'bench']);
		headers.authorization = `Bearer ${await runTandemCli(dataDir, ['token', 'create', '--user', 'bench', '--scope', 'write', '--name', 'bench'])}`;
	}
	const server = await spawnServer(dataDir);
	const t: Target = { name: withUser ? 'user + token' : 'no users', server, dataDir, headers, experimentId: '' };
	t.experimentId = (await call<{ experiment_id: string }>(t, 'POST', `${R}/experiments/create`, JSON.stringify({ name: 'auth-bench' }))).experiment_id;
	return t;
}

/** `runs` runs with 5 params, 3 tags and 3 metrics each: what runs/search reads and filters. */
async function seedRuns(t: Target, runs: number): Promise<void> {
	for (let i = 0; i < runs; i++) {
		const params = { lr: String(10 ** -(i % 5)), batch: String(16 << i % 4), optimizer: i % 2 ? 'adam' : 'sgd', layers: String(i % 7), seed: String(i) };
		const { run_id } = await call<{ run_id: string }>(t, 'POST', '/api/runs', JSON.stringify({ experiment_id: t.experimentId, run_name: `r${i}`, params, tags: { team: `t${i % 3}`, stage: 'dev', idx: String(i) } }));
		const metrics = ['loss', 'acc', 'f1'].map((key, k) => ({ key, value: ((i * 7 + k) % 100) / 100, step: 0 }));
		await call(t, 'POST', `/api/runs/${run_id}/log`, JSON.stringify({ metrics }));
	}
}

/** Runs `work` and returns what it resolved with plus the server CPU (ms) it took, from /proc. */
async function withServerCpu<T>(t: Target, work: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
	const before = (await readProc(t.server.proc.pid!)).cpuMs;
	const value = await work();
	return { value, cpuMs: (await readProc(t.server.proc.pid!)).cpuMs - before };
}

/** Points/s logging `batches` batches of `size` points to a new run with `concurrency` requests in flight. */
async function measureIngest(t: Target, size: number, batches: number, concurrency: number): Promise<number> {
	const { run_id } = await call<{ run_id: string }>(t, 'POST', '/api/runs', JSON.stringify({ experiment_id: t.experimentId, run_name: 'ingest' }));
	const bodies = Array.from({ length: 16 }, (_, b) =>
		JSON.stringify({ metrics: Array.from({ length: size }, (_, i) => ({ key: 'loss', value: Math.sin(b * size + i), step: b * size + i, timestamp: 1_700_000_000_000 + i })) })
	);
	let next = 0;
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < batches) await call(t, 'POST', `/api/runs/${run_id}/log`, bodies[next++ % bodies.length]);
		})
	);
	return (batches * size) / ((performance.now() - t0) / 1000);
}

/** Latencies (ms) of `n` sequential runs/search requests: a filter, an order and a page of 100. */
async function measureSearch(t: Target, n: number): Promise<number[]> {
	const body = JSON.stringify({ experiment_ids: [t.experimentId], filter: "metrics.loss < 0.5 and params.optimizer = 'adam'", order_by: ['metrics.acc DESC'], max_results: 100 });
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		const { runs } = await call<{ runs?: unknown[] }>(t, 'POST', `${R}/runs/search`, body);
		out.push(performance.now() - t0);
		if (!runs?.length) throw new Error(`${t.name}: runs/search found no runs`);
	}
	return out;
}

const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%`;

export async function runAuthOverheadBench(opts: { quick: boolean }): Promise<Row[]> {
	const rounds = opts.quick ? 3 : 9;
	const seeded = opts.quick ? 300 : 1000;
	const targets: Target[] = [];
	try {
		targets.push(await startTarget(false), await startTarget(true));
		progress(`auth: seeding ${seeded} runs on each server`);
		await Promise.all(targets.map((t) => seedRuns(t, seeded)));
		const ingest = new Map<Target, number[]>(targets.map((t) => [t, []]));
		const search = new Map<Target, number[]>(targets.map((t) => [t, []]));
		/** Server CPU ms per 1,000 points and per search, per round: less swayed by others' load than wall time. */
		const ingestCpu = new Map<Target, number[]>(targets.map((t) => [t, []]));
		const searchCpu = new Map<Target, number[]>(targets.map((t) => [t, []]));
		const batches = opts.quick ? 100 : 300;
		const searches = opts.quick ? 30 : 100;
		for (let r = 0; r < rounds; r++) {
			progress(`auth: round ${r + 1} of ${rounds}`);
			// Alternate which goes first, so a slowly changing machine load weighs on both alike.
			for (const t of r % 2 ? [...targets].reverse() : targets) {
				const i = await withServerCpu(t, () => measureIngest(t, 1000, batches, 4));
				ingest.get(t)!.push(i.value);
				ingestCpu.get(t)!.push(i.cpuMs / batches);
				const s = await withServerCpu(t, () => measureSearch(t, searches));
				search.get(t)!.push(...s.value);
				searchCpu.get(t)!.push(s.cpuMs / searches);
			}
		}
		const [off, on] = targets;
		const pps = (t: Target) => median(ingest.get(t)!);
		const lat = (t: Target) => median(search.get(t)!);
		const cpu = (m: Map<Target, number[]>, t: Target) => median(m.get(t)!);
		const fmt = (v: number) => `${Math.round(v).toLocaleString('en')} points/s`;
		const cpuRow = (figure: string, m: Map<Target, number[]>): Row => ({ figure, value: `${ms(cpu(m, off))} → ${ms(cpu(m, on))} (${pct(cpu(m, on), cpu(m, off))})`, target: '≤ +5%', ok: cpu(m, on) <= cpu(m, off) * 1.05 });
		return [
			{ figure: `native ingest, batch 1,000 ×4 in flight, no users (median of ${rounds} rounds)`, value: fmt(pps(off)), target: '' },
			{ figure: 'native ingest, user + Bearer token', value: `${fmt(pps(on))} (${pct(pps(on), pps(off))})`, target: '≥ -5%', ok: pps(on) >= pps(off) * 0.95 },
			cpuRow('server CPU per 1,000-point batch, no users → user + token (median of rounds)', ingestCpu),
			{ figure: `MLflow runs/search over ${seeded.toLocaleString('en')} runs (filter, order, 100), no users, median`, value: ms(lat(off)), target: '' },
			{ figure: 'MLflow runs/search, user + Bearer token, median', value: `${ms(lat(on))} (${pct(lat(on), lat(off))})`, target: '≤ +5%', ok: lat(on) <= lat(off) * 1.05 },
			cpuRow('server CPU per runs/search, no users → user + token (median of rounds)', searchCpu)
		];
	} finally {
		for (const t of targets) {
			t.server.proc.kill('SIGTERM');
			await t.server.exited;
			await rm(t.dataDir, { recursive: true, force: true });
		}
	}
}
