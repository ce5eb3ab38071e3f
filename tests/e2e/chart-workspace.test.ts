// The experiment chart workspace in headless Chromium against the real server: a panel per metric in sections by
// prefix, drawing the runs the table's view shows (its filter; runs hidden from charts left out), extended live as a
// running run logs over HTTP; panels reordered, resized, collapsed, added and opened fullscreen, with the layout
// kept in the URL across a reload; and a run drawn in its own colour on the run page, compare page and workspace.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type { Page } from 'playwright-core';
import { docNames } from '../../src/lib/core/schema';
import { readRuns, setRunColor } from '../../src/lib/core/docs/experiment';
import { defaultRunColor } from '../../src/lib/core/run-color';
import { openTestPage } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { seedRuns as seedRunsOver, type SeedRun } from '../helpers/seed-runs';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const post = e2e.post;

const seedRuns = (experimentName: string, runs: SeedRun[]) => seedRunsOver(post, experimentName, runs);

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const panel = (page: Page, id: string) => page.locator(`[data-panel-id="${id}"]`);

/** The run ids in a line panel's legend, sorted. */
const legendRuns = (page: Page, id: string) => panel(page, id).locator('.legend li').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')!).sort());

/** Waits until the line panel `id` has drawn exactly `points` points (scrolled into view: panels load near it). */
async function waitForPanelPoints(page: Page, id: string, points: number): Promise<void> {
	await page
		.waitForFunction(
			([p, n]) => {
				// The panel may be re-made while the run documents load: find it anew each time.
				const el = document.querySelector(`[data-panel-id="${p}"]`);
				el?.scrollIntoView({ block: 'nearest' });
				return el?.querySelector('.plot')?.getAttribute('data-points') === String(n);
			},
			[id, points] as const,
			{ timeout: 15_000 }
		)
		.catch(async (e) => {
			const got = await panel(page, id).locator('.plot').getAttribute('data-points', { timeout: 100 }).catch(() => null);
			throw new Error(`panel '${id}' did not reach ${points} points (has ${got})`, { cause: e });
		});
}

