// POST /api/series/overview against a real server: the answer holds the stored series' min and max per bucket (for
// series the server held while they were logged, and for series it reads cold after a restart), MLflow's log-batch
// feeds it like native ingest, bad input is a 400 `{error_code, message}`, and with users each run needs READ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { openAuthStore } from '../sync-server/auth/auth-store';
import { decodeOverviewAnswer } from '../src/lib/core/series/overview-wire';
import { createOverview, foldOverview, readOverview, OVERVIEW_BUCKETS } from '../src/lib/core/series/overview';
import type { SeriesColumns } from '../src/lib/core/chunk';
import type { SeriesOverviewBody } from '../src/lib/core/api/native';

const T0 = 1_700_000_000_000;

async function overview(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; series?: SeriesColumns[]; error?: { error_code: string; message: string } }> {
	const res = await fetch(url + '/api/series/overview', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
	const bytes = new Uint8Array(await res.arrayBuffer());
	if (res.status !== 200) return { status: res.status, error: JSON.parse(new TextDecoder().decode(bytes)) };
	return { status: 200, series: decodeOverviewAnswer(bytes) };
}

/** Min and max value per group of the series, computed from every point (what the answer must carry). */
function extremes(cols: SeriesColumns): { min: number; max: number } {
	let min = Infinity;
	let max = -Infinity;
	for (const v of cols.values) if (Number.isFinite(v)) (min = Math.min(min, v)), (max = Math.max(max, v));
	return { min, max };
}

/** Logs `n` points of metric `key` as native batches of `batch`, steps out of order in the second half. */
async function logSeries(url: string, runId: string, key: string, n: number, batch: number, headers: Record<string, string> = {}): Promise<SeriesColumns> {
	const cols = { steps: new Float64Array(n), timestamps: new Float64Array(n), values: new Float64Array(n) };
	for (let i = 0; i < n; i++) {
		cols.steps[i] = i < n / 2 ? i : n - 1 - (i - n / 2); // the second half arrives from the last step backwards
		cols.timestamps[i] = T0 + i;
		cols.values[i] = i === 1234 ? 1e9 : Math.sin(i / 30) * (1 + (i % 7));
	}
	for (let i = 0; i < n; i += batch) {
		const slice = (a: Float64Array) => Array.from(a.subarray(i, i + batch));
		const r = await callJson(url, 'POST', `/api/runs/${runId}/log`, { headers, body: { metrics: { [key]: { steps: slice(cols.steps), timestamps: slice(cols.timestamps), values: slice(cols.values) } } } });
		expect(r.status).toBe(200);
	}
	return cols;
}

describe('POST /api/series/overview', () => {
	let server: TestServer;
	let runId: string;
	let logged: SeriesColumns;
	beforeAll(async () => {
		server = await startTestServer({ staticDir: null });
		runId = (await callJson(server.url, 'POST', '/api/runs', { body: { experiment_name: 'overview' } })).body.run_id;
		logged = await logSeries(server.url, runId, 'train/loss', 6_000, 500);
	});
	afterAll(() => server.close());

	it('answers the min and max per bucket of the stored series, in request order', async () => {
		const stored = (await callJson(server.url, 'GET', `/api/runs/${runId}/metrics/train/loss`)).body as { steps: number[]; timestamps: number[]; values: number[] };
		const full = { steps: Float64Array.from(stored.steps), timestamps: Float64Array.from(stored.timestamps), values: Float64Array.from(stored.values) };
		const expected = createOverview();
		foldOverview(expected, full);
		const body = { series: [{ run_id: runId, key: 'train/loss' }, { run_id: runId, key: 'never' }], points: 2 * OVERVIEW_BUCKETS } satisfies SeriesOverviewBody;
		const answer = await overview(server.url, body);
		expect(answer.status).toBe(200);
		const [loss, never] = answer.series!;
		expect(loss).toEqual(readOverview(expected, 2 * OVERVIEW_BUCKETS));
		expect(loss.values.length).toBeLessThanOrEqual(2 * OVERVIEW_BUCKETS);
		expect(extremes(loss)).toEqual(extremes(logged));
		for (let i = 1; i < loss.steps.length; i++) expect(loss.steps[i]).toBeGreaterThan(loss.steps[i - 1]);
		expect(never.values.length).toBe(0);
		const small = await overview(server.url, { ...body, points: 100 });
		expect(small.series![0].values.length).toBeLessThanOrEqual(100);
		expect(small.series![0].values).toContain(1e9); // the spike stays
	});

	it('takes MLflow log-batch points and reads series cold after a restart the same', async () => {
		const before = (await overview(server.url, { series: [{ run_id: runId, key: 'train/loss' }], points: 1000 })).series![0];
		const metrics = [5, 6, 7].map((step) => ({ key: 'train/loss', value: -50 - step, timestamp: T0, step: 10_000 + step }));
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/runs/log-batch', { body: { run_id: runId, metrics } })).status).toBe(200);
		const after = (await overview(server.url, { series: [{ run_id: runId, key: 'train/loss' }], points: 1000 })).series![0];
		expect(extremes(after).min).toBe(-57);
		expect(after.steps[after.steps.length - 1]).toBe(10_007);
		expect(after).not.toEqual(before);
		await server.restart();
		const cold = (await overview(server.url, { series: [{ run_id: runId, key: 'train/loss' }], points: 1000 })).series![0];
		expect(cold).toEqual(after);
	});

	it('refuses bad input with 400 {error_code, message}', async () => {
		const bad: unknown[] = [
			{},
			{ series: [], points: 100 },
			{ series: [{ run_id: runId, key: 'train/loss' }] },
			{ series: [{ run_id: runId, key: 'train/loss' }], points: 1.5 },
			{ series: [{ run_id: runId, key: 'train/loss' }], points: 1e9 },
			{ series: [{ run_id: 'nope', key: 'train/loss' }], points: 100 },
			{ series: [{ run_id: runId, key: '' }], points: 100 },
			{ series: [{ run_id: runId }], points: 100 },
			{ series: Array.from({ length: 1_001 }, () => ({ run_id: runId, key: 'x' })), points: 100 }
		];
		for (const body of bad) {
			const r = await overview(server.url, body);
			expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
			expect(r.error).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) });
		}
		const unknown = await overview(server.url, { series: [{ run_id: 'f'.repeat(32), key: 'x' }], points: 100 });
		expect(unknown.status).toBe(404);
		expect(unknown.error?.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
	});
});

