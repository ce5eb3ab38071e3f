// MLflow 3.x logged-model REST routes against the real server over fetch: the lifecycle (create, params in
// batches, finalize, tags, soft delete), search (filters, datasets, order_by objects, pages), run links, model
// metrics, artifacts in the blob store (deduplicated, GC-marked), the documents a browser syncs, and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { docNames } from '../src/lib/core/schema';
import { readLoggedModels } from '../src/lib/core/docs/logged-models';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { once, waitFor } from './helpers/wait';

let server: TestServer;
let exp: string;
let runId: string;
const R = '/api/2.0/mlflow';
const call = (method: string, p: string, body?: unknown) => callJson(server.url, method, p, { body });

async function createModel(name: string, extra: Record<string, unknown> = {}): Promise<string> {
	const r = await call('POST', `${R}/logged-models`, { experiment_id: exp, name, source_run_id: runId, ...extra });
	expect(r.status, JSON.stringify(r.body)).toBe(200);
	return r.body.model.info.model_id;
}

async function logModelMetric(modelId: string, key: string, value: number, dataset?: [string, string]) {
	const body = { run_id: runId, key, value, timestamp: 1000 + Math.round(value * 1000), step: 0, model_id: modelId, ...(dataset ? { dataset_name: dataset[0], dataset_digest: dataset[1] } : {}) };
	const r = await call('POST', `${R}/runs/log-metric`, body);
	expect(r.status, JSON.stringify(r.body)).toBe(200);
}

const search = (body: Record<string, unknown>) => call('POST', `${R}/logged-models/search`, { experiment_ids: [exp], ...body });
const names = (r: { body: { models: { info: { name: string } }[] } }) => r.body.models.map((m) => m.info.name);

beforeAll(async () => {
	server = await startTestServer({ staticDir: null, gcGraceMs: 0, gcIntervalMs: 0 });
	exp = (await call('POST', `${R}/experiments/create`, { name: 'models' })).body.experiment_id;
	runId = (await call('POST', `${R}/runs/create`, { experiment_id: exp })).body.run.info.run_id;
});
afterAll(() => server.close());

describe('logged models: lifecycle', () => {
	it('creates a PENDING model under the experiment artifact root, finalizes it, and answers both prefixes', async () => {
		const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
		const r = await call('POST', `${R}/logged-models`, { experiment_id: exp, name: 'clf', model_type: 'sklearn', source_run_id: runId, params, tags: [{ key: 'team', value: 'ml' }] });
		expect(r.status).toBe(200);
		const info = r.body.model.info;
		expect(info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
		expect(info).toMatchObject({ experiment_id: exp, name: 'clf', model_type: 'sklearn', source_run_id: runId, status: 'LOGGED_MODEL_PENDING' });
		expect(info.artifact_uri).toBe(`mlflow-artifacts:/${exp}/models/${info.model_id}/artifacts`);
		expect(r.body.model.data.params).toHaveLength(100);

		// Params beyond the first 100 arrive in batches; a batch over 100 is refused.
		expect((await call('POST', `${R}/logged-models/${info.model_id}/params`, { model_id: info.model_id, params: [{ key: 'p100', value: 'x' }] })).status).toBe(200);
		const tooMany = Array.from({ length: 101 }, (_, i) => ({ key: `q${i}`, value: '1' }));
		expect((await call('POST', `${R}/logged-models/${info.model_id}/params`, { params: tooMany })).body.error_code).toBe('INVALID_PARAMETER_VALUE');

		const done = await call('PATCH', `${R}/logged-models/${info.model_id}`, { model_id: info.model_id, status: 'LOGGED_MODEL_READY' });
		expect(done.body.model.info.status).toBe('LOGGED_MODEL_READY');
		const got = await callJson(server.url, 'GET', `/ajax-api/2.0/mlflow/logged-models/${info.model_id}`);
		expect(got.body.model.data.params).toHaveLength(101);
		expect(got.body.model.info.tags).toEqual([{ key: 'team', value: 'ml' }]);
	});

	it('sets and deletes tags, soft-deletes (get with allow_deleted still finds it, search does not)', async () => {
		const id = await createModel('tagged');
		expect((await call('PATCH', `${R}/logged-models/${id}/tags`, { tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] })).status).toBe(200);
		expect((await call('DELETE', `${R}/logged-models/${id}/tags/a`)).status).toBe(200);
		const missingTag = await call('DELETE', `${R}/logged-models/${id}/tags/a`);
		expect(missingTag).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
		expect((await call('GET', `${R}/logged-models/${id}`)).body.model.info.tags).toEqual([{ key: 'b', value: '2' }]);

		expect((await call('DELETE', `${R}/logged-models/${id}`)).status).toBe(200);
		expect((await call('GET', `${R}/logged-models/${id}`)).status).toBe(404);
		expect((await call('GET', `${R}/logged-models/${id}?allow_deleted=true`)).body.model.info.name).toBe('tagged');
		expect(names(await search({ filter: "name = 'tagged'" }))).toEqual([]);
	});

	it('refuses bad input with MLflow error codes and changes nothing', async () => {
		const before = (await search({ max_results: 1000 })).body.models.length;
		expect((await call('POST', `${R}/logged-models`, { name: 'x' })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await call('POST', `${R}/logged-models`, { experiment_id: '12345', name: 'x' })).status).toBe(404);
		expect((await call('POST', `${R}/logged-models`, { experiment_id: exp, name: 'a/b' })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await call('POST', `${R}/logged-models`, { experiment_id: exp, params: 'nope' })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await call('GET', `${R}/logged-models/m-${'0'.repeat(32)}`)).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
		expect((await call('GET', `${R}/logged-models/not-an-id`)).status).toBe(404);
		const id = await createModel('status-check');
		expect((await call('PATCH', `${R}/logged-models/${id}`, { status: 'BOGUS' })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await call('PATCH', `${R}/logged-models/${id}`, {})).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await call('GET', `${R}/logged-models/${id}`)).body.model.info.status).toBe('LOGGED_MODEL_PENDING');
		expect((await search({ filter: 'nope.x = 1' })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await search({ order_by: [{ field_name: 'params.x' }] })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await call('POST', `${R}/logged-models/search`, {})).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await search({ max_results: 1000 })).body.models.length).toBe(before + 1);
	});
});

