// Test helpers that wait for a condition or an event with a timeout, never for a fixed time.

/** Any listener: emitters type their listeners' arguments in incompatible ways, so this one is deliberately loose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

/** Anything with `on(event, fn)` and either `off(event, fn)` or (when there is no `off`) an unsubscribe function returned by `on`. */
export interface Subscribable {
	on(event: string, fn: Listener): unknown;
	off?(event: string, fn: Listener): unknown;
}

export interface WaitOptions {
	/** Give up after this many ms (default 10 000). */
	timeoutMs?: number;
	/** Named in the timeout error: `timed out waiting for <what>`. */
	what?: string;
	/** Re-check as soon as one of these events fires (besides the short poll). */
	events?: Array<[Subscribable, string]>;
	/** Poll period in ms (default 10). */
	pollMs?: number;
}

type Falsy = undefined | null | false;

/**
 * Resolves with the first truthy value `check` returns. `check` may be async; a throw counts as "not yet" and the
 * last error is quoted if the wait times out.
 */
export async function waitFor<T>(check: () => T | Falsy | Promise<T | Falsy>, opts: WaitOptions = {}): Promise<T> {
	const { timeoutMs = 10_000, what = 'condition', events = [], pollMs = 10 } = opts;
	const deadline = Date.now() + timeoutMs;
	let wake: () => void = () => {};
	const offs = events.map(([emitter, event]) => subscribe(emitter, event, () => wake()));
	let lastError: unknown;
	try {
		for (;;) {
			try {
				const value = await check();
				if (value) return value;
				lastError = undefined;
			} catch (e) {
				lastError = e;
			}
			const left = deadline - Date.now();
			if (left <= 0) {
				const cause = lastError === undefined ? '' : `: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
				throw new Error(`timed out waiting for ${what} after ${timeoutMs} ms${cause}`);
			}
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, Math.min(pollMs, left));
				wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}
	} finally {
		for (const off of offs) off();
	}
}

/** Resolves with the arguments of the next `event` on `emitter`; rejects after `timeoutMs` (default 10 000). */
export function once(emitter: Subscribable, event: string, timeoutMs = 10_000): Promise<unknown[]> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			off();
			reject(new Error(`timed out waiting for '${event}' after ${timeoutMs} ms`));
		}, timeoutMs);
		const off = subscribe(emitter, event, (...args) => {
			clearTimeout(timer);
			off();
			resolve(args);
		});
	});
}

function subscribe(emitter: Subscribable, event: string, fn: (...args: unknown[]) => void): () => void {
	const ret = emitter.on(event, fn);
	// Prefer off(): lib0's ObservableV2.on returns the listener itself, not an unsubscribe function.
	if (typeof emitter.off === 'function') return () => void emitter.off?.(event, fn);
	return typeof ret === 'function' ? (ret as () => void) : () => {};
}
