// The home page is live: a run ingested over HTTP appears with its metric's last value, and later points and
// the end of the run update it, all without a reload (the browser syncs the relay's documents).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openTestPage, waitForText } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { ensureAppBuilt } from './global-setup';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
	await ensureAppBuilt();
	server = await startTestServer();
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await server?.close();
});

async function post<T>(path: string, body: unknown): Promise<T> {
	const res = await fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	const json = await res.json();
	if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${JSON.stringify(json)}`);
	return json as T;
}

describe('live runs page [e2e]', () => {
	it('shows an ingested run and its latest metric value as they arrive, without reloading', async () => {
		const { page, errors, close } = await openTestPage(browser);
		try {
			await page.goto(server.url);
			await page.getByRole('link', { name: 'Default', exact: true }).waitFor();
			await waitForText(page, '[role=status]', 'Live');
			// Survives only if the page is never reloaded.
			await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

			const { run_id, experiment_id } = await post<{ run_id: string; experiment_id: string }>('/api/runs', {
				experiment_name: 'e2e-live',
				run_name: 'brisk-e2e-run',
				params: { lr: '0.01' },
				tags: {}
			});
			await page.getByRole('link', { name: 'e2e-live', exact: true }).click();
			await page.waitForURL((url) => url.searchParams.get('exp') === experiment_id, { timeout: 10_000 });
			const row = `tr[data-run-id="${run_id}"]`;
			await waitForText(page, `${row} td.name`, 'brisk-e2e-run');
			await waitForText(page, `${row} [data-status]`, 'running');

			await post(`/api/runs/${run_id}/log`, { metrics: [{ key: 'loss', value: 0.5, step: 1 }] });
			await waitForText(page, `${row} td[data-metric="loss"]`, '0.5');
			await waitForText(page, 'thead th.num', 'loss');

			await post(`/api/runs/${run_id}/log`, {
				metrics: [
					{ key: 'loss', value: 0.25, step: 2 },
					{ key: 'accuracy', value: 0.875, step: 2 }
				]
			});
			await waitForText(page, `${row} td[data-metric="loss"]`, '0.25');
			await waitForText(page, `${row} td[data-metric="accuracy"]`, '0.875');

			await post(`/api/runs/${run_id}/end`, { status: 'FINISHED' });
			await waitForText(page, `${row} [data-status]`, 'finished');

			expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
			if (process.env.TANDEM_E2E_SCREENSHOT) await page.screenshot({ path: process.env.TANDEM_E2E_SCREENSHOT, fullPage: true });
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
