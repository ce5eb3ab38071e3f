// Offline first: with the server stopped, a reload still opens the app (service worker app shell) and shows the
// runs cached in IndexedDB; when the server is back on the same port the page reconnects and goes live again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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

/**
 * Resolves once every write y-indexeddb has queued on `tandem:<doc>` is committed: readwrite transactions on the
 * same object store run in creation order, so an empty one created now completes after them.
 */
function flushIndexedDb(page: Page, docName: string): Promise<void> {
	return page.evaluate(
		(name) =>
			new Promise<void>((resolve, reject) => {
				const req = indexedDB.open(name);
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const tx = req.result.transaction('updates', 'readwrite');
					tx.oncomplete = () => (req.result.close(), resolve());
					tx.onerror = () => reject(tx.error);
				};
			}),
		`tandem:${docName}`
	);
}

/** Browser noise expected while the server is down: refused WebSockets and fetches. */
const OFFLINE_NOISE = /WebSocket connection|ERR_CONNECTION_REFUSED|Failed to load resource/;

describe('offline app shell [e2e]', () => {
	it('reloads with the server stopped from the service worker and IndexedDB, then reconnects', async () => {
		const { page, errors, close } = await openTestPage(browser);
		try {
			const { run_id, experiment_id } = await post<{ run_id: string; experiment_id: string }>('/api/runs', {
				experiment_name: 'e2e-offline',
				run_name: 'offline-run'
			});
			await post(`/api/runs/${run_id}/log`, { metrics: [{ key: 'loss', value: 0.5, step: 1 }] });

			await page.goto(`${server.url}/experiments/${experiment_id}`);
			const row = `[role=row][data-run-id="${run_id}"]`;
			const loss = `${row} [data-col="metrics.loss"]`;
			await waitForText(page, loss, '0.5');
			await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
			for (const doc of ['workspace', `exp/${experiment_id}`, `exp/${experiment_id}/live`]) await flushIndexedDb(page, doc);

			await server.stop();
			await page.reload();
			await waitForText(page, '[role=status]', 'Offline');
			await waitForText(page, `${row} [data-col=name] a`, 'offline-run');
			await waitForText(page, loss, '0.5');
			await waitForText(page, 'h1', 'e2e-offline');

			await server.start();
			await waitForText(page, '[role=status]', 'Live', 15_000);
			await post(`/api/runs/${run_id}/log`, { metrics: [{ key: 'loss', value: 0.125, step: 2 }] });
			await waitForText(page, loss, '0.125');
			expect(errors.filter((e) => !OFFLINE_NOISE.test(e))).toEqual([]);
		} finally {
			await close();
		}
	});
});
