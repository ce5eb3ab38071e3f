// HTTP for the client SDK over the global `fetch` (any runtime): one attempt with a timeout, error
// classification (transient vs refused), and retries with capped exponential backoff and jitter.

/** Statuses worth retrying (MLflow's client retries the same); any other non-2xx is a refusal. */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** A request the server refused or failed; `retryable` for 408, 429 and 5xx. */
export class TandemHttpError extends Error {
	readonly status: number;
	/** The server's `error_code` (e.g. INVALID_PARAMETER_VALUE), or `HTTP_<status>`. */
	readonly code: string;
	readonly retryable: boolean;
	/** Seconds the server asked to wait (429/503 `Retry-After`), if given. */
	readonly retryAfterSeconds?: number;
	constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
		super(message);
		this.name = 'TandemHttpError';
		this.status = status;
		this.code = code;
		this.retryable = TRANSIENT_STATUSES.has(status) || status >= 500;
		this.retryAfterSeconds = retryAfterSeconds;
	}
}

/** No answer: the server is unreachable, the connection broke, or the request timed out. Always retryable. */
export class TandemNetworkError extends Error {
	readonly retryable = true;
	/** True when the request may have reached the server (anything but a refused connection). */
	readonly maybeDelivered: boolean;
	constructor(message: string, maybeDelivered: boolean, cause?: unknown) {
		super(message, { cause });
		this.name = 'TandemNetworkError';
		this.maybeDelivered = maybeDelivered;
	}
}

export interface RetryOptions {
	/** First retry delay in ms (before jitter). Default 250. */
	baseMs?: number;
	/** Largest delay in ms. Default 30,000. */
	maxMs?: number;
}

/**
 * The wait before retry number `attempt` (0-based), in ms: half of min(maxMs, baseMs·2^attempt) plus a random
 * share of the other half ("equal jitter"), so clients that failed together do not retry together.
 * `random` returns a number in [0, 1).
 */
export function computeBackoff(attempt: number, opts: RetryOptions = {}, random: () => number = Math.random): number {
	const cap = Math.min(opts.maxMs ?? 30_000, (opts.baseMs ?? 250) * 2 ** Math.min(attempt, 30));
	return cap / 2 + random() * (cap / 2);
}

/** Shared control over the retry waits of one run: stop retrying, or hold the process open while waiting. */
export interface RetryControl {
	/** True once stop() was called: retry loops give up with their last error. */
	readonly stopped: boolean;
	/** Waits `ms`; returns early when stopped or held open. Does not keep a Node process alive unless held open. */
	sleep(ms: number): Promise<void>;
	/** Cuts current waits short (they retry at once); later waits keep a Node process alive (the exit flush). */
	holdOpen(): void;
	/** Stops all retrying: current waits end and their loops give up. */
	stop(): void;
}

export function createRetryControl(): RetryControl {
	let stopped = false;
	let keepAlive = false;
	const sleepers = new Set<() => void>();
	const wakeAll = () => {
		for (const wake of [...sleepers]) wake();
	};
	return {
		get stopped() {
			return stopped;
		},
		sleep(ms) {
			if (stopped) return Promise.resolve();
			return new Promise((resolve) => {
				const wake = () => {
					clearTimeout(timer);
					sleepers.delete(wake);
					resolve();
				};
				const timer = unrefTimer(setTimeout(wake, ms), keepAlive);
				sleepers.add(wake);
			});
		},
		holdOpen() {
			keepAlive = true;
			wakeAll();
		},
		stop() {
			stopped = true;
			wakeAll();
		}
	};
}

export interface TransportOptions {
	/** Server base URL, e.g. http://127.0.0.1:5000 */
	url: string;
	fetch?: typeof fetch;
	/** Per attempt; default 30,000 ms. */
	requestTimeoutMs?: number;
	retry?: RetryOptions;
	headers?: Record<string, string>;
}

export interface RequestOptions {
	body?: string | Blob | Uint8Array;
	contentType?: string;
	/** Browser `keepalive` (survives page unload; bodies up to 64 KiB). */
	keepalive?: boolean;
}