/** The panel ids of section `section`, in order. */
const sectionPanels = (page: Page, section: string) =>
	page.locator(`[data-section="${section}"] [data-panel-id]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-panel-id')));

describe('chart workspace [e2e]', () => {
	it('draws a panel per metric for the runs the table shows, live, without the runs hidden from charts', async () => {
		const { experimentId, ids } = await seedRuns('e2e-workspace', [
			{ name: 'adam-a', params: { opt: 'adam' }, metrics: { 'train/loss': range(30, (i) => 1 / (i + 1)), 'val/acc': [0.5, 0.7], lr: [0.1] } },
			{ name: 'sgd-b', params: { opt: 'sgd' }, metrics: { 'train/loss': range(20, (i) => 2 / (i + 1)), 'val/acc': [0.4] } },
			{ name: 'adam-live', params: { opt: 'adam' }, metrics: { 'train/loss': range(10, (i) => 3 / (i + 1)) }, running: true }
		]);
		const [a, b, live] = ids;
		const { page, errors, close } = await openTestPage(e2e.browser, { viewport: { width: 1400, height: 900 } });
		try {
			await page.goto(`${e2e.server.url}/experiments/${experimentId}?tab=charts`);
			await page.getByTestId('chart-workspace').waitFor();
			// Sections by prefix, the default one (lr) first.
			await waitFor(async () => (await page.locator('[data-section]').evaluateAll((els) => els.map((e) => e.getAttribute('data-section')))).join() === ',train,val', {
				what: 'three sections'
			});
			await waitForPanelPoints(page, 'line:train/loss', 60);
			expect(await legendRuns(page, 'line:train/loss')).toEqual([...ids].sort());

			// The table's filter is the workspace's: two runs left.
			await page.getByLabel('Filter runs').fill("params.opt = 'adam'");
			await waitForPanelPoints(page, 'line:train/loss', 40);
			expect(await legendRuns(page, 'line:train/loss')).toEqual([a, live].sort());
			await waitForPanelPoints(page, 'line:val/acc', 2);

			// A running run's points arrive live.
			await post(`/api/runs/${live}/log`, { metrics: { 'train/loss': { steps: [10, 11, 12, 13, 14], values: [0.2, 0.19, 0.18, 0.17, 0.16] } } });
			await waitForPanelPoints(page, 'line:train/loss', 45);

			// The metric search keeps the panels whose metric matches.
			await page.getByLabel('Search metrics').fill('acc');
			await waitFor(async () => (await page.locator('[data-panel-id]').count()) === 1, { what: 'one panel after the search' });
			await page.getByLabel('Search metrics').fill('');

			// N = 1 charts the table's first run only (newest first: the live one).
			await page.getByLabel('Runs to chart').fill('1');
			await page.getByLabel('Runs to chart').press('Enter');
			await waitForPanelPoints(page, 'line:train/loss', 15);
			expect(await legendRuns(page, 'line:train/loss')).toEqual([live]);
			await waitFor(() => new URL(page.url()).searchParams.get('layout') === '1*n1', { what: 'N in the URL' });

			// A run hidden from the charts (the table's `hide`) leaves every panel.
			await page.goto(`${e2e.server.url}/experiments/${experimentId}?tab=charts&hide=${live}`);
			await waitForPanelPoints(page, 'line:train/loss', 50);
			expect(await legendRuns(page, 'line:train/loss')).toEqual([a, b].sort());
			expect(await page.getByTestId('workspace-run-count').textContent()).toBe('2 of 3 · 1 hidden');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('reorders, resizes, collapses, adds and opens panels fullscreen, and keeps the layout across a reload', async () => {
		const { experimentId } = await seedRuns('e2e-workspace-layout', [
			{ name: 'one', params: { lr: '0.1' }, metrics: { 'train/acc': [0.1, 0.2], 'train/loss': [1, 0.5], 'val/loss': [0.9], epoch: [0, 1] } },
			{ name: 'two', params: { lr: '0.01' }, metrics: { 'train/acc': [0.3], 'train/loss': [2, 1], 'val/loss': [0.8], epoch: [0, 1] } }
		]);
		const { page, errors, close } = await openTestPage(e2e.browser, { viewport: { width: 1400, height: 900 } });
		try {
			await page.goto(`${e2e.server.url}/experiments/${experimentId}?tab=charts`);
			await panel(page, 'line:train/loss').waitFor();
			expect(await sectionPanels(page, 'train')).toEqual(['line:train/acc', 'line:train/loss']);

			// Reorder by button, and back and forth by keyboard (Alt+→ on a focused control).
			await page.getByRole('button', { name: 'Move train/loss earlier' }).click();
			await waitFor(async () => (await sectionPanels(page, 'train'))[0] === 'line:train/loss', { what: 'train/loss first' });
			await page.getByRole('button', { name: 'Reorder train/acc' }).focus();
			await page.keyboard.press('Alt+ArrowLeft');
			await waitFor(async () => (await sectionPanels(page, 'train'))[0] === 'line:train/acc', { what: 'train/acc first again' });
			await page.getByRole('button', { name: 'Reorder train/acc' }).focus();
			await page.keyboard.press('Alt+ArrowRight');
			await waitFor(async () => (await sectionPanels(page, 'train'))[0] === 'line:train/loss', { what: 'train/loss first again' });

			// Resize, collapse a section, add a bar panel, remove a panel.
			await page.getByLabel('Size of train/loss').selectOption('l');
			await page.locator('[data-section="val"] h2 button').click();
			await page.getByLabel('New panel type').selectOption('bar');
			await page.getByLabel('New panel metric').selectOption('train/loss');
			await page.getByRole('button', { name: 'Add panel' }).click();
			await panel(page, 'bar:last|train/loss').waitFor();
			expect(await panel(page, 'bar:last|train/loss').locator('[data-testid=bar-chart] rect').count()).toBe(2);
			await page.getByRole('button', { name: 'Remove epoch' }).click();
			await waitFor(async () => (await panel(page, 'line:epoch').count()) === 0, { what: 'epoch removed' });

			// x = a metric: train/loss against epoch, paired by step (one point per step both have).
			await page.getByLabel('X axis').selectOption('metric:epoch');
			await waitForPanelPoints(page, 'line:train/loss', 4);

			// Fullscreen, closed with Esc.
			await page.getByRole('button', { name: 'Fullscreen train/loss', exact: true }).click();
			await page.locator('[data-panel-id="line:train/loss"].full').waitFor();
			await page.keyboard.press('Escape');
			await page.locator('.panel.full').waitFor({ state: 'detached' });

			const expected = ['line:train/loss', 'line:train/acc', 'bar:last|train/loss'];
			expect(await sectionPanels(page, 'train')).toEqual(expected);
			await waitFor(() => (new URL(page.url()).searchParams.get('layout') ?? '').includes('pbmlast,train/loss'), { what: 'the layout in the URL' });
			const layout = new URL(page.url()).searchParams.get('layout');

			await page.reload();
			await panel(page, 'line:train/loss').waitFor();
			expect(await sectionPanels(page, 'train')).toEqual(expected);
			expect(await panel(page, 'line:train/loss').getAttribute('class')).toContain('size-l');
			expect(await page.locator('[data-section="val"] h2 button').getAttribute('aria-expanded')).toBe('false');
			expect(await page.locator('[data-section="val"] [data-panel-id]').count()).toBe(0);
			expect(await panel(page, 'line:epoch').count()).toBe(0);
			expect(await page.getByLabel('X axis').inputValue()).toBe('metric:epoch');
			await waitForPanelPoints(page, 'line:train/loss', 4);
			expect(new URL(page.url()).searchParams.get('layout')).toBe(layout);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('draws a run in its own colour on the run page, the compare page and the workspace', async () => {
		const { experimentId, ids } = await seedRuns('e2e-workspace-colour', [
			{ name: 'red', params: { lr: '0.1' }, metrics: { loss: [1, 0.5] } },
			{ name: 'other', params: { lr: '0.2' }, metrics: { loss: [2, 1] } }
		]);
		const [red, other] = ids;
		const picked = '#d62728';
		// Pick the colour as the app does: on the experiment document, through the relay.
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(e2e.server.url.replace('http', 'ws') + '/sync', docNames.experiment(experimentId), doc, { WebSocketPolyfill: WebSocket as never });
		try {
			await waitFor(() => readRuns(doc, experimentId).some((r) => r.run_id === red), { what: 'the run header in the relay client' });
			expect(setRunColor(doc, red, picked)).toBe(true);
			const { page, errors, close } = await openTestPage(e2e.browser, { viewport: { width: 1400, height: 900 } });
			try {
				await page.goto(`${e2e.server.url}/experiments/${experimentId}?tab=charts`);
				const item = (id: string) => panel(page, 'line:loss').locator(`.legend li[data-run-id="${id}"]`);
				await waitFor(async () => (await item(red).getAttribute('data-color')) === picked, { what: 'the picked colour in the workspace legend' });
				expect(await item(other).getAttribute('data-color')).toBe(defaultRunColor(other));

				await page.goto(`${e2e.server.url}/compare?runs=${other},${red}&exp=${experimentId}`);
				const chip = (id: string) => page.locator(`[data-testid=compare-runs] li[data-run-id="${id}"]`);
				await waitFor(async () => (await chip(red).getAttribute('data-color')) === picked, { what: 'the picked colour on the compare page' });
				expect(await chip(other).getAttribute('data-color')).toBe(defaultRunColor(other));
				expect(await chip(red).locator('.swatch').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(214, 39, 40)');

				// The run page draws its chart in the run's colour too (its hover swatch is the line's colour).
				await page.goto(`${e2e.server.url}/runs/${red}`);
				await page.waitForFunction(() => document.querySelector('[data-metric="loss"] .plot')?.getAttribute('data-points') === '2', undefined, { timeout: 15_000 });
				const box = (await page.locator('[data-metric="loss"] .u-over').boundingBox())!;
				await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
				const swatch = page.locator('[data-metric="loss"] .hover .hr i').first();
				await swatch.waitFor();
				expect(await swatch.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(214, 39, 40)');
				expect(errors).toEqual([]);
			} finally {
				await close();
			}
		} finally {
			provider.destroy();
			doc.destroy();
		}
	});
});
