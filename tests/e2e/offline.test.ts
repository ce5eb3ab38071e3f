// Offline first: with the server stopped, a reload still opens the app (service worker app shell) and shows the
// runs cached in IndexedDB; when the server is back on the same port the page reconnects and goes live again.
import { describe, expect, it } from 'vitest';
import { flushIndexedDb, openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';

const e2e = useE2e();
const post = e2e.post;

/** Browser noise expected while the server is down: refused WebSockets and fetches. */
const OFFLINE_NOISE = /WebSocket connection|ERR_CONNECTION_REFUSED|Failed to load resource/;

describe('offline app shell [e2e]', () => {
	it('reloads with the server stopped from the service worker and IndexedDB, then reconnects', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			const { run_id, experiment_id } = await post<{ run_id: string; experiment_id: string }>('/api/runs', {
				experiment_name: 'e2e-offline',
				run_name: 'offline-run'
			});
			await post(`/api/runs/${run_id}/log`, { metrics: [{ key: 'loss', value: 0.5, step: 1 }] });

			await page.goto(`${e2e.server.url}/experiments/${experiment_id}`);
			const row = `[role=row][data-run-id="${run_id}"]`;
			const loss = `${row} [data-col="metrics.loss"]`;
			await waitForText(page, loss, '0.5');
			await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
			// A reload through the service worker gets the server-rendered page, which must not become the offline shell.
			const rendered = await page.reload();
			expect(rendered!.headers()['x-tandem-rendered']).toBe('server');
			await waitForText(page, loss, '0.5');
			for (const doc of ['workspace', `exp/${experiment_id}`, `exp/${experiment_id}/live`]) await flushIndexedDb(page, doc);

			await e2e.server.stop();
			await page.reload();
			await waitForText(page, '[role=status]', 'Offline');
			await waitForText(page, `${row} [data-col=name] a`, 'offline-run');
			await waitForText(page, loss, '0.5');
			await waitForText(page, 'h1', 'e2e-offline');
			// Another page opens offline from the shell too (it would not from a page rendered for the runs table).
			await page.goto(`${e2e.server.url}/`);
			await waitForText(page, `a[href="/experiments/${experiment_id}"]`, 'e2e-offline');
			await page.goto(`${e2e.server.url}/experiments/${experiment_id}`);
			await waitForText(page, loss, '0.5');

			await e2e.server.start();
			await waitForText(page, '[role=status]', 'Live', 15_000);
			await post(`/api/runs/${run_id}/log`, { metrics: [{ key: 'loss', value: 0.125, step: 2 }] });
			await waitForText(page, loss, '0.125');
			expect(errors.filter((e) => !OFFLINE_NOISE.test(e))).toEqual([]);
		} finally {
			await close();
		}
	});
});
