// Long reads yield to the event loop (issue 11 item 5): while one request searches 10,000 runs with hostile
// filters or reads a metric of 1,000,000 points (in order, or logged out of order and so sorted), the server's event loop (this process: the server runs in it) is
// delayed by at most 50 ms at p99 (beyond its idle p99: a busy machine delays it too), measured with
// perf_hooks.monitorEventLoopDelay, and /healthz answers meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';
import { startServer, type TandemServer } from '../sync-server/server';
import { createMemoryStore } from '../sync-server/store/memory-store';
import type { DocStore } from '../sync-server/store/doc-store';
import { createRun } from '../src/lib/core/docs/experiment';
import { setRunExperiment } from '../src/lib/core/docs/run';
import { docNames } from '../src/lib/core/schema';
import { callJson } from './helpers/http';
import { createRandom } from '../src/lib/core/seeded-random';

const R = '/api/2.0/mlflow';
const RUNS = 10_000;
const POINTS = 1_000_000;
const P99_MS = 50;
let store: DocStore;
let dataDir: string;
let server: TandemServer;
let experimentId: string;
let bigRun: string;
let shuffledRun: string;

const call = (method: string, p: string, body?: unknown) => callJson(server.url, method, p, { body });

/** Stores `doc`'s whole state as an update of the document `name`. */
function storeDoc(name: string, doc: Y.Doc): void {
	store.append(name, Y.encodeStateAsUpdate(doc));
}

/**
 * What a client in another thread reads of an answer (a Worker: parsing a 100 MB answer here would block the loop
 * being measured, and it parses after sampling): the status, and for each top-level field its length if a list,
 * else its value.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.once('message', async () => {
	const res = await fetch(workerData.url, workerData.init);
	const bytes = await res.arrayBuffer();
	// Parsed only once told to: the main thread has stopped sampling by then (two threads share two cores).
	parentPort.once('message', () => {
		const body = JSON.parse(Buffer.from(bytes).toString('utf8'));
		const fields = {};
		for (const [k, v] of Object.entries(body)) fields[k] = Array.isArray(v) ? v.length : v;
		parentPort.postMessage({ status: res.status, fields });
	});
	parentPort.postMessage('received');
});
parentPort.postMessage('ready');
`;

/**
 * measureOnce up to three times, keeping the quietest: a block the server causes shows in every try, while a busy
 * machine (other processes on two cores) delays some tries by itself.
 */
async function measure(method: string, p: string, body?: unknown): Promise<Awaited<ReturnType<typeof measureOnce>>> {
	let best = await measureOnce(method, p, body);
	for (let i = 1; i < 3 && best.p99 > P99_MS + best.idleP99; i++) {
		const next = await measureOnce(method, p, body);
		if (next.p99 - next.idleP99 < best.p99 - best.idleP99) best = next;
	}
	return best;
}

