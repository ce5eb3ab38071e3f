// Registry live latency between two browsers: browser A registers a logged model as a new version through the app's
// "Register model" dialog; browser B (its own context) has the registered model's page open. Measured from A's
// submit to the version's row in B's DOM (a MutationObserver in B; both read the same machine clock).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnServer } from '../tests/helpers/child-server';
import { launchBrowser, openTestPage } from '../tests/helpers/browser';
import { ensureAppBuilt } from '../tests/e2e/global-setup';
import { median, ms, post, quantile } from './browser-bench';
import type { Row } from './table';

const R = '/api/2.0/mlflow';
const MODEL = 'live-bench';

/** In B: resolves with Date.now() at the moment a row for `version` is in the DOM. */
function watchForVersion(version: number): string {
	return `new Promise((resolve) => {
		const sel = 'tr[data-version="${version}"]';
		if (document.querySelector(sel)) return resolve(Date.now());
		const obs = new MutationObserver(() => {
			if (document.querySelector(sel)) { obs.disconnect(); resolve(Date.now()); }
		});
		obs.observe(document.body, { childList: true, subtree: true });
	})`;
}

export async function measureRegistryLive(opts: { quick: boolean }): Promise<Row> {
	const samples = opts.quick ? 10 : 40;
	await ensureAppBuilt();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-registry-live-'));
	const server = await spawnServer(dir);
	const browser = await launchBrowser();
	try {
		const base = server.url;
		const { experiment_id: exp } = await post<{ experiment_id: string }>(base, `${R}/experiments/create`, { name: 'registry-live' });
		const { run } = await post<{ run: { info: { run_id: string } } }>(base, `${R}/runs/create`, { experiment_id: exp, run_name: 'train' });
		const { model } = await post<{ model: { info: { model_id: string } } }>(base, `${R}/logged-models`, { experiment_id: exp, name: 'clf', source_run_id: run.info.run_id });
		await post(base, `${R}/registered-models/create`, { name: MODEL });
		await post(base, `${R}/model-versions/create`, { name: MODEL, source: `models:/${model.info.model_id}`, model_id: model.info.model_id });

		const a = await openTestPage(browser);
		const b = await openTestPage(browser);
		await a.page.goto(`${base}/experiments/${exp}/models/${model.info.model_id}`);
		await a.page.locator('[data-testid=register-model]').waitFor();
		await b.page.goto(`${base}/models/${MODEL}`);
		await b.page.locator('tr[data-version="1"]').waitFor();

		const latencies: number[] = [];
		for (let i = 0; i < samples; i++) {
			const version = i + 2;
			const seen = b.page.evaluate(watchForVersion(version)) as Promise<number>;
			await a.page.locator('[data-testid=register-model]').click();
			const dialog = a.page.locator('[data-testid=register-dialog]');
			await dialog.locator('input[name=model-name]').fill(MODEL);
			await dialog.getByText(`Adds version ${version} to`).waitFor();
			const submitted = a.page.evaluate(
				() => new Promise<number>((resolve) => document.addEventListener('submit', () => resolve(Date.now()), { capture: true, once: true }))
			);
			await dialog.getByRole('button', { name: 'Register' }).click();
			const [t0, t1] = await Promise.all([submitted, seen]);
			latencies.push(t1 - t0);
			await dialog.locator('[data-testid=registered]').waitFor();
			await dialog.getByRole('button', { name: 'Close' }).click();
			await dialog.waitFor({ state: 'hidden' });
		}
		const p99 = quantile(latencies, 0.99);
		return {
			figure: `registering a version in browser A → its row in browser B (${samples} registrations), median / p99`,
			value: `${ms(median(latencies))} / ${ms(p99)}`,
			target: '≤ 100 ms p99',
			ok: p99 <= 100
		};
	} finally {
		await browser.close();
		server.proc.kill('SIGTERM');
		await server.exited;
		await rm(dir, { recursive: true, force: true });
	}
}
