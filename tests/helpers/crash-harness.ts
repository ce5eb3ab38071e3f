// What the mixed crash test (tests/crash-mixed.test.ts) shares between its writers: a ledger of every write attempted
// and which were acknowledged, the server child process pinned to one port across SIGKILLs and restarts, and the
// interface each writer (native fetch, TypeScript SDK, Python MLflow client, relay) implements.
import { EventEmitter } from 'node:events';
import { spawnServer, type ChildServer } from './child-server';

/** A write's expected value and whether the server acknowledged it (an unacknowledged one may be missing). */
export interface Expected<V> {
	value: V;
	acked: boolean;
}

/** Everything written to one run, keyed as it reads back: metric key → step → value, param/tag key → value. */
export interface RunLedger {
	label: string;
	/** The run's id; null while an SDK run is still being created. */
	runId(): string | null;
	metrics: Map<string, Map<number, Expected<number>>>;
	params: Map<string, Expected<string>>;
	tags: Map<string, Expected<string>>;
	/** Markers appended to the run's notes (the notes are a concatenation of them). */
	notes: Map<string, Expected<true>>;
}

/** One write as its writer sends it: any mix of metric points, params, tags and notes markers on one run. */
export interface Write {
	run: RunLedger;
	metrics?: Array<[key: string, step: number, value: number]>;
	params?: Record<string, string>;
	tags?: Record<string, string>;
	notes?: string[];
}

export interface Ledger {
	runs: RunLedger[];
	/** Emits `ack` (writer name) after each acknowledged write. */
	events: EventEmitter;
	/** Errors no crash explains (a refusal, a 5xx): the test expects none. */
	errors: string[];
	addRun(label: string, runId: () => string | null): RunLedger;
	/** Records a write as sent (not acknowledged). Idempotent: a retry of the same write records nothing new. */
	attempt(w: Write): void;
	/** Marks a write acknowledged (recording it first if needed) and emits `ack`. */
	ack(writer: string, w: Write): void;
}

/** Calls `fn` with each entry of the write (recorded unacknowledged first if it is new). */
function forEachEntry(w: Write, fn: (e: Expected<unknown>) => void): void {
	const entry = <V>(map: Map<string, Expected<V>>, key: string, value: V) => {
		let e = map.get(key);
		if (!e) map.set(key, (e = { value, acked: false }));
		fn(e);
	};
	for (const [key, step, value] of w.metrics ?? []) {
		let steps = w.run.metrics.get(key);
		if (!steps) w.run.metrics.set(key, (steps = new Map()));
		let e = steps.get(step);
		if (!e) steps.set(step, (e = { value, acked: false }));
		fn(e);
	}
	for (const [k, v] of Object.entries(w.params ?? {})) entry(w.run.params, k, v);
	for (const [k, v] of Object.entries(w.tags ?? {})) entry(w.run.tags, k, v);
	for (const m of w.notes ?? []) entry(w.run.notes, m, true as const);
}

export function createLedger(): Ledger {
	const events = new EventEmitter();
	events.setMaxListeners(50);
	const runs: RunLedger[] = [];
	return {
		runs,
		events,
		errors: [],
		addRun(label, runId) {
			const run: RunLedger = { label, runId, metrics: new Map(), params: new Map(), tags: new Map(), notes: new Map() };
			runs.push(run);
			return run;
		},
		attempt: (w) => forEachEntry(w, () => {}),
		ack(writer, w) {
			forEachEntry(w, (e) => (e.acked = true));
			events.emit('ack', writer);
		}
	};
}

/** A source of writes that lives through the server's deaths. */
export interface CrashWriter {
	readonly name: string;
	/** The server listens again (or for the first time). */
	onServerUp(): void;
	/** The server was just sent SIGKILL. */
	onServerKilled(): void;
	/**
	 * Starts no new write from now on; resolves once every write it sent is settled (acknowledged or failed), which
	 * may need the server to come back first.
	 */
	stop(): Promise<void>;
	/** Tears down at once, settled or not (after a failed test): no process or socket is left behind. */
	close(): void;
}

/** The server child on one port for its whole life, so clients reconnect to the same URL after each restart. */
export interface CrashServer {
	readonly url: string;
	readonly up: boolean;
	/** Resolves once the server listens (at once if it does). */
	whenUp(): Promise<void>;
	start(): Promise<void>;
	/** SIGKILL; resolves once the process is gone. Writers are told synchronously, right after the signal. */
	kill(onKilled: () => void): Promise<void>;
	/** SIGTERM; resolves with the exit code. */
	stop(): Promise<number | null>;
}

export async function createCrashServer(dataDir: string): Promise<CrashServer> {
	let child: ChildServer | null = await spawnServer(dataDir);
	const url = child.url;
	const port = new URL(url).port;
	let ready: { promise: Promise<void>; resolve: () => void } = { promise: Promise.resolve(), resolve: () => {} };
	const pending = () => {
		let resolve!: () => void;
		const promise = new Promise<void>((r) => (resolve = r));
		return { promise, resolve };
	};
	return {
		url,
		get up() {
			return child !== null;
		},
		whenUp: () => ready.promise,
		async start() {
			// The last --port wins (sync-server/cli.ts): the same port as the first start.
			child = await spawnServer(dataDir, ['--port', port]);
			if (child.url !== url) throw new Error(`restarted on ${child.url}, not ${url}`);
			ready.resolve();
		},
		async kill(onKilled) {
			const c = child!;
			child = null;
			ready = pending();
			c.proc.kill('SIGKILL');
			onKilled();
			const exit = await c.exited;
			if (exit.signal !== 'SIGKILL') throw new Error(`server exited with ${exit.code ?? exit.signal} before the kill:\n${c.output()}`);
		},
		async stop() {
			const c = child!;
			child = null;
			ready = pending();
			c.proc.kill('SIGTERM');
			return (await c.exited).code;
		}
	};
}
