// The SDK transport against a scripted fetch: what is retried (network errors, 408/429/5xx), what is not (4xx),
// identical bodies on every attempt, backoff bounds, and stopping a retry loop.
import { describe, expect, it } from 'vitest';
import { computeBackoff, createRetryControl, createTransport, TandemHttpError, TandemNetworkError } from './transport';

type Step = { status: number; body?: string } | 'refused' | 'reset';

/** A fetch that answers from `script` in turn and records each request. */
function scriptedFetch(script: Step[]) {
	const calls: { url: string; method: string; body: string }[] = [];
	const fetchFn = (async (url: string, init: RequestInit) => {
		calls.push({ url, method: init.method!, body: String(init.body) });
		const step = script.shift();
		if (step === undefined) throw new Error('script exhausted');
		if (step === 'refused') throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
		if (step === 'reset') throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
		return new Response(step.body ?? '', { status: step.status });
	}) as unknown as typeof fetch;
	return { calls, fetchFn };
}

const fastRetry = { baseMs: 1, maxMs: 4 };

describe('computeBackoff', () => {
	it('doubles from baseMs up to maxMs, with jitter in the upper half', () => {
		const opts = { baseMs: 100, maxMs: 1000 };
		expect([0, 1, 2, 3, 4, 10].map((a) => computeBackoff(a, opts, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
		expect([0, 1, 2, 3, 4, 10].map((a) => computeBackoff(a, opts, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000].map((x) => expect.closeTo(x, 2)));
	});
});

describe('createTransport', () => {
	it('retries network errors and 5xx/429/408 with the same body until it succeeds', async () => {
		const { calls, fetchFn } = scriptedFetch(['refused', { status: 503 }, 'reset', { status: 429 }, { status: 408 }, { status: 500, body: '{}' }, { status: 200, body: '{"applied":true}' }]);
		const t = createTransport({ url: 'http://x/', fetch: fetchFn, retry: fastRetry });
		const retries: string[] = [];
		const out = await t.requestWithRetry('POST', '/api/runs/r/log', { body: '{"batch_id":"b1"}' }, createRetryControl(), (e) => retries.push(e.name));
		expect(out).toEqual({ applied: true });
		expect(calls.map((c) => c.url)).toEqual(Array(7).fill('http://x/api/runs/r/log'));
		expect(new Set(calls.map((c) => c.body))).toEqual(new Set(['{"batch_id":"b1"}']));
		expect(retries).toEqual(['TandemNetworkError', 'TandemHttpError', 'TandemNetworkError', 'TandemHttpError', 'TandemHttpError', 'TandemHttpError']);
	});

	it('does not retry a refusal and reports the server error code', async () => {
		const { calls, fetchFn } = scriptedFetch([{ status: 400, body: '{"error_code":"INVALID_PARAMETER_VALUE","message":"bad key"}' }]);
		const t = createTransport({ url: 'http://x', fetch: fetchFn, retry: fastRetry });
		const err = (await t.requestWithRetry('POST', '/p', { body: '{}' }, createRetryControl()).catch((e) => e)) as TandemHttpError;
		expect(err).toBeInstanceOf(TandemHttpError);
		expect({ status: err.status, code: err.code, retryable: err.retryable }).toEqual({ status: 400, code: 'INVALID_PARAMETER_VALUE', retryable: false });
		expect(err.message).toContain('bad key');
		expect(calls).toHaveLength(1);
	});

	it('tells a refused connection (never delivered) from a broken one (maybe delivered)', async () => {
		const { fetchFn } = scriptedFetch(['refused', 'reset']);
		const t = createTransport({ url: 'http://x', fetch: fetchFn });
		const refused = (await t.request('GET', '/a').catch((e) => e)) as TandemNetworkError;
		const reset = (await t.request('GET', '/a').catch((e) => e)) as TandemNetworkError;
		expect([refused, reset].map((e) => [e instanceof TandemNetworkError, e.maybeDelivered])).toEqual([
			[true, false],
			[true, true]
		]);
	});

	it('gives up with the last error once the control is stopped', async () => {
		const { calls, fetchFn } = scriptedFetch(Array(1000).fill('refused'));
		const control = createRetryControl();
		const t = createTransport({ url: 'http://x', fetch: fetchFn, retry: { baseMs: 60_000, maxMs: 60_000 } });
		const pending = t.requestWithRetry('GET', '/a', {}, control, () => control.stop());
		await expect(pending).rejects.toBeInstanceOf(TandemNetworkError);
		expect(calls).toHaveLength(1);
	});

	it('times out a request that never answers', async () => {
		const hanging = ((_: string, init: RequestInit) =>
			new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as unknown as typeof fetch;
		const t = createTransport({ url: 'http://x', fetch: hanging, requestTimeoutMs: 20 });
		const err = (await t.request('GET', '/slow').catch((e) => e)) as TandemNetworkError;
		expect(err).toBeInstanceOf(TandemNetworkError);
		expect(err.message).toBe('GET /slow: timed out after 20 ms');
	});
});