export type Transport = ReturnType<typeof createTransport>;

export function createTransport(opts: TransportOptions) {
	const base = opts.url.replace(/\/+$/, '');
	const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
	const timeoutMs = opts.requestTimeoutMs ?? 30_000;

	/** One attempt. Resolves with the parsed JSON answer ({} if empty); rejects with TandemHttpError or TandemNetworkError. */
	async function request(method: string, path: string, ro: RequestOptions = {}): Promise<unknown> {
		const controller = new AbortController();
		const timer = unrefTimer(setTimeout(() => controller.abort(), timeoutMs), false);
		let res: Response;
		try {
			const headers: Record<string, string> = { ...opts.headers };
			if (ro.body !== undefined) headers['content-type'] = ro.contentType ?? 'application/json';
			res = await doFetch(base + path, {
				method,
				headers,
				body: ro.body as BodyInit | undefined,
				signal: controller.signal,
				keepalive: ro.keepalive
			});
		} catch (e) {
			clearTimeout(timer);
			const refused = findCode(e) === 'ECONNREFUSED';
			const why = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : describe(e);
			throw new TandemNetworkError(`${method} ${path}: ${why}`, !refused, e);
		}
		try {
			const text = await res.text();
			if (res.ok) return text ? JSON.parse(text) : {};
			let code = `HTTP_${res.status}`;
			let message = text.slice(0, 500) || res.statusText;
			try {
				const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
				if (typeof body.error_code === 'string') code = body.error_code;
				if (typeof body.message === 'string') message = body.message;
			} catch {
				// not JSON: keep the text
			}
			const retryAfter = Number(res.headers.get('retry-after'));
			throw new TandemHttpError(res.status, code, `${method} ${path}: ${res.status} ${code}: ${message}`, Number.isFinite(retryAfter) ? retryAfter : undefined);
		} catch (e) {
			if (e instanceof TandemHttpError) throw e;
			throw new TandemNetworkError(`${method} ${path}: reading the answer failed: ${describe(e)}`, true, e);
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * `request`, retried after transient failures (network errors, timeouts, 408, 429, 5xx) with backoff until it
	 * succeeds or `control.stopped` is set; refusals (other 4xx) are thrown at once. `onRetry` hears each failure
	 * that will be retried. The body is sent again as is, so it must be re-readable (a string, bytes or a Blob).
	 */
	async function requestWithRetry(
		method: string,
		path: string,
		ro: RequestOptions,
		control: RetryControl,
		onRetry?: (error: Error, attempt: number, delayMs: number) => void
	): Promise<unknown> {
		for (let attempt = 0; ; attempt++) {
			try {
				return await request(method, path, ro);
			} catch (e) {
				const err = e as TandemHttpError | TandemNetworkError;
				if (!err.retryable || control.stopped) throw err;
				let delay = computeBackoff(attempt, opts.retry);
				if (err instanceof TandemHttpError && err.retryAfterSeconds !== undefined) delay = Math.max(delay, err.retryAfterSeconds * 1000);
				onRetry?.(err, attempt, delay);
				await control.sleep(delay);
				if (control.stopped) throw err;
			}
		}
	}

	return { url: base, retry: opts.retry, request, requestWithRetry };
}

/** Calls `unref()` where timers have it (Node, Bun); a no-op elsewhere. Returns the timer. */
export function unrefTimer<T>(timer: T, keepAlive = false): T {
	if (!keepAlive) (timer as { unref?: () => void } | null)?.unref?.();
	return timer;
}

function findCode(e: unknown): string | undefined {
	for (let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0; cur && i < 5; cur = cur.cause as typeof cur, i++) {
		if (typeof cur.code === 'string') return cur.code;
	}
	return undefined;
}

function describe(e: unknown): string {
	const cause = (e as { cause?: { message?: string } })?.cause?.message;
	const msg = e instanceof Error ? e.message : String(e);
	return cause ? `${msg} (${cause})` : msg;
}
