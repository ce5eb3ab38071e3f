// Garbage collection of blobs: the sweep (deletes every stored blob outside a referenced set, sparing young ones)
// and the collector that runs mark (gc-mark.ts) + sweep passes one at a time, on a schedule and on demand.
import type { BlobStore } from './blob-store';

/** Default age below which an unreferenced blob is spared, in ms: it may belong to an upload whose manifest entry is not written yet. */
export const GC_GRACE_MS = 60 * 60 * 1000;

export interface CollectGarbageOptions {
	/** Unreferenced blobs stored (or re-put) less than this many ms before `now` are kept. Default GC_GRACE_MS. */
	graceMs?: number;
	/** ms since the epoch. Default Date.now(). */
	now?: number;
}

/**
 * Deletes every blob in `store` whose sha256 is not in `referenced` and whose `storedAt` is at least `graceMs`
 * old. Gather `referenced` before calling: a blob put after the gathering is spared by the grace period, and a
 * put of content already stored refreshes its age. Returns how many blobs were deleted and how many
 * unreferenced ones were spared for being too young.
 */
export async function collectGarbage(
	store: BlobStore,
	referenced: ReadonlySet<string>,
	opts: CollectGarbageOptions = {}
): Promise<{ deleted: number; tooYoung: number }> {
	const graceMs = opts.graceMs ?? GC_GRACE_MS;
	const now = opts.now ?? Date.now();
	const candidates: string[] = [];
	for await (const sha256 of store.list()) if (!referenced.has(sha256)) candidates.push(sha256);

	let deleted = 0;
	let tooYoung = 0;
	for (const sha256 of candidates) {
		const info = await store.stat(sha256);
		if (info === null) continue; // deleted meanwhile
		if (now - info.storedAt < graceMs) tooYoung++;
		else {
			await store.delete(sha256);
			deleted++;
		}
	}
	return { deleted, tooYoung };
}

/** Default time between scheduled passes: a day. */
export const GC_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** Longest delay setTimeout honours (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface GcResult {
	deleted: number;
	/** Unreferenced blobs spared for being younger than the grace period. */
	tooYoung: number;
	/** Distinct sha256s the manifests reference. */
	referenced: number;
	ms: number;
}

export interface BlobCollectorOptions {
	blobs: BlobStore;
	/** The mark phase; must reject once `signal` aborts (the collector is closing). */
	mark(signal: AbortSignal): Promise<ReadonlySet<string>>;
	/** First pass this many ms after creation, then every interval; 0 disables the schedule (run() still works). */
	intervalMs: number;
	graceMs?: number;
	log?: (msg: string) => void;
	/** Called after every successful pass, scheduled or not. */
	onGc?: (result: GcResult) => void;
}

export interface BlobCollector {
	/** Runs a pass once the one in progress (if any) has finished. */
	run(): Promise<GcResult>;
	/** Stops the schedule, aborts a pass in progress and waits for it to end. */
	close(): Promise<void>;
}

export function createBlobCollector(opts: BlobCollectorOptions): BlobCollector {
	if (!(Number.isInteger(opts.intervalMs) && opts.intervalMs >= 0 && opts.intervalMs <= MAX_TIMER_MS)) {
		throw new RangeError(`gc interval must be an integer from 0 to ${MAX_TIMER_MS} ms`);
	}
	const log = opts.log ?? (() => {});
	const abort = new AbortController();
	let timer: ReturnType<typeof setTimeout> | null = null;
	let last: Promise<unknown> = Promise.resolve();

	async function pass(): Promise<GcResult> {
		abort.signal.throwIfAborted();
		const started = performance.now();
		const referenced = await opts.mark(abort.signal);
		abort.signal.throwIfAborted();
		const swept = await collectGarbage(opts.blobs, referenced, { graceMs: opts.graceMs });
		const leftovers = (await opts.blobs.sweepTemp?.()) ?? 0;
		const result = { ...swept, referenced: referenced.size, ms: Math.round(performance.now() - started) };
		log(`blob gc: deleted ${result.deleted}, spared ${result.tooYoung} too young, ${result.referenced} referenced, ${leftovers} unfinished uploads removed, ${result.ms} ms`);
		opts.onGc?.(result);
		return result;
	}

	function run(): Promise<GcResult> {
		const next = last.then(pass, pass);
		last = next.catch(() => {});
		return next;
	}

	function schedule(): void {
		if (opts.intervalMs <= 0 || abort.signal.aborted) return;
		timer = setTimeout(() => {
			timer = null;
			run()
				.catch((e: Error) => {
					if (!abort.signal.aborted) log(`blob gc failed: ${e.stack ?? e.message}`);
				})
				.finally(schedule);
		}, opts.intervalMs);
		timer.unref();
	}
	schedule();

	return {
		run,
		async close() {
			abort.abort(new Error('blob gc stopped: the server is closing'));
			if (timer) clearTimeout(timer);
			timer = null;
			await last;
		}
	};
}
