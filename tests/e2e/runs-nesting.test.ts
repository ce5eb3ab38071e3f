// The runs table's nested runs, resizable columns and tooltips in headless Chromium against the real server: children
// (tag mlflow.parentRunId) folded under their parent with a count, expanded (grandchildren too) and kept in the URL,
// a filter matching a child shows it under its parent (marked as context); the server-rendered first screen holds
// the parents folded with their expanders and counts before the documents load, and the loaded tree keeps them; a
// column resized by its edge survives a reload; a truncated name's tooltip is the whole name; the run page names the
// parent.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { holdRelayMessages } from '../helpers/hold-relay';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const post = e2e.post;

/** Creates a finished run started `minute` minutes into the test's hour; returns its id. */
async function createRun(experimentName: string, name: string, minute: number, extra: { parent?: string; params?: Record<string, string> } = {}): Promise<string> {
	const { run_id } = await post<{ run_id: string }>('/api/runs', {
		experiment_name: experimentName,
		run_name: name,
		start_time: 1_700_000_000_000 + minute * 60_000,
		params: extra.params ?? {},
		tags: extra.parent ? { 'mlflow.parentRunId': extra.parent } : {}
	});
	await post(`/api/runs/${run_id}/end`, { status: 'FINISHED' });
	return run_id;
}

async function readExperimentId(runId: string): Promise<string> {
	const res = await fetch(`${e2e.server.url}/api/runs/${runId}`);
	return ((await res.json()) as { run: { experiment_id: string } }).run.experiment_id;
}

/** The rows on screen, top to bottom, as `depth:name` with `?` before a context row's name. */
function readTree(page: Page): Promise<string[]> {
	return page.$$eval('[role=row][data-run-id]', (rows) =>
		rows
			.map((r) => ({
				i: Number(r.getAttribute('aria-rowindex')),
				text: `${r.getAttribute('data-depth')}:${r.hasAttribute('data-context') ? '?' : ''}${r.querySelector('[data-col=name] a')?.textContent?.trim() ?? ''}`
			}))
			.sort((a, b) => a.i - b.i)
			.map((r) => r.text)
	);
}

async function waitForTree(page: Page, want: string[]): Promise<void> {
	let last: string[] = [];
	await waitFor(async () => ((last = await readTree(page)), JSON.stringify(last) === JSON.stringify(want)), { what: `rows ${JSON.stringify(want)}` }).catch((e) => {
		throw new Error(`${(e as Error).message}; shown: ${JSON.stringify(last)}`);
	});
}

async function openExperiment(page: Page, experimentId: string, query = ''): Promise<void> {
	await page.goto(`${e2e.server.url}/experiments/${experimentId}${query}`);
	await waitForText(page, '[role=status]', 'Live');
}

const expander = (runId: string) => `[role=row][data-run-id="${runId}"] .expander`;

