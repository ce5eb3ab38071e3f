// The model registry pages in headless Chromium against the real server: models registered through MLflow's REST
// API are listed; stage transitions (with archive-existing), aliases, descriptions and tags edited in the browser's
// registry document reach the API; moves made through the API, in another browser or offline show up live, in the
// audit log. The tests run in order on one model: each starts from the stages the one before left.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const R = '/api/2.0/mlflow';
const MODEL = 'e2e-fraud';

const get = (path: string) => callJson(e2e.server.url, 'GET', path);

async function readStage(version: number): Promise<string> {
	const { status, body } = await get(`${R}/model-versions/get?name=${MODEL}&version=${version}`);
	if (status !== 200) throw new Error(`model-versions/get → ${status} ${JSON.stringify(body)}`);
	return body.model_version.current_stage;
}

async function readAliasTarget(alias: string): Promise<string | null> {
	const { status, body } = await get(`${R}/registered-models/alias?name=${MODEL}&alias=${alias}`);
	return status === 200 ? body.model_version.version : null;
}

/** The model with two versions from one run; version 1 moved to Production by 'bob'. Returns the run id. */
async function registerModel(): Promise<string> {
	const { run_id: runId } = await e2e.post<{ run_id: string }>('/api/runs', { experiment_name: 'models-e2e', run_name: 'train' });
	await e2e.post(`${R}/registered-models/create`, { name: MODEL, description: 'Scores card fraud.\nMore detail.', tags: [{ key: 'team', value: 'risk' }] });
	for (const n of [1, 2]) await e2e.post(`${R}/model-versions/create`, { name: MODEL, source: `runs:/${runId}/model`, run_id: runId, description: `candidate ${n}` });
	const moved = await callJson(e2e.server.url, 'POST', `${R}/model-versions/transition-stage`, {
		body: { name: MODEL, version: '1', stage: 'Production', archive_existing_versions: false },
		headers: { 'x-tandem-user': 'bob' }
	});
	expect(moved.status).toBe(200);
	return runId;
}

const row = (v: number) => `tr[data-version="${v}"]`;
const firstAudit = '[data-testid=audit-log] li:first-child';

async function openModel(page: Page): Promise<void> {
	await page.goto(`${e2e.server.url}/models/${MODEL}`);
	await page.locator(row(2)).waitFor();
}

