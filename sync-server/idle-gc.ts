// Gives memory back once the server goes quiet. When rooms unload and no socket is open, the garbage they leave
// (documents, snapshots, update buffers: tens of MB after heavy ingest) is only collected when V8 next decides to,
// which on a process that no longer allocates can be a minute or more, so RSS stays high long after the last client
// left. One full collection a moment after the last unload, with no socket open, returns it at once. At most one per
// `minGapMs`, and never while anyone is connected (a busy server keeps V8's own schedule).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Relay } from './relay/relay-api';

/** V8's full collection. The flag exposes `gc` to contexts made after it is set; the main one stays as it was. */
export function readGc(): (() => void) | null {
	if (typeof globalThis.gc === 'function') return globalThis.gc;
	try {
		setFlagsFromString('--expose-gc');
		const gc: unknown = runInNewContext('gc');
		return typeof gc === 'function' ? (gc as () => void) : null;
	} catch {
		return null;
	}
}

export interface IdleGcOptions {
	/** Quiet time after the last unload before collecting. */
	delayMs?: number;
	/** Least time between two collections. */
	minGapMs?: number;
	log?: (line: string) => void;
	/** The collection to run (default: V8's). */
	gc?: () => void;
}

/** Collects once after rooms unload while no socket is open. Returns `stop`. */
export function collectWhenIdle(relay: Pick<Relay, 'on' | 'stats'>, opts: IdleGcOptions = {}): () => void {
	const gc = opts.gc ?? readGc();
	if (!gc) return () => {};
	const delayMs = opts.delayMs ?? 2000;
	const minGapMs = opts.minGapMs ?? 30_000;
	let timer: ReturnType<typeof setTimeout> | null = null;
	let lastAt = -Infinity;
	const collect = () => {
		timer = null;
		if (relay.stats().sockets > 0) return;
		const wait = lastAt + minGapMs - performance.now();
		if (wait > 0) return void (timer = setTimeout(collect, wait).unref());
		const t0 = performance.now();
		const before = process.memoryUsage().rss;
		gc();
		lastAt = performance.now();
		opts.log?.(`idle: collected in ${Math.round(lastAt - t0)} ms, RSS ${mib(before)} -> ${mib(process.memoryUsage().rss)}`);
	};
	const off = relay.on('room-unloaded', () => {
		if (relay.stats().sockets > 0) return;
		if (timer) clearTimeout(timer);
		timer = setTimeout(collect, delayMs).unref();
	});
	return () => {
		off();
		if (timer) clearTimeout(timer);
	};
}

const mib = (bytes: number) => `${Math.round(bytes / 1048576)} MiB`;
