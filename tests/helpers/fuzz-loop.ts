// The event loop's delay while a fuzz batch runs (issue 11 item 5: p99 ≤ 50 ms under every fuzz case), measured
// with perf_hooks in this process, which is also the server's when it runs in-process.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the monitor's timer fires; its samples include this interval, which is subtracted from them. */
const RESOLUTION_MS = 10;

export interface LoopDelay {
	label: string;
	/** ms beyond the timer interval: the 99th percentile and the longest stall of the batch. */
	p99Ms: number;
	maxMs: number;
}

export function createLoopMonitor() {
	const batches: LoopDelay[] = [];
	return {
		/** Runs `fn` with the delay monitor on and records the batch's delay under `label`. */
		async measure<T>(label: string, fn: () => Promise<T>): Promise<{ value: T; delay: LoopDelay }> {
			const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
			h.enable();
			try {
				const value = await fn();
				h.disable();
				const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
				const delay = { label, p99Ms: h.count > 0 ? ms(h.percentile(99)) : 0, maxMs: h.count > 0 ? ms(h.max) : 0 };
				batches.push(delay);
				return { value, delay };
			} finally {
				h.disable();
			}
		},
		/** The batch with the highest p99 so far. */
		worst: (): LoopDelay => batches.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a), { label: 'none', p99Ms: 0, maxMs: 0 }),
		/** The batches whose p99 exceeded `limitMs`. */
		over: (limitMs: number) => batches.filter((b) => b.p99Ms > limitMs)
	};
}

export type LoopMonitor = ReturnType<typeof createLoopMonitor>;
