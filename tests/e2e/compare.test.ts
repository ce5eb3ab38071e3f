// The compare page in headless Chromium against the real server: runs ingested over HTTP, the diff table (and
// "differences only"), the scatter and parallel coordinates (one mark per run), runs located across experiments,
// and the view in the URL. (The overlaid charts are tested in charts.test.ts.)
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { seedRuns as seedRunsOver, type SeedRun } from '../helpers/seed-runs';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const post = e2e.post;

const seedRuns = (experimentName: string, runs: SeedRun[]) => seedRunsOver(post, experimentName, runs);

const ALPHA: SeedRun = { name: 'alpha', params: { optimizer: 'adam', lr: '0.01', seed: '7' }, metrics: { loss: [1, 0.5, 0.25], acc: [0.5, 0.7, 0.9] } };
const BRAVO: SeedRun = { name: 'bravo', params: { optimizer: 'sgd', lr: '0.1', seed: '7' }, metrics: { loss: [1.2, 0.8, 0.4], val_loss: [1, 0.9] } };

/** The diff table as key → cell texts in run order, for the rows on screen. */
function readDiffTable(page: Page, runIds: string[]): Promise<Record<string, string[]>> {
	return page.$$eval(
		'[data-testid=diff-table] tbody tr[data-key]',
		(rows, ids) =>
			Object.fromEntries(
				rows.map((r) => [
					`${r.closest('tbody')!.dataset.section}.${(r as HTMLElement).dataset.key}`,
					ids.map((id) => r.querySelector(`td[data-run-id="${id}"]`)?.firstChild?.textContent?.trim() ?? '?')
				])
			),
		runIds
	);
}

async function waitForDiff(page: Page, runIds: string[], want: Record<string, string[]>): Promise<void> {
	let last: Record<string, string[]> = {};
	await waitFor(async () => ((last = await readDiffTable(page, runIds)), JSON.stringify(last) === JSON.stringify(want)), {
		what: 'the diff table'
	}).catch((e) => {
		throw new Error(`${(e as Error).message}; shown: ${JSON.stringify(last)}`);
	});
}

const runMarks = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => e.getAttribute('data-run-id')).sort());