describe('logged models: metrics, links and search', () => {
	let a: string, b: string, c: string;
	beforeAll(async () => {
		const e2 = (await call('POST', `${R}/experiments/create`, { name: 'search' })).body.experiment_id;
		exp = e2;
		runId = (await call('POST', `${R}/runs/create`, { experiment_id: exp })).body.run.info.run_id;
		a = await createModel('alpha', { params: [{ key: 'depth', value: '3' }] });
		b = await createModel('beta', { params: [{ key: 'depth', value: '5' }], model_type: 'xgb' });
		c = await createModel('gamma');
		await logModelMetric(a, 'acc', 0.7, ['val', 'd1']);
		await logModelMetric(a, 'acc', 0.95, ['test', 'd2']);
		await logModelMetric(b, 'acc', 0.9, ['val', 'd1']);
		await logModelMetric(c, 'loss', 0.1);
		await call('PATCH', `${R}/logged-models/${b}`, { status: 'LOGGED_MODEL_READY' });
	});

	it('keeps metrics logged with a model_id on the run and on the model (an identical re-log is kept once)', async () => {
		await logModelMetric(b, 'acc', 0.9, ['val', 'd1']);
		const model = (await call('GET', `${R}/logged-models/${b}`)).body.model;
		expect(model.data.metrics).toEqual([{ key: 'acc', value: 0.9, timestamp: 1900, step: 0, model_id: b, dataset_name: 'val', dataset_digest: 'd1', run_id: runId }]);
		const history = await call('GET', `${R}/metrics/get-history?run_id=${runId}&metric_key=acc`);
		expect(history.body.metrics.map((m: { value: number }) => m.value).sort()).toEqual([0.7, 0.9, 0.95]);
		expect((await call('POST', `${R}/runs/log-metric`, { run_id: runId, key: 'acc', value: 1, timestamp: 1, model_id: `m-${'1'.repeat(32)}` })).status).toBe(404);
	});

	it('links runs to the models they produced (outputs) and used (inputs)', async () => {
		expect((await call('POST', `${R}/runs/outputs`, { run_id: runId, models: [{ model_id: a, step: 3 }] })).status).toBe(200);
		expect((await call('POST', `${R}/runs/log-inputs`, { run_id: runId, models: [{ model_id: c }] })).status).toBe(200);
		const run = (await call('GET', `${R}/runs/get?run_id=${runId}`)).body.run;
		expect(run.outputs).toEqual({ model_outputs: [{ model_id: a, step: 3 }] });
		expect(run.inputs.model_inputs).toEqual([{ model_id: c }]);
		expect((await call('POST', `${R}/runs/outputs`, { run_id: runId, models: [] })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
		expect((await call('POST', `${R}/runs/outputs`, { run_id: runId, models: [{ model_id: `m-${'2'.repeat(32)}`, step: 0 }] })).status).toBe(404);
	});

	it('filters on attributes, metrics, params and tags; datasets scope metrics; order_by objects; pages', async () => {
		expect(names(await search({ filter: "name = 'alpha'" }))).toEqual(['alpha']);
		expect(names(await search({ filter: "model_type = 'xgb'" }))).toEqual(['beta']);
		expect(names(await search({ filter: "status = 'READY'" }))).toEqual(['beta']);
		expect(names(await search({ filter: `source_run_id = '${runId}' AND name LIKE '%a'` })).sort()).toEqual(['alpha', 'beta', 'gamma']);
		expect(names(await search({ filter: "params.depth = '5'" }))).toEqual(['beta']);
		// Any acc value counts, as in MLflow's SQL store (the default server backend): alpha's test accuracy (0.95) too.
		expect(names(await search({ filter: 'metrics.acc > 0.8', order_by: [{ field_name: 'metrics.acc', ascending: false }] }))).toEqual(['alpha', 'beta']);
		expect(names(await search({ filter: 'metrics.acc < 0.8' }))).toEqual(['alpha']);
		// With a dataset, only metrics on it count: alpha's test accuracy (0.95) passes.
		expect(names(await search({ filter: 'metrics.acc > 0.8', datasets: [{ dataset_name: 'test' }] }))).toEqual(['alpha']);
		expect(names(await search({ datasets: [{ dataset_name: 'val', dataset_digest: 'd1' }] })).sort()).toEqual(['alpha', 'beta']);
		// Latest acc per model, best first; a model without it sorts last.
		const ordered = await search({ order_by: [{ field_name: 'metrics.acc', ascending: false }] });
		expect(names(ordered)).toEqual(['alpha', 'beta', 'gamma']);
		expect(names(await search({ order_by: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'val' }] }))).toEqual(['beta', 'alpha', 'gamma']);
		expect(names(await search({ order_by: [{ field_name: 'name', ascending: true }] }))).toEqual(['alpha', 'beta', 'gamma']);

		const first = await search({ max_results: 2, order_by: [{ field_name: 'name' }] });
		expect(names(first)).toEqual(['alpha', 'beta']);
		const second = await search({ max_results: 2, order_by: [{ field_name: 'name' }], page_token: first.body.next_page_token });
		expect(names(second)).toEqual(['gamma']);
		expect(second.body.next_page_token).toBeUndefined();
	});

	it('shows headers live to a y-websocket client of exp/<id>/models', async () => {
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', docNames.models(exp), doc, { WebSocketPolyfill: WebSocket as never });
		try {
			if (!provider.synced) await once(provider, 'sync');
			const id = await createModel('live-one');
			await waitFor(() => readLoggedModels(doc, exp).some((m) => m.modelId === id && m.name === 'live-one'), { what: 'the new model header' });
		} finally {
			provider.destroy();
			doc.destroy();
		}
	});
});

