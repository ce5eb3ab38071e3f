// A workspace panel of more than 10 runs in headless Chromium against the real server: its lines are drawn by the
// dense-lines plugin (one pixel buffer put on a canvas over the plot), each in its run's colour, a spike kept at the
// top of the plot, the hover naming the nearest runs, and a running run's new points drawn live; on a revisit the
// first screen's overviews are asked for before the page has read its documents.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultRunColor } from '../../src/lib/core/run-color';
import { openTestPage } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { seedRuns } from '../helpers/seed-runs';

const e2e = useE2e();
const post = e2e.post;

const RUNS = 12;
const STEPS = 200;
const SPIKE = 30;

interface LinePixels {
	/** Canvas size (device px). */
	width: number;
	height: number;
	/** Per colour seen on the panel's line canvas (#rrggbb): its topmost row. */
	tops: Record<string, number>;
	/** The topmost row holding a line's pixel: its colours and the columns they span. */
	top: { row: number; colors: string[]; left: number; right: number };
}

/** What the panel's line canvas (the dense-lines plugin's) shows. */
function readLinePixels(page: Page): Promise<LinePixels | null> {
	return page.evaluate(() => {
		const canvas = document.querySelector<HTMLCanvasElement>('[data-metric="loss"] canvas.dense-lines');
		if (!canvas) return null;
		const { width, height } = canvas;
		const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
		const tops: Record<string, number> = {};
		let top: { row: number; colors: string[]; left: number; right: number } | null = null;
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const i = (y * width + x) * 4;
				if (data[i + 3] === 0) continue;
				const hex = '#' + [data[i], data[i + 1], data[i + 2]].map((v) => v.toString(16).padStart(2, '0')).join('');
				tops[hex] ??= y;
				if (!top) top = { row: y, colors: [], left: x, right: x };
				if (top.row !== y) continue;
				if (!top.colors.includes(hex)) top.colors.push(hex);
				top.right = x;
			}
		}
		return top ? { width, height, tops, top } : null;
	});
}

/** Waits until the panel has drawn `points` points. */
async function waitForPoints(page: Page, points: number): Promise<void> {
	const plot = '[data-metric="loss"] .plot';
	await page.waitForFunction(([sel, n]) => document.querySelector(sel)?.getAttribute('data-points') === String(n), [plot, points] as const, { timeout: 15_000 }).catch(async (e) => {
		const got = await page.locator(plot).getAttribute('data-points', { timeout: 100 }).catch(() => null);
		throw new Error(`the panel did not reach ${points} points (has ${got})`, { cause: e });
	});
}

describe('dense workspace panel [e2e]', () => {
	it('draws every run of a panel of more than 10 in its colour, keeps a spike, hovers the nearest and extends live', async () => {
		// Run i logs 1 + i at every step (bands apart on y); run 0 spikes at step 100; the last run is running and has
		// logged the first half of its steps.
		const runs = Array.from({ length: RUNS }, (_, i) => ({
			name: `run-${i}`,
			params: { i: String(i) },
			metrics: { loss: Array.from({ length: i === RUNS - 1 ? STEPS / 2 : STEPS }, (_, s) => (i === 0 && s === 100 ? SPIKE : 1 + i)) },
			running: i === RUNS - 1
		}));
		const { experimentId, ids } = await seedRuns(post, 'e2e-workspace-dense', runs);
		const { page, errors, close } = await openTestPage(e2e.browser, { viewport: { width: 1400, height: 900 } });
		try {
			// All the runs charted (N = 20; the default is 10).
			await page.goto(`${e2e.server.url}/experiments/${experimentId}?tab=charts&layout=1*n20`);
			await waitForPoints(page, (RUNS - 1) * STEPS + STEPS / 2);
			const before = (await readLinePixels(page))!;
			for (const id of ids) expect(before.tops[defaultRunColor(id)], `run ${id}'s colour`).toBeDefined();
			// The spike is the topmost pixel of the lines, in run 0's colour, at the top of the plot, half way along.
			expect(before.top.colors).toEqual([defaultRunColor(ids[0])]);
			expect(before.top.row).toBeLessThan(before.height * 0.15);
			expect(Math.abs(before.top.left - before.width / 2)).toBeLessThan(before.width / 10);

			// Hovering names the 8 runs nearest the pointer and says how many more there are.
			const box = (await page.locator('[data-metric="loss"] .u-over').boundingBox())!;
			await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2);
			await page.locator('[data-metric="loss"] .hover .hm').waitFor();
			expect(await page.locator('[data-metric="loss"] .hover .hr').count()).toBe(8);
			expect(await page.locator('[data-metric="loss"] .hover .hm').textContent()).toBe(`+${RUNS - 8} more`);

			// The running run's next points are drawn as they arrive: above the spike, from half way along.
			const live = ids[RUNS - 1];
			const steps = Array.from({ length: STEPS / 2 }, (_, s) => STEPS / 2 + s);
			await post(`/api/runs/${live}/log`, { metrics: { loss: { steps, values: steps.map(() => SPIKE + 10) } } });
			await waitForPoints(page, RUNS * STEPS);
			const after = (await readLinePixels(page))!;
			expect(after.top.colors).toEqual([defaultRunColor(live)]);
			expect(after.top.left).toBeGreaterThan(after.width * 0.45);
			expect(after.top.right).toBeGreaterThan(after.width * 0.95);

			// A revisit asks for the first screen's overviews as the app's script runs, before the page has read its
			// documents (workspace-prefetch.ts): the request starts before the table's first rows from them.
			await page.reload();
			await waitForPoints(page, RUNS * STEPS);
			const [askedAt, rowsAt] = await page.evaluate(() => {
				const asked = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/series/overview'));
				const rows = performance.getEntriesByName('tandem:runs-first-rows')[0];
				return [asked?.startTime ?? Infinity, rows ? rows.startTime + rows.duration : -Infinity];
			});
			expect(askedAt).toBeLessThan(rowsAt);
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
