// GET /api/experiments/<id>/first-screen against the real server on port 0: the first rows of a runs-table view
// (filter, sort, deleted toggle; parents folded, with their child counts) with matched and total counts, the limit,
// packed metric summaries, answers that follow new writes, and the errors for a bad filter, a grouped view, a bad
// limit and an unknown experiment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson } from './helpers/http';
import { startTestServer, type TestServer } from './helpers/server';

let server: TestServer;
let experimentId: string;
const ids: Record<string, string> = {};

const get = (query: string, exp = experimentId) => callJson(server.url, 'GET', `/api/experiments/${exp}/first-screen${query}`);
const post = async (path: string, body: unknown) => {
	const res = await callJson(server.url, 'POST', path, { body });
	if (res.status !== 200) throw new Error(`${path} → ${res.status} ${JSON.stringify(res.body)}`);
	return res.body;
};
const names = (body: { rows: { name: string }[] }) => body.rows.map((r) => r.name);

const RUNS = [
	{ name: 'alpha', optimizer: 'adam', loss: 0.25 },
	{ name: 'bravo', optimizer: 'sgd', loss: 0.05 },
	{ name: 'charlie', optimizer: 'adam', loss: 0.5 },
	{ name: 'delta', optimizer: 'rmsprop', loss: 'NaN' },
	{ name: 'echo', optimizer: 'adam', loss: 0.75 }
];

beforeAll(async () => {
	server = await startTestServer();
	for (const [i, r] of RUNS.entries()) {
		const created = await post('/api/runs', { experiment_name: 'first-screen', run_name: r.name, start_time: 1_700_000_000_000 + i * 60_000, params: { optimizer: r.optimizer } });
		experimentId = created.experiment_id;
		ids[r.name] = created.run_id;
		await post(`/api/runs/${created.run_id}/log`, { metrics: [{ key: 'loss', value: r.loss, step: 1 }] });
		await post(`/api/runs/${created.run_id}/end`, { status: 'FINISHED' });
	}
	await post('/api/2.0/mlflow/runs/delete', { run_id: ids.charlie });
});
afterAll(async () => {
	await server?.close();
});

describe('GET /api/experiments/<id>/first-screen', () => {
	it("answers the default view's rows, newest first, with the counts and packed metric summaries", async () => {
		const { status, body } = await get('');
		expect(status).toBe(200);
		expect(names(body)).toEqual(['echo', 'delta', 'bravo', 'alpha']);
		expect(body).toMatchObject({ experiment_name: 'first-screen', total: 4, matched: 4 });
		const delta = body.rows[1];
		expect(delta).toMatchObject({ run_id: ids.delta, experiment_id: experimentId, status: 'FINISHED', lifecycle: 'active', params: { optimizer: 'rmsprop' } });
		expect(delta.metrics.loss).toMatchObject({ last: 'NaN', min: 'NaN', max: 'NaN', count: 1, step: 1 });
	});

	it('filters and sorts as the runs table does (NaN last in both directions), deleted runs only when asked', async () => {
		const asc = await get(`?q=${encodeURIComponent("params.optimizer = 'adam' or metrics.loss < 0.1")}&sort=metrics.loss`);
		expect(names(asc.body)).toEqual(['bravo', 'alpha', 'echo']);
		expect(asc.body).toMatchObject({ matched: 3, total: 4 });
		expect(names((await get('?sort=-metrics.loss')).body)).toEqual(['echo', 'alpha', 'bravo', 'delta']);
		const withDeleted = await get('?sort=-metrics.loss&deleted=1&cols=name,metrics.loss&sel=' + ids.alpha);
		expect(names(withDeleted.body)).toEqual(['echo', 'charlie', 'alpha', 'bravo', 'delta']);
		expect(withDeleted.body).toMatchObject({ matched: 5, total: 4 });
	});

	it('answers at most `limit` rows (1 to 500) and still counts every match', async () => {
		const { body } = await get('?sort=name&limit=2');
		expect(names(body)).toEqual(['alpha', 'bravo']);
		expect(body.matched).toBe(4);
		expect(names((await get('?sort=name&limit=500')).body)).toHaveLength(4);
		for (const bad of ['0', '501', 'abc', '1.5', '-1', '']) {
			const res = await get(`?limit=${bad}`);
			expect(res.status, `limit=${bad}`).toBe(400);
			expect(res.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'limit'") });
		}
	});

	it('follows writes: a run logged after an answer is in the next one', async () => {
		const before = await get('?sort=metrics.loss&limit=1');
		expect(names(before.body)).toEqual(['bravo']);
		const { run_id } = await post('/api/runs', { experiment_id: experimentId, run_name: 'foxtrot' });
		await post(`/api/runs/${run_id}/log`, { metrics: [{ key: 'loss', value: 0.01, step: 1 }] });
		const after = await get('?sort=metrics.loss&limit=1');
		expect(names(after.body)).toEqual(['foxtrot']);
		expect(after.body).toMatchObject({ matched: 5, total: 5 });
	});

	it('nests child runs: a parent is one row, folded, with its child count; a matching child shows under its parent', async () => {
		const { experiment_id } = await post('/api/experiments', { name: 'first-screen-nested' });
		const parent = await post('/api/runs', { experiment_id, run_name: 'sweep', start_time: 1_700_000_000_000 });
		for (const [i, lr] of ['0.1', '0.2', '0.3'].entries()) {
			const tags = { 'mlflow.parentRunId': parent.run_id };
			await post('/api/runs', { experiment_id, run_name: `trial-${i}`, start_time: 1_700_000_100_000 + i, params: { lr }, tags });
		}
		await post('/api/runs', { experiment_id, run_name: 'lone', start_time: 1_700_000_000_001 });
		const all = await get('?sort=name', experiment_id);
		expect(names(all.body)).toEqual(['lone', 'sweep']);
		expect(all.body).toMatchObject({ children: [0, 3], matched: 5, total: 5 });
		const filtered = await get(`?sort=name&q=${encodeURIComponent('params.lr > 0.15')}`, experiment_id);
		expect(names(filtered.body)).toEqual(['sweep', 'trial-1', 'trial-2']);
		expect(filtered.body).toMatchObject({ children: [2, 0, 0], matched: 2 });
	});

	it("refuses a filter that does not parse with the parser's message, and a grouped view", async () => {
		const bad = await get(`?q=${encodeURIComponent('metrics.loss <')}`);
		expect(bad.status).toBe(400);
		expect(bad.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid filter 'q': expected a value after '<' at column 15, found the end of the query" });
		const grouped = await get('?group=params.optimizer');
		expect(grouped.status).toBe(400);
		expect(grouped.body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect(grouped.body.message).toMatch(/grouped view/);
	});

	it('answers 404 for an unknown experiment and 400 for an experiment id that cannot be one', async () => {
		const unknown = await get('', '123456789012345678');
		expect(unknown.status).toBe(404);
		expect(unknown.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
		expect((await get('', 'not-an-id')).status).toBe(400);
	});
});
