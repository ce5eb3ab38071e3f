// Descriptions and previews in headless Chromium against the real server and the official MLflow client: a run's
// notes are its mlflow.note.content (set from Python, shown as notes; edited in the app, read back by get_run and
// search_runs), rendered as Markdown with tables and without any of the source's HTML or script links; experiment
// descriptions and tags edited on the list reach get_experiment, and set_experiment_tag shows live; the experiments
// search filters and stays in the URL; JSON and MLmodel previews are trees that fold, with a raw view.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { runPython } from '../helpers/python';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const NOTE = 'mlflow.note.content';
const NOTES = '[data-testid=notes-input]';

/** Runs tests/python/notes_client.py against the test server and returns what it printed. */
async function mlflowClient<T>(...args: string[]): Promise<T> {
	const r = await runPython('notes_client.py', e2e.server.url, { args });
	if (r.code !== 0) throw new Error(`notes_client.py ${args[0]} exited ${r.code}\n${r.stderr}`);
	return r.json as T;
}

async function noteOnServer(runId: string): Promise<string | undefined> {
	const { body } = await callJson(e2e.server.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`);
	return (body.run.data.tags as { key: string; value: string }[]).find((t) => t.key === NOTE)?.value;
}

async function experimentTags(id: string): Promise<Record<string, string>> {
	const { body } = await callJson(e2e.server.url, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${id}`);
	return Object.fromEntries(((body.experiment.tags ?? []) as { key: string; value: string }[]).map((t) => [t.key, t.value]));
}

async function openLive(page: Page, path: string): Promise<void> {
	await page.goto(`${e2e.server.url}${path}`);
	await waitForText(page, 'header [role=status]', 'Live', 15_000);
}

const HOSTILE_NOTE = [
	'# Sweep results',
	'',
	'| lr | val/loss |',
	'| --- | ---: |',
	'| 0.1 | 0.31 |',
	'| 0.01 | 0.27 |',
	'',
	'- tried',
	'  - warmup',
	'',
	'<script>window.__xss = "script"</script>',
	'<img src=x onerror="window.__xss = \'img\'">',
	'[click me](javascript:window.__xss="link")'
].join('\n');

