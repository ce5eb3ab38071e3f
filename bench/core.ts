// Issue-2 figures: native ingest throughput by batch size, bytes per point after compaction, ingest -> second
// client latency under background load, load time of a 1,000,000-point series document, RSS after 10M points.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { spawnServer, type ChildServer } from '../tests/helpers/child-server';
import { docNames } from '../src/lib/core/schema';
import { appendSeriesChunk, readSeries, observeSeriesChunks } from '../src/lib/core/docs/series';
import { createColumns } from '../src/lib/core/chunk';
import Database from 'better-sqlite3';
import type { Row } from './table';

async function post(url: string, body: string): Promise<void> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
	await res.arrayBuffer();
}

async function createRun(server: Pick<ChildServer, 'url'>, name: string): Promise<string> {
	const res = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_name: 'bench', run_name: name }) });
	return ((await res.json()) as { run_id: string }).run_id;
}

/** The same points in the columnar form `{key: {steps, timestamps, values}}`. */
function columnarBody(start: number, size: number, key = 'loss'): string {
	const t0 = 1_700_000_000_000;
	const steps = Array.from({ length: size }, (_, i) => start + i);
	return JSON.stringify({ metrics: { [key]: { steps, timestamps: steps.map((s) => t0 + s * 10), values: steps.map((s) => Math.sin(s) * 0.5 + 1 / (1 + s)) } } });
}

function batchBody(start: number, size: number, key = 'loss'): string {
	const metrics = new Array(size);
	const t0 = 1_700_000_000_000;
	for (let i = 0; i < size; i++) metrics[i] = { key, value: Math.sin(start + i) * 0.5 + 1 / (1 + start + i), step: start + i, timestamp: t0 + (start + i) * 10 };
	return JSON.stringify({ metrics });
}

/** Points/s logging `total` points in batches of `size` with `concurrency` requests in flight (bench/cluster.ts too). */
export async function ingestThroughput(server: Pick<ChildServer, 'url'>, size: number, total: number, concurrency: number, columnar = false): Promise<{ pps: number; runId: string; points: number }> {
	const runId = await createRun(server, `batch-${size}`);
	const url = `${server.url}/api/runs/${runId}/log`;
	const batches = Math.ceil(total / size);
	const bodies = Array.from({ length: Math.min(batches, 64) }, (_, i) => (columnar ? columnarBody : batchBody)(i * size, size));
	let next = 0;
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < batches) {
				const i = next++;
				await post(url, bodies[i % bodies.length]);
			}
		})
	);
	return { pps: (batches * size) / ((performance.now() - t0) / 1000), runId, points: batches * size };
}

/** Bytes the SQLite store holds (snapshots + log rows) for a run's series documents, per point. */
function storedBytesPerPoint(dataDir: string, runId: string, points: number): number {
	const db = new Database(path.join(dataDir, 'tandem.db'), { readonly: true });
	try {
		const like = `series/${runId}/%`;
		const snap = db.prepare('SELECT COALESCE(SUM(LENGTH(data)), 0) AS n FROM snapshots WHERE name LIKE ?').get(like) as { n: number };
		const log = db.prepare('SELECT COALESCE(SUM(LENGTH(data)), 0) AS n FROM updates WHERE name LIKE ?').get(like) as { n: number };
		return (snap.n + log.n) / points;
	} finally {
		db.close();
	}
}

function percentile(xs: number[], p: number): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * Ingest -> other client latency while a background writer logs ~`rate` points/s to another run; the client watches
 * through `watch` (another instance of a cluster, bench/cluster.ts), by default the server written to.
 */
export async function liveLatency(server: Pick<ChildServer, 'url'>, rate: number, samples: number, watch: Pick<ChildServer, 'url'> = server): Promise<{ p50: number; p99: number; achievedRate: number }> {
	const bgRun = await createRun(server, 'background');
	const fgRun = await createRun(server, 'foreground');
	await post(`${server.url}/api/runs/${fgRun}/log`, batchBody(0, 1, 'live'));
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(watch.url.replace('http', 'ws') + '/sync', docNames.series(fgRun, 'live'), doc, { WebSocketPolyfill: WebSocket as never });
	await new Promise<void>((r) => provider.once('sync', () => r()));
	let stop = false;
	let bgPoints = 0;
	const batch = 1000;
	const bgBody = batchBody(0, batch);
	const bgStart = performance.now();
	const background = (async () => {
		while (!stop) {
			const due = bgStart + (bgPoints / rate) * 1000;
			const wait = due - performance.now();
			if (wait > 0) await new Promise((r) => setTimeout(r, wait));
			await post(`${server.url}/api/runs/${bgRun}/log`, bgBody);
			bgPoints += batch;
		}
	})();
	const latencies: number[] = [];
	for (let i = 1; i <= samples; i++) {
		const seen = new Promise<number>((resolve) => {
			const off = observeSeriesChunks(doc, (cols) => {
				if (cols.steps.includes(i)) {
					off();
					resolve(performance.now());
				}
			});
		});
		const t0 = performance.now();
		await post(`${server.url}/api/runs/${fgRun}/log`, JSON.stringify({ metrics: [{ key: 'live', value: i, step: i }] }));
		latencies.push((await seen) - t0);
		await new Promise((r) => setTimeout(r, 5));
	}
	stop = true;
	await background;
	const achievedRate = bgPoints / ((performance.now() - bgStart) / 1000);
	provider.destroy();
	return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), achievedRate };
}