/** Sends a request from a Worker while sampling this loop's delay, and a /healthz meanwhile; the p99 in ms. */
async function measureOnce(
	method: string,
	p: string,
	body?: unknown
): Promise<{ p99: number; idleP99: number; status: number; fields: Record<string, unknown>; healthMs: number }> {
	const idleP99 = await measureIdle();
	const init = { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) };
	const worker = new Worker(CLIENT, { eval: true, workerData: { url: server.url + p, init } });
	// Started before sampling begins: a Worker's start-up is the test's cost, not the server's.
	await new Promise((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
	const next = <T>() => new Promise<T>((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
	const received = next<string>();
	const h = monitorEventLoopDelay({ resolution: 5 });
	h.enable();
	const started = performance.now();
	worker.postMessage('go');
	const health = fetch(`${server.url}/healthz`).then(() => performance.now() - started);
	await received;
	const healthMs = await health;
	// Two more samples, so a block that lasted until the answer was sent is recorded too.
	await recordSamples(h, h.count + 2);
	h.disable();
	const answer = next<{ status: number; fields: Record<string, unknown> }>();
	worker.postMessage('parse');
	const { status, fields } = await answer;
	await worker.terminate();
	return { p99: h.percentile(99) / 1e6, idleP99, status, fields, healthMs };
}

/** The loop's p99 delay with nothing to do: what the machine itself adds now (other processes on its cores). */
async function measureIdle(): Promise<number> {
	const h = monitorEventLoopDelay({ resolution: 5 });
	h.enable();
	await recordSamples(h, 60);
	h.disable();
	return h.percentile(99) / 1e6;
}

/** Resolves once the delay histogram `h` holds `count` samples (one per `resolution` ms the loop is free). */
function recordSamples(h: IntervalHistogram, count: number): Promise<void> {
	return new Promise((resolve) => {
		const check = () => (h.count >= count ? resolve() : setTimeout(check, 5));
		check();
	});
}

/** A request delayed the loop by at most P99_MS at p99 beyond what it is delayed idle, and /healthz answered. */
function expectResponsive(m: { p99: number; idleP99: number; healthMs: number }): void {
	expect(m.p99, `p99 ${m.p99.toFixed(1)} ms, idle p99 ${m.idleP99.toFixed(1)} ms`).toBeLessThanOrEqual(P99_MS + m.idleP99);
	expect(m.healthMs).toBeLessThan(10_000);
}

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-loop-'));
	store = createMemoryStore();
	server = await startServer({ port: 0, dataDir, store, staticDir: null });
	const created = await call('POST', '/api/runs', { experiment_name: 'loop', run_name: 'big' });
	experimentId = created.body.experiment_id;
	bigRun = created.body.run_id;
	// 1,000,000 points in ten batches of 100,000 (columnar form).
	for (let b = 0; b < POINTS / 100_000; b++) {
		const steps = Array.from({ length: 100_000 }, (_, i) => b * 100_000 + i);
		const res = await call('POST', `/api/runs/${bigRun}/log`, { metrics: { loss: { values: steps.map((s) => 1 / (s + 1)), steps, timestamps: steps.map((s) => 1_700_000_000_000 + s) } } });
		expect(res.status).toBe(200);
	}
	// The same metric logged with its timestamps out of order (any may be logged): its history must be sorted.
	shuffledRun = (await call('POST', '/api/runs', { experiment_name: 'loop', run_name: 'shuffled' })).body.run_id;
	const rand = createRandom(3);
	for (let b = 0; b < POINTS / 100_000; b++) {
		const steps = Array.from({ length: 100_000 }, (_, i) => b * 100_000 + i);
		const timestamps = steps.map(() => 1_700_000_000_000 + Math.floor(rand() * 1e9));
		const res = await call('POST', `/api/runs/${shuffledRun}/log`, { metrics: { loss: { values: steps.map((s) => s / 3), steps, timestamps } } });
		expect(res.status).toBe(200);
	}
	await server.close();
	// 10,000 more runs with long params and tags, written straight into the stored experiment document.
	const stored = await store.load(docNames.experiment(experimentId));
	const exp = new Y.Doc();
	for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(exp, u);
	const before = Y.encodeStateVector(exp);
	exp.transact(() => {
		for (let i = 0; i < RUNS; i++) {
			const runId = `c${i.toString(16).padStart(31, '0')}`;
			createRun(exp, {
				runId,
				experimentId,
				name: `run-${i}`,
				user: 'u',
				startTime: 1_700_000_000_000 + i,
				status: 'FINISHED',
				artifactUri: 'x',
				params: { p: `${'a'.repeat(1000)}${i}`, lr: String(i / RUNS) },
				tags: { t: `${'a'.repeat(1000)}b` }
			});
		}
	});
	store.append(docNames.experiment(experimentId), Y.encodeStateAsUpdate(exp, before));
	const run = new Y.Doc();
	setRunExperiment(run, experimentId);
	storeDoc(docNames.run('0'.repeat(31) + '1'), run);
	await store.flush();
	server = await startServer({ port: 0, dataDir, store, staticDir: null });
	// Warm: the first read of the experiment loads its documents.
	expect((await call('GET', `/api/experiments/${experimentId}/runs`)).status).toBe(200);
}, 120_000);

afterAll(async () => {
	await server?.close();
	await rm(dataDir, { recursive: true, force: true });
});

describe(`event loop p99 ≤ ${P99_MS} ms during long reads`, () => {
	it('runs/search over 10,000 runs with a many-% LIKE, and a full page of 10,000', async () => {
		const like = await measure('POST', `${R}/runs/search`, { experiment_ids: [experimentId], filter: `params.p LIKE '${'%a'.repeat(30)}%c'`, max_results: 10_000 });
		expect(like.status).toBe(200);
		expect(like.fields.runs ?? 0).toBe(0);
		expectResponsive(like);
		const all = await measure('POST', `${R}/runs/search`, { experiment_ids: [experimentId], max_results: 10_000, order_by: ['params.lr DESC'] });
		expect(all.fields.runs).toBe(10_000);
		expectResponsive(all);
	});

	it('the first screen over 10,000 runs with hostile regular expressions', async () => {
		const q = encodeURIComponent("tags.t ~ '^(a+)+$' or params.p ~ '(a|aa)+c$' or tags.t ~ '(?i)A{2,}[^x]{100}C'");
		const first = await measure('GET', `/api/experiments/${experimentId}/first-screen?q=${q}&sort=-params.lr`);
		expect(first.status).toBe(200);
		expect(first.fields.matched).toBe(0);
		expectResponsive(first);
	});

	it('a metric history of 1,000,000 points, by MLflow get-history', async () => {
		const history = await measure('GET', `${R}/metrics/get-history?run_id=${bigRun}&metric_key=loss`);
		expect(history.fields.metrics).toBe(POINTS);
		expectResponsive(history);
	});

	it('a metric history of 1,000,000 points logged out of order: sorted by timestamp in slices', async () => {
		const history = await measure('GET', `${R}/metrics/get-history?run_id=${shuffledRun}&metric_key=loss&max_results=1000`);
		expect(history.fields.metrics).toBe(1000);
		expectResponsive(history);
		const first = await call('GET', `${R}/metrics/get-history?run_id=${shuffledRun}&metric_key=loss&max_results=50`);
		const stamps = first.body.metrics.map((m: { timestamp: number }) => m.timestamp);
		expect(stamps).toEqual([...stamps].sort((a: number, b: number) => a - b));
	});

	// The native route writes its answer column by column in slices (native-api.ts writeHistoryJson); it used to build it
	// in one go, a block of ~600 ms for 1,000,000 points.
	it('a metric history of 1,000,000 points, by the native API', async () => {
		const native = await measure('GET', `/api/runs/${bigRun}/metrics/loss`);
		expect(native.fields.values).toBe(POINTS);
		expectResponsive(native);
	});

	it('a sampled history of 1,000,000 points (get-history-bulk-interval)', async () => {
		const interval = await measure('GET', `${R}/metrics/get-history-bulk-interval?run_ids=${bigRun}&metric_key=loss&max_results=2500`);
		expect(interval.status).toBe(200);
		expectResponsive(interval);
	});
});