describe('run notes are mlflow.note.content [e2e]', () => {
	it('shows a note set from the MLflow client as the notes, renders it safely, and sends an edit back to get_run', async () => {
		const { run_id: runId } = await mlflowClient<{ run_id: string }>('log-note', 'e2e-notes-mlflow', HOSTILE_NOTE);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openLive(page, `/runs/${runId}`);
			await page.waitForFunction(([sel, want]) => document.querySelector<HTMLTextAreaElement>(sel)?.value === want, [NOTES, HOSTILE_NOTE] as const);
			// Not repeated among the system tags.
			expect(await page.locator('[data-testid=system-tags]').textContent()).not.toContain(NOTE);

			await page.click('button:text("Preview")');
			await page.waitForSelector('[data-testid=notes-preview] table');
			const cells = await page.$$eval('[data-testid=notes-preview] table tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
			expect(cells).toEqual([
				['lr', 'val/loss'],
				['0.1', '0.31'],
				['0.01', '0.27']
			]);
			expect(await page.locator('[data-testid=notes-preview] li li').textContent()).toBe('warmup');
			// The source's HTML is text; the script link is no link.
			expect(await page.locator('[data-testid=notes-preview] script, [data-testid=notes-preview] img, [data-testid=notes-preview] a').count()).toBe(0);
			expect(await page.locator('[data-testid=notes-preview]').textContent()).toContain('<script>window.__xss = "script"</script>');
			await page.locator('[data-testid=notes-preview] :text("click me")').click();
			expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();

			await page.click('button:text("Edit")');
			await page.locator(NOTES).fill('Edited in Tandem: **warmup** fixed the spikes.');
			await waitFor(async () => (await noteOnServer(runId)) === 'Edited in Tandem: **warmup** fixed the spikes.', { what: 'the edit in the note tag' });
			const read = await mlflowClient<{ note: string; searched: string }>('read-note', runId);
			expect(read).toEqual({ note: 'Edited in Tandem: **warmup** fixed the spikes.', searched: 'Edited in Tandem: **warmup** fixed the spikes.' });
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});

describe('experiment descriptions, tags and search [e2e]', () => {
	it('edits a description and a tag on the list (get_experiment sees them), shows set_experiment_tag live, and searches', async () => {
		const ids: Record<string, string> = {};
		for (const name of ['e2e-desc-vision', 'e2e-desc-nlp', 'e2e-desc-audio']) {
			ids[name] = (await e2e.post<{ experiment_id: string }>('/api/2.0/mlflow/experiments/create', { name })).experiment_id;
		}
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openLive(page, '/');
			const row = (name: string) => `tr[data-experiment-id="${ids[name]}"]`;
			await page.waitForSelector(row('e2e-desc-vision'));

			await page.getByRole('button', { name: 'Description and tags of e2e-desc-vision' }).click();
			const about = page.locator(`[data-testid=experiment-about][data-experiment-id="${ids['e2e-desc-vision']}"]`);
			await about.getByRole('button', { name: 'Add' }).first().click();
			await about.getByLabel('Description of experiment e2e-desc-vision').fill('ResNet baselines on **ImageNet** subsets');
			await about.getByRole('button', { name: 'Save' }).click();
			await about.getByLabel('New tag key').fill('team');
			await about.getByLabel('New tag value').fill('perception');
			await about.getByLabel('New tag value').press('Enter');
			await waitForText(page, `${row('e2e-desc-vision')} [data-testid=experiment-snippet]`, 'ResNet baselines on ImageNet subsets');
			await waitFor(async () => {
				const tags = await experimentTags(ids['e2e-desc-vision']);
				return tags[NOTE] === 'ResNet baselines on **ImageNet** subsets' && tags.team === 'perception';
			}, { what: 'the description and tag on the server' });
			const read = await mlflowClient<{ tags: Record<string, string> }>('read-experiment', ids['e2e-desc-vision']);
			expect(read.tags).toMatchObject({ [NOTE]: 'ResNet baselines on **ImageNet** subsets', team: 'perception' });

			// Written by MLflow: live on the list, and in the page header of the experiment.
			await mlflowClient('set-experiment-tag', ids['e2e-desc-nlp'], 'dataset', 'glue-sst2');
			await mlflowClient('set-experiment-tag', ids['e2e-desc-nlp'], NOTE, 'BERT fine-tuning on GLUE');
			await waitForText(page, `${row('e2e-desc-nlp')} [data-tag=dataset]`, 'dataset: glue-sst2');
			await waitForText(page, `${row('e2e-desc-nlp')} [data-testid=experiment-snippet]`, 'BERT fine-tuning on GLUE');

			// Search: by description, by tag, by name; kept in the URL and after a reload.
			const search = page.getByLabel('Search experiments');
			const shownIds = () => page.$$eval('tbody tr[data-experiment-id]', (rows) => rows.map((r) => r.getAttribute('data-experiment-id')));
			await search.fill('imagenet');
			await waitFor(async () => JSON.stringify(await shownIds()) === JSON.stringify([ids['e2e-desc-vision']]), { what: 'a search by description' });
			await search.fill('dataset=glue');
			await waitFor(async () => JSON.stringify(await shownIds()) === JSON.stringify([ids['e2e-desc-nlp']]), { what: 'a search by tag' });
			await search.fill('e2e-desc-audio');
			await waitFor(async () => JSON.stringify(await shownIds()) === JSON.stringify([ids['e2e-desc-audio']]), { what: 'a search by name' });
			await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'e2e-desc-audio');
			await page.reload();
			await page.waitForSelector(row('e2e-desc-audio'));
			expect(await shownIds()).toEqual([ids['e2e-desc-audio']]);
			expect(await page.getByLabel('Search experiments').inputValue()).toBe('e2e-desc-audio');
			await search.fill('no such experiment anywhere');
			await page.getByRole('button', { name: 'Clear the search' }).waitFor();

			await openLive(page, `/experiments/${ids['e2e-desc-nlp']}`);
			await waitForText(page, '[data-testid=experiment-about] [data-testid=experiment-snippet]', 'BERT fine-tuning on GLUE');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});

describe('structured previews [e2e]', () => {
	it('shows JSON and MLmodel as trees that fold, with a raw view, and a Markdown table as a table', async () => {
		const { run_id: runId, experiment_id: expId } = await e2e.post<{ run_id: string; experiment_id: string }>('/api/runs', { experiment_name: 'e2e-previews' });
		const put = async (path: string, body: string) => {
			const res = await fetch(`${e2e.server.url}/api/2.0/mlflow-artifacts/artifacts/${expId}/${runId}/artifacts/${path}`, { method: 'PUT', body });
			expect(res.status).toBe(200);
		};
		const config = { optimizer: { name: 'adam', lr: 0.001, betas: [0.9, 0.999] }, epochs: 10, tags: null, resume: false };
		await put('config.json', JSON.stringify(config));
		await put('model/MLmodel', 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    python_version: 3.11.4\n  sklearn:\n    sklearn_version: 1.5.0\nmlflow_version: 3.1.0\n');
		await put('card.md', '| metric | value |\n| --- | --- |\n| acc | 0.93 |\n\n<script>window.__xss = 1</script>\n');
		const big = Array.from({ length: 12_000 }, (_, i) => ({ step: i, loss: 1 / (i + 1), tags: ['a', 'b'] }));
		await put('big.json', JSON.stringify(big));
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openLive(page, `/runs/${runId}`);
			await page.click('[data-path="config.json"]');
			const tree = page.locator('.preview [data-testid=data-tree]');
			await tree.waitFor();
			expect(await tree.getAttribute('data-syntax')).toBe('json');
			expect(await tree.locator('.v-string').first().textContent()).toBe('"adam"');
			expect(await tree.locator('.v-number').first().textContent()).toBe('0.001');
			await waitForText(page, '.preview [data-testid=data-tree] .v-boolean', 'false');

			// Fold the optimizer: its children go, a summary stays; unfold brings them back.
			const fold = tree.getByRole('button', { name: 'Fold "optimizer"' });
			await fold.click();
			expect(await tree.getByText('"adam"').count()).toBe(0);
			await tree.getByRole('button', { name: '3 keys' }).waitFor();
			await tree.getByRole('button', { name: 'Unfold "optimizer"' }).click();
			await tree.getByText('"adam"').waitFor();

			// Raw: the file as it is.
			await page.click('.preview button:text-is("Raw")');
			expect(await page.locator('.preview [data-testid=preview-raw]').textContent()).toBe(JSON.stringify(config));
			await page.click('.preview button:text-is("Rendered")');
			await tree.waitFor();

			// A large file (730 KB, 72,000 nodes) opens at its first level, 200 entries at a time.
			const started = Date.now();
			await page.click('[data-path="big.json"]');
			await page.locator('.preview [data-testid=data-tree] button:text("Show 200 more of 11800")').waitFor();
			console.log(`descriptions: 12,000-item JSON (730 KB) preview shown in ${Date.now() - started} ms`);
			expect(await page.locator('.preview [data-testid=data-tree] [data-testid=tree-fold]').count()).toBe(201);
			await page.click('.preview [data-testid=data-tree] button:text("Show 200 more of 11800")');
			await page.locator('.preview [data-testid=data-tree] button:text("Show 200 more of 11600")').waitFor();

			await page.click('[data-path="model"]');
			await page.click('[data-path="model/MLmodel"]');
			const yaml = page.locator('.preview [data-testid=data-tree][data-syntax=yaml]');
			await yaml.getByText('mlflow.sklearn').waitFor();
			await yaml.getByRole('button', { name: 'Fold flavors' }).click();
			expect(await yaml.getByText('mlflow.sklearn').count()).toBe(0);

			await page.click('[data-path="card.md"]');
			await page.waitForSelector('.preview [data-testid=markdown-preview] table td:text-is("0.93")');
			expect(await page.locator('.preview [data-testid=markdown-preview] script').count()).toBe(0);
			await page.click('.preview button:text-is("Raw")');
			expect(await page.locator('.preview [data-testid=preview-raw]').textContent()).toContain('| acc | 0.93 |');
			expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
