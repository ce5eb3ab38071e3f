// The native ingest and read API against the real server on port 0: round trips, experiment run counts, idempotent batches,
// immutable params, validation errors (malformed JSON, wrong types, unknown run, oversized body), and
// live propagation between the API and a real y-websocket client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { startServer, type TandemServer } from '../sync-server/server';
import { docNames } from '../src/lib/core/schema';
import { readRuns, updateRun } from '../src/lib/core/docs/experiment';
import { readMetricSummaries } from '../src/lib/core/docs/live';
import { waitFor } from './helpers/wait';
import { callJson } from './helpers/http';

const BODY_LIMIT = 256 * 1024;
let server: TandemServer;
let dataDir: string;

const call = (method: string, p: string, body?: unknown, raw?: string) => callJson(server.url, method, p, { body, raw });

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-api-'));
	server = await startServer({ port: 0, dataDir, staticDir: null, bodyLimitBytes: BODY_LIMIT });
});
afterAll(async () => {
	await server?.close();
	await rm(dataDir, { recursive: true, force: true });
});

describe('native API', () => {
	it('serves /healthz and the Default experiment', async () => {
		expect((await call('GET', '/healthz')).body.status).toBe('ok');
		const { body } = await call('GET', '/api/experiments');
		expect(body.experiments).toContainEqual(expect.objectContaining({ experiment_id: '0', name: 'Default', lifecycle: 'active' }));
	});

	it('creates an experiment by name, logs metrics with non-finite values and reads them back exactly', async () => {
		const created = await call('POST', '/api/runs', { experiment_name: 'api-roundtrip', run_name: 'r1', params: { lr: 0.01 }, tags: { team: 'vision' } });
		expect(created.status).toBe(200);
		const { run_id, experiment_id } = created.body;
		expect(run_id).toMatch(/^[0-9a-f]{32}$/);
		expect(experiment_id).toMatch(/^[1-9][0-9]{17}$/);
		const log = await call('POST', `/api/runs/${run_id}/log`, {
			metrics: [
				{ key: 'loss', value: 1.5, step: 0, timestamp: 1000 },
				{ key: 'loss', value: 'NaN', step: 1, timestamp: 1001 },
				{ key: 'loss', value: 0.1 + 0.2, step: 2, timestamp: 1002 },
				{ key: 'acc', value: 'Infinity', step: 0, timestamp: 1000 },
				{ key: 'acc', value: -Number.MAX_VALUE, step: 1, timestamp: 1000 }
			]
		});
		expect(log.body).toEqual({ applied: true, points: 5 });
		const loss = await call('GET', `/api/runs/${run_id}/metrics/loss`);
		expect(loss.body).toEqual({ key: 'loss', steps: [0, 1, 2], timestamps: [1000, 1001, 1002], values: [1.5, 'NaN', 0.1 + 0.2] });
		const run = (await call('GET', `/api/runs/${run_id}`)).body.run;
		expect(run).toMatchObject({ name: 'r1', status: 'RUNNING', params: { lr: '0.01' }, tags: { team: 'vision', 'mlflow.runName': 'r1' } });
		expect(run.metrics.loss).toEqual({ last: 0.1 + 0.2, min: 0.1 + 0.2, max: 1.5, count: 3, step: 2, timestamp: 1002 });
		expect(run.metrics.acc).toMatchObject({ last: -Number.MAX_VALUE, max: 'Infinity', count: 2 });
		const ended = await call('POST', `/api/runs/${run_id}/end`, { status: 'FAILED', end_time: 5000 });
		expect(ended.body.run).toMatchObject({ status: 'FAILED', end_time: 5000 });
		const list = await call('GET', `/api/experiments/${experiment_id}/runs`);
		expect(list.body.runs.map((r: { run_id: string }) => r.run_id)).toEqual([run_id]);
	});

	it('lists each experiment with its run counts and last activity', async () => {
		const { experiment_id } = (await call('POST', '/api/experiments', { name: 'api-counted' })).body;
		const counts = async () => {
			const { experiments } = (await call('GET', '/api/experiments')).body;
			const e = experiments.find((x: { experiment_id: string }) => x.experiment_id === experiment_id);
			return { run_count: e.run_count, running_count: e.running_count, last_activity: e.last_activity };
		};
		expect(await counts()).toEqual({ run_count: 0, running_count: 0, last_activity: 0 });
		const ids: string[] = [];
		for (const start_time of [1000, 2000, 3000]) ids.push((await call('POST', '/api/runs', { experiment_id, start_time })).body.run_id);
		expect(await counts()).toEqual({ run_count: 3, running_count: 3, last_activity: 3000 });
		await call('POST', `/api/runs/${ids[0]}/log`, { metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 3500 }] });
		expect(await counts()).toEqual({ run_count: 3, running_count: 3, last_activity: 3500 });
		await call('POST', `/api/runs/${ids[1]}/end`, { status: 'FINISHED', end_time: 4000 });
		expect(await counts()).toEqual({ run_count: 3, running_count: 2, last_activity: 4000 });
		// A deleted run counts for nothing, its times included.
		expect((await call('POST', '/api/2.0/mlflow/runs/delete', { run_id: ids[1] })).status).toBe(200);
		expect(await counts()).toEqual({ run_count: 2, running_count: 2, last_activity: 3500 });
	});

	it('accepts the columnar metrics form', async () => {
		const { run_id } = (await call('POST', '/api/runs', { experiment_name: 'api-columnar' })).body;
		const res = await call('POST', `/api/runs/${run_id}/log`, { metrics: { loss: { values: [3, 'Infinity', 1], steps: [0, 1, 2], timestamps: [10, 11, 12] }, lr: { values: [0.1] } } });
		expect(res.body).toEqual({ applied: true, points: 4 });
		expect((await call('GET', `/api/runs/${run_id}/metrics/loss`)).body).toEqual({ key: 'loss', steps: [0, 1, 2], timestamps: [10, 11, 12], values: [3, 'Infinity', 1] });
		expect((await call('GET', `/api/runs/${run_id}/metrics/lr`)).body).toMatchObject({ steps: [0], values: [0.1] });
	});

	it('applies a repeated batch_id once', async () => {
		const { run_id } = (await call('POST', '/api/runs', { experiment_name: 'api-idem' })).body;
		const batch = { batch_id: 'b-1', metrics: [{ key: 'x', value: 1, step: 1 }], tags: { k: 'v' } };
		expect((await call('POST', `/api/runs/${run_id}/log`, batch)).body.applied).toBe(true);
		expect((await call('POST', `/api/runs/${run_id}/log`, batch)).body.applied).toBe(false);
		expect((await call('GET', `/api/runs/${run_id}/metrics/x`)).body.values).toEqual([1]);
	});

	it('rejects changing a param and applies nothing from that batch', async () => {
		const { run_id } = (await call('POST', '/api/runs', { experiment_name: 'api-params', params: { lr: '0.1' } })).body;
		const same = await call('POST', `/api/runs/${run_id}/log`, { params: { lr: '0.1' } });
		expect(same.status).toBe(200);
		const changed = await call('POST', `/api/runs/${run_id}/log`, { params: { lr: '0.2', other: '1' }, tags: { t: '1' }, metrics: [{ key: 'm', value: 1 }] });
		expect(changed.status).toBe(400);
		expect(changed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect(changed.body.message).toContain("key='lr'");
		const run = (await call('GET', `/api/runs/${run_id}`)).body.run;
		expect(run.params).toEqual({ lr: '0.1' });
		expect(run.tags.t).toBeUndefined();
		expect(run.metrics).toEqual({});
	});

	it('answers bad input with precise errors', async () => {
		const { run_id } = (await call('POST', '/api/runs', {})).body;
		const cases: [string, string, unknown, string | undefined, number, string, string][] = [
			['POST', `/api/runs/${run_id}/log`, undefined, '{"metrics": [', 400, 'MALFORMED_REQUEST', 'Malformed JSON'],
			['POST', `/api/runs/${run_id}/log`, [1, 2], undefined, 400, 'INVALID_PARAMETER_VALUE', 'must be a JSON object'],
			['POST', `/api/runs/${run_id}/log`, { metrics: 5 }, undefined, 400, 'INVALID_PARAMETER_VALUE', "'metrics' must be an array"],
			['POST', `/api/runs/${run_id}/log`, { metrics: { loss: { values: [1, 2], steps: [1] } } }, undefined, 400, 'INVALID_PARAMETER_VALUE', "metrics['loss'].steps must be an array as long as values"],
			['POST', `/api/runs/${run_id}/log`, { metrics: [{ key: 'a', value: 'abc' }] }, undefined, 400, 'INVALID_PARAMETER_VALUE', 'metrics[0].value'],
			['POST', `/api/runs/${run_id}/log`, { metrics: [{ key: 'a', value: 1, step: 1.5 }] }, undefined, 400, 'INVALID_PARAMETER_VALUE', "'metrics[0].step' must be an integer"],
			['POST', `/api/runs/${run_id}/log`, { metrics: [{ key: '../etc', value: 1 }] }, undefined, 400, 'INVALID_PARAMETER_VALUE', 'Invalid Metric name'],
			['POST', `/api/runs/${run_id}/log`, { params: { p: 'x'.repeat(6001) } }, undefined, 400, 'INVALID_PARAMETER_VALUE', 'exceeds the limit of 6000'],
			['POST', `/api/runs/${'f'.repeat(32)}/log`, { metrics: [] }, undefined, 404, 'RESOURCE_DOES_NOT_EXIST', 'not found'],
			['POST', `/api/runs/not-a-run/log`, { metrics: [] }, undefined, 400, 'INVALID_PARAMETER_VALUE', 'Invalid run id'],
			['POST', `/api/runs/${run_id}/end`, { status: 'DONE' }, undefined, 400, 'INVALID_PARAMETER_VALUE', "'status' must be one of"],
			['POST', '/api/runs', { experiment_id: '12345' }, undefined, 404, 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=12345'],
			['POST', '/api/experiments', { name: 42 }, undefined, 400, 'INVALID_PARAMETER_VALUE', "'name' must be a string"],
			['DELETE', '/api/experiments', undefined, undefined, 405, 'METHOD_NOT_ALLOWED', 'not allowed'],
			['GET', '/api/nothing-here', undefined, undefined, 404, 'ENDPOINT_NOT_FOUND', 'No API endpoint']
		];
		for (const [method, p, body, raw, status, code, text] of cases) {
			const res = await call(method, p, body, raw);
			expect({ p, status: res.status, code: res.body?.error_code }).toEqual({ p, status, code });
			expect(res.body.message).toContain(text);
		}
	});

	it('refuses an oversized body with 413 and keeps serving', async () => {
		const { run_id } = (await call('POST', '/api/runs', {})).body;
		const metrics = Array.from({ length: 10_000 }, (_, i) => ({ key: 'big', value: i, step: i }));
		const res = await call('POST', `/api/runs/${run_id}/log`, { metrics });
		expect(res.status).toBe(413);
		expect(res.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
		expect((await call('GET', `/api/runs/${run_id}`)).body.run.metrics).toEqual({});
	});

	it('rejects a duplicate experiment name with RESOURCE_ALREADY_EXISTS', async () => {
		expect((await call('POST', '/api/experiments', { name: 'dup' })).status).toBe(200);
		const again = await call('POST', '/api/experiments', { name: 'dup' });
		expect(again).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
	});

	it('shows API writes live in a relay client, and client writes to the API', async () => {
		const { run_id, experiment_id } = (await call('POST', '/api/runs', { experiment_name: 'api-live', run_name: 'live' })).body;
		const wsUrl = server.url.replace('http', 'ws') + '/sync';
		const exp = new Y.Doc();
		const live = new Y.Doc();
		const providers = [
			new WebsocketProvider(wsUrl, docNames.experiment(experiment_id), exp, { WebSocketPolyfill: WebSocket as never }),
			new WebsocketProvider(wsUrl, docNames.live(experiment_id), live, { WebSocketPolyfill: WebSocket as never })
		];
		try {
			await waitFor(() => readRuns(exp, experiment_id).some((r) => r.run_id === run_id), { what: 'run header in client' });
			await call('POST', `/api/runs/${run_id}/log`, { metrics: [{ key: 'acc', value: 0.75, step: 3 }] });
			await waitFor(() => readMetricSummaries(live, run_id).acc?.last === 0.75, { what: 'metric summary in client' });
			updateRun(exp, run_id, { tags: { 'edited.by': 'browser' } });
			await waitFor(async () => (await call('GET', `/api/runs/${run_id}`)).body.run.tags['edited.by'] === 'browser', { what: 'client tag via API' });
		} finally {
			for (const p of providers) p.destroy();
		}
	});
});