describe('compare page [e2e]', () => {
	it('diffs two runs, hides what they share with "differences only", and plots one mark per run', async () => {
		const { experimentId, ids } = await seedRuns('e2e-compare', [ALPHA, BRAVO]);
		const { page, errors, close } = await openTestPage(e2e.browser, { viewport: { width: 1400, height: 900 } });
		try {
			await page.goto(`${e2e.server.url}/compare?runs=${ids.join(',')}&exp=${experimentId}`);
			await waitForText(page, 'h1', 'Compare 2 runs');
			for (const [i, id] of ids.entries()) {
				await waitForText(page, `[data-testid=compare-runs] li[data-run-id="${id}"] a`, [ALPHA, BRAVO][i].name);
				expect(await page.getAttribute(`[data-testid=compare-runs] li[data-run-id="${id}"] a`, 'href')).toBe(`/runs/${id}`);
			}
			const all = {
				'param.lr': ['0.01', '0.1'],
				'param.optimizer': ['adam', 'sgd'],
				'param.seed': ['7', '7'],
				'metric.acc': ['0.9', '—'],
				'metric.loss': ['0.25', '0.4'],
				'metric.val_loss': ['—', '0.9']
			};
			await waitForDiff(page, ids, all);
			// Lower loss is better: alpha's is best, bravo's worst.
			expect(await page.getAttribute(`tr[data-key=loss] td[data-run-id="${ids[0]}"]`, 'class')).toContain('best');
			expect(await page.getAttribute(`tr[data-key=loss] td[data-run-id="${ids[1]}"]`, 'class')).toContain('worst');

			await page.getByLabel('Differences only').check();
			const { 'param.seed': _, ...differing } = all;
			await waitForDiff(page, ids, differing);
			await waitFor(() => new URL(page.url()).searchParams.get('diff') === '1', { what: 'diff=1 in the URL' });

			// Min instead of last: loss shows each run's minimum.
			await page.getByLabel('Metric value').selectOption('min');
			await waitForDiff(page, ids, { ...differing, 'metric.loss': ['0.25', '0.4'], 'metric.acc': ['0.5', '—'] });

			// The default scatter is lr (a param they differ in) against loss (the metric both have, not acc, which only
			// alpha has); acc plots alpha alone.
			expect(await page.getByLabel('Scatter x axis').inputValue()).toBe('params.lr');
			expect(await page.getByLabel('Scatter y axis').inputValue()).toBe('metrics.loss');
			expect(await runMarks(page, '[data-testid=scatter] circle[data-run-id]')).toEqual([...ids].sort());
			await page.getByLabel('Scatter y axis').selectOption('metrics.acc');
			await waitFor(async () => (await runMarks(page, '[data-testid=scatter] circle[data-run-id]')).length === 1, { what: 'one scatter point' });
			await page.getByLabel('Scatter y axis').selectOption('metrics.loss');
			await waitFor(async () => (await runMarks(page, '[data-testid=scatter] circle[data-run-id]')).length === 2, { what: 'two scatter points' });
			expect(await runMarks(page, '[data-testid=parallel-coordinates] .lines path[data-run-id]')).toEqual([...ids].sort());

			// Hovering a point names its run and both values.
			await page.locator('[data-testid=scatter]').getByRole('button', { name: /^bravo:/ }).hover();
			const tip = page.getByRole('tooltip');
			await tip.waitFor();
			expect((await tip.innerText()).replace(/\s+/g, ' ')).toBe('bravo params.lr 0.1 metrics.loss 0.4');

			// A copied link reproduces the view.
			await page.getByLabel('Scatter y axis').selectOption('metrics.loss@max');
			await waitFor(() => new URL(page.url()).searchParams.get('sy') === 'metrics.loss@max', { what: 'sy in the URL' });
			const other = await openTestPage(e2e.browser, { viewport: { width: 1400, height: 900 } });
			try {
				await other.page.goto(page.url());
				await waitForDiff(other.page, ids, { ...differing, 'metric.loss': ['0.25', '0.4'], 'metric.acc': ['0.5', '—'] });
				expect(await other.page.getByLabel('Differences only').isChecked()).toBe(true);
				expect(await other.page.getByLabel('Scatter y axis').inputValue()).toBe('metrics.loss@max');
				expect(other.errors).toEqual([]);
			} finally {
				await other.close();
			}
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('finds runs of other experiments through their run documents, with or without exp', async () => {
		const first = await seedRuns('e2e-compare-first', [ALPHA]);
		const second = await seedRuns('e2e-compare-second', [BRAVO]);
		const ids = [first.ids[0], second.ids[0]];
		const missing = 'f'.repeat(32);
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			for (const query of [`runs=${ids.join(',')}&exp=${first.experimentId}`, `runs=${ids.join(',')},${missing}`]) {
				await page.goto(`${e2e.server.url}/compare?${query}`);
				await waitForDiff(page, ids, {
					'param.lr': ['0.01', '0.1'],
					'param.optimizer': ['adam', 'sgd'],
					'param.seed': ['7', '7'],
					'metric.acc': ['0.9', '—'],
					'metric.loss': ['0.25', '0.4'],
					'metric.val_loss': ['—', '0.9']
				});
				// Runs from two experiments: each chip names its experiment.
				await waitForText(page, `[data-testid=compare-runs] li[data-run-id="${ids[1]}"] .exp`, 'e2e-compare-second');
			}
			await waitForText(page, '.warn', `1 run was not found: ${missing}`);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('explains what to do when no runs are named', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/compare`);
			await page.getByText('No runs to compare.').waitFor();
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
