// Logged models (MLflow 3.x) in headless Chromium against the real server, created through the MLflow REST routes:
// the experiment's Models view lists, filters and sorts them (URL-kept); a model's page shows its signature, input
// example, metrics per dataset and artifacts; the run page lists the model it logged and the datasets it used; and
// a version registered in one browser (from a model, and from a run's model folder) shows in another without reload.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';

const e2e = useE2e();
const R = '/api/2.0/mlflow';

const MLMODEL = [
	'artifact_path: model',
	'flavors:',
	'  python_function:',
	'    loader_module: mlflow.sklearn',
	'    model_path: model.pkl',
	'  sklearn:',
	'    pickled_model: model.pkl',
	'    sklearn_version: 1.5.0',
	'mlflow_version: 3.1.0',
	'saved_input_example_info:',
	'  artifact_path: input_example.json',
	'  type: dataframe',
	'signature:',
	`  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":`,
	`    "string", "name": "species", "required": false}]'`,
	`  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'`,
	'  params: null'
].join('\n');
const EXAMPLE = JSON.stringify({ columns: ['sepal length (cm)', 'species'], data: [[5.1, 'setosa'], [6.2, 'virginica']] });

async function put(path: string, body: string): Promise<void> {
	const res = await fetch(`${e2e.server.url}/api/2.0/mlflow-artifacts/artifacts/${path}`, { method: 'PUT', body });
	if (!res.ok) throw new Error(`PUT ${path} → ${res.status} ${await res.text()}`);
}

async function call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
	const r = await callJson(e2e.server.url, method, path, { body });
	if (r.status !== 200) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
	return r.body;
}

interface Logged {
	expId: string;
	runId: string;
	modelId: string;
}

/** A run that logs a ready sklearn model with files, an `acc` metric on a dataset, and a dataset input. */
async function logModel(experiment: string, runName: string, name: string, acc: number): Promise<Logged> {
	const { run_id: runId, experiment_id: expId } = await e2e.post<{ run_id: string; experiment_id: string }>('/api/runs', { experiment_name: experiment, run_name: runName });
	const { model } = await call('POST', `${R}/logged-models`, { experiment_id: expId, name, source_run_id: runId, tags: [{ key: 'team', value: 'vision' }] });
	const modelId: string = model.info.model_id;
	const base = `${expId}/models/${modelId}/artifacts`;
	await put(`${base}/MLmodel`, MLMODEL);
	await put(`${base}/input_example.json`, EXAMPLE);
	await put(`${base}/requirements.txt`, 'mlflow==3.1.0\nscikit-learn==1.5.0\n');
	await put(`${base}/model.pkl`, 'not really a pickle');
	await call('PATCH', `${R}/logged-models/${modelId}`, { model_id: modelId, status: 'LOGGED_MODEL_READY' });
	await call('POST', `${R}/runs/log-metric`, { run_id: runId, key: 'acc', value: acc, timestamp: 1000, step: 1, model_id: modelId, dataset_name: 'iris-test', dataset_digest: 'd1' });
	await call('POST', `${R}/runs/outputs`, { run_id: runId, models: [{ model_id: modelId, step: 1 }] });
	const dataset = { name: 'iris-train', digest: 'abc123', source_type: 'local', source: '{"uri": "/data/iris.csv"}', schema: '{"mlflow_colspec": []}' };
	await call('POST', `${R}/runs/log-inputs`, { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }] });
	return { expId, runId, modelId };
}

/** Opens `path` and waits until the connection badge says Live. */
async function openLive(page: Page, path: string): Promise<void> {
	await page.goto(`${e2e.server.url}${path}`);
	await waitForText(page, 'header [role=status]', 'Live', 15_000);
}

const cellTexts = (page: Page, col: string) => page.locator(`[data-testid=models-view] tbody td[data-col="${col}"]`).allTextContents();
const names = (page: Page) => page.locator('[data-testid=models-view] tbody td.name').allTextContents();

