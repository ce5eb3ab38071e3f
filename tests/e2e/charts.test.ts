// Metric charts in headless Chromium against the real server: a running run's chart grows live as points are
// ingested over HTTP (appended, no reload), finished runs load over HTTP and overlay on one chart, and zoom, x-axis,
// smoothing and log y live in the URL (drag to zoom, double-click to reset).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { flushIndexedDb, openTestPage } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const post = e2e.post;

let experimentId = '';

async function createRun(name: string): Promise<string> {
	const created = await post<{ run_id: string; experiment_id: string }>('/api/runs', { experiment_name: 'charts', run_name: name });
	experimentId = created.experiment_id;
	return created.run_id;
}

async function logSteps(runId: string, key: string, from: number, values: number[]): Promise<void> {
	await post(`/api/runs/${runId}/log`, { metrics: { [key]: { steps: values.map((_, i) => from + i), values } } });
}

/** Scrolls the chart of `key` into view (charts load when they come near it) and waits until it has drawn from exactly `points` points. */
async function waitForPoints(page: Page, key: string, points: number): Promise<void> {
	const sel = `[data-metric="${key}"] .plot`;
	await page.locator(`[data-metric="${key}"]`).evaluate((e) => e.scrollIntoView({ block: "center" }));
	await page
		.waitForFunction(([s, n]) => document.querySelector(s)?.getAttribute('data-points') === String(n), [sel, points] as const, { timeout: 15_000 })
		.catch(async (e) => {
			const got = await page.locator(sel).first().getAttribute('data-points', { timeout: 100 }).catch(() => null);
			throw new Error(`chart '${key}' did not reach ${points} points (has ${got})`, { cause: e });
		});
}

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('metric charts [e2e]', () => {
	it('extends a running run’s chart as points are ingested, without reloading', async () => {
		const runId = await createRun('live');
		await logSteps(runId, 'loss', 0, range(50, (i) => 1 / (i + 1)));
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/compare?runs=${runId}`);
			await waitForPoints(page, 'loss', 50);
			await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
			await logSteps(runId, 'loss', 50, range(25, (i) => 0.01 * i));
			await waitForPoints(page, 'loss', 75);
			await logSteps(runId, 'acc', 0, [0.5, 0.6]);
			await waitForPoints(page, 'acc', 2);
			expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
			expect(await page.locator('[data-metric="loss"] canvas').count()).toBeGreaterThan(0);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('overlays finished runs, shows exact values on hover, and keeps zoom, x-axis, smoothing and log y in the URL', async () => {
		const a = await createRun('a');
		const b = await createRun('b');
		await logSteps(a, 'loss', 0, range(2000, (i) => (i === 1234 ? 987.654321 : 1 + Math.sin(i / 50))));
		await logSteps(b, 'loss', 0, range(1500, (i) => 0.123456789 + i));
		for (const id of [a, b]) await post(`/api/runs/${id}/end`, { status: 'FINISHED' });

		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/compare?runs=${a},${b}&zoom=1200,1300&smooth=0.5&log=1`);
			await waitForPoints(page, 'loss', 3500);
			const chart = page.locator('[data-metric="loss"]');
			await expect(chart.getByRole('button', { name: 'Reset zoom' }).count()).resolves.toBe(1);
			expect(await page.getByRole('slider', { name: 'Smoothing' }).inputValue()).toBe('0.5');
			expect(await page.getByRole('checkbox', { name: 'Log y' }).isChecked()).toBe(true);

			// Hover the middle of the zoomed plot: the legend names the step and both runs' exact values.
			const over = chart.locator('.u-over');
			const box = (await over.boundingBox())!;
			await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
			const hover = chart.locator('.hover');
			await waitFor(async () => /^12[0-9]{2}$/.test((await hover.locator('.hx').textContent()) ?? ''), { what: 'hover step' });
			const step = Number(await hover.locator('.hx').textContent());
			const values = await hover.locator('b').allTextContents();
			expect(values).toHaveLength(2);
			expect(Number(values[0])).toBe(step === 1234 ? 987.654321 : 1 + Math.sin(step / 50));
			expect(Number(values[1])).toBe(0.123456789 + step);

			// Double-click resets the zoom (and the URL forgets it); a drag zooms back in.
			await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
			await page.waitForURL((u) => !u.searchParams.has('zoom'));
			await page.mouse.move(box.x + box.width * 0.2, box.y + 20);
			await page.mouse.down();
			await page.mouse.move(box.x + box.width * 0.4, box.y + 20, { steps: 5 });
			await page.mouse.up();
			await page.waitForURL((u) => u.searchParams.has('zoom'));
			const [lo, hi] = new URL(page.url()).searchParams.get('zoom')!.split(',').map(Number);
			expect(lo).toBeGreaterThan(0);
			expect(hi).toBeGreaterThan(lo);
			expect(hi).toBeLessThan(2000);

			await page.getByRole('radio', { name: 'Wall time' }).click();
			await page.waitForURL((u) => u.searchParams.get('x') === 'time' && !u.searchParams.has('zoom'));
			await waitForPoints(page, 'loss', 3500);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('draws a chart seen before from IndexedDB with the server stopped', async () => {
		const runId = await createRun('offline');
		await logSteps(runId, 'offline_loss', 0, range(300, (i) => 300 - i));
		await post(`/api/runs/${runId}/end`, { status: 'FINISHED' });
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/compare?runs=${runId}&exp=${experimentId}`);
			await waitForPoints(page, 'offline_loss', 300);
			await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
			for (const doc of ['workspace', `exp/${experimentId}`, `exp/${experimentId}/live`, `series/${runId}/offline_loss`]) await flushIndexedDb(page, doc);

			await e2e.server.stop();
			try {
				await page.reload();
				await waitForPoints(page, 'offline_loss', 300);
			} finally {
				await e2e.server.start();
			}
			expect(errors.filter((e) => !/WebSocket connection|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
		} finally {
			await close();
		}
	});
});
