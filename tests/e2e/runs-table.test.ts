// The runs table (experiment page) in headless Chromium against the real server: live rows, the filter language
// (and its errors), sorting, the column picker, selection → compare link, inline tags, bulk delete/restore,
// keyboard navigation, the view in the URL and the first screen shown before the documents.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { holdRelayMessages } from '../helpers/hold-relay';
import { callJson } from '../helpers/http';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const post = e2e.post;

interface Seed {
	name: string;
	params: Record<string, string>;
	tags?: Record<string, string>;
	loss: number;
}

/** A fresh experiment with finished runs, each with a `loss` metric; returns the ids by run name. */
async function seedExperiment(experimentName: string, runs: Seed[]): Promise<{ experimentId: string; ids: Record<string, string> }> {
	const ids: Record<string, string> = {};
	let experimentId = '';
	for (const [i, r] of runs.entries()) {
		const created = await post<{ run_id: string; experiment_id: string }>('/api/runs', {
			experiment_name: experimentName,
			run_name: r.name,
			start_time: 1_700_000_000_000 + i * 60_000,
			params: r.params,
			tags: r.tags ?? {}
		});
		experimentId = created.experiment_id;
		ids[r.name] = created.run_id;
		await post(`/api/runs/${created.run_id}/log`, { metrics: [{ key: 'loss', value: r.loss, step: 1 }] });
		await post(`/api/runs/${created.run_id}/end`, { status: 'FINISHED' });
	}
	return { experimentId, ids };
}

const SEEDS: Seed[] = [
	{ name: 'alpha', params: { optimizer: 'adam', lr: '0.01' }, tags: { team: 'vision' }, loss: 0.25 },
	{ name: 'bravo', params: { optimizer: 'sgd', lr: '0.1' }, tags: { team: 'nlp' }, loss: 0.05 },
	{ name: 'charlie', params: { optimizer: 'adam', lr: '0.001' }, tags: { team: 'vision-3d' }, loss: 0.5 },
	{ name: 'delta', params: { optimizer: 'rmsprop', lr: '0.01' }, loss: 0.125 },
	{ name: 'echo', params: { optimizer: 'adam', lr: '0.1' }, tags: { team: 'vision' }, loss: 0.75 }
];

const row = (runId: string) => `[role=row][data-run-id="${runId}"]`;

/** Run names of the rows on screen, top to bottom. */
function readShownNames(page: Page): Promise<string[]> {
	return page.$$eval('[role=row][data-run-id]', (rows) =>
		rows
			.map((r) => ({ i: Number(r.getAttribute('aria-rowindex')), name: r.querySelector('[data-col=name] a')?.textContent?.trim() ?? '' }))
			.sort((a, b) => a.i - b.i)
			.map((r) => r.name)
	);
}

async function waitForNames(page: Page, want: string[]): Promise<void> {
	let last: string[] = [];
	await waitFor(async () => ((last = await readShownNames(page)), JSON.stringify(last) === JSON.stringify(want)), {
		what: `rows ${JSON.stringify(want)}`
	}).catch((e) => {
		throw new Error(`${(e as Error).message}; shown: ${JSON.stringify(last)}`);
	});
}

async function openExperiment(page: Page, experimentId: string, query = ''): Promise<void> {
	await page.goto(`${e2e.server.url}/experiments/${experimentId}${query}`);
	await waitForText(page, '[role=status]', 'Live');
}

