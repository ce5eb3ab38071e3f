// A client process of the load bench (bench/load.ts forks it over IPC): holds y-websocket clients on series documents,
// as a browser's live chart does, and measures ingest → client latency: every point's value is its batch's send time
// (ms since the epoch, fractional), read against this process's clock corrected by the offset the parent measured.
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { observeSeriesChunks, readSeriesLength } from '../src/lib/core/docs/series';

/** Parent → worker. */
export type WorkerCommand =
	| { type: 'ping'; id: number }
	| { type: 'start'; wsUrl: string; docs: string[]; clientsPerDoc: number }
	| { type: 'measure'; offsetMs: number }
	| { type: 'drain'; expected: Record<string, number>; timeoutMs: number }
	| { type: 'stop' };

/** Worker → parent. */
export type WorkerReport =
	| { type: 'pong'; id: number; now: number }
	| { type: 'ready'; syncMs: number }
	| { type: 'drained'; missing: number }
	| { type: 'stats'; histogram: number[]; overflow: number[]; samples: number; errors: string[]; loopP99Ms: number; cpuMs: number; perSecond: SecondStats[] };

/** Latency of the arrivals in one second since measuring began (for --timeline). */
export interface SecondStats {
	n: number;
	p99: number;
	max: number;
}

/** Latency histogram resolution and range: 0.1 ms buckets up to 2 s; slower samples are kept as they are. */
export const BUCKET_MS = 0.1;
export const BUCKETS = 20_000;

const now = () => performance.timeOrigin + performance.now();
// y-websocket adds a process 'exit' listener per provider.
process.setMaxListeners(0);
const send = (r: WorkerReport) => process.send!(r);

interface Client {
	doc: Y.Doc;
	provider: WebsocketProvider;
	name: string;
	received: number;
}

const clients: Client[] = [];
const errors: string[] = [];
const histogram = new Array<number>(BUCKETS).fill(0);
const overflow: number[] = [];
let samples = 0;
/** Latencies by second since 'measure'. */
const bySecond: number[][] = [];
let measuredAt = 0;
let offsetMs: number | null = null;
let stopping = false;
const loop = monitorEventLoopDelay({ resolution: 5 });
let cpuAtMeasure = process.cpuUsage();

function record(latencyMs: number): void {
	samples++;
	(bySecond[Math.floor((performance.now() - measuredAt) / 1000)] ??= []).push(latencyMs);
	const b = Math.floor(latencyMs / BUCKET_MS);
	if (b < BUCKETS) histogram[Math.max(0, b)]++;
	else overflow.push(latencyMs);
}

function connect(wsUrl: string, name: string): Client {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(wsUrl, name, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
	const c: Client = { doc, provider, name, received: 0 };
	provider.on('connection-error', () => void errors.push(`${name}: connection error`));
	provider.on('connection-close', () => {
		if (!stopping) errors.push(`${name}: socket closed`);
	});
	// Each observed batch counts once per client: its points share one value, its send time.
	observeSeriesChunks(doc, (cols) => {
		c.received += cols.values.length;
		if (offsetMs === null) return;
		const t = now() - offsetMs;
		let last = NaN;
		for (const v of cols.values) if (v !== last) record(t - (last = v));
	});
	return c;
}

async function start(cmd: Extract<WorkerCommand, { type: 'start' }>): Promise<void> {
	const t0 = performance.now();
	for (const name of cmd.docs) for (let i = 0; i < cmd.clientsPerDoc; i++) clients.push(connect(cmd.wsUrl, name));
	await Promise.all(clients.map((c) => (c.provider.synced ? undefined : new Promise<void>((resolve) => c.provider.once('sync', () => resolve())))));
	for (const c of clients) c.received = readSeriesLength(c.doc);
	send({ type: 'ready', syncMs: performance.now() - t0 });
}

/** Waits until every client holds `expected[doc]` points (or the timeout); counts the points still missing. */
async function drain(cmd: Extract<WorkerCommand, { type: 'drain' }>): Promise<void> {
	const deadline = performance.now() + cmd.timeoutMs;
	const short = () => clients.filter((c) => c.received < (cmd.expected[c.name] ?? 0));
	while (short().length > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
	const missing = short().reduce((n, c) => n + (cmd.expected[c.name] ?? 0) - c.received, 0);
	send({ type: 'drained', missing });
}

process.on('message', (cmd: WorkerCommand) => {
	switch (cmd.type) {
		case 'ping':
			return send({ type: 'pong', id: cmd.id, now: now() });
		case 'start':
			return void start(cmd).catch((e: Error) => errors.push(e.message));
		case 'measure':
			offsetMs = cmd.offsetMs;
			measuredAt = performance.now();
			loop.enable();
			cpuAtMeasure = process.cpuUsage();
			return;
		case 'drain':
			return void drain(cmd);
		case 'stop': {
			stopping = true;
			loop.disable();
			const cpu = process.cpuUsage(cpuAtMeasure);
			for (const c of clients) c.provider.destroy();
			const perSecond = Array.from(bySecond, (xs = []) => {
				const sorted = xs.sort((a, b) => a - b);
				return { n: sorted.length, p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
			});
			send({ type: 'stats', histogram, overflow, samples, errors, loopP99Ms: loop.percentile(99) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000, perSecond });
			return void setImmediate(() => process.exit(0));
		}
	}
});