describe('nested runs in the runs table [e2e]', () => {
	it('folds children under their parent, expands them (grandchildren too) and keeps that in the URL; a filter matching a child shows it under its parent', async () => {
		const exp = 'e2e-nesting';
		const sweep = await createRun(exp, 'sweep', 0);
		await createRun(exp, 'trial-1', 1, { parent: sweep, params: { lr: '0.1' } });
		const trial2 = await createRun(exp, 'trial-2', 2, { parent: sweep, params: { lr: '0.2' } });
		await createRun(exp, 'trial-2-a', 3, { parent: trial2, params: { lr: '0.3' } });
		await createRun(exp, 'solo', 4);
		const experimentId = await readExperimentId(sweep);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId);
			await waitForTree(page, ['0:solo', '0:sweep']);
			expect((await page.textContent(expander(sweep)))?.replace('▾', '').trim()).toBe('2');
			expect(await page.getAttribute(`[role=row][data-run-id="${sweep}"]`, 'aria-expanded')).toBe('false');

			await page.click(expander(sweep));
			await waitForTree(page, ['0:solo', '0:sweep', '1:trial-2', '1:trial-1']);
			await page.click(expander(trial2));
			await waitForTree(page, ['0:solo', '0:sweep', '1:trial-2', '2:trial-2-a', '1:trial-1']);
			// Sorting orders the children within their parent.
			await page.locator('[role=columnheader][data-col="name"] button').click();
			await waitForTree(page, ['0:solo', '0:sweep', '1:trial-1', '1:trial-2', '2:trial-2-a']);
			await waitFor(() => new URL(page.url()).searchParams.get('open')?.split(',').sort().join(',') === [sweep, trial2].sort().join(','), { what: 'open= in the URL' });

			await page.reload();
			await waitForText(page, '[role=status]', 'Live');
			await waitForTree(page, ['0:solo', '0:sweep', '1:trial-1', '1:trial-2', '2:trial-2-a']);

			// Folding the parent again, then a filter that only a grandchild matches: it shows under its ancestors.
			await page.click(expander(sweep));
			await waitForTree(page, ['0:solo', '0:sweep']);
			await page.getByLabel('Filter runs').fill("params.lr = '0.3'");
			await waitForTree(page, ['0:?sweep', '1:?trial-2', '2:trial-2-a']);
			expect(await page.getAttribute(`[role=row][data-run-id="${sweep}"] [data-col=name] a`, 'title')).toContain('does not match the filter');
			await waitForText(page, '[data-testid=run-count]', '1 of 5 runs');
			await page.getByLabel('Filter runs').fill("params.lr = '0.1'");
			await waitForTree(page, ['0:?sweep', '1:trial-1']);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it("renders the first screen's parents folded with their expander and count before the documents load; the loaded tree is the same", async () => {
		const exp = 'e2e-nesting-first-screen';
		const sweep = await createRun(exp, 'sweep', 0);
		for (let i = 1; i <= 3; i++) await createRun(exp, `trial-${i}`, i, { parent: sweep });
		await createRun(exp, 'solo', 5);
		const experimentId = await readExperimentId(sweep);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			// The relay's messages for the runs document are held, so what shows until then is the server's first screen.
			const release = await holdRelayMessages(page, `exp/${experimentId}`);
			const response = await page.goto(`${e2e.server.url}/experiments/${experimentId}`);
			expect(response!.headers()['x-tandem-rendered']).toBe('server');
			const html = await response!.text();
			expect([...html.matchAll(/class="name[^"]*"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['solo', 'sweep']);
			expect(html).toMatch(/class="expander[^"]*"[^>]*aria-expanded="false"[^>]*aria-label="Show the 3 child runs of sweep"/);
			await waitForTree(page, ['0:solo', '0:sweep']);
			await page.waitForSelector('.loading');
			const count = async () => (await page.textContent(expander(sweep)))?.replace('▾', '').trim();
			expect(await count()).toBe('3');
			// Where the name sits in its row (the loading bar above the table goes away, moving the table itself).
			const box = () => page.locator(`[role=row][data-run-id="${sweep}"] [data-col=name] a`).evaluate((a) => {
				const r = a.getBoundingClientRect();
				const row = a.closest('[role=row]')!.getBoundingClientRect();
				return { x: r.x - row.x, y: r.y - row.y, width: r.width };
			});
			const before = await box();

			release();
			await page.waitForFunction(() => !document.querySelector('.loading'));
			await waitForText(page, '[role=status]', 'Live');
			await waitForTree(page, ['0:solo', '0:sweep']);
			expect(await count()).toBe('3');
			expect(await box()).toEqual(before); // no jump: the name stays where the first screen put it
			await page.click(expander(sweep));
			await waitForTree(page, ['0:solo', '0:sweep', '1:trial-3', '1:trial-2', '1:trial-1']);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('resizes a column by dragging its edge, keeps the width over a reload, and double-click gives the default back; a truncated name shows whole on hover', async () => {
		const long = 'a-very-long-run-name-that-the-name-column-cannot-show-whole-at-its-default-width';
		const child = await createRun('e2e-resize', long, 0);
		const experimentId = await readExperimentId(child);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await openExperiment(page, experimentId);
			const link = page.locator(`[role=row][data-run-id="${child}"] [data-col=name] a`);
			await link.waitFor();
			expect(await link.getAttribute('title')).toBe(long);
			expect(await link.evaluate((a) => a.scrollWidth > a.clientWidth)).toBe(true);

			const header = page.locator('[role=columnheader][data-col=name]');
			const width = () => header.evaluate((el) => el.getBoundingClientRect().width);
			const before = await width();
			const edge = await page.locator('[data-resize=name]').boundingBox();
			await page.mouse.move(edge!.x + edge!.width / 2, edge!.y + edge!.height / 2);
			await page.mouse.down();
			await page.mouse.move(edge!.x + edge!.width / 2 + 60, edge!.y + edge!.height / 2, { steps: 4 });
			await page.mouse.move(edge!.x + edge!.width / 2 + 120, edge!.y + edge!.height / 2, { steps: 4 });
			await page.mouse.up();
			await waitFor(async () => Math.round(await width()) === Math.round(before) + 120, { what: 'the name column 120 px wider' });
			const cell = page.locator(`[role=row][data-run-id="${child}"] [data-col=name]`);
			expect(Math.round(await cell.evaluate((el) => el.getBoundingClientRect().width))).toBe(Math.round(before) + 120);
			await waitFor(() => new URL(page.url()).searchParams.get('w') === `name:${Math.round(before) + 120}`, { what: 'w= in the URL' });

			await page.reload();
			await waitForText(page, '[role=status]', 'Live');
			await waitFor(async () => Math.round(await width()) === Math.round(before) + 120, { what: 'the width after a reload' });

			// The keyboard moves the edge too; a double-click resets.
			await page.locator('[data-resize=name]').focus();
			await page.keyboard.press('ArrowLeft');
			await waitFor(async () => Math.round(await width()) === Math.round(before) + 110, { what: 'the width 10 px less' });
			await page.locator('[data-resize=name]').dblclick();
			await waitFor(async () => Math.round(await width()) === Math.round(before), { what: 'the default width back' });
			await waitFor(() => !new URL(page.url()).searchParams.has('w'), { what: 'no w= in the URL' });
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('names the parent on the run page, links it and lists the children by name', async () => {
		const parent = await createRun('e2e-nesting-page', 'the-sweep', 0);
		const child = await createRun('e2e-nesting-page', 'a-trial', 1, { parent });
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/runs/${child}`);
			await waitForText(page, '[data-testid=parent-run]', 'the-sweep');
			expect(await page.getAttribute('[data-testid=parent-run]', 'href')).toBe(`/runs/${parent}`);
			await page.click('[data-testid=parent-run]');
			await waitForText(page, '[data-testid=run-name]', 'the-sweep');
			await waitForText(page, '[data-testid=child-runs] a', 'a-trial');
			expect(await page.getAttribute('[data-testid=child-runs] a', 'title')).toBe('a-trial');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