/** Builds a 1,000,000-point series doc the way the server does (1,000-point appends, sealed), then times a cold load. */
function seriesDocFigures(): { bytesPerPoint: number; loadMs: number } {
	const N = 1_000_000;
	const doc = new Y.Doc();
	const t0 = 1_700_000_000_000;
	for (let start = 0; start < N; start += 1000) {
		const cols = createColumns(1000);
		for (let i = 0; i < 1000; i++) {
			cols.steps[i] = start + i;
			cols.timestamps[i] = t0 + (start + i) * 10 + ((i * 7919) % 5);
			cols.values[i] = Math.sin(start + i) * 0.5 + 1 / (1 + start + i);
		}
		appendSeriesChunk(doc, cols);
	}
	const snapshot = Y.encodeStateAsUpdate(doc);
	const runs: number[] = [];
	for (let r = 0; r < 5; r++) {
		const t = performance.now();
		const fresh = new Y.Doc();
		Y.applyUpdate(fresh, snapshot);
		const cols = readSeries(fresh);
		if (cols.values.length !== N) throw new Error('bad load');
		runs.push(performance.now() - t);
	}
	return { bytesPerPoint: snapshot.byteLength / N, loadMs: percentile(runs, 50) };
}

const progress = (what: string) => process.stderr.write(`[bench] ${what}…\n`);

async function rssMiB(pid: number): Promise<number> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export async function runCoreBench(opts: { quick: boolean }): Promise<Row[]> {
	const rows: Row[] = [];
	let bigRun = { runId: '', points: 0 };
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-bench-'));
	const server = await spawnServer(dataDir);
	try {
		const plan: [number, number, number][] = opts.quick
			? [[1, 2_000, 8], [100, 50_000, 8], [1000, 200_000, 4], [10_000, 1_000_000, 2]]
			: [[1, 5_000, 8], [100, 200_000, 8], [1000, 1_000_000, 4], [10_000, 3_000_000, 2]];
		for (const [size, total, conc] of plan) {
			progress(`ingest, batch ${size}`);
			const { pps, runId, points } = await ingestThroughput(server, size, total, conc);
			if (size === 10_000) bigRun = { runId, points };
			rows.push({ figure: `native ingest, batch ${size.toLocaleString('en')}`, value: `${Math.round(pps).toLocaleString('en')} points/s`, target: size === 10_000 ? '≥ 1,000,000 points/s' : '', ok: size === 10_000 ? pps >= 1_000_000 : undefined });
		}
		progress('ingest, batch 10000, columnar');
		const { pps: colPps } = await ingestThroughput(server, 10_000, opts.quick ? 1_000_000 : 3_000_000, 2, true);
		rows.push({ figure: 'native ingest, batch 10,000, columnar body', value: `${Math.round(colPps).toLocaleString('en')} points/s`, target: '≥ 1,000,000 points/s', ok: colPps >= 1_000_000 });
		progress('live latency under load');
		const lat = await liveLatency(server, 100_000, opts.quick ? 100 : 300);
		rows.push({ figure: `ingest → second client p50 (bg ${Math.round(lat.achievedRate).toLocaleString('en')} pts/s)`, value: `${lat.p50.toFixed(1)} ms`, target: '' });
		rows.push({ figure: 'ingest → second client p99 under load', value: `${lat.p99.toFixed(1)} ms`, target: '≤ 20 ms', ok: lat.p99 <= 20 && lat.achievedRate >= 95_000 });
		progress('series document size and load time');
		const series = seriesDocFigures();
		rows.push({ figure: 'bytes per point, 1M-point series doc (encoded)', value: series.bytesPerPoint.toFixed(2), target: '', ok: undefined });
		rows.push({ figure: 'load a 1,000,000-point series document', value: `${series.loadMs.toFixed(1)} ms`, target: '≤ 100 ms', ok: series.loadMs <= 100 });
		const tenM = opts.quick ? 2_000_000 : 10_000_000;
		progress(`RSS after ${tenM} points`);
		await ingestThroughput(server, 10_000, tenM, 2);
		rows.push({ figure: `server RSS after ${(tenM / 1e6).toFixed(0)}M more points`, value: `${(await rssMiB(server.proc.pid!)).toFixed(0)} MiB`, target: '' });
		// A clean shutdown unloads every room, which compacts its log into a snapshot.
		server.proc.kill('SIGTERM');
		await server.exited;
		const onDisk = storedBytesPerPoint(dataDir, bigRun.runId, bigRun.points);
		rows.push({ figure: `bytes on disk per point after compaction (${(bigRun.points / 1e6).toFixed(0)}M-point run)`, value: onDisk.toFixed(2), target: '≤ 12', ok: onDisk <= 12 });
	} finally {
		if (server.proc.exitCode === null) server.proc.kill('SIGTERM');
		await server.exited;
		await rm(dataDir, { recursive: true, force: true });
	}
	return rows;
}