describe('logged models: artifacts', () => {
	it('stores model files in the blob store (deduplicated), lists and downloads them, and GC keeps them', async () => {
		const id = await createModel('with-files');
		const base = `${server.url}/api/2.0/mlflow-artifacts/artifacts/${exp}/models/${id}/artifacts`;
		const bytes = new TextEncoder().encode('artifact_path: model\nflavors: {}\n');
		for (const p of ['MLmodel', 'copy/MLmodel']) expect((await fetch(`${base}/${p}`, { method: 'PUT', body: bytes })).status).toBe(200);
		const listing = await (await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts?path=${exp}/models/${id}/artifacts`)).json();
		expect(listing.files).toEqual([
			{ path: 'MLmodel', is_dir: false, file_size: bytes.length },
			{ path: 'copy', is_dir: true }
		]);
		const dirs = await call('GET', `/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/directories?artifact_directory_path=copy`);
		expect(dirs.body.files).toEqual([{ path: 'copy/MLmodel', is_dir: false, file_size: bytes.length }]);
		const file = await fetch(`${server.url}/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/files?artifact_file_path=MLmodel`);
		expect(await file.text()).toBe('artifact_path: model\nflavors: {}\n');
		expect((await fetch(`${base}/MLmodel`)).status).toBe(200);
		// The wrong experiment or a traversal is refused.
		expect((await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/models/${id}/artifacts/MLmodel`)).status).toBe(404);
		expect((await fetch(`${base}/a%2F..%2F..%2Fx`, { method: 'PUT', body: bytes })).status).toBe(400);

		const gc = await call('POST', '/api/admin/gc');
		expect(gc.status).toBe(200);
		expect(gc.body.deleted).toBe(0);
		expect(await (await fetch(`${base}/copy/MLmodel`)).text()).toContain('artifact_path');
	});
});