describe('logged models [e2e]', () => {
	let first: Logged;
	let second: Logged;

	it('lists an experiment’s models on its Models tab: run names, flavors, metrics; filters and sorts, kept in the URL', async () => {
		first = await logModel('lm-e2e', 'train-clf', 'clf', 0.95);
		second = await logModel('lm-e2e', 'train-baseline', 'baseline', 0.7);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/experiments/${first.expId}`);
			await page.click('[data-testid=tab-models]');
			await page.waitForSelector(`tr[data-model-id="${first.modelId}"]`);
			await page.waitForSelector(`tr[data-model-id="${second.modelId}"]`);
			expect(new URL(page.url()).searchParams.get('tab')).toBe('models');
			// Newest first by default; the source run by name, linked.
			expect(await names(page)).toEqual(['baseline', 'clf']);
			expect(await cellTexts(page, 'run')).toEqual(['train-baseline', 'train-clf']);
			expect(await page.locator(`tr[data-model-id="${first.modelId}"] td[data-col=run] a`).getAttribute('href')).toBe(`/runs/${first.runId}`);
			await waitForText(page, `tr[data-model-id="${first.modelId}"] td[data-col=flavors]`, 'sklearn, python_function');
			await waitForText(page, `tr[data-model-id="${first.modelId}"] td[data-col=status]`, 'Ready');

			await page.click('th[data-col="metrics.acc"] button');
			await page.waitForFunction(() => document.querySelector('th[data-col="metrics.acc"]')?.getAttribute('aria-sort') === 'descending');
			expect(await names(page)).toEqual(['clf', 'baseline']);
			expect(await cellTexts(page, 'metrics.acc')).toEqual(['0.95', '0.7']);
			await page.click('th[data-col="metrics.acc"] button');
			await page.waitForFunction(() => document.querySelector('th[data-col="metrics.acc"]')?.getAttribute('aria-sort') === 'ascending');
			expect(await names(page)).toEqual(['baseline', 'clf']);
			await page.waitForFunction(() => new URL(location.href).searchParams.get('msort') === 'metrics.acc');

			await page.fill('[data-testid=models-filter]', 'metrics.acc > 0.9');
			await waitForText(page, '[data-testid=model-count]', '1 of 2 models');
			expect(await names(page)).toEqual(['clf']);
			await page.fill('[data-testid=models-filter]', 'baseline');
			await waitForText(page, '[data-testid=model-count]', '1 of 2 models');
			expect(await names(page)).toEqual(['baseline']);
			await page.waitForFunction(() => new URL(location.href).searchParams.get('mq') === 'baseline');

			// A reload keeps the tab, the filter and the sort.
			await page.reload();
			await page.waitForSelector(`tr[data-model-id="${second.modelId}"]`);
			expect(await page.inputValue('[data-testid=models-filter]')).toBe('baseline');
			expect(await page.locator('th[data-col="metrics.acc"]').getAttribute('aria-sort')).toBe('ascending');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('shows a model’s page: header, flavors, signature, input example, requirements, metrics per dataset, artifacts, tags', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openLive(page, `/experiments/${first.expId}/models/${first.modelId}`);
			await waitForText(page, '[data-testid=model-name]', 'clf');
			await waitForText(page, '[data-testid=source-run]', 'train-clf');
			await waitForText(page, '[data-testid=flavors] .flavor', 'sklearn');
			const inputs = await page.locator('[data-testid=signature-inputs] tbody tr').allInnerTexts();
			expect(inputs.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['sepal length (cm) double required', 'species string optional']);
			await waitForText(page, '[data-testid=signature-outputs] tbody td.type', 'int64 (-1)');
			expect(await page.locator('[data-testid=input-example] tbody tr').count()).toBe(2);
			await waitForText(page, '[data-testid=input-example] tbody tr:first-child td:last-child', 'setosa');
			expect(await page.locator('[data-testid=requirements] li').allTextContents()).toEqual(['mlflow==3.1.0', 'scikit-learn==1.5.0']);
			await waitForText(page, '[data-testid=model-metrics] tr[data-metric=acc][data-dataset=iris-test] td.value', '0.95');
			expect(await page.locator('[data-testid=load-snippet]').textContent()).toContain(`mlflow.sklearn.load_model("models:/${first.modelId}")`);
			await page.waitForSelector('.tree button[data-path="MLmodel"]');
			await page.click('.tree button[data-path="input_example.json"]');
			await page.waitForSelector('.pane [data-kind=json]');

			// A tag edited here reaches the server's model.
			await page.fill('input[aria-label="New tag key"]', 'stage');
			await page.fill('input[aria-label="New tag value"]', 'candidate');
			await page.press('input[aria-label="New tag value"]', 'Enter');
			await expect
				.poll(async () => (await call('GET', `${R}/logged-models/${first.modelId}`)).model.info.tags, { timeout: 10_000 })
				.toContainEqual({ key: 'stage', value: 'candidate' });
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('lists on the run page the model it logged (linked) and the datasets it used', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openLive(page, `/runs/${first.runId}`);
			const link = page.locator(`[data-testid=run-models] tr[data-model-id="${first.modelId}"] a`).first();
			await waitForText(page, `[data-testid=run-models] tr[data-model-id="${first.modelId}"] a`, 'clf');
			expect(await link.getAttribute('href')).toBe(`/experiments/${first.expId}/models/${first.modelId}`);
			await waitForText(page, '[data-testid=run-datasets] tr[data-dataset=iris-train] td.name', 'iris-train');
			const row = (await page.locator('[data-testid=run-datasets] tr[data-dataset=iris-train]').textContent())!.replace(/\s+/g, ' ');
			expect(row).toContain('abc123');
			expect(row).toContain('train');
			expect(row).toContain('local');
			expect(await page.locator('[data-testid=run-datasets] summary').first().textContent()).toBe('Schema');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('registers from the app in one browser (a logged model, then a run’s model folder); another shows the versions live', async () => {
		await put(`${first.expId}/${first.runId}/artifacts/model/MLmodel`, MLMODEL);
		const a = await openTestPage(e2e.browser);
		const b = await openTestPage(e2e.browser);
		try {
			await openLive(b.page, `/runs/${first.runId}`);
			await waitForText(b.page, `[data-testid=run-models] tr[data-model-id="${first.modelId}"] td:last-child`, '—');
			await openLive(a.page, `/experiments/${first.expId}/models/${first.modelId}`);
			await a.page.click('[data-testid=register-model]');
			await a.page.fill('[data-testid=register-dialog] input[name=model-name]', 'e2e-clf');
			await waitForText(a.page, '[data-testid=register-hint]', 'Creates the registered model e2e-clf with version 1.');
			await a.page.click('[data-testid=register-dialog] button[type=submit]');
			await waitForText(a.page, '[data-testid=registered]', 'Registered e2e-clf version 1.');
			expect(await a.page.locator('[data-testid=registered] a').getAttribute('href')).toBe('/models/e2e-clf/1');
			await a.page.click('[data-testid=register-dialog] button.primary');
			await waitForText(a.page, '[data-testid=model-overview] [data-testid=registered-versions] a, [data-testid=registered-versions] a', 'e2e-clf v1');

			// Browser B, on the run page, sees it without a reload.
			await waitForText(b.page, `[data-testid=run-models] tr[data-model-id="${first.modelId}"] [data-testid=registered-versions] a`, 'e2e-clf v1');

			// Now from B: the run's model folder becomes version 2 of the same model; A's page is not about it, the API is.
			await b.page.click('.tree button[data-register="model"]');
			await b.page.fill('[data-testid=register-dialog] input[name=model-name]', 'e2e-clf');
			await waitForText(b.page, '[data-testid=register-hint]', 'Adds version 2 to e2e-clf.');
			await b.page.click('[data-testid=register-dialog] button[type=submit]');
			await waitForText(b.page, '[data-testid=registered]', 'Registered e2e-clf version 2.');
			await b.page.click('[data-testid=register-dialog] button.primary');
			await waitForText(b.page, '.folders [data-testid=registered-versions] a', 'e2e-clf v2');

			await expect
				.poll(async () => (await callJson(e2e.server.url, 'GET', `${R}/model-versions/get?name=e2e-clf&version=2`)).body?.model_version?.source, { timeout: 10_000 })
				.toBe(`runs:/${first.runId}/model`);
			const v1 = (await call('GET', `${R}/model-versions/get?name=e2e-clf&version=1`)).model_version;
			expect(v1).toMatchObject({ source: `models:/${first.modelId}`, run_id: first.runId, model_id: first.modelId });

			// The experiment's Models view in A shows the registered version beside the model.
			await a.page.goto(`${e2e.server.url}/experiments/${first.expId}?tab=models`);
			await waitForText(a.page, `tr[data-model-id="${first.modelId}"] td[data-col=versions]`, 'e2e-clf v1');
			expect([...a.errors, ...b.errors]).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
	});
});
