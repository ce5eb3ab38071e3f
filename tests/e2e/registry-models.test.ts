// Creating, renaming and deleting registered models in the browser against the real server: browser A's edits
// reach the REST API and show live in browser B (its list, and its open model page following the rename); a
// taken name is refused; a delete asks first; a rename keeps the model's versions and aliases.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const R = '/api/2.0/mlflow';

const readModel = async (name: string) => callJson(e2e.server.url, 'GET', `${R}/registered-models/get?name=${encodeURIComponent(name)}`);
const modelRow = (page: Page, name: string) => page.locator(`tr[data-model="${name}"]`);

describe('registered model create, rename and delete [e2e]', () => {
	it('creates, renames and deletes a model in browser A; the API and browser B see each step live', async () => {
		await e2e.post(`${R}/registered-models/create`, { name: 'taken-name' });
		const a = await openTestPage(e2e.browser);
		const b = await openTestPage(e2e.browser);
		try {
			await b.page.goto(`${e2e.server.url}/models`);
			await modelRow(b.page, 'taken-name').waitFor();
			await a.page.goto(`${e2e.server.url}/models`);
			await modelRow(a.page, 'taken-name').waitFor();

			// Create: a taken name is refused, a free one opens the new model's page.
			await a.page.getByRole('button', { name: 'New model' }).click();
			await a.page.getByLabel('Model name').fill('taken-name');
			await a.page.getByRole('button', { name: 'Create' }).click();
			await waitForText(a.page, '[role=alert]', 'Registered Model (name=taken-name) already exists.');
			await a.page.getByLabel('Model name').fill('churn-e2e');
			await a.page.getByLabel('Model description (optional)').fill('Predicts **churn**.');
			await a.page.getByRole('button', { name: 'Create' }).click();
			await waitForText(a.page, '[data-testid=model-name]', 'churn-e2e');
			await waitForText(b.page, `tr[data-model="churn-e2e"] td.desc`, 'Predicts churn.');
			const created = await waitFor(async () => {
				const r = await readModel('churn-e2e');
				return r.status === 200 && r.body.registered_model;
			}, { what: 'the new model on the server' });
			expect(created.description).toBe('Predicts **churn**.');
			await e2e.post(`${R}/model-versions/create`, { name: 'churn-e2e', source: 's3://bucket/churn/1' });
			await e2e.post(`${R}/registered-models/alias`, { name: 'churn-e2e', alias: 'champion', version: '1' });

			// B opens the model; A renames it: B's page follows, the list and the API have the new name.
			await b.page.goto(`${e2e.server.url}/models/churn-e2e`);
			await b.page.locator('tr[data-version="1"]').waitFor();
			await a.page.locator('tr[data-version="1"]').waitFor();
			await a.page.getByRole('button', { name: 'Rename…' }).click();
			await a.page.getByLabel('New model name').fill('taken-name');
			await a.page.getByRole('button', { name: 'Rename', exact: true }).click();
			await waitForText(a.page, '[role=alert]', 'Registered Model (name=taken-name) already exists.');
			await a.page.getByLabel('New model name').fill('churn-v2');
			await a.page.getByRole('button', { name: 'Rename', exact: true }).click();
			await waitForText(a.page, '[data-testid=model-name]', 'churn-v2');
			await waitForText(b.page, '[data-testid=model-name]', 'churn-v2');
			expect(new URL(b.page.url()).pathname).toBe('/models/churn-v2');
			await waitForText(b.page, 'tr[data-version="1"] [data-col=aliases]', '@champion×');
			await waitFor(async () => (await readModel('churn-v2')).status === 200, { what: 'the rename on the server' });
			expect((await readModel('churn-e2e')).status).toBe(404);
			const renamed = (await readModel('churn-v2')).body.registered_model;
			expect(renamed.aliases).toEqual([{ alias: 'champion', version: '1' }]);
			expect(renamed.latest_versions.map((v: { version: string }) => v.version)).toEqual(['1']);

			// Delete asks first: Cancel keeps it, Delete model removes it everywhere.
			await b.page.goto(`${e2e.server.url}/models`);
			await modelRow(b.page, 'churn-v2').waitFor();
			await a.page.getByRole('button', { name: 'Delete…' }).click();
			await a.page.getByRole('dialog').getByText('and its 1 version').waitFor();
			await a.page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
			await a.page.getByRole('dialog').waitFor({ state: 'hidden' });
			expect((await readModel('churn-v2')).status).toBe(200);
			await a.page.getByRole('button', { name: 'Delete…' }).click();
			await a.page.getByRole('dialog').getByRole('button', { name: 'Delete model' }).click();
			await waitFor(() => new URL(a.page.url()).pathname === '/models', { what: 'A back on the models list' });
			await modelRow(b.page, 'churn-v2').waitFor({ state: 'detached' });
			await waitFor(async () => (await readModel('churn-v2')).status === 404, { what: 'the delete on the server' });
			expect(await modelRow(a.page, 'taken-name').count()).toBe(1);
			expect(a.errors).toEqual([]);
			expect(b.errors).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
	});
});
