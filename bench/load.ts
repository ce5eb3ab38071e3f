// Issue-11 load figures: the real server (child process, fresh data dir); 200 y-websocket clients, in forked client
// processes (bench/load-clients.ts), on 20 running runs' live series documents (`series/<run>/<key>`, what a
// browser's live chart streams: src/lib/client/series-source.ts); meanwhile 100,000 points/s ingested over the native
// API for 60 s. Errors, ingest → client latency, the achieved rate, server RSS at start, middle, end and after idling.
// `npm run bench -- --only load [--seconds 60] [--idle-seconds 60] [--workers 2] [--rate 100000] [--clients-per-doc 10] [--period-ms 1000] [--timeline]`
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer, type ChildServer } from '../tests/helpers/child-server';
import { docNames } from '../src/lib/core/schema';
import { BUCKET_MS, type SecondStats, type WorkerCommand, type WorkerReport } from './load-clients';
import { ms, post, quantile } from './browser-bench';
import { probeServer, readProc, sampleOthersCpu } from './load-probes';
import type { Row } from './table';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 20;
const CLIENTS_PER_DOC = 10;
const KEY = 'live';
/**
 * Each run gets one batch per period, batches of different runs staggered over it. Default 1 s: what the SDK sends
 * (flushIntervalMs 1,000, up to 5,000 points a request), so 100,000 points/s over 20 runs are 5,000-point batches.
 */
const PERIOD_MS = 1000;

const progress = (what: string) => process.stderr.write(`[bench] ${what}…\n`);
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
const now = () => performance.timeOrigin + performance.now();

interface Worker {
	proc: ChildProcess;
	next<T extends WorkerReport['type']>(type: T): Promise<Extract<WorkerReport, { type: T }>>;
	send(cmd: WorkerCommand): void;
}

function forkWorker(): Worker {
	const proc = fork(path.join(root, 'bench', 'load-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	return {
		proc,
		next: (type) =>
			new Promise((resolve, reject) => {
				const onMessage = (r: WorkerReport) => {
					if (r.type !== type) return;
					proc.off('message', onMessage);
					proc.off('exit', onExit);
					resolve(r as never);
				};
				const onExit = (code: number | null) => reject(new Error(`load client process exited (${code}) before '${type}'`));
				proc.on('message', onMessage);
				proc.once('exit', onExit);
			}),
		send: (cmd) => void proc.send(cmd)
	};
}

/** The worker's clock minus ours, from the ping with the shortest round trip (its error is under half of that). */
async function measureOffset(w: Worker): Promise<number> {
	let best = { rtt: Infinity, offset: 0 };
	for (let id = 0; id < 30; id++) {
		const t0 = now();
		const pong = w.next('pong');
		w.send({ type: 'ping', id });
		const { now: theirs } = await pong;
		const t1 = now();
		if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: theirs - (t0 + t1) / 2 };
	}
	return best.offset;
}