describe('POST /api/series/overview with users', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer({ staticDir: null, defaultPermission: 'NO_PERMISSIONS' });
	});
	afterAll(() => server.close());

	it('needs READ on the experiment of every run it names', async () => {
		const store = openAuthStore(path.join(server.dataDir, 'auth.db'));
		await store.addUser('owen', false);
		await store.addUser('nadia', false);
		const owen = { authorization: `Bearer ${(await store.createToken({ user: 'owen', scope: 'write' })).token}` };
		const nadia = { authorization: `Bearer ${(await store.createToken({ user: 'nadia', scope: 'write' })).token}` };
		const mine = (await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/create', { headers: owen, body: { name: 'owens' } })).body.experiment_id as string;
		const other = (await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/create', { headers: nadia, body: { name: 'nadias' } })).body.experiment_id as string;
		const runIn = async (exp: string, headers: Record<string, string>) => (await callJson(server.url, 'POST', '/api/runs', { headers, body: { experiment_id: exp } })).body.run_id as string;
		const owensRun = await runIn(mine, owen);
		const nadiasRun = await runIn(other, nadia);
		await logSeries(server.url, owensRun, 'loss', 100, 100, owen);
		await logSeries(server.url, nadiasRun, 'loss', 100, 100, nadia);

		const body = (...runs: string[]) => ({ series: runs.map((run_id) => ({ run_id, key: 'loss' })), points: 100 });
		expect((await overview(server.url, body(owensRun), owen)).series![0].values.length).toBeGreaterThan(0);
		for (const req of [body(nadiasRun), body(owensRun, nadiasRun)]) {
			const r = await overview(server.url, req, owen);
			expect(r.status).toBe(403);
			expect(r.series).toBeUndefined();
		}
		expect((await overview(server.url, body(owensRun))).status).toBe(401); // no token
		await store.setGrant('experiment', other, 'owen', 'READ');
		expect((await overview(server.url, body(owensRun, nadiasRun), owen)).series!.map((s) => s.values.length > 0)).toEqual([true, true]);
		store.close();
	});
});
