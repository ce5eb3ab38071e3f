// The experiments page in headless Chromium against the real server: run counts (kept fresh), and create, rename, delete and
// restore made on the browser's workspace document reaching the server's API.
import { describe, expect, it } from 'vitest';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();

interface ApiExperiment {
	experiment_id: string;
	name: string;
	lifecycle: string;
}

async function readApiExperiments(): Promise<ApiExperiment[]> {
	return (await callJson(e2e.server.url, 'GET', '/api/experiments')).body.experiments;
}

describe('experiments page [e2e]', () => {
	it('lists experiments with run counts; creates, renames, deletes and restores them', async () => {
		const runs = ['a', 'b', 'c'];
		for (const name of runs) {
			const { status } = await callJson(e2e.server.url, 'POST', '/api/runs', { body: { experiment_name: 'e2e-counted', run_name: name } });
			expect(status).toBe(200);
		}
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(e2e.server.url);
			await waitForText(page, '[role=status]', 'Live');
			const counted = (await readApiExperiments()).find((e) => e.name === 'e2e-counted')!;
			const countedRow = `tr[data-experiment-id="${counted.experiment_id}"]`;
			await waitForText(page, `${countedRow} [data-col=runs] .n`, String(runs.length));
			await waitForText(page, `${countedRow} [data-col=runs] .running`, `${runs.length} running`);

			// The counts follow runs that start and end elsewhere while the page is open.
			const extra = (await callJson(e2e.server.url, 'POST', '/api/runs', { body: { experiment_id: counted.experiment_id, run_name: 'd' } })).body.run_id;
			await callJson(e2e.server.url, 'POST', `/api/runs/${extra}/end`, { body: { status: 'FINISHED' } });
			await waitForText(page, `${countedRow} [data-col=runs] .n`, String(runs.length + 1));
			await waitForText(page, `${countedRow} [data-col=runs] .running`, `${runs.length} running`);

			// Create: the browser writes the workspace doc; the server's API sees it.
			await page.getByRole('button', { name: 'New experiment' }).click();
			await page.getByLabel('New experiment name').fill('e2e-created');
			await page.getByRole('button', { name: 'Create', exact: true }).click();
			const created = await waitFor(async () => (await readApiExperiments()).find((e) => e.name === 'e2e-created'), { what: 'the new experiment on the server' });
			const row = `tr[data-experiment-id="${created.experiment_id}"]`;
			await waitForText(page, `${row} td.name a`, 'e2e-created');
			await waitForText(page, `${row} [data-col=runs] .n`, '0');

			// A taken name is refused with a message.
			await page.getByRole('button', { name: 'New experiment' }).click();
			await page.getByLabel('New experiment name').fill('e2e-counted');
			await page.getByRole('button', { name: 'Create', exact: true }).click();
			expect(await page.getByRole('alert').textContent()).toContain("An experiment named 'e2e-counted' already exists.");
			await page.getByLabel('New experiment name').press('Escape');

			// Rename inline.
			await page.getByRole('button', { name: 'Rename e2e-created' }).click();
			await page.getByLabel('New name for e2e-created').fill('e2e-renamed');
			await page.getByLabel('New name for e2e-created').press('Enter');
			await waitForText(page, `${row} td.name a`, 'e2e-renamed');
			await waitFor(async () => (await readApiExperiments()).find((e) => e.experiment_id === created.experiment_id)?.name === 'e2e-renamed', {
				what: 'the rename on the server'
			});

			// Delete: hidden, listed under the toggle, restorable.
			await page.getByRole('button', { name: 'Delete e2e-renamed' }).click();
			await page.locator(row).waitFor({ state: 'detached' });
			await waitFor(async () => (await readApiExperiments()).find((e) => e.experiment_id === created.experiment_id)?.lifecycle === 'deleted', {
				what: 'the deletion on the server'
			});
			await page.getByLabel('Show deleted (1)').check();
			await page.getByRole('button', { name: 'Restore e2e-renamed' }).click();
			await waitFor(async () => (await readApiExperiments()).find((e) => e.experiment_id === created.experiment_id)?.lifecycle === 'active', {
				what: 'the restore on the server'
			});

			// The name opens the experiment's runs table.
			await page.locator(`${countedRow} td.name a`).click();
			await page.waitForURL((url) => url.pathname === `/experiments/${counted.experiment_id}`);
			await waitForText(page, 'h1', 'e2e-counted');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('follows the links the MLflow client prints (`/#/experiments/<id>/runs/<runId>`) to Tandem pages', async () => {
		const { body } = await callJson(e2e.server.url, 'POST', '/api/runs', { body: { experiment_name: 'e2e-mlflow-links', run_name: 'linked-run' } });
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/#/experiments/${body.experiment_id}/runs/${body.run_id}`);
			await page.waitForURL((url) => url.pathname === `/runs/${body.run_id}` && url.hash === '');
			await page.getByText('linked-run').first().waitFor();
			await page.goto(`${e2e.server.url}/#/experiments/${body.experiment_id}`);
			await page.waitForURL((url) => url.pathname === `/experiments/${body.experiment_id}`);
			await waitForText(page, 'h1', 'e2e-mlflow-links');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
