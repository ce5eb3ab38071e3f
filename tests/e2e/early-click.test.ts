// No input lost before the app starts, in headless Chromium against the real server: the runs table's page is
// rendered on the server and painted while the app's script is held back (a Playwright route), a click on the theme
// switch is made then, and once the script is let through and the app has started, the click has taken effect.
import { describe, expect, it } from 'vitest';
import { openTestPage } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();

describe('clicks before the app starts [e2e]', () => {
	it('a click on the theme switch made right after the first paint takes effect once the app has started', async () => {
		const { run_id, experiment_id } = await e2e.post<{ run_id: string; experiment_id: string }>('/api/runs', { experiment_name: 'e2e-early-click', run_name: 'first-paint' });
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			let release!: () => void;
			const released = new Promise<void>((resolve) => (release = resolve));
			let held = 0;
			await page.route(/\/_app\/immutable\/.*\.js$/, async (route) => {
				held++;
				await released;
				await route.continue();
			});
			await page.goto(`${e2e.server.url}/experiments/${experiment_id}`, { waitUntil: 'commit' });
			// The server's HTML is on screen: its row, and the theme switch, with the app not started.
			await page.locator(`[role=row][data-run-id="${run_id}"]`).waitFor();
			expect(await page.getAttribute('html', 'data-rendered')).toBe('server');
			const dark = page.locator('[data-theme-choice=dark]');
			expect(await dark.getAttribute('aria-pressed')).toBe('false');
			await waitFor(() => held > 0, { what: "the app's script requested (and held)" });

			await dark.click();
			// Held, with the cue that the page is starting; nothing has changed yet.
			expect(await page.evaluate(() => document.documentElement.hasAttribute('data-starting'))).toBe(true);
			expect(await page.getAttribute('html', 'data-theme')).not.toBe('dark');

			release();
			await waitFor(async () => (await page.getAttribute('html', 'data-theme')) === 'dark', { what: 'the dark theme', timeoutMs: 30_000 });
			await waitFor(async () => (await dark.getAttribute('aria-pressed')) === 'true', { what: 'the switch pressed' });
			expect(await page.evaluate(() => document.documentElement.hasAttribute('data-starting'))).toBe(false);
			expect(await page.evaluate(() => localStorage.getItem('tandem:theme'))).toBe('dark');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});
});
