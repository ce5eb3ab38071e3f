// A model version's page in headless Chromium against the real server: stage, aliases, the source run by name, the
// signature, flavors, requirements and MLmodel read from the model folder, the artifacts; a logged model's version links its page; stage, alias
// and description edits in the page reach the REST API; versions on the model page open it.
import { describe, expect, it } from 'vitest';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const R = '/api/2.0/mlflow';
const MODEL = 'e2e-iris';

// An MLmodel as mlflow 3 writes it: the signature's JSON folded over lines by PyYAML.
const MLMODEL = `artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
    model_path: model.pkl
  sklearn:
    pickled_model: model.pkl
    sklearn_version: 1.5.0
mlflow_version: 3.1.0
signature:
  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":
    "string", "name": "species hint", "required": false}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2026-01-01 00:00:00.000000'
`;

async function putArtifact(path: string, body: string): Promise<void> {
	const res = await fetch(`${e2e.server.url}/api/2.0/mlflow-artifacts/artifacts/${path}`, { method: 'PUT', body });
	if (!res.ok) throw new Error(`PUT ${path} → ${res.status} ${await res.text()}`);
}

const get = async (path: string) => (await callJson(e2e.server.url, 'GET', path)).body;
const readVersion = async (version: number) => (await get(`${R}/model-versions/get?name=${MODEL}&version=${version}`)).model_version;

/** v1 from a run's `model` folder (with MLmodel), v2 from a logged model; returns their ids. */
async function register(): Promise<{ runId: string; expId: string; modelId: string }> {
	const { run_id: runId, experiment_id: expId } = await e2e.post<{ run_id: string; experiment_id: string }>('/api/runs', {
		experiment_name: 'registry-version-e2e',
		run_name: 'iris-train'
	});
	await putArtifact(`${expId}/${runId}/artifacts/model/MLmodel`, MLMODEL);
	await putArtifact(`${expId}/${runId}/artifacts/model/requirements.txt`, 'scikit-learn==1.5.0\n');
	const { model } = await e2e.post<{ model: { info: { model_id: string } } }>(`${R}/logged-models`, { experiment_id: expId, name: 'iris-lm', source_run_id: runId });
	const modelId = model.info.model_id;
	await putArtifact(`${expId}/models/${modelId}/artifacts/MLmodel`, MLMODEL.replace('"species hint"', '"petal width (cm)"'));
	await e2e.post(`${R}/registered-models/create`, { name: MODEL });
	await e2e.post(`${R}/model-versions/create`, { name: MODEL, source: `runs:/${runId}/model`, run_id: runId, description: 'first cut' });
	await e2e.post(`${R}/model-versions/create`, { name: MODEL, source: `models:/${modelId}`, model_id: modelId });
	await e2e.post(`${R}/registered-models/alias`, { name: MODEL, alias: 'champion', version: '1' });
	await e2e.post(`${R}/model-versions/transition-stage`, { name: MODEL, version: '1', stage: 'Staging', archive_existing_versions: false });
	return { runId, expId, modelId };
}

