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

/** A delay histogram that records only while one of its `during` calls runs. */
export interface LoopWindow {
	during<T>(fn: () => Promise<T>): Promise<T>;
	/** Stops recording and returns (and keeps, for worst()) the window's delay. */
	finish(): LoopDelay;
}

export function createLoopMonitor() {
	const batches: LoopDelay[] = [];

	function window(label: string): LoopWindow {
		const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
		return {
			async during(fn) {
				h.enable();
				try {
					return await fn();
				} finally {
					// A stall that ends just before `fn` settles is recorded only when the monitor's timer next
					// fires: wait for the next timers phase (where that timer runs first, as it is overdue).
					await new Promise((resolve) => setTimeout(resolve, 1));
					h.disable();
				}
			},
			finish() {
				h.disable();
				const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
				const delay = { label, p99Ms: h.count > 0 ? ms(h.percentile(99)) : 0, maxMs: h.count > 0 ? ms(h.max) : 0 };
				batches.push(delay);
				return delay;
			}
		};
	}

	return {
		window,
		/** Runs `fn` with the delay monitor on and records the batch's delay under `label`. */
		async measure<T>(label: string, fn: () => Promise<T>): Promise<{ value: T; delay: LoopDelay }> {
			const w = window(label);
			let delay: LoopDelay | undefined;
			const value = await w.during(fn).finally(() => (delay = w.finish()));
			return { value, delay: delay! };
		},
		/** The batch with the highest p99 so far. */
		worst: (): LoopDelay => batches.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a), { label: 'none', p99Ms: 0, maxMs: 0 })
	};
}

export type LoopMonitor = ReturnType<typeof createLoopMonitor>;
