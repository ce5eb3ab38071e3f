// The MLflow tracking REST API against the real server: the official Python client (fluent API and MlflowClient,
// tests/python/tracking_*.py) with its readings cross-checked through the native API, plus raw requests for
// validation, limits, GET coercion, both prefixes, NaN/Infinity, paging, sampling and live propagation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { startServer, type TandemServer } from '../sync-server/server';
import { docNames } from '../src/lib/core/schema';
import { readRun } from '../src/lib/core/docs/experiment';
import { runPython, type PythonResult } from './helpers/python';
import { waitFor } from './helpers/wait';
import { callJson } from './helpers/http';

let server: TandemServer;
let dataDir: string;

const R = '/api/2.0/mlflow';

const call = (method: string, p: string, body?: unknown, raw?: string) => callJson(server.url, method, p, { body, raw });

/** POST an MLflow endpoint and expect 200. */
async function ok(p: string, body: unknown) {
	const res = await call('POST', R + p, body);
	expect(res, `${p} ${JSON.stringify(res.body)}`).toMatchObject({ status: 200 });
	return res.body;
}

function assertPythonOk(r: PythonResult) {
	expect(r.code, `python failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
	expect(r.json, `no JSON line:\n${r.stdout}`).not.toBeNull();
}

async function createRun(name = 'raw'): Promise<{ runId: string; experimentId: string }> {
	const { run } = await ok('/runs/create', { experiment_id: '0', run_name: name, start_time: 1_000 });
	return { runId: run.info.run_id, experimentId: run.info.experiment_id };
}

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-mlflow-'));
	server = await startServer({ port: 0, dataDir, staticDir: null });
});
afterAll(async () => {
	await server?.close();
	await rm(dataDir, { recursive: true, force: true });
});

describe('MLflow tracking API with the official Python client', () => {
	it('fluent API: experiments, nested runs, params, metrics with NaN/inf, tags, end status, history, user errors', async () => {
		const r = await runPython('tracking_fluent.py', server.url, { args: ['py-fluent'] });
		assertPythonOk(r);
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		const out = r.json as any;
		expect(out.params).toEqual({ lr: '0.01', batch: '32', optimizer: 'adam', layers: '[64, 64]' });
		expect(out.tags).toMatchObject({ team: 'vision', stage: 'dev', 'mlflow.runName': 'parent-renamed' });
		expect(out.tags.owner).toBeUndefined();
		expect(out.metrics).toEqual({ loss: 0.2, acc: 0.5, nan_metric: 'nan', inf_metric: 'inf', neg_inf: '-inf' });
		expect(out.loss_history).toEqual([[0, 1], [1, 0.5], [2, 1 / 3], [3, 0.25], [4, 0.2]]);
		expect(out.errors.changed_param).toContain("Changing param values is not allowed. Param with key='lr' was already logged with value='0.01'");
		expect(out.errors.duplicate).toBe('RESOURCE_ALREADY_EXISTS: Experiment(name=py-fluent) already exists.');
		expect(out.errors.unknown_run).toBe(`RESOURCE_DOES_NOT_EXIST: Run with id=${'0'.repeat(32)} not found`);
		expect(out.errors.missing_tag).toContain('No tag with name: nope');

		// The same writes, read through the native API: they landed in Tandem's own documents.
		const parent = (await call('GET', `/api/runs/${out.parent_id}`)).body.run;
		expect(parent).toMatchObject({ experiment_id: out.experiment_id, name: 'parent-renamed', status: 'FINISHED', lifecycle: 'active' });
		expect(parent.params).toEqual(out.params);
		expect(parent.metrics.loss).toMatchObject({ last: 0.2, count: 5, step: 4 });
		expect(parent.metrics.nan_metric.last).toBe('NaN');
		expect(parent.metrics.inf_metric.last).toBe('Infinity');
		expect(parent.metrics.neg_inf.last).toBe('-Infinity');
		const loss = (await call('GET', `/api/runs/${out.parent_id}/metrics/loss`)).body;
		expect(loss.steps).toEqual([0, 1, 2, 3, 4]);
		const child = (await call('GET', `/api/runs/${out.child_id}`)).body.run;
		expect(child.tags['mlflow.parentRunId']).toBe(out.parent_id);
		expect((await call('GET', `/api/runs/${out.failed_id}`)).body.run.status).toBe('FAILED');
		const experiment = (await call('GET', `/api/experiments/${out.experiment_id}`)).body.experiment;
		expect(experiment).toMatchObject({ name: 'py-fluent', lifecycle: 'active', artifact_location: `mlflow-artifacts:/${out.experiment_id}` });
	});

	it('MlflowClient: search filters, order_by, paging, view types, experiment rename / delete / restore', async () => {
		const r = await runPython('tracking_search.py', server.url, { args: ['py-search'] });
		assertPythonOk(r);
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		const out = r.json as any;
		expect(out.results).toEqual({
			rmse_lt: ['run-5', 'run-4'],
			model_rf: ['run-4', 'run-2', 'run-0'],
			rf_and_rmse: ['run-4', 'run-2'],
			tag_like: ['run-2', 'run-1', 'run-0'],
			tag_ilike: ['run-2', 'run-1', 'run-0'],
			lr_like: ['run-0', 'run-1', 'run-2', 'run-3', 'run-4', 'run-5'],
			status_failed: ['run-5'],
			run_name: ['run-2'],
			run_id_in: ['run-4', 'run-1'],
			order_rmse: ['run-0', 'run-1', 'run-2', 'run-3', 'run-4', 'run-5'],
			order_model_lr: ['run-5', 'run-3', 'run-1', 'run-4', 'run-2', 'run-0']
		});
		expect(out.pages).toEqual([['run-0', 'run-1'], ['run-2', 'run-3'], ['run-4', 'run-5']]);
		expect(out.rmse_history).toEqual([[0, 1 - 2 * 0.1], [1, 0.9 - 2 * 0.1]]);
		expect(out.experiments_found).toEqual(['py-search-other', 'py-search-runs']);
		expect(out.renamed).toBe('py-search-renamed');
		expect(out.other_tags).toEqual({ note: 'to be deleted' });
		expect(out.bad_filter).toContain('INVALID_PARAMETER_VALUE: Invalid clause(s) in filter string');

		const other = (await call('GET', `/api/experiments/${out.other_id}`)).body.experiment;
		expect(other).toMatchObject({ name: 'py-search-renamed', lifecycle: 'active', tags: { note: 'to be deleted' } });
		const rows = (await call('GET', `/api/experiments/${out.experiment_id}/runs`)).body.runs;
		expect(rows).toHaveLength(6);
		const run2 = rows.find((row: { run_id: string }) => row.run_id === out.run_ids[2]);
		expect(run2).toMatchObject({ name: 'run-2', status: 'FINISHED', lifecycle: 'active', params: { model: 'rf', lr: '0.003' }, tags: { group: 'Alpha' } });
		expect(run2.metrics.rmse).toMatchObject({ count: 2, step: 1 });
	});
});

describe('MLflow tracking API over raw HTTP', () => {
	it('serves both prefixes, GET with query params and POST with JSON', async () => {
		for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
			const get = await call('GET', `${prefix}/experiments/get?experiment_id=0`);
			expect(get).toMatchObject({ status: 200, body: { experiment: { experiment_id: '0', name: 'Default', lifecycle_stage: 'active', tags: [] } } });
			const byName = await call('GET', `${prefix}/experiments/get-by-name?experiment_name=Default`);
			expect(byName.body.experiment.experiment_id).toBe('0');
		}
		const missing = await call('GET', `${R}/experiments/get-by-name?experiment_name=${encodeURIComponent('no such one')}`);
		expect(missing).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'no such one'" } });
		const unknown = await call('POST', `${R}/runs/teleport`, {});
		expect(unknown).toMatchObject({ status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
	});

	it('returns the Run JSON shape, with non-finite doubles as strings', async () => {
		const { runId, experimentId } = await createRun('shape');
		await ok('/runs/log-metric', { run_id: runId, run_uuid: runId, key: 'm', value: 'NaN', timestamp: 10, step: 1 });
		await ok('/runs/log-metric', { run_id: runId, key: 'inf', value: 'Infinity', timestamp: 10 });
		await ok('/runs/log-parameter', { run_id: runId, key: 'p', value: 'v' });
		const { run } = (await call('GET', `${R}/runs/get?run_id=${runId}`)).body;
		expect(run.info).toEqual({
			run_id: runId,
			run_uuid: runId,
			run_name: 'shape',
			experiment_id: experimentId,
			user_id: 'unknown',
			status: 'RUNNING',
			start_time: 1_000,
			artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
			lifecycle_stage: 'active'
		});
		expect(run.data.metrics).toEqual([
			{ key: 'm', value: 'NaN', timestamp: 10, step: 1 },
			{ key: 'inf', value: 'Infinity', timestamp: 10, step: 0 }
		]);
		expect(run.data.params).toEqual([{ key: 'p', value: 'v' }]);
		expect(run.data.tags).toEqual([{ key: 'mlflow.runName', value: 'shape' }]);
		expect(run.inputs).toEqual({ dataset_inputs: [] });
		const updated = await ok('/runs/update', { run_id: runId, status: 'KILLED', end_time: 2_000 });
		expect(updated.run_info).toMatchObject({ status: 'KILLED', end_time: 2_000 });
	});

	it('answers a missing required field with 400 "Missing value for required parameter"', async () => {
		const { runId } = await createRun();
		const cases: [string, unknown, string][] = [
			['/experiments/create', {}, 'name'],
			['/experiments/get', {}, 'experiment_id'],
			['/runs/log-metric', { key: 'a', value: 1, timestamp: 1 }, 'run_id'],
			['/runs/log-metric', { run_id: runId, value: 1, timestamp: 1 }, 'key'],
			['/runs/log-metric', { run_id: runId, key: 'a', timestamp: 1 }, 'value'],
			['/runs/log-metric', { run_id: runId, key: 'a', value: 1 }, 'timestamp'],
			['/runs/log-inputs', { run_id: runId }, 'datasets'],
			['/runs/set-tag', { run_id: runId, value: 'x' }, 'key'],
			['/metrics/get-history', { run_id: runId }, 'metric_key']
		];
		for (const [p, body, field] of cases) {
			const res = await call('POST', R + p, body);
			expect({ p, field, status: res.status, code: res.body.error_code }).toEqual({ p, field, status: 400, code: 'INVALID_PARAMETER_VALUE' });
			expect(res.body.message).toContain(`Missing value for required parameter '${field}'`);
		}
		// log-batch names the whole list when one of its items lacks a required field (MLflow's handler does).
		const batch = await call('POST', `${R}/runs/log-batch`, { run_id: runId, metrics: [{ key: 'mae', value: 2.5 }] });
		expect(batch).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
		expect(batch.body.message).toContain(`Invalid value [{"key":"mae","value":2.5}] for parameter 'metrics' supplied`);
		const params = await call('POST', `${R}/runs/log-batch`, { run_id: runId, params: [{ value: '1' }] });
		expect(params.body.message).toContain(`Invalid value [{"value":"1"}] for parameter 'params' supplied`);
	});

	it('refuses malformed JSON and wrong types with 400, never 5xx', async () => {
		const { runId } = await createRun();
		const malformed = await call('POST', `${R}/runs/log-batch`, undefined, '{"run_id": ');
		expect(malformed).toMatchObject({ status: 400, body: { error_code: 'MALFORMED_REQUEST' } });
		// A wrong-typed value is printed as MLflow's Python handler prints it: 9.0 stays a float.
		const float = await call('POST', `${R}/experiments/create`, undefined, '{"name": "x", "artifact_location": 9.0}');
		expect(float.body.message).toMatch(/^Invalid value 9\.0 for parameter 'artifact_location' supplied\. Hint: Value was of type 'float'\./);
		const bad: [string, string, unknown, number, string][] = [
			['POST', '/runs/log-metric', { run_id: runId, key: 'a', value: 'abc', timestamp: 1 }, 400, 'value'],
			['POST', '/runs/log-metric', { run_id: runId, key: 'a', value: 1, timestamp: -5 }, 400, 'nonnegative'],
			['POST', '/runs/log-metric', { run_id: runId, key: 'a//b', value: 1, timestamp: 1 }, 400, "would resolve to 'a/b'"],
			['POST', '/runs/log-parameter', { run_id: runId, key: 'bad*key', value: '1' }, 400, 'Names may only contain'],
			['POST', '/runs/update', { run_id: runId, status: 'BOGUS' }, 400, "'status'"],
			['POST', '/runs/search', { experiment_ids: ['0'], max_results: 50_001 }, 400, 'at most 50000'],
			['POST', '/runs/search', { experiment_ids: ['0'], page_token: '%%%' }, 400, 'Invalid page token'],
			['POST', '/runs/search', { experiment_ids: ['0'], filter: 'metrics.m > ' }, 400, ''],
			['POST', '/runs/search', { experiment_ids: ['0'], order_by: ['nonsense.x'] }, 400, 'Invalid entity type'],
			['GET', `/runs/get?run_id=not-a-run`, undefined, 404, 'Run with id=not-a-run not found'],
			['GET', `/runs/get?run_id=${'a'.repeat(32)}`, undefined, 404, 'not found'],
			['GET', '/experiments/get?experiment_id=123456789', undefined, 404, 'No Experiment with id=123456789 exists'],
			['POST', '/runs/create', { experiment_id: '424242' }, 404, 'No Experiment with id=424242 exists'],
			['POST', '/runs/create', { experiment_id: '0', run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }, 400, "Both 'run_name' argument"]
		];
		for (const [method, p, body, status, text] of bad) {
			const res = await call(method, R + p, body);
			expect({ p, status: res.status }).toEqual({ p, status });
			expect(res.body.message).toContain(text);
		}
	});

	it('enforces log-batch limits and writes nothing from a refused batch', async () => {
		const { runId } = await createRun();
		const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: 1_000 + i, step: i }));
		const kv = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: String(i) }));
		const over: [unknown, string][] = [
			[{ run_id: runId, metrics: metrics(1001) }, 'at most 1000 metrics'],
			[{ run_id: runId, params: kv(101) }, 'at most 100 params'],
			[{ run_id: runId, tags: kv(101) }, 'at most 100 tags'],
			[{ run_id: runId, metrics: metrics(950), params: kv(30), tags: kv(30) }, 'at most 1000 metrics, params, and tags'],
			[{ run_id: runId, params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }] }, 'Duplicate parameter keys'],
			[{ run_id: runId, metrics: metrics(10), params: [{ key: 'ok', value: '1' }, { key: '/abs', value: '2' }] }, 'params[1].key']
		];
		for (const [body, text] of over) {
			const res = await call('POST', `${R}/runs/log-batch`, body);
			expect(res).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
			expect(res.body.message).toContain(text);
		}
		let run = (await call('GET', `${R}/runs/get?run_id=${runId}`)).body.run;
		expect(run.data.metrics).toEqual([]);
		expect(run.data.params).toEqual([]);
		await ok('/runs/log-batch', { run_id: runId, metrics: metrics(1000) });
		await ok('/runs/log-batch', { run_id: runId, params: kv(100), tags: kv(100) });
		const long = 'x'.repeat(6001);
		await ok('/runs/log-parameter', { run_id: runId, key: 'long', value: long });
		await ok('/runs/log-parameter', { run_id: runId, key: 'time:colon', value: '1' });
		run = (await call('GET', `${R}/runs/get?run_id=${runId}`)).body.run;
		const params = Object.fromEntries(run.data.params.map((p: { key: string; value: string }) => [p.key, p.value]));
		expect(Object.keys(params)).toHaveLength(102);
		expect(params.long).toBe(long.slice(0, 6000));
		expect(params['time:colon']).toBe('1');
		const changed = await call('POST', `${R}/runs/log-batch`, { run_id: runId, params: [{ key: 'k3', value: 'other' }] });
		expect(changed.body.message).toBe(
			`Changing param values is not allowed. Params were already logged='[{'key': 'k3', 'old_value': '3', 'new_value': 'other'}]' for run ID='${runId}'.`
		);
	});

	it('drops identical re-logged points and pages get-history with max_results and page_token (GET coercion)', async () => {
		const { runId } = await createRun();
		const points = Array.from({ length: 7 }, (_, i) => ({ key: 'h', value: i / 2, timestamp: 100 - i, step: i }));
		await ok('/runs/log-batch', { run_id: runId, metrics: points });
		await ok('/runs/log-batch', { run_id: runId, metrics: [points[3], points[3], points[6]] });
		await ok('/runs/log-metric', { run_id: runId, ...points[0] });
		await ok('/runs/log-metric', { run_id: runId, key: 'h', value: 99, timestamp: 100, step: 0 });
		const pages: number[][] = [];
		let token = '';
		do {
			const q = `run_id=${runId}&metric_key=h&max_results=3${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
			const res = await call('GET', `${R}/metrics/get-history?${q}`);
			expect(res.status).toBe(200);
			pages.push(res.body.metrics.map((m: { step: number; value: number; timestamp: number }) => [m.step, m.value, m.timestamp]));
			token = res.body.next_page_token ?? '';
		} while (token);
		// (timestamp, step, value) order: the last-logged points have the earliest timestamps.
		expect(pages).toEqual([
			[[6, 3, 94], [5, 2.5, 95], [4, 2, 96]],
			[[3, 1.5, 97], [2, 1, 98], [1, 0.5, 99]],
			[[0, 0, 100], [0, 99, 100]]
		]);
		const native = (await call('GET', `/api/runs/${runId}/metrics/h`)).body;
		expect(native.values).toHaveLength(8);
		// Concurrent identical calls (a client retrying in parallel) still leave one point: writes to a run are queued.
		const same = { run_id: runId, key: 'c', value: 1, timestamp: 5, step: 0 };
		await Promise.all(Array.from({ length: 5 }, () => ok('/runs/log-metric', same)));
		expect((await call('GET', `/api/runs/${runId}/metrics/c`)).body.values).toEqual([1]);
	});

	it('searches runs over GET with repeated experiment_ids and string ints / enums', async () => {
		const exp = (await ok('/experiments/create', { name: 'raw-search' })).experiment_id;
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			const { run } = await ok('/runs/create', { experiment_id: exp, run_name: `g${i}`, start_time: 10 + i });
			ids.push(run.info.run_id);
		}
		await ok('/runs/delete', { run_id: ids[1] });
		const q = `experiment_ids=${exp}&experiment_ids=0&run_view_type=ALL&max_results=2&order_by=${encodeURIComponent('attributes.start_time ASC')}&filter=${encodeURIComponent("run_name LIKE 'g%'")}`;
		const first = await call('GET', `${R}/runs/search?${q}`);
		expect(first.status).toBe(200);
		expect(first.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['g0', 'g1']);
		const second = await call('GET', `${R}/runs/search?${q}&page_token=${encodeURIComponent(first.body.next_page_token)}`);
		expect(second.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['g2']);
		expect(second.body.next_page_token).toBeUndefined();
		const deleted = await call('GET', `${R}/runs/search?experiment_ids=${exp}&run_view_type=2`);
		expect(deleted.body.runs.map((r: { info: { run_id: string; lifecycle_stage: string } }) => [r.info.run_id, r.info.lifecycle_stage])).toEqual([[ids[1], 'deleted']]);
		const written = await call('POST', `${R}/runs/set-tag`, { run_id: ids[1], key: 'k', value: 'v' });
		expect(written.body.message).toBe(`The run ${ids[1]} must be in the 'active' state. Current state is deleted.`);
		const empty = await call('POST', `${R}/runs/search`, { experiment_ids: [exp], filter: "tags.none = 'x'" });
		expect(empty).toEqual({ status: 200, body: { runs: [] } });
		const exps = await call('GET', `${R}/experiments/search?view_type=ALL&max_results=1&filter=${encodeURIComponent("name = 'raw-search'")}`);
		expect(exps.body.experiments.map((e: { experiment_id: string }) => e.experiment_id)).toEqual([exp]);
	});

	it('samples get-history-bulk-interval on steps shared by the runs, each run\'s first and last step kept', async () => {
		const a = await createRun('bulk-a');
		const b = await createRun('bulk-b');
		await ok('/runs/log-batch', { run_id: a.runId, metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'q', value: i, timestamp: 5, step: i })) });
		await ok('/runs/log-batch', { run_id: b.runId, metrics: [{ key: 'q', value: 7, timestamp: 5, step: 3 }] });
		const q = `run_ids=${a.runId}&run_ids=${b.runId}&metric_key=q&max_results=4`;
		const res = await call('GET', `${R}/metrics/get-history-bulk-interval?${q}`);
		expect(res.status).toBe(200);
		// Steps 0..9 sampled every 2.5 (0, 2, 5, 7) plus the last (9), plus b's only step (3).
		expect(res.body.metrics.map((m: { run_id: string; step: number }) => [m.run_id === a.runId ? 'a' : 'b', m.step])).toEqual([
			['a', 0], ['a', 2], ['a', 3], ['a', 5], ['a', 7], ['a', 9], ['b', 3]
		]);
		const missing = await call('GET', `${R}/metrics/get-history-bulk-interval?metric_key=q`);
		expect(missing).toMatchObject({ status: 400, body: { message: expect.stringContaining("Missing value for required parameter 'run_ids'.") } });
		const ranged = await call('GET', `${R}/metrics/get-history-bulk-interval?run_ids=${a.runId}&metric_key=q&start_step=2&end_step=4`);
		expect(ranged.body.metrics.map((m: { step: number }) => m.step)).toEqual([2, 3, 4]);
		const half = await call('GET', `${R}/metrics/get-history-bulk-interval?run_ids=${a.runId}&metric_key=q&start_step=2`);
		expect(half).toMatchObject({ status: 400, body: { message: 'If either start step or end step are specified, both must be specified.' } });
	});

	it('serves the legacy get-history-bulk: runs in id order, each in history order, max_results over all of them', async () => {
		const a = await createRun('hist-a');
		const b = await createRun('hist-b');
		const points = [[1, 2, 10], [1, 3, 12], [1, 3, 11], [2, 3, 12]].map(([timestamp, step, value]) => ({ key: 'm', value, timestamp, step }));
		await ok('/runs/log-batch', { run_id: a.runId, metrics: points });
		await ok('/runs/log-batch', { run_id: b.runId, metrics: points.slice(0, 1) });
		const url = (q: string) => `/ajax-api/2.0/mlflow/metrics/get-history-bulk?${q}`;
		const both = await call('GET', url(`run_id=${b.runId}&run_id=${a.runId}&metric_key=m`));
		const [first, second] = [a.runId, b.runId].sort();
		const pointsOf = (runId: string) => (runId === a.runId ? [[1, 2, 10], [1, 3, 11], [1, 3, 12], [2, 3, 12]] : [[1, 2, 10]]);
		expect(both).toEqual({
			status: 200,
			body: { metrics: [first, second].flatMap((runId) => pointsOf(runId).map(([timestamp, step, value]) => ({ key: 'm', value, timestamp, step, run_id: runId }))) }
		});
		const limited = await call('GET', url(`run_id=${a.runId}&metric_key=m&max_results=2`));
		expect(limited.body.metrics.map((m: { value: number }) => m.value)).toEqual([10, 11]);
		expect(await call('GET', url('metric_key=m'))).toMatchObject({ status: 400, body: { message: 'GetMetricHistoryBulk request must specify at least one run_id.' } });
		expect(await call('GET', url(`run_id=${a.runId}`))).toMatchObject({ status: 400, body: { message: 'GetMetricHistoryBulk request must specify a metric_key.' } });
		const many = Array.from({ length: 101 }, (_, i) => `run_id=id_${i}`).join('&');
		expect((await call('GET', url(`${many}&metric_key=m`))).body.message).toMatch(/^GetMetricHistoryBulk request cannot specify more than 100 run_ids/);
	});

	it('logs dataset inputs once and returns them with the run', async () => {
		const { runId } = await createRun('inputs');
		const input = { tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset: { name: 'iris', digest: 'abc123', source_type: 'local', source: '{"uri": "/data/iris.csv"}' } };
		await ok('/runs/log-inputs', { run_id: runId, datasets: [input] });
		await ok('/runs/log-inputs', { run_id: runId, datasets: [{ ...input, tags: [] }] });
		const { run } = (await call('GET', `${R}/runs/get?run_id=${runId}`)).body;
		expect(run.inputs).toEqual({ dataset_inputs: [input] });
		const bad = await call('POST', `${R}/runs/log-inputs`, { run_id: runId, datasets: [{ dataset: { name: 'x' } }] });
		expect(bad).toMatchObject({ status: 400, body: { message: 'Dataset digest cannot be None' } });
	});

	it('resolves a relative artifact_location against the server\'s working directory and refuses fragments', async () => {
		const exp = (await ok('/experiments/create', { name: 'located', artifact_location: 'my_location' })).experiment_id;
		const { experiment } = (await call('GET', `${R}/experiments/get?experiment_id=${exp}`)).body;
		expect(experiment.artifact_location).toBe(path.join(process.cwd(), 'my_location'));
		const bad = await call('POST', `${R}/experiments/create`, { name: 'fragment', artifact_location: 's3://b/p#x' });
		expect(bad).toMatchObject({ status: 400, body: { message: "'artifact_location' URL can't include fragments or params." } });
	});

	it('lists the datasets of experiments\' runs once per (name, digest, context) for search-datasets', async () => {
		const exp = (await ok('/experiments/create', { name: 'datasets' })).experiment_id;
		const { run } = await ok('/runs/create', { experiment_id: exp });
		const dataset = { name: 'iris', digest: 'd1', source_type: 'local', source: 's' };
		const context = (value: string) => [{ key: 'mlflow.data.context', value }];
		await ok('/runs/log-inputs', { run_id: run.info.run_id, datasets: [{ tags: context('train'), dataset }, { tags: [], dataset: { ...dataset, digest: 'd2' } }] });
		const { run: other } = await ok('/runs/create', { experiment_id: exp });
		await ok('/runs/log-inputs', { run_id: other.info.run_id, datasets: [{ tags: context('train'), dataset }] });
		const url = '/ajax-api/2.0/mlflow/experiments/search-datasets';
		expect(await call('POST', url, { experiment_ids: [exp, '404404'] })).toEqual({
			status: 200,
			body: {
				dataset_summaries: [
					{ experiment_id: exp, name: 'iris', digest: 'd1', context: 'train' },
					{ experiment_id: exp, name: 'iris', digest: 'd2' }
				]
			}
		});
		expect(await call('POST', url, {})).toMatchObject({ status: 400, body: { message: 'SearchDatasets request must specify at least one experiment_id.' } });
		const many = await call('POST', url, { experiment_ids: Array.from({ length: 21 }, (_, i) => String(i)) });
		expect(many.body.message).toBe('SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.');
	});

	it('makes MLflow writes live in a relay client of the experiment document', async () => {
		const exp = (await ok('/experiments/create', { name: 'raw-live' })).experiment_id;
		const { run } = await ok('/runs/create', { experiment_id: exp, run_name: 'live' });
		const runId: string = run.info.run_id;
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', docNames.experiment(exp), doc, { WebSocketPolyfill: WebSocket as never });
		try {
			await waitFor(() => readRun(doc, exp, runId)?.name === 'live', { what: 'run header in the client' });
			await ok('/runs/set-tag', { run_id: runId, key: 'seen', value: 'yes' });
			await ok('/runs/update', { run_id: runId, status: 'FINISHED', end_time: 42 });
			await waitFor(() => readRun(doc, exp, runId)?.tags.seen === 'yes', { what: 'MLflow tag in the client' });
			await waitFor(() => readRun(doc, exp, runId)?.status === 'FINISHED', { what: 'MLflow status in the client' });
		} finally {
			provider.destroy();
		}
	});
});
