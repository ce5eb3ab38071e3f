// A run's colour in headless Chromium against the real server: the runs table's dot and the run page's are the same
// colour (derived from the run id until one is picked), a colour picked in one browser shows in another (two
// contexts: separate storage, each its own relay connection), survives a reload, is in what the server answers (the
// native API, the server-rendered first screen), and goes back to the default.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultRunColor, RUN_PALETTE } from '../../src/lib/core/run-color';
import { openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();

/** `#rrggbb` as getComputedStyle reports a background colour. */
function rgbOf(hex: string): string {
	const n = Number.parseInt(hex.slice(1), 16);
	return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

const readBackground = (page: Page, selector: string) => page.locator(selector).evaluate((el) => getComputedStyle(el).backgroundColor);

async function waitForColor(page: Page, selector: string, hex: string, what: string): Promise<void> {
	let last = '';
	await waitFor(async () => ((last = await readBackground(page, selector).catch(() => '')), last === rgbOf(hex)), { what: `${what} ${hex}` }).catch((e) => {
		throw new Error(`${(e as Error).message}; it is ${last}`);
	});
}

describe('run colours [e2e]', () => {
	it('keeps one colour per run across the table and the run page, and a change in one browser shows in another', async () => {
		const { run_id, experiment_id } = await e2e.post<{ run_id: string; experiment_id: string }>('/api/runs', { experiment_name: 'e2e-colors', run_name: 'painted' });
		const table = await openTestPage(e2e.browser);
		const runPage = await openTestPage(e2e.browser);
		try {
			const dot = `[role=row][data-run-id="${run_id}"] .color-dot`;
			const pageDot = '[data-testid=run-color]';
			await table.page.goto(`${e2e.server.url}/experiments/${experiment_id}`);
			await waitForText(table.page, '[role=status]', 'Live');
			await runPage.page.goto(`${e2e.server.url}/runs/${run_id}`);
			await waitForText(runPage.page, '[data-testid=run-name]', 'painted');
			const initial = defaultRunColor(run_id);
			await waitForColor(table.page, dot, initial, 'the table dot');
			await waitForColor(runPage.page, pageDot, initial, 'the run page dot');

			// Picked in the table: both browsers follow.
			const picked = RUN_PALETTE.find((c) => c !== initial)!;
			await table.page.click(dot);
			await table.page.click(`[role=dialog] [aria-label="Colour ${picked}"]`);
			await waitForColor(table.page, dot, picked, 'the table dot');
			await waitForColor(runPage.page, pageDot, picked, 'the other browser’s run page dot');
			await table.page.keyboard.press('Escape');
			await table.page.locator('[role=dialog]').waitFor({ state: 'detached' });

			// Any colour from the run page's picker, then back to the default from there.
			await runPage.page.click(pageDot);
			await runPage.page.locator('[role=dialog] input[type=color]').evaluate((el: HTMLInputElement) => {
				el.value = '#123456';
				el.dispatchEvent(new Event('change', { bubbles: true }));
			});
			await waitForColor(table.page, dot, '#123456', 'the other browser’s table dot');
			// The server's readers carry it: the native API's run, and the runs table's first screen rendered into the HTML.
			await waitFor(async () => ((await (await fetch(`${e2e.server.url}/api/runs/${run_id}`)).json()) as { run: { color?: string } }).run.color === '#123456', {
				what: 'the colour in GET /api/runs/<id>'
			});
			await waitFor(
				async () => {
					const html = await (await fetch(`${e2e.server.url}/experiments/${experiment_id}`, { headers: { accept: 'text/html' } })).text();
					return /class="color-dot[^"]*"[^>]*style="background: #123456;"/.test(html);
				},
				{ what: 'the colour dot in the server-rendered first screen' }
			);
			await table.page.reload();
			await waitForText(table.page, '[role=status]', 'Live');
			await waitForColor(table.page, dot, '#123456', 'the table dot after a reload');
			await runPage.page.click('[role=dialog] button:text-is("Reset to default")');
			await waitForColor(runPage.page, pageDot, initial, 'the run page dot');
			await waitForColor(table.page, dot, initial, 'the table dot');
			expect(table.errors).toEqual([]);
			expect(runPage.errors).toEqual([]);
		} finally {
			await table.close();
			await runPage.close();
		}
	});
});