/** Logs `rate` points/s over `runIds` until `endAt` (performance.now()); each point's value is its batch's send time. */
async function ingest(url: string, runIds: string[], rate: number, periodMs: number, endAt: number): Promise<{ points: Map<string, number>; errors: string[] }> {
	const perBatch = Math.max(1, Math.round((rate * periodMs) / 1000 / runIds.length));
	const points = new Map(runIds.map((id) => [id, 0]));
	const errors: string[] = [];
	const t0 = performance.now();
	await Promise.all(
		runIds.map(async (runId, i) => {
			for (let k = 0; ; k++) {
				const due = t0 + (i * periodMs) / runIds.length + k * periodMs;
				if (due >= endAt) return;
				if (due > performance.now()) await sleep(due - performance.now());
				const step = points.get(runId)!;
				const steps = Array.from({ length: perBatch }, (_, j) => 1 + step + j); // step 0: the point each run starts with
				const sent = now();
				const body = JSON.stringify({ metrics: { [KEY]: { steps, timestamps: steps.map(() => Math.round(sent)), values: steps.map(() => sent) } } });
				try {
					const res = await fetch(`${url}/api/runs/${runId}/log`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
					const text = await res.text();
					if (res.status === 200) points.set(runId, step + perBatch);
					else errors.push(`log ${res.status} ${text.slice(0, 200)}`);
				} catch (e) {
					errors.push(`log: ${(e as Error).message}`);
				}
			}
		})
	);
	return { points, errors };
}

/** The q-quantile (0..1) of merged histograms (bucket counts of BUCKET_MS) plus the slow samples beyond them. */
function quantileOf(histogram: number[], overflow: number[], total: number, q: number): number {
	const rank = Math.ceil(q * total);
	let seen = 0;
	for (let b = 0; b < histogram.length; b++) if ((seen += histogram[b]) >= rank) return (b + 1) * BUCKET_MS;
	const slow = [...overflow].sort((a, b) => a - b);
	return slow[Math.min(slow.length - 1, rank - seen - 1)];
}

/** Per second of ingest: arrivals, the worst p99 and max over the client processes, others' CPU (stderr). */
function printTimeline(perWorker: SecondStats[][], othersCpu: number[]): void {
	const seconds = Math.max(...perWorker.map((w) => w.length));
	for (let t = 0; t < seconds; t++) {
		const s = perWorker.map((w) => w[t] ?? { n: 0, p99: 0, max: 0 });
		const n = s.reduce((a, x) => a + x.n, 0);
		const others = othersCpu[t] === undefined ? '' : `, other processes ${othersCpu[t].toFixed(2)} cores`;
		process.stderr.write(`[bench] load t=${t}s: ${n} arrivals, p99 ${ms(Math.max(...s.map((x) => x.p99)))}, max ${ms(Math.max(...s.map((x) => x.max)))}${others}\n`);
	}
}

function parseFlag(args: string[], flag: string, fallback: number): number {
	const i = args.indexOf(flag);
	return i >= 0 ? Number(args[i + 1]) : fallback;
}

export async function runLoadBench(opts: { quick: boolean; args: string[] }): Promise<Row[]> {
	const seconds = parseFlag(opts.args, '--seconds', opts.quick ? 15 : 60);
	const idleSeconds = parseFlag(opts.args, '--idle-seconds', opts.quick ? 15 : 60);
	const workerCount = parseFlag(opts.args, '--workers', 2);
	const rate = parseFlag(opts.args, '--rate', 100_000);
	const clientsPerDoc = parseFlag(opts.args, '--clients-per-doc', CLIENTS_PER_DOC);
	const periodMs = parseFlag(opts.args, '--period-ms', PERIOD_MS);
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-bench-load-'));
	const server: ChildServer = await spawnServer(dataDir);
	const workers: Worker[] = [];
	try {
		const pid = server.proc.pid!;
		progress(`load: ${RUNS} runs, ${RUNS * clientsPerDoc} clients in ${workerCount} processes`);
		const runIds: string[] = [];
		for (let i = 0; i < RUNS; i++) {
			const { run_id } = await post<{ run_id: string }>(server.url, '/api/runs', { experiment_name: 'load', run_name: `live-${i}` });
			await post(server.url, `/api/runs/${run_id}/log`, { metrics: [{ key: KEY, value: 0, step: 0 }] });
			runIds.push(run_id);
		}
		const docs = runIds.map((id) => docNames.series(id, KEY));
		const wsUrl = `${server.url.replace(/^http/, 'ws')}/sync`;
		for (let w = 0; w < workerCount; w++) workers.push(forkWorker());
		const offsets = await Promise.all(workers.map(measureOffset));
		const ready = await Promise.all(
			workers.map((w, i) => {
				const r = w.next('ready');
				w.send({ type: 'start', wsUrl, docs: docs.filter((_, d) => d % workerCount === i), clientsPerDoc });
				return r;
			})
		);
		const start = await readProc(pid);
		workers.forEach((w, i) => w.send({ type: 'measure', offsetMs: offsets[i] }));

		progress(`load: ${rate.toLocaleString('en')} points/s for ${seconds} s`);
		const t0 = performance.now();
		const endAt = t0 + seconds * 1000;
		const middle = sleep((seconds * 1000) / 2).then(() => readProc(pid));
		const probe = probeServer(server.url, endAt);
		const others = sampleOthersCpu([pid, ...workers.map((w) => w.proc.pid!)]);
		const ingested = await ingest(server.url, runIds, rate, periodMs, endAt);
		const healthz = (await probe).sort((a, b) => a - b);
		const elapsedS = (performance.now() - t0) / 1000;
		const othersCpu = await others.stop();
		const end = await readProc(pid);
		const total = [...ingested.points.values()].reduce((a, b) => a + b, 0);

		const expected = Object.fromEntries(runIds.map((id, i) => [docs[i], 1 + ingested.points.get(id)!]));
		const drained = await Promise.all(workers.map((w) => (w.send({ type: 'drain', expected, timeoutMs: 10_000 }), w.next('drained'))));
		const stats = await Promise.all(workers.map((w) => (w.send({ type: 'stop' }), w.next('stats'))));
		const histogram = stats[0].histogram.map((_, b) => stats.reduce((n, s) => n + s.histogram[b], 0));
		const overflow = stats.flatMap((s) => s.overflow);
		const samples = stats.reduce((n, s) => n + s.samples, 0);
		const missing = drained.reduce((n, d) => n + d.missing, 0);
		const errors = [...ingested.errors, ...stats.flatMap((s) => s.errors), ...(missing > 0 ? [`${missing} points never reached their clients`] : [])];
		for (const e of errors.slice(0, 10)) process.stderr.write(`[bench] load error: ${e}\n`);
		if (opts.args.includes('--timeline')) printTimeline(stats.map((s) => s.perSecond), othersCpu);
		const p50 = quantileOf(histogram, overflow, samples, 0.5);
		const p99 = quantileOf(histogram, overflow, samples, 0.99);
		const achieved = total / elapsedS;

		progress(`load: ${idleSeconds} s idle, clients gone`);
		await sleep(idleSeconds * 1000);
		const idle = await readProc(pid);
		const mid = await middle;
		const serverCpu = (end.cpuMs - start.cpuMs) / 10 / elapsedS;
		const clientCpu = stats.map((s) => `${(s.cpuMs / 10 / elapsedS).toFixed(0)}%`).join(' + ');
		const clientLoop = Math.max(...stats.map((s) => s.loopP99Ms));
		const mib = (v: number) => `${v.toFixed(0)} MiB`;
		const what = `${RUNS * clientsPerDoc} clients on ${RUNS} docs, ${seconds} s, a batch per run every ${periodMs} ms`;
		return [
			{ figure: `errors (HTTP, sockets, points not delivered), ${what}`, value: String(errors.length), target: '0', ok: errors.length === 0 },
			{ figure: `ingest → client latency p50 (${samples.toLocaleString('en')} batch arrivals)`, value: ms(p50), target: '' },
			{ figure: 'ingest → client latency p99', value: ms(p99), target: '≤ 50 ms', ok: p99 <= 50 },
			{ figure: `achieved ingest rate (asked ${rate.toLocaleString('en')})`, value: `${Math.round(achieved).toLocaleString('en')} points/s`, target: `≥ ${Math.round(rate * 0.95).toLocaleString('en')}`, ok: achieved >= rate * 0.95 },
			{ figure: 'server RSS at start / middle / end of ingest', value: `${mib(start.rssMiB)} / ${mib(mid.rssMiB)} / ${mib(end.rssMiB)}`, target: 'flat once steady', ok: end.rssMiB <= mid.rssMiB * 1.25 },
			{ figure: `server RSS after ${idleSeconds} s idle (clients closed)`, value: mib(idle.rssMiB), target: '≤ end', ok: idle.rssMiB <= end.rssMiB },
			{ figure: 'server CPU during ingest (of one core)', value: `${serverCpu.toFixed(0)}%`, target: '' },
			{ figure: 'GET /healthz during ingest, p99 / max (the server\'s own stalls)', value: `${ms(quantile(healthz, 0.99))} / ${ms(healthz[healthz.length - 1])}`, target: '' },
			{
				figure: `client processes: CPU (of one core), event-loop p99, sync of all (${ms(Math.max(...ready.map((r) => r.syncMs)))})`,
				value: `${clientCpu}, ${ms(clientLoop)}`,
				target: 'not the bottleneck',
				ok: clientLoop <= 20 && stats.every((s) => s.cpuMs / 10 / elapsedS < 80)
			},
			{
				figure: `CPU of other processes on this machine during ingest (${os.cpus().length} cores), mean / max of a second`,
				value: `${(othersCpu.reduce((a, b) => a + b, 0) / Math.max(1, othersCpu.length)).toFixed(2)} / ${Math.max(0, ...othersCpu).toFixed(2)} cores`,
				target: 'near 0 for honest figures'
			}
		];
	} finally {
		for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
		if (server.proc.exitCode === null) server.proc.kill('SIGTERM');
		await server.exited;
		await rm(dataDir, { recursive: true, force: true });
	}
}
