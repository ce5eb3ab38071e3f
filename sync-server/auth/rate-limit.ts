// Per-token rate limiting: a token bucket per key (refilled continuously at `perSecond`, holding at most `burst`),
// answering how long to wait when empty. Buckets idle long enough to be full again are forgotten.

export interface RateLimitOptions {
	/** Sustained requests per second per token (default 2000: an MLflow client logging one metric per call). */
	perSecond?: number;
	/** Requests a token may make at once (default 4000). */
	burst?: number;
	now?: () => number;
}

interface Bucket {
	tokens: number;
	at: number;
}

export function createRateLimiter(opts: RateLimitOptions = {}) {
	const perSecond = opts.perSecond ?? 2000;
	const burst = opts.burst ?? 2 * perSecond;
	const now = opts.now ?? Date.now;
	const buckets = new Map<string, Bucket>();
	let limited = 0;
	let sweepAt = now();

	function sweep(t: number): void {
		if (t - sweepAt < 60_000) return;
		sweepAt = t;
		for (const [key, b] of buckets) if (b.tokens + ((t - b.at) / 1000) * perSecond >= burst) buckets.delete(key);
	}

	return {
		/** Takes one request from `key`'s bucket: 0 if allowed, else the ms until one is available. */
		take(key: string): number {
			const t = now();
			sweep(t);
			let b = buckets.get(key);
			if (!b) buckets.set(key, (b = { tokens: burst, at: t }));
			b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
			b.at = t;
			if (b.tokens >= 1) {
				b.tokens -= 1;
				return 0;
			}
			limited++;
			return Math.max(1, Math.ceil(((1 - b.tokens) / perSecond) * 1000));
		},
		stats: () => ({ keys: buckets.size, limited })
	};
}
