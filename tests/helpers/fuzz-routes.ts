// Every JSON route family the HTTP fuzz aims at — the native API and the MLflow API (experiments, runs, metrics,
// logged models, registered models, model versions, registry governance, webhook listing) — each as one valid request built around the sentinels; the
// fuzz mutates them. Routes that delete or rename name the victims, so the sentinels stay readable.
import type { FuzzJson } from './fuzz-values';
import type { Sentinels, Victims } from './fuzz-sentinels';

export interface RouteTemplate {
	/** e.g. 'mlflow runs', 'native', 'registry' */
	family: string;
	method: string;
	/** Path below the prefix; MLflow paths get /api/2.0/mlflow or /ajax-api/2.0/mlflow in front. */
	path: string;
	mlflow: boolean;
	message: Record<string, FuzzJson>;
}

const kv = (key: string, value: FuzzJson) => ({ key, value });

export function listRouteTemplates(s: Sentinels): RouteTemplate[] {
	const v: Victims = s.victims;
	const E = s.experimentId;
	const R = s.runId;
	const LM = s.loggedModelId;
	const M = s.modelName;
	const t = (family: string, method: string, path: string, message: Record<string, FuzzJson> = {}, mlflow = true): RouteTemplate => ({ family, method, path, mlflow, message });
	const point = { key: 'loss', value: 0.5, timestamp: 1_700_000_000_000, step: 4 };
	return [
		t('mlflow experiments', 'POST', 'experiments/create', { name: 'fuzz-new', artifact_location: 'mlflow-artifacts:/x', tags: [kv('a', 'b')] }),
		t('mlflow experiments', 'GET', 'experiments/get', { experiment_id: E }),
		t('mlflow experiments', 'GET', 'experiments/get-by-name', { experiment_name: s.experimentName }),
		t('mlflow experiments', 'POST', 'experiments/search', { max_results: 10, filter: "name LIKE 'fuzz%'", order_by: ['name ASC'], view_type: 'ALL', page_token: '' }),
		t('mlflow experiments', 'POST', 'experiments/search-datasets', { experiment_ids: [E] }),
		t('mlflow experiments', 'POST', 'experiments/update', { experiment_id: v.experimentId, new_name: 'fuzz-renamed' }),
		t('mlflow experiments', 'POST', 'experiments/delete', { experiment_id: v.experimentId }),
		t('mlflow experiments', 'POST', 'experiments/restore', { experiment_id: v.experimentId }),
		t('mlflow experiments', 'POST', 'experiments/set-experiment-tag', { experiment_id: E, key: 'k', value: 'v' }),
		t('mlflow experiments', 'POST', 'experiments/delete-experiment-tag', { experiment_id: v.experimentId, key: 'k' }),
		t('mlflow runs', 'POST', 'runs/create', { experiment_id: E, user_id: 'u', start_time: 1_700_000_000_000, run_name: 'r', tags: [kv('t', '1')] }),
		t('mlflow runs', 'GET', 'runs/get', { run_id: R }),
		t('mlflow runs', 'POST', 'runs/update', { run_id: v.runId, status: 'FINISHED', end_time: 1_700_000_000_001, run_name: 'renamed' }),
		t('mlflow runs', 'POST', 'runs/delete', { run_id: v.runId }),
		t('mlflow runs', 'POST', 'runs/restore', { run_id: v.runId }),
		t('mlflow runs', 'POST', 'runs/search', { experiment_ids: [E], filter: "metrics.loss < 1 and params.lr = '0.1'", run_view_type: 'ACTIVE_ONLY', max_results: 5, order_by: ['metrics.loss DESC'], page_token: '' }),
		t('mlflow runs', 'POST', 'runs/log-metric', { run_id: R, ...point }),
		t('mlflow runs', 'POST', 'runs/log-parameter', { run_id: R, key: 'p2', value: 'x' }),
		t('mlflow runs', 'POST', 'runs/set-tag', { run_id: R, key: 'kind', value: 'y' }),
		t('mlflow runs', 'POST', 'runs/delete-tag', { run_id: v.runId, key: 'kind' }),
		t('mlflow runs', 'POST', 'runs/log-batch', { run_id: R, metrics: [point], params: [kv('p3', 'v')], tags: [kv('t2', 'v')] }),
		t('mlflow runs', 'POST', 'runs/log-inputs', { run_id: R, datasets: [{ dataset: { name: 'd', digest: 'abc', source_type: 'local', source: '{}' }, tags: [kv('mlflow.data.context', 'train')] }] }),
		t('mlflow runs', 'POST', 'runs/outputs', { run_id: R, models: [{ model_id: LM, step: 1 }] }),
		t('mlflow runs', 'POST', 'runs/log-model', { run_id: R, model_json: JSON.stringify({ artifact_path: 'model', flavors: {} }) }),
		t('mlflow metrics', 'GET', 'metrics/get-history', { run_id: R, metric_key: 'loss', max_results: 10, page_token: '' }),
		t('mlflow metrics', 'GET', 'metrics/get-history-bulk', { run_id: [R], metric_key: 'loss', max_results: 10 }),
		t('mlflow metrics', 'GET', 'metrics/get-history-bulk-interval', { run_ids: [R], metric_key: 'loss', start_step: 0, end_step: 10, max_results: 5 }),
		t('mlflow logged models', 'POST', 'logged-models', { experiment_id: E, name: 'lm', model_type: 't', source_run_id: R, params: [kv('a', '1')], tags: [kv('b', '2')] }),
		t('mlflow logged models', 'POST', 'logged-models/search', { experiment_ids: [E], filter: "name = 'fuzz-logged'", max_results: 5, order_by: [{ field_name: 'name', ascending: true }], page_token: '' }),
		t('mlflow logged models', 'GET', `logged-models/${LM}`, { allow_deleted: 'true' }),
		t('mlflow logged models', 'PATCH', `logged-models/${v.loggedModelId}`, { status: 'LOGGED_MODEL_READY' }),
		t('mlflow logged models', 'DELETE', `logged-models/${v.loggedModelId}`),
		t('mlflow logged models', 'PATCH', `logged-models/${LM}/tags`, { tags: [kv('c', '3')] }),
		t('mlflow logged models', 'DELETE', `logged-models/${v.loggedModelId}/tags/c`),
		t('mlflow logged models', 'POST', `logged-models/${LM}/params`, { params: [kv('d', '4')] }),
		t('registry models', 'POST', 'registered-models/create', { name: 'fuzz-new-model', tags: [kv('a', 'b')], description: 'd' }),
		t('registry models', 'GET', 'registered-models/get', { name: M }),
		t('registry models', 'POST', 'registered-models/rename', { name: v.modelName, new_name: 'fuzz-renamed-model' }),
		t('registry models', 'PATCH', 'registered-models/update', { name: M, description: 'new' }),
		t('registry models', 'DELETE', 'registered-models/delete', { name: v.modelName }),
		t('registry models', 'GET', 'registered-models/search', { filter: "name LIKE 'fuzz%'", max_results: 5, order_by: ['name ASC'], page_token: '' }),
		t('registry models', 'POST', 'registered-models/get-latest-versions', { name: M, stages: ['None', 'Production'] }),
		t('registry models', 'POST', 'registered-models/set-tag', { name: M, key: 'k', value: 'v' }),
		t('registry models', 'DELETE', 'registered-models/delete-tag', { name: v.modelName, key: 'k' }),
		t('registry models', 'POST', 'registered-models/alias', { name: M, alias: 'champion', version: '1' }),
		t('registry models', 'DELETE', 'registered-models/alias', { name: v.modelName, alias: 'champion' }),
		t('registry models', 'GET', 'registered-models/alias', { name: M, alias: 'champion' }),
		t('registry versions', 'POST', 'model-versions/create', { name: M, source: `runs:/${R}/dir`, run_id: R, tags: [kv('a', 'b')], run_link: '', description: 'd' }),
		t('registry versions', 'GET', 'model-versions/get', { name: M, version: '1' }),
		t('registry versions', 'PATCH', 'model-versions/update', { name: M, version: '1', description: 'new' }),
		t('registry versions', 'POST', 'model-versions/transition-stage', { name: M, version: '1', stage: 'Staging', archive_existing_versions: false }),
		t('registry versions', 'DELETE', 'model-versions/delete', { name: v.modelName, version: '1' }),
		t('registry versions', 'GET', 'model-versions/search', { filter: `name = '${M}'`, max_results: 5, order_by: ['version_number DESC'], page_token: '' }),
		t('registry versions', 'GET', 'model-versions/get-download-uri', { name: M, version: '1' }),
		t('registry versions', 'POST', 'model-versions/set-tag', { name: M, version: '1', key: 'k', value: 'v' }),
		t('registry versions', 'DELETE', 'model-versions/delete-tag', { name: v.modelName, version: '1', key: 'k' }),
		t('registry governance', 'GET', `/api/registry/models/${M}/timeline`, { at: '1700000000000' }, false),
		t('registry governance', 'PUT', `/api/registry/models/${v.modelName}/protection`, { stages: ['Archived'], aliases: ['guarded'] }, false),
		t('registry governance', 'POST', `/api/registry/models/${M}/requests`, { kind: 'stage', version: '1', stage: 'Production', archive_existing_versions: false }, false),
		t('registry governance', 'GET', `/api/registry/models/${M}/requests`, {}, false),
		t('webhooks', 'GET', 'webhooks', { max_results: 10, page_token: '' }),
		t('native', 'POST', '/api/experiments', { name: 'fuzz-native', tags: { a: 'b' }, artifact_location: 'mlflow-artifacts:/n' }, false),
		t('native', 'GET', '/api/experiments', {}, false),
		t('native', 'GET', `/api/experiments/${E}`, {}, false),
		t('native', 'GET', `/api/experiments/${E}/runs`, {}, false),
		t('native', 'GET', `/api/experiments/${E}/first-screen`, { q: 'metrics.loss < 1', sort: '-metrics.loss', group: 'params.lr', deleted: '1', limit: '50' }, false),
		t('native', 'POST', '/api/runs', { experiment_id: E, run_name: 'n', start_time: 1_700_000_000_000, user: 'u', tags: { a: 'b' }, params: { p: '1' } }, false),
		t('native', 'GET', `/api/runs/${R}`, {}, false),
		t('native', 'POST', `/api/runs/${R}/log`, { batch_id: 'b-1', metrics: [point], params: { q: '1' }, tags: { t: '1' } }, false),
		t('native', 'POST', `/api/runs/${v.runId}/end`, { status: 'FINISHED', end_time: 1_700_000_000_002 }, false),
		t('native', 'GET', `/api/runs/${R}/metrics/loss`, {}, false)
	];
}
