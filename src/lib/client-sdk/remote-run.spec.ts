// Run creation stays idempotent across retries: after a failure that may have reached the server, the run is
// looked up by its client key before another create is sent; a refused connection is simply retried.
import { describe, expect, it } from 'vitest';
import { createRetryControl, createTransport } from './transport';
import { CLIENT_KEY_TAG, createRemoteRun } from './remote-run';

type Answer = { status: number; json?: unknown } | 'refused' | 'reset';

function scriptedFetch(script: Answer[]) {
	const calls: string[] = [];
	const fetchFn = (async (url: string, init: RequestInit) => {
		calls.push(`${init.method} ${new URL(url).pathname}`);
		const a = script.shift();
		if (a === undefined) throw new Error('script exhausted');
		if (a === 'refused' || a === 'reset') {
			throw new TypeError('fetch failed', { cause: Object.assign(new Error(a), { code: a === 'refused' ? 'ECONNREFUSED' : 'ECONNRESET' }) });
		}
		return new Response(a.json === undefined ? '' : JSON.stringify(a.json), { status: a.status });
	}) as unknown as typeof fetch;
	return { calls, fetchFn };
}

const body = { experiment_name: 'exp', run_name: 'r', start_time: 1, params: {}, tags: { a: 'b' } };
const created = { status: 200, json: { run_id: 'f'.repeat(32), experiment_id: '7', run_name: 'r' } };

function create(script: Answer[]) {
	const { calls, fetchFn } = scriptedFetch(script);
	const transport = createTransport({ url: 'http://x', fetch: fetchFn, retry: { baseMs: 1, maxMs: 2 } });
	const run = createRemoteRun({ transport, body, clientKey: 'k1', control: createRetryControl() });
	return { calls, run };
}

describe('createRemoteRun', () => {
	it('finds the run a lost answer created instead of creating a second one', async () => {
		const { calls, run } = create([
			'reset',
			{ status: 200, json: { experiments: [{ experiment_id: '7', name: 'exp' }] } },
			{ status: 200, json: { runs: [{ run_id: 'a'.repeat(32), experiment_id: '7', name: 'r', tags: { [CLIENT_KEY_TAG]: 'k1' } }] } }
		]);
		expect(await run).toEqual({ runId: 'a'.repeat(32), experimentId: '7', runName: 'r' });
		expect(calls).toEqual(['POST /api/runs', 'GET /api/experiments', 'GET /api/experiments/7/runs']);
	});

	it('creates again when the lookup finds nothing, and skips the lookup after a refused connection', async () => {
		const lost = create([
			{ status: 503 },
			{ status: 200, json: { experiments: [{ experiment_id: '7', name: 'exp' }] } },
			{ status: 200, json: { runs: [{ run_id: 'b'.repeat(32), experiment_id: '7', name: 'other', tags: { [CLIENT_KEY_TAG]: 'k0' } }] } },
			created
		]);
		expect((await lost.run).runId).toBe('f'.repeat(32));
		expect(lost.calls).toEqual(['POST /api/runs', 'GET /api/experiments', 'GET /api/experiments/7/runs', 'POST /api/runs']);

		const refused = create(['refused', 'refused', created]);
		expect((await refused.run).runId).toBe('f'.repeat(32));
		expect(refused.calls).toEqual(['POST /api/runs', 'POST /api/runs', 'POST /api/runs']);
	});

	it('sends the client key as a tag and gives up at once on a refusal', async () => {
		const { fetchFn } = scriptedFetch([{ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment' } }]);
		let sent = '';
		const spy = ((url: string, init: RequestInit) => ((sent = String(init.body)), fetchFn(url, init))) as unknown as typeof fetch;
		const transport = createTransport({ url: 'http://x', fetch: spy });
		await expect(createRemoteRun({ transport, body, clientKey: 'k9', control: createRetryControl() })).rejects.toMatchObject({ status: 404 });
		expect(JSON.parse(sent).tags).toEqual({ a: 'b', [CLIENT_KEY_TAG]: 'k9' });
	});
});
