// Saved views (issue 13 §4) in two headless Chromium contexts against the real server: a view saved in one is listed
// in the other, opens there with its filter, sort and tab, is renamed and deleted for everyone; changing an open
// view is shown and can be saved over it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();

async function seed(): Promise<string> {
	let experimentId = '';
	for (const [i, [name, optimizer, loss]] of ([
		['alpha', 'adam', 0.25],
		['bravo', 'sgd', 0.05],
		['charlie', 'adam', 0.5]
	] as const).entries()) {
		const run = await e2e.post<{ run_id: string; experiment_id: string }>('/api/runs', {
			experiment_name: 'e2e-saved-views',
			run_name: name,
			start_time: 1_700_000_000_000 + i * 1000,
			params: { optimizer }
		});
		experimentId = run.experiment_id;
		await e2e.post(`/api/runs/${run.run_id}/log`, { metrics: [{ key: 'loss', value: loss, step: 1 }] });
	}
	return experimentId;
}

function readShownNames(page: Page): Promise<string[]> {
	return page.$$eval('[role=row][data-run-id]', (rows) =>
		rows
			.map((r) => ({ i: Number(r.getAttribute('aria-rowindex')), name: r.querySelector('[data-col=name] a')?.textContent?.trim() ?? '' }))
			.sort((a, b) => a.i - b.i)
			.map((r) => r.name)
	);
}

const viewNames = (page: Page) => page.$$eval('[aria-label="Saved views"] [data-view-id] a', (as) => as.map((a) => a.textContent?.trim() ?? ''));

async function openViews(page: Page): Promise<void> {
	if ((await page.getAttribute('[data-testid=saved-views]', 'aria-expanded')) !== 'true') await page.click('[data-testid=saved-views]');
	await page.waitForSelector('[aria-label="Saved views"]');
}

describe('saved views [e2e]', () => {
	it('saves a view in one browser; another lists it live, opens it with its filter and sort, renames it; deleting removes it everywhere', async () => {
		const experimentId = await seed();
		const a = await openTestPage(e2e.browser);
		const b = await openTestPage(e2e.browser);
		try {
			const base = `${e2e.server.url}/experiments/${experimentId}`;
			await a.page.goto(`${base}?q=${encodeURIComponent("params.optimizer = 'adam'")}&sort=-metrics.loss`);
			await waitForText(a.page, '[role=status]', 'Live');
			await waitFor(async () => JSON.stringify(await readShownNames(a.page)) === '["charlie","alpha"]', { what: 'the filtered, sorted rows in A' });
			await b.page.goto(base);
			await waitForText(b.page, '[role=status]', 'Live');
			await openViews(b.page);
			await b.page.getByText('No saved views yet.').waitFor();

			await openViews(a.page);
			await a.page.fill('[data-testid=saved-view-name]', 'adam, worst first');
			await a.page.click('text=Save view');
			await waitForText(a.page, '[data-testid=saved-view-label]', 'View: adam, worst first');
			expect(new URL(a.page.url()).searchParams.get('savedView')).toMatch(/^[0-9a-f]{32}$/);

			// B sees it arrive without reloading, and opening it reproduces A's rows.
			await waitFor(async () => (await viewNames(b.page)).includes('adam, worst first'), { what: 'the view listed in B' });
			await b.page.click('[aria-label="Saved views"] a:has-text("adam, worst first")');
			await waitFor(async () => JSON.stringify(await readShownNames(b.page)) === '["charlie","alpha"]', { what: 'the saved view open in B' });
			await waitForText(b.page, '[data-testid=saved-view-label]', 'View: adam, worst first');
			expect(await b.page.textContent('[data-testid=saved-view-label]')).not.toContain('(changed)');

			// Changing the open view is shown, and can be saved over it; A then opens the new version.
			await b.page.fill('input[aria-label="Filter runs"]', "params.optimizer = 'sgd'");
			await waitFor(async () => JSON.stringify(await readShownNames(b.page)) === '["bravo"]', { what: 'B filtered to sgd' });
			await waitForText(b.page, '[data-testid=saved-view-label]', 'View: adam, worst first (changed)');
			await openViews(b.page);
			await b.page.click('[data-testid=saved-view-update]');
			await waitFor(async () => !((await b.page.textContent('[data-testid=saved-view-label]')) ?? '').includes('(changed)'), { what: 'saved over' });

			await openViews(b.page);
			await b.page.click('[aria-label="Saved views"] button[aria-label="Rename adam, worst first"]');
			await b.page.fill('[aria-label="New name"]', 'sgd only');
			await b.page.click('[aria-label="Saved views"] button:has-text("Rename")');
			await openViews(a.page);
			await waitFor(async () => JSON.stringify(await viewNames(a.page)) === '["sgd only"]', { what: 'the rename in A' });
			await a.page.click('[aria-label="Saved views"] a:has-text("sgd only")');
			await waitFor(async () => JSON.stringify(await readShownNames(a.page)) === '["bravo"]', { what: 'the updated view open in A' });

			await openViews(a.page);
			await a.page.click('[aria-label="Saved views"] button[aria-label="Delete sgd only"]');
			await a.page.click('text=Delete for everyone');
			await openViews(b.page);
			await b.page.getByText('No saved views yet.').waitFor();
			expect(new URL(a.page.url()).searchParams.has('savedView')).toBe(false);
			expect([...a.errors, ...b.errors]).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
	});
});
