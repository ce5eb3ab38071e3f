// Registry live latency between two browsers: browser A registers a logged model as a new version through the app's
// "Register model" dialog, then moves a version's stage and an alias in the versions table; browser B (its own
// context) has the registered model's page open. Measured from A's submit to the change in B's DOM (a
// MutationObserver in B; both read the same machine clock).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnServer } from '../tests/helpers/child-server';
import { launchBrowser, openTestPage } from '../tests/helpers/browser';
import { ensureAppBuilt } from '../tests/e2e/global-setup';
import { median, ms, post, quantile } from './browser-bench';
import type { Row } from './table';
import type { Page } from 'playwright-core';

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

/** In B: resolves with Date.now() once the element `sel` reads `text` (its trimmed text contains it). */
function watchForText(sel: string, text: string): string {
	return `new Promise((resolve) => {
		const sel = ${JSON.stringify(sel)}, want = ${JSON.stringify(text)};
		const has = () => (document.querySelector(sel)?.textContent ?? '').includes(want);
		if (has()) return resolve(Date.now());
		const obs = new MutationObserver(() => {
			if (has()) { obs.disconnect(); resolve(Date.now()); }
		});
		obs.observe(document.body, { childList: true, subtree: true, characterData: true });
	})`;
}

/** In A: resolves with Date.now() at the next form submit (capture, before the app handles it). */
const nextSubmit = () => new Promise<number>((resolve) => document.addEventListener('submit', () => resolve(Date.now()), { capture: true, once: true }));

/** Moves stages (v1 between Staging and Production) and an alias (@live between v1 and v2) in A; B's DOM follows. */
async function measureMoves(a: Page, b: Page, modelUrl: string, samples: number): Promise<{ stage: number[]; alias: number[] }> {
	await a.goto(modelUrl);
	await a.locator('tr[data-version="2"]').waitFor();
	const stage: number[] = [];
	const alias: number[] = [];
	for (let i = 0; i < samples; i++) {
		const to = i % 2 === 0 ? 'Staging' : 'Production';
		const seenStage = b.evaluate(watchForText('tr[data-version="1"] [data-col=stage]', to)) as Promise<number>;
		seenStage.catch(() => {}); // awaited below; a failure before then is reported by the step that failed
		await a.getByRole('button', { name: 'Change stage of version 1', exact: true }).click();
		await a.getByLabel('New stage for version 1', { exact: true }).selectOption(to);
		const submitted = a.evaluate(nextSubmit);
		await a.getByRole('button', { name: 'Transition', exact: true }).click();
		const [t0, t1] = await Promise.all([submitted, seenStage]);
		stage.push(t1 - t0);

		const v = (i % 2) + 1;
		const seenAlias = b.evaluate(watchForText(`tr[data-version="${v}"] [data-col=aliases]`, '@live')) as Promise<number>;
		seenAlias.catch(() => {});
		await a.getByRole('button', { name: `Add alias to version ${v}`, exact: true }).click();
		await a.getByLabel(`New alias for version ${v}`, { exact: true }).fill('live');
		const aliasSubmitted = a.evaluate(nextSubmit);
		await a.getByRole('button', { name: 'Set alias' }).click();
		const [s0, s1] = await Promise.all([aliasSubmitted, seenAlias]);
		alias.push(s1 - s0);
	}
	return { stage, alias };
}

export async function measureRegistryLive(opts: { quick: boolean }): Promise<Row[]> {
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
		const moves = await measureMoves(a.page, b.page, `${base}/models/${MODEL}`, samples);
		const row = (figure: string, xs: number[]): Row => {
			const q = quantile(xs, 0.99);
			return { figure, value: `${ms(median(xs))} / ${ms(q)}`, target: '≤ 100 ms p99', ok: q <= 100 };
		};
		return [
			{
				figure: `registering a version in browser A → its row in browser B (${samples} registrations), median / p99`,
				value: `${ms(median(latencies))} / ${ms(p99)}`,
				target: '≤ 100 ms p99',
				ok: p99 <= 100
			},
			row(`a stage move in browser A → browser B (${samples} moves), median / p99`, moves.stage),
			row(`an alias move in browser A → browser B (${samples} moves), median / p99`, moves.alias)
		];
	} finally {
		await browser.close();
		server.proc.kill('SIGTERM');
		await server.exited;
		await rm(dir, { recursive: true, force: true });
	}
}