describe('model version page [e2e]', () => {
	let ids: { runId: string; expId: string; modelId: string };

	it('shows stage, aliases, the source run by name, the signature, the MLmodel file and the artifacts; opened from the model page', async () => {
		ids = await register();
		const { page, errors, close } = await openTestPage(e2e.browser, { viewport: { width: 1300, height: 900 } });
		try {
			await page.goto(`${e2e.server.url}/models/${MODEL}`);
			await page.locator('tr[data-version="1"] td.version a').click();
			await waitForText(page, '[data-testid=version-title]', 'Version 1');
			expect(new URL(page.url()).pathname).toBe(`/models/${MODEL}/1`);
			await waitForText(page, '[data-testid=version-stage] [data-stage]', 'Staging');
			await waitForText(page, '[data-testid=version-aliases] .alias', '@champion×');
			await waitForText(page, '[data-testid=version-run] a', 'iris-train');
			expect(await page.locator('[data-testid=version-run] a').first().getAttribute('href')).toBe(`/runs/${ids.runId}`);
			await waitForText(page, '[data-testid=version-run] .faint a', 'registry-version-e2e');
			await waitForText(page, '[data-testid=signature-inputs] tbody tr:first-child td:first-child', 'sepal length (cm)');
			const cells = await page.$$eval('[data-testid=signature-inputs] tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim())));
			expect(cells).toEqual([
				['sepal length (cm)', 'double', 'required'],
				['species hint', 'string', 'optional']
			]);
			await waitForText(page, '[data-testid=signature-outputs] tbody td.type', 'int64 (-1)');
			await waitForText(page, '[data-testid=flavors] .flavor', 'sklearn');
			await page.waitForFunction(() => document.querySelector('[data-testid=mlmodel-text]')?.textContent?.includes('loader_module: mlflow.sklearn'));
			expect(await page.locator('[data-testid=load-snippet]').textContent()).toContain(`mlflow.pyfunc.load_model("models:/${MODEL}/1")`);
			await page.locator('[data-testid=requirements] code', { hasText: 'scikit-learn==1.5.0' }).waitFor();
			await page.locator('#artifacts [data-path="requirements.txt"]').waitFor();
			await waitForText(page, '[data-testid=version-description]', 'first cut');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('links a logged model version to the logged model page and reads its signature from the model', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/models/${MODEL}/2`);
			await waitForText(page, '[data-testid=version-logged-model] a', ids.modelId);
			expect(await page.locator('[data-testid=version-logged-model] a').getAttribute('href')).toBe(`/experiments/${ids.expId}/models/${ids.modelId}`);
			await waitForText(page, '[data-testid=version-run] a', 'iris-train');
			await waitForText(page, '[data-testid=signature-inputs] tbody tr:nth-child(2) td:first-child', 'petal width (cm)');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('moves the stage, sets and removes an alias and edits the description in the page: the API reads them, another browser sees them live', async () => {
		const a = await openTestPage(e2e.browser);
		const b = await openTestPage(e2e.browser);
		try {
			await a.page.goto(`${e2e.server.url}/models/${MODEL}/2`);
			await b.page.goto(`${e2e.server.url}/models/${MODEL}/2`);
			await waitForText(b.page, '[data-testid=version-stage] [data-stage]', 'None');

			await a.page.getByRole('button', { name: 'Change stage of version 2' }).click();
			await a.page.getByLabel('New stage for version 2').selectOption('Production');
			await a.page.getByRole('button', { name: 'Transition', exact: true }).click();
			await waitFor(async () => (await readVersion(2)).current_stage === 'Production', { what: 'v2 in Production on the server' });
			await waitForText(b.page, '[data-testid=version-stage] [data-stage]', 'Production');

			await a.page.getByRole('button', { name: 'Add alias to version 2' }).click();
			await a.page.getByLabel('New alias for version 2').fill('challenger');
			await a.page.getByRole('button', { name: 'Set alias' }).click();
			await waitForText(b.page, '[data-testid=version-aliases] .alias', '@challenger×');
			await b.page.getByRole('button', { name: 'Remove alias challenger' }).click();
			await waitForText(a.page, '[data-testid=version-aliases]', 'none Alias…');
			await waitForText(a.page, '[data-testid=audit-log] li:first-child .what', 'removed @challenger from v2');

			await a.page.getByRole('button', { name: 'Add', exact: true }).first().click();
			await a.page.getByLabel('Version description').fill('Logged with **MLflow 3**.');
			await a.page.getByLabel('Version description').press('Control+Enter');
			await waitFor(async () => (await readVersion(2)).description === 'Logged with **MLflow 3**.', { what: 'the description on the server' });
			await waitForText(b.page, '[data-testid=version-description] strong', 'MLflow 3');
			expect(a.errors).toEqual([]);
			expect(b.errors).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('says a version is not found once the registry has synced', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/models/${MODEL}/9`);
			await page.getByRole('alert').getByText('Version not found.').waitFor();
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