describe('runs table [e2e]', () => {
	it('shows a run ingested over HTTP while the page is open, and its metric and status as they change', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			const { body } = await callJson(e2e.server.url, 'POST', '/api/experiments', { body: { name: 'e2e-table-live' } });
			const experimentId: string = body.experiment_id;
			await openExperiment(page, experimentId);
			await page.getByText('No runs yet.').waitFor();

			const { run_id } = await post<{ run_id: string }>('/api/runs', { experiment_id: experimentId, run_name: 'brisk-run', params: { lr: '0.01' } });
			await waitForText(page, `${row(run_id)} [data-col=name] a`, 'brisk-run');
			await waitForText(page, `${row(run_id)} [data-status]`, 'running');
			await post(`/api/runs/${run_id}/log`, { metrics: [{ key: 'loss', value: 0.5, step: 1 }] });
			await waitForText(page, `${row(run_id)} [data-col="metrics.loss"]`, '0.5');
			await waitForText(page, `[role=columnheader][data-col="metrics.loss"]`, 'loss');
			await post(`/api/runs/${run_id}/log`, { metrics: [{ key: 'loss', value: 0.25, step: 2 }] });
			await waitForText(page, `${row(run_id)} [data-col="metrics.loss"]`, '0.25');
			await waitForText(page, `${row(run_id)} [data-col="params.lr"]`, '0.01');
			await post(`/api/runs/${run_id}/end`, { status: 'FINISHED' });
			await waitForText(page, `${row(run_id)} [data-status]`, 'finished');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('filters with the query language, shows a bad query’s error, and keeps the filter in the URL', async () => {
		const { experimentId } = await seedExperiment('e2e-table-filter', SEEDS);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId);
			await waitForNames(page, ['echo', 'delta', 'charlie', 'bravo', 'alpha']);

			const query = "metrics.loss < 0.6 and (params.optimizer = 'adam' or tags.team ~ 'nl.*')";
			await page.keyboard.press('/');
			await page.keyboard.type(query);
			const want = SEEDS.filter((s) => s.loss < 0.6 && (s.params.optimizer === 'adam' || /nl.*/.test(s.tags?.team ?? '')))
				.map((s) => s.name)
				.reverse();
			await waitForNames(page, want);
			await waitFor(() => new URL(page.url()).searchParams.get('q') === query, { what: 'q in the URL' });

			const bad = 'metrics.loss <';
			await page.getByLabel('Filter runs').fill(bad);
			const alert = page.locator('#filter-error');
			await alert.waitFor();
			expect(await alert.textContent()).toContain(`at column ${bad.length + 1}`);
			await waitForNames(page, want); // the last good filter still applies
			await page.getByLabel('Filter runs').fill('');
			await waitForNames(page, ['echo', 'delta', 'charlie', 'bravo', 'alpha']);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('sorts by a metric column both ways and adds, pins and renders a param column from the picker', async () => {
		const { experimentId } = await seedExperiment('e2e-table-sort', SEEDS);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId, '?cols=name,status,metrics.loss');
			await waitForNames(page, ['echo', 'delta', 'charlie', 'bravo', 'alpha']);
			const byLoss = [...SEEDS].sort((a, b) => a.loss - b.loss).map((s) => s.name);
			await page.locator('[role=columnheader][data-col="metrics.loss"] button').click();
			await waitForNames(page, byLoss);
			await page.locator('[role=columnheader][data-col="metrics.loss"] button').click();
			await waitForNames(page, [...byLoss].reverse());
			expect(await page.locator('[role=columnheader][data-col="metrics.loss"]').getAttribute('aria-sort')).toBe('descending');

			expect(await page.locator('[role=columnheader][data-col="params.lr"]').count()).toBe(0);
			await page.getByRole('button', { name: /^Columns/ }).click();
			await page.getByLabel('Find a column').fill('lr');
			await page.getByRole('button', { name: 'Add params.lr' }).click();
			await page.getByRole('button', { name: 'Pin params.lr' }).click();
			await page.keyboard.press('Escape');
			for (const s of SEEDS) {
				const cell = page.locator(`[role=row]:has([data-col=name] a:text-is("${s.name}")) [data-col="params.lr"]`);
				expect((await cell.textContent())?.trim()).toBe(s.params.lr);
			}
			const headers = ['name', 'params.lr', 'status', 'metrics.loss'];
			const readHeaders = (p: Page) => p.$$eval('[role=columnheader][data-col]', (hs) => hs.map((h) => h.getAttribute('data-col')));
			await waitFor(async () => JSON.stringify(await readHeaders(page)) === JSON.stringify(headers), { what: 'the pinned column second' });
			await waitFor(() => new URL(page.url()).searchParams.get('cols') === 'name,params.lr,status,metrics.loss', { what: 'cols in the URL' });

			// A copied link reproduces the view.
			const link = page.url();
			const other = await openTestPage(e2e.browser);
			try {
				await other.page.goto(link);
				await waitForNames(other.page, [...byLoss].reverse());
				expect(await readHeaders(other.page)).toEqual(headers);
			} finally {
				await other.close();
			}
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('selects runs by click and keyboard, links them to the compare page, and opens a run with enter', async () => {
		const { experimentId, ids } = await seedExperiment('e2e-table-select', SEEDS.slice(0, 3));
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId);
			await waitForNames(page, ['charlie', 'bravo', 'alpha']);
			await page.getByLabel('Select charlie').click();
			const grid = page.getByRole('grid', { name: 'Runs' });
			await grid.focus();
			await page.keyboard.press('ArrowDown'); // focus follows the click (charlie), so this is bravo
			await page.keyboard.press(' ');
			const compare = page.locator('a[data-compare]');
			await waitForText(page, 'a[data-compare]', 'Compare (2)');
			const href = new URL((await compare.getAttribute('href'))!, e2e.server.url);
			expect(href.pathname).toBe('/compare');
			expect(href.searchParams.get('runs')!.split(',').sort()).toEqual([ids.charlie, ids.bravo].sort());
			expect(href.searchParams.get('exp')).toBe(experimentId);
			await waitFor(() => new URL(page.url()).searchParams.get('sel')?.split(',').length === 2, { what: 'sel in the URL' });

			await page.keyboard.press('ArrowDown');
			await page.keyboard.press('Enter');
			await page.waitForURL((url) => url.pathname === `/runs/${ids.alpha}`);
			// The run page belongs to another part of the app; until it exists the router reports it missing.
			expect(errors.filter((e) => !e.includes(`Not found: /runs/${ids.alpha}`))).toEqual([]);
		} finally {
			await close();
		}
	});

	it('edits tags inline, and the server sees the edits', async () => {
		const { experimentId, ids } = await seedExperiment('e2e-table-tags', SEEDS.slice(0, 1));
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId);
			await waitForNames(page, ['alpha']);
			await page.locator(`${row(ids.alpha)} [data-col=name]`).hover();
			await page.getByRole('button', { name: 'Edit tags of alpha' }).click();
			const editor = page.getByRole('dialog', { name: 'Tags of alpha' });
			await editor.getByLabel('New tag key').fill('reviewed');
			await editor.getByLabel('New tag value').fill('yes');
			await editor.getByRole('button', { name: 'Add' }).click();
			await editor.getByLabel('Value of tag team').fill('robotics');
			await editor.getByLabel('Value of tag team').press('Enter');
			const readTags = async () => (await callJson(e2e.server.url, 'GET', `/api/runs/${ids.alpha}`)).body.run.tags as Record<string, string>;
			await waitFor(async () => {
				const t = await readTags();
				return t.reviewed === 'yes' && t.team === 'robotics';
			}, { what: 'the tag edits on the server' });

			await editor.getByRole('button', { name: 'Remove tag reviewed' }).click();
			await waitFor(async () => !('reviewed' in (await readTags())), { what: 'the tag removal on the server' });
			await editor.getByLabel('New tag key').fill('bad key!');
			await editor.getByRole('button', { name: 'Add' }).click();
			expect(await editor.getByRole('alert').textContent()).toContain("Invalid Tag name: 'bad key!'");
			await page.keyboard.press('Escape');
			await editor.waitFor({ state: 'detached' });
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('deletes selected runs in bulk, shows them under "Show deleted", and restores them', async () => {
		const { experimentId, ids } = await seedExperiment('e2e-table-delete', SEEDS.slice(0, 4));
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId);
			await waitForNames(page, ['delta', 'charlie', 'bravo', 'alpha']);
			await page.getByLabel('Select bravo').click();
			await page.getByLabel('Select delta').click();
			await page.getByRole('button', { name: 'Delete (2)' }).click();
			await waitForNames(page, ['charlie', 'alpha']);
			const lifecycle = async (id: string) => (await callJson(e2e.server.url, 'GET', `/api/runs/${id}`)).body.run.lifecycle;
			await waitFor(async () => (await lifecycle(ids.bravo)) === 'deleted' && (await lifecycle(ids.delta)) === 'deleted', { what: 'deletions on the server' });

			await page.getByLabel('Show deleted').check();
			await waitForNames(page, ['delta', 'charlie', 'bravo', 'alpha']);
			await page.getByLabel('Select all shown runs').check();
			await page.getByRole('button', { name: 'Restore (2)' }).click();
			await waitFor(async () => (await lifecycle(ids.bravo)) === 'active' && (await lifecycle(ids.delta)) === 'active', { what: 'restores on the server' });
			await page.getByLabel('Show deleted').uncheck();
			await waitForNames(page, ['delta', 'charlie', 'bravo', 'alpha']);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('groups by a param with collapsible groups and counts', async () => {
		const { experimentId } = await seedExperiment('e2e-table-group', SEEDS);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId, '?group=params.optimizer');
			const groups = await waitFor(async () => {
				const g = await page.$$eval('[role=row][data-group]', (rows) => rows.map((r) => `${r.getAttribute('data-group')}:${r.querySelector('.group-count')?.textContent}`));
				return g.length === 3 ? g : null;
			}, { what: 'three groups' });
			const count = (opt: string) => SEEDS.filter((s) => s.params.optimizer === opt).length;
			expect(groups).toEqual(['adam', 'rmsprop', 'sgd'].map((o) => `${o}:${count(o)}`));
			await page.locator('[role=row][data-group="adam"] button').click();
			await waitForNames(page, ['delta', 'bravo']);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('switches to the dark theme and back, kept across reloads and rendered by the server in the chosen theme', async () => {
		const { experimentId } = await seedExperiment('e2e-table-theme', SEEDS.slice(0, 1));
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.emulateMedia({ colorScheme: 'light' });
			const theme = () => page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor]);
			await openExperiment(page, experimentId);
			const light = await theme();
			expect(light[0]).toBe('light');
			await page.locator('[data-theme-choice=dark]').click();
			await waitFor(async () => (await theme())[0] === 'dark', { what: 'the dark theme' });
			expect((await theme())[1]).not.toBe(light[1]);
			// The choice holds across a reload, and the server renders the page in it before any script has run.
			const reloaded = await page.reload();
			expect(await reloaded!.text()).toContain('data-theme="dark"');
			await waitForText(page, '[role=status]', 'Live');
			expect((await theme())[0]).toBe('dark');
			expect(await page.locator('[data-theme-choice=dark]').getAttribute('aria-pressed')).toBe('true');
			// Back to the system's (dark now): no choice for the server to render; the page follows the system.
			await page.locator('[data-theme-choice=system]').click();
			await page.emulateMedia({ colorScheme: 'dark' });
			const followed = await page.reload();
			expect(await followed!.text()).not.toContain('data-theme="dark"');
			await waitForText(page, '[role=status]', 'Live');
			expect((await theme())[0]).toBe('dark');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('paints the first screen remembered from the last visit at once on an in-app visit, then the documents replace it', async () => {
		const { experimentId } = await seedExperiment('e2e-table-first-screen', SEEDS);
		const { context, page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId, '?sort=-metrics.loss');
			const byLoss = ['echo', 'charlie', 'alpha', 'delta', 'bravo'];
			await waitForNames(page, byLoss);
			await page.waitForFunction((id) => localStorage.getItem(`tandem:first-screen:${id}`) !== null, experimentId);

			// A fresh page of the same browser: record whether the remembered rows were on screen before the documents.
			const again = await context.newPage();
			await again.addInitScript(() => {
				const w = window as unknown as { sawSnapshot: boolean };
				w.sawSnapshot = false;
				new MutationObserver(() => {
					if (document.body?.textContent?.includes('as of your last visit') && document.querySelector('[role=row][data-run-id]')) w.sawSnapshot = true;
				}).observe(document, { childList: true, subtree: true, characterData: true });
			});
			// Loading the page itself would get the server's rendered first screen; a link followed in the app uses the
			// remembered one (the experiments list is open, its own documents loaded).
			await again.goto(e2e.server.url);
			await waitForText(again, '[role=status]', 'Live');
			await again.evaluate((href) => {
				const link = Object.assign(document.createElement('a'), { href, textContent: 'open the runs' });
				document.querySelector('main')!.append(link);
				link.click();
			}, `/experiments/${experimentId}?sort=-metrics.loss`);
			await waitForNames(again, byLoss);
			await again.waitForFunction(() => !document.body.textContent?.includes('as of your last visit'));
			expect(await again.evaluate(() => (window as unknown as { sawSnapshot: boolean }).sawSnapshot)).toBe(true);
			// Measured from the browser's report of the rows' first paint (Element Timing), which comes after that paint.
			await waitFor(() => again.evaluate(() => performance.getEntriesByName('tandem:runs-first-screen').length > 0), { what: 'the first screen measured' });
			expect(await again.evaluate(() => performance.getEntriesByName('tandem:runs-first-screen').length)).toBe(1);
			await waitForText(again, '[data-testid=run-count]', '5 runs');
			// Another view has no remembered first screen: it waits for the documents.
			await again.goto(`${e2e.server.url}/experiments/${experimentId}?sort=name`);
			await waitForNames(again, ['alpha', 'bravo', 'charlie', 'delta', 'echo']);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
	it("paints the server's first screen on a first visit while the documents load, then the documents replace it", async () => {
		const { experimentId } = await seedExperiment('e2e-table-server-screen', SEEDS);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			// The relay's messages for the runs document are held until the first screen is on screen, so the rows
			// shown before then can only be the server's.
			const release = await holdRelayMessages(page, `exp/${experimentId}`);
			const asked: string[] = [];
			page.on('request', (r) => void (r.url().includes('/first-screen') && asked.push(r.url())));
			const query = `?q=${encodeURIComponent("params.optimizer = 'adam' or metrics.loss < 0.1")}&sort=-metrics.loss`;
			const response = await page.goto(`${e2e.server.url}/experiments/${experimentId}${query}`);
			// The server rendered the view's first screen into the page's HTML, in the view's order.
			expect(response!.headers()['x-tandem-rendered']).toBe('server');
			const html = await response!.text();
			const rendered = [...html.matchAll(/class="name[^"]*"[^>]*>([^<]*)</g)].map((m) => m[1]);
			expect(rendered).toEqual(['echo', 'charlie', 'alpha', 'bravo']);
			await waitForNames(page, rendered);
			await waitForText(page, '.loading', 'Loading runs… showing the first 4 of 4');
			await waitForText(page, '[data-testid=run-count]', '4 of 5 runs');
			expect(await page.evaluate(() => performance.getEntriesByName('tandem:runs-first-rows').length)).toBe(0);

			release();
			await page.waitForFunction(() => !document.querySelector('.loading'));
			await waitForNames(page, ['echo', 'charlie', 'alpha', 'bravo']);
			await waitForText(page, '[data-testid=run-count]', '4 of 5 runs');
			await waitFor(() => page.evaluate(() => performance.getEntriesByName('tandem:runs-first-rows').length === 1), { what: 'first rows from the documents' });
			await waitFor(() => page.evaluate(() => performance.getEntriesByName('tandem:runs-first-screen').length > 0), { what: 'the first screen measured' });
			expect(await page.evaluate(() => performance.getEntriesByName('tandem:runs-first-screen').length)).toBe(1);
			// Hydrating the rendered page used the answer inlined in it: the browser never asked for a first screen.
			expect(asked).toEqual([]);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
