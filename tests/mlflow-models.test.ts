// MLflow models against the real server with the official clients: 3.x logged models (mlflow 3.17.2: log_model,
// every load URI, registration, search, MlflowClient calls, evaluate) and 2.x run-artifact models (mlflow 2.15.0:
// log_model, runs/log-model history, load), plus the REST errors clients branch on. Scripts in tests/python/models_*.py.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON_2X, runPython, type PythonResult } from './helpers/python';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';

let server: TestServer;
const R = '/api/2.0/mlflow';
const call = (method: string, p: string, body?: unknown) => callJson(server.url, method, p, { body });
const MODEL_ID = /^m-[0-9a-f]{32}$/;
const RUN_ID = /^[0-9a-f]{32}$/;

function assertPythonOk(r: PythonResult) {
	expect(r.code, `python failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
	expect(r.json, `no JSON line:\n${r.stdout}`).not.toBeNull();
}

beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
});
afterAll(async () => {
	await server?.close();
});

describe('MLflow 3.x logged models with the official client (mlflow 3.17.2)', () => {
	it('logs a sklearn model (signature, example, pip requirements, registration) and loads it back through every URI', async () => {
		const r = await runPython('models_log_load.py', server.url, { args: ['ll'], timeoutMs: 300_000 });
		assertPythonOk(r);
		const out = r.json as { model_id: string; run_id: string };
		const id = out.model_id;
		const same = { sklearn_equal: true, pyfunc_equal: true, pyfunc_model_id: id };
		const version = { source: `models:/${id}`, run_id: out.run_id, status: 'READY' };
		expect(r.json).toEqual({
			model_id: expect.stringMatching(MODEL_ID),
			model_uri: `models:/${id}`,
			run_id: expect.stringMatching(RUN_ID),
			registered_version: '1',
			logged: {
				name: 'clf',
				status: 'READY',
				source_run_id: out.run_id,
				experiment_id: expect.stringMatching(/^\d+$/),
				artifact_location: expect.stringMatching(new RegExp(`^mlflow-artifacts:/\\d+/models/${id}/artifacts$`)),
				params: { C: '1.0', max_iter: '500' },
				// _register_model tags the model per registration; create_model_version (v4) does not
				model_versions_tag: ['1', '2', '3'].map((v) => ({ name: 'll-iris', version: v })),
				metrics: [['train_acc', expect.closeTo(0.9733, 3)]]
			},
			loads: { runs: same, model_id: same, version: same, alias: same, stage: same },
			versions: { '1': version, '2': version, '3': version, '4': version },
			new_versions: ['2', '3', '4'],
			files: ['MLmodel', 'conda.yaml', 'input_example.json', 'model.skops', 'python_env.yaml', 'requirements.txt', 'serving_input_example.json'],
			signature: { inputs: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'], outputs: ['tensor'] },
			flavors: ['python_function', 'sklearn'],
			mlmodel_model_id: id,
			requirements: ['scikit-learn', 'pandas'],
			example_equal: true,
			run: {
				inputs: [{ name: 'iris', source_type: 'code', context: 'training', profile_rows: 150 }],
				outputs: [id],
				params: { C: '1.0', max_iter: '500' }
			}
		});
		// The 3.17 client drops a version's model_id when it parses one; the server keeps it on every version.
		for (const v of ['1', '2', '3', '4']) {
			const got = await call('GET', `${R}/model-versions/get?name=ll-iris&version=${v}`);
			expect(got.body.model_version).toMatchObject({ model_id: id, source: `models:/${id}`, run_id: out.run_id });
		}
		const alias = await call('GET', `${R}/registered-models/alias?name=ll-iris&alias=champion`);
		expect(alias.body.model_version).toMatchObject({ version: '1', current_stage: 'Production', aliases: ['champion'] });
	}, 360_000);

	it('searches logged models (filters, datasets, order_by objects, pages) and runs every MlflowClient model call', async () => {
		const r = await runPython('models_search.py', server.url, { args: ['sr'], timeoutMs: 180_000 });
		assertPythonOk(r);
		expect(r.json).toMatchObject({
			searches: {
				all_default_order: ['c', 'b', 'a'],
				metric_gt: ['a'],
				metric_on_eval: ['c', 'b'],
				metric_on_eval_digest: ['c', 'b', 'a'],
				params: ['c', 'a'],
				name: ['b'],
				name_and_param: ['c'],
				tags: ['c', 'b', 'a'],
				order_eval_desc: ['b', 'c', 'a'],
				order_train_asc: ['b', 'c', 'a'],
				order_name_desc: ['c', 'b', 'a'],
				max_results: ['a', 'b']
			},
			pages: [['a', 'b'], ['c']],
			model: {
				pending: 'PENDING',
				status: 'FAILED',
				tags: { owner: 'ada' },
				param_count: 150,
				p149: '149',
				model_type: 'clf',
				allow_deleted: [true, 'd'],
				search_after_delete: []
			},
			errors: {
				get_deleted: 'RESOURCE_DOES_NOT_EXIST',
				unknown_id: 'RESOURCE_DOES_NOT_EXIST',
				bad_filter: 'INVALID_PARAMETER_VALUE',
				unknown_experiment: 'RESOURCE_DOES_NOT_EXIST',
				delete_missing_tag: 'RESOURCE_DOES_NOT_EXIST'
			}
		});
		// Each model's metrics keep the run and dataset they were logged with.
		const { ids, run_id } = r.json as { ids: Record<string, string>; run_id: string };
		const b = await call('GET', `${R}/logged-models/${ids.b}`);
		const metrics = b.body.model.data.metrics.map((m: { key: string; value: number; dataset_name: string; run_id: string }) => [m.key, m.value, m.dataset_name, m.run_id]);
		expect(metrics).toEqual([
			['acc', 0.9, 'eval', run_id],
			['acc', 0.85, 'train', run_id]
		]);
	}, 240_000);

	it('evaluates a models:/ URI: metrics on the run and on the logged model, plots on the run, the dataset as input', async () => {
		const r = await runPython('models_evaluate.py', server.url, { args: ['ev'], timeoutMs: 300_000 });
		assertPythonOk(r);
		const out = r.json as { expected_accuracy: number; model_id: string; eval_run_id: string };
		const acc = out.expected_accuracy;
		expect(acc).toBeGreaterThan(0.9);
		const onModel = (value: unknown) => ({ value, run_id: out.eval_run_id, dataset: 'dataset', digest: expect.any(String) });
		expect(r.json).toMatchObject({
			result_accuracy: acc,
			run_metrics: { accuracy_score: acc, f1_score: expect.any(Number), roc_auc: expect.any(Number), example_count: 569 },
			model_metrics: { accuracy_score: onModel(acc), f1_score: onModel(expect.any(Number)), example_count: onModel(569) },
			searched: [out.model_id],
			model_inputs: [out.model_id],
			registered: `models:/${out.model_id}`
		});
		const { artifacts, inputs, run_metrics, model_metrics } = r.json as {
			artifacts: string[];
			inputs: { digest: string }[];
			run_metrics: Record<string, number>;
			model_metrics: Record<string, { value: number; digest: string }>;
		};
		expect(model_metrics.f1_score.value).toBe(run_metrics.f1_score);
		expect(artifacts).toEqual(expect.arrayContaining(['confusion_matrix.png', 'roc_curve_plot.png', 'precision_recall_curve_plot.png']));
		expect(inputs).toEqual([{ context: null, digest: model_metrics.accuracy_score.digest, name: 'dataset' }]);
	}, 360_000);

	it('answers bad logged-model requests with MLflow error codes', async () => {
		const unknown = 'm-' + '0'.repeat(32);
		expect(await call('POST', `${R}/logged-models`, { name: 'x' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
		expect(await call('POST', `${R}/logged-models`, { experiment_id: '0', name: 'a/b' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
		expect(await call('GET', `${R}/logged-models/${unknown}`)).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
		const created = await call('POST', `${R}/logged-models`, { experiment_id: '0', name: 'raw' });
		expect(created.body.model.info).toMatchObject({ name: 'raw', status: 'LOGGED_MODEL_PENDING', model_id: expect.stringMatching(MODEL_ID) });
		const id = created.body.model.info.model_id;
		expect(await call('PATCH', `${R}/logged-models/${id}`, { model_id: id, status: 'BOGUS' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
		expect(await call('PATCH', `${R}/logged-models/${id}`, { model_id: id })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
		expect(await call('POST', `${R}/logged-models/search`, { experiment_ids: ['0'], filter: 'metrics.x >' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
		const ready = await call('PATCH', `${R}/logged-models/${id}`, { model_id: id, status: 'LOGGED_MODEL_READY' });
		expect(ready).toMatchObject({ status: 200, body: { model: { info: { status: 'LOGGED_MODEL_READY' } } } });
	});
});

describe('MLflow 2.x models with the official client (mlflow 2.15.0)', () => {
	it('log_model stores the model among the run artifacts, records it in mlflow.log-model.history, and loads back', async () => {
		const r = await runPython('models_2x.py', server.url, { args: ['two'], python: PYTHON_2X, timeoutMs: 300_000 });
		assertPythonOk(r);
		const runId = (r.json as { run_id: string }).run_id;
		expect(r.json).toEqual({
			mlflow_version: '2.15.0',
			run_id: expect.stringMatching(RUN_ID),
			model_uri: `runs:/${runId}/model`,
			artifacts: ['MLmodel', 'conda.yaml', 'input_example.json', 'model.pkl', 'python_env.yaml', 'requirements.txt', 'serving_input_payload.json'].map((f) => `model/${f}`),
			history: [{ run_id: runId, artifact_path: 'model', flavors: ['python_function', 'sklearn'], has_time: true }],
			loads: { runs: { sklearn_equal: true, pyfunc_equal: true }, version: { sklearn_equal: true, pyfunc_equal: true } },
			version: { source: expect.stringMatching(new RegExp(`^mlflow-artifacts:/\\d+/${runId}/artifacts/model$`)), run_id: runId, status: 'READY' }
		});
	}, 360_000);

	it('runs/log-model appends each model to the history tag and refuses what MLflow refuses', async () => {
		const run = (await call('POST', `${R}/runs/create`, { experiment_id: '0' })).body.run.info.run_id;
		const model = (path: string) => ({ artifact_path: path, flavors: { sklearn: { v: 'é' } }, utc_time_created: '2024-07-01 00:00:00.000000', run_id: run });
		for (const p of ['m1', 'm2']) expect(await call('POST', `${R}/runs/log-model`, { run_id: run, model_json: JSON.stringify(model(p)) })).toEqual({ status: 200, body: {} });
		const tags = (await call('GET', `${R}/runs/get?run_id=${run}`)).body.run.data.tags as { key: string; value: string }[];
		const history = tags.find((t) => t.key === 'mlflow.log-model.history')!.value;
		expect(JSON.parse(history)).toEqual([model('m1'), model('m2')]);
		const bad = (model_json: string) => call('POST', `${R}/runs/log-model`, { run_id: run, model_json });
		expect(await bad('{"artifact_path": "m"}')).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'flavors'") } });
		expect(await bad('{nope')).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('is not a valid JSON') } });
		expect(await call('POST', `${R}/runs/log-model`, { run_id: 'f'.repeat(32), model_json: JSON.stringify(model('x')) })).toMatchObject({ status: 404 });
	});
});