describe('model registry pages [e2e]', () => {
	it('says how to register a model while the registry is empty, and the nav marks Models', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/models`);
			await page.getByText('No registered models yet.').waitFor();
			expect(await page.locator('pre').first().textContent()).toContain('mlflow.register_model("runs:/<run_id>/model", "my-model")');
			expect(await page.locator('pre').nth(1).textContent()).toContain('create_registered_model("my-model"');
			expect(await page.getByRole('link', { name: 'Models' }).getAttribute('aria-current')).toBe('page');
			expect(await page.getByRole('link', { name: 'Experiments' }).getAttribute('aria-current')).toBeNull();
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('lists a model registered through the REST API, live, with its latest versions, aliases and tag count; filters by name', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/models`);
			await page.getByText('No registered models yet.').waitFor();
			await registerModel();
			const r = `tr[data-model="${MODEL}"]`;
			await waitForText(page, `${r} td.name a`, MODEL);
			await waitForText(page, `${r} [data-col=latest]`, 'v2');
			await waitForText(page, `${r} [data-col=production]`, 'v1Production');
			await waitForText(page, `${r} [data-col=staging]`, '—');
			await waitForText(page, `${r} [data-col=tags]`, '1');
			await waitForText(page, `${r} td.desc`, 'Scores card fraud.');
			await e2e.post(`${R}/registered-models/alias`, { name: MODEL, alias: 'stable', version: '1' });
			await waitForText(page, `${r} [data-col=aliases]`, '@stable v1');

			await page.keyboard.press('/');
			await page.keyboard.type('nomatch');
			await page.getByText('No model name contains “nomatch”.').waitFor();
			await waitFor(() => new URL(page.url()).searchParams.get('q') === 'nomatch', { what: 'the filter in the URL' });
			await page.getByRole('button', { name: 'Clear the filter' }).click();
			await waitForText(page, `${r} td.name a`, MODEL);

			await page.locator(`${r} td.name a`).click();
			await waitForText(page, '[data-testid=model-name]', MODEL);
			expect(new URL(page.url()).pathname).toBe(`/models/${MODEL}`);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('transitions a version with archive-existing in the UI: the API reads the stages, the audit log names who', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openModel(page);
			await waitForText(page, `${row(1)} [data-col=stage]`, 'Production');
			await waitForText(page, '[data-testid=audit-log] li:last-child .who', 'bob');

			await page.getByRole('button', { name: 'Change', exact: true }).click();
			await page.getByLabel('Your name in the audit log').fill('ada');
			await page.getByLabel('Your name in the audit log').press('Enter');
			await waitForText(page, '[data-testid=display-name]', 'ada');

			await page.getByRole('button', { name: 'Change stage of version 2' }).click();
			await page.getByLabel('New stage for version 2').selectOption('Production');
			await page.getByLabel(/Transition existing Production versions to Archived/).check();
			await page.getByRole('button', { name: 'Transition', exact: true }).click();

			await waitFor(async () => (await readStage(2)) === 'Production', { what: 'version 2 in Production on the server' });
			expect(await readStage(1)).toBe('Archived');
			await waitForText(page, `${row(2)} [data-col=stage]`, 'Production');
			await waitForText(page, `${row(1)} [data-col=stage]`, 'Archived');
			const entries = page.locator('[data-testid=audit-log] li');
			const texts = (await entries.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
			expect(texts).toHaveLength(4);
			expect(texts[0]).toMatch(/ada moved v2 None → Production$/);
			expect(texts[1]).toMatch(/ada moved v1 Production → Archived$/);
			expect(texts[2]).toMatch(/unknown set @stable → v1$/);
			expect(texts[3]).toMatch(/bob moved v1 None → Production$/);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('shows a stage move made through the REST API live, without reloading', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openModel(page);
			await waitForText(page, `${row(1)} [data-col=stage]`, 'Archived');
			await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
			const moved = await callJson(e2e.server.url, 'POST', `${R}/model-versions/transition-stage`, {
				body: { name: MODEL, version: '1', stage: 'Staging', archive_existing_versions: false },
				headers: { 'x-tandem-user': 'carol' }
			});
			expect(moved.status).toBe(200);
			await waitForText(page, `${row(1)} [data-col=stage]`, 'Staging');
			await waitForText(page, firstAudit + ' .who', 'carol');
			expect((await page.locator(firstAudit).textContent())!.replace(/\s+/g, ' ')).toContain('moved v1 Archived → Staging');
			expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('sets and removes aliases in one browser, seen live in another and read back through the API; edits description and tags', async () => {
		const a = await openTestPage(e2e.browser);
		const b = await openTestPage(e2e.browser);
		try {
			await openModel(a.page);
			await openModel(b.page);
			await waitForText(b.page, `${row(2)} [data-col=stage]`, 'Production');

			await a.page.getByRole('button', { name: 'Add alias to version 2' }).click();
			await a.page.getByLabel('New alias for version 2').fill('latest');
			await a.page.getByRole('button', { name: 'Set alias' }).click();
			expect(await a.page.getByRole('alert').textContent()).toContain("'latest' alias name (case insensitive) is reserved.");
			await a.page.getByLabel('New alias for version 2').fill('champion');
			await a.page.getByRole('button', { name: 'Set alias' }).click();

			await waitFor(async () => (await readAliasTarget('champion')) === '2', { what: 'alias champion → 2 on the server' });
			await waitForText(b.page, `${row(2)} [data-col=aliases]`, '@champion×');
			await waitForText(b.page, firstAudit + ' .what', 'set @champion → v2');

			// Browser B removes it; A and the API see it gone.
			await b.page.getByRole('button', { name: 'Remove alias champion' }).click();
			await waitFor(async () => (await readAliasTarget('champion')) === null, { what: 'alias champion removed on the server' });
			await waitForText(a.page, `${row(2)} [data-col=aliases]`, '—');
			await waitForText(a.page, firstAudit + ' .what', 'removed @champion from v2');

			// Description and tags, edited inline in A.
			await a.page.getByRole('button', { name: 'Edit', exact: true }).click();
			await a.page.getByLabel('Model description').fill('Scores **card** fraud, v2.');
			await a.page.getByLabel('Model description').press('Control+Enter');
			await a.page.getByLabel('New tag key').fill('owner');
			await a.page.getByLabel('New tag value').fill('ada');
			await a.page.getByRole('button', { name: 'Add', exact: true }).click();
			const model = await waitFor(
				async () => {
					const m = (await get(`${R}/registered-models/get?name=${MODEL}`)).body.registered_model;
					return m.description === 'Scores **card** fraud, v2.' && m.tags.some((t: { key: string }) => t.key === 'owner') && m;
				},
				{ what: 'description and tag on the server' }
			);
			expect(model.tags).toEqual(expect.arrayContaining([{ key: 'owner', value: 'ada' }, { key: 'team', value: 'risk' }]));
			await waitForText(b.page, '[data-testid=model-description] strong', 'card');
			await b.page.locator('li[data-tag=owner]').waitFor();
			expect(a.errors).toEqual([]);
			expect(b.errors).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('applies a stage move made with the server stopped at once, and the server gets it on reconnect', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openModel(page);
			await waitForText(page, '[role=status]', 'Live');
			await waitForText(page, `${row(1)} [data-col=stage]`, 'Staging');
			await waitForText(page, `${row(2)} [data-col=stage]`, 'Production');

			await e2e.server.stop();
			try {
				await waitForText(page, '[role=status]', 'Offline');
				await page.getByRole('button', { name: 'Change stage of version 1' }).click();
				await page.getByLabel('New stage for version 1').selectOption('Production');
				await page.getByLabel(/Transition existing Production versions to Archived/).check();
				await page.getByRole('button', { name: 'Transition', exact: true }).click();
				await waitForText(page, `${row(1)} [data-col=stage]`, 'Production');
				await waitForText(page, `${row(2)} [data-col=stage]`, 'Archived');
			} finally {
				await e2e.server.start();
			}
			await waitForText(page, '[role=status]', 'Live', 15_000);
			await waitFor(async () => (await readStage(1)) === 'Production' && (await readStage(2)) === 'Archived', { what: 'the offline move on the server' });
			expect(errors.filter((e) => !/WebSocket connection|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
		} finally {
			await close();
		}
	});

	it('says a model is not found once the registry has synced', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/models/no-such-model`);
			await page.getByRole('alert').getByText('Model not found.').waitFor();
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
