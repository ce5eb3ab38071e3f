// Presence and review sessions in headless Chromium against the real server, two or three contexts (separate storage,
// each its own relay connection): avatars of who is where, rows others selected, their hover on a chart, and a
// closed tab leaving within seconds (its state removed on pagehide, not after the 30 s awareness timeout); a follower
// tracks the presenter's navigation, filter, selection and zoom, anyone takes over, and a follower who zooms or
// scrolls on their own is told they left and rejoins with one click.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText, type TestPage } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { seedRuns } from '../helpers/seed-runs';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();

/** A context whose person is called `name` (the display name a server without users shows). */
async function openPerson(name: string): Promise<TestPage> {
	const p = await openTestPage(e2e.browser);
	await p.page.addInitScript((n) => localStorage.setItem('tandem:display-name', n), name);
	return p;
}

const avatar = (page: Page, name: string) => page.locator(`[data-testid=presence] [data-presence-name="${name}"]`);
const query = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

async function dragOnChart(page: Page, key: string, from: number, to: number): Promise<void> {
	const over = page.locator(`[data-metric="${key}"] .u-over`);
	await over.scrollIntoViewIfNeeded();
	const box = (await over.boundingBox())!;
	await page.mouse.move(box.x + box.width * from, box.y + 20);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width * to, box.y + 20, { steps: 5 });
	await page.mouse.up();
}

const waitForChart = (page: Page, key: string) =>
	page.waitForFunction((k) => Number(document.querySelector(`[data-metric="${k}"] .plot`)?.getAttribute('data-points') ?? 0) > 0, key, { timeout: 15_000 });

describe('presence and review sessions [e2e]', () => {
	it('shows who is where, the rows others selected and their hover, and drops a closed tab within seconds', async () => {
		const { experimentId, ids } = await seedRuns(e2e.post, 'e2e-presence', [
			{ name: 'alpha', params: {}, metrics: { loss: [3, 2, 1, 0.5] } },
			{ name: 'beta', params: {}, metrics: { loss: [4, 3, 2, 1] } }
		]);
		const ada = await openPerson('Ada');
		const bob = await openPerson('Bob');
		try {
			await ada.page.goto(`${e2e.server.url}/experiments/${experimentId}`);
			await bob.page.goto(`${e2e.server.url}/runs/${ids[1]}`);
			await avatar(ada.page, 'Bob').waitFor();
			await avatar(bob.page, 'Ada').waitFor();
			// Who is where: Bob's avatar at Ada's says he is on the run page (its title names the run).
			await waitFor(async () => ((await avatar(ada.page, 'Bob').getAttribute('title')) ?? '').includes('beta'), { what: "Bob's place in his title" });
			expect(await avatar(ada.page, 'Bob').getAttribute('data-presence-page')).toBe(`/runs/${ids[1]}`);

			// Selections: Bob comes to the table; Ada's selected row carries her mark in his browser.
			await bob.page.goto(`${e2e.server.url}/experiments/${experimentId}`);
			await ada.page.getByRole('checkbox', { name: 'Select alpha' }).check();
			const mark = bob.page.locator(`[role=row][data-run-id="${ids[0]}"] [data-testid=presence-row-marks] [data-presence-name="Ada"]`);
			await mark.waitFor();
			expect(await bob.page.locator(`[role=row][data-run-id="${ids[1]}"] [data-testid=presence-row-marks]`).count()).toBe(0);

			// Hover: both compare the runs; Ada's pointer over the loss chart is a line in her colour at Bob's.
			const compare = `${e2e.server.url}/compare?runs=${ids[0]},${ids[1]}`;
			await Promise.all([ada.page.goto(compare), bob.page.goto(compare)]);
			await Promise.all([waitForChart(ada.page, 'loss'), waitForChart(bob.page, 'loss')]);
			const box = (await ada.page.locator('[data-metric="loss"] .u-over').boundingBox())!;
			await ada.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
			const line = bob.page.locator('[data-metric="loss"] .presence-crosshair');
			await line.waitFor();
			expect(await line.getAttribute('title')).toBe('Ada');

			// Ada's tab closes: she leaves Bob's header well before the awareness timeout (30 s).
			const closedAt = Date.now();
			await ada.page.close({ runBeforeUnload: true });
			await avatar(bob.page, 'Ada').waitFor({ state: 'detached', timeout: 10_000 });
			expect(Date.now() - closedAt).toBeLessThan(10_000);
			expect(bob.errors).toEqual([]);
		} finally {
			await ada.close();
			await bob.close();
		}
	});

	it('a follower tracks navigation, filter, selection and zoom; anyone takes over; zooming or scrolling alone leaves', async () => {
		const { experimentId, ids } = await seedRuns(e2e.post, 'e2e-review', [
			{ name: 'first', params: { lr: '0.1' }, metrics: { loss: Array.from({ length: 200 }, (_, i) => 1 / (i + 1)) } },
			{ name: 'second', params: { lr: '0.2' }, metrics: { loss: Array.from({ length: 200 }, (_, i) => 2 / (i + 1)) } }
		]);
		const ada = await openPerson('Ada');
		const bob = await openPerson('Bob');
		const cy = await openPerson('Cy');
		try {
			const table = `${e2e.server.url}/experiments/${experimentId}`;
			await ada.page.goto(table);
			await waitForText(ada.page, '[role=status]', 'Live');
			await ada.page.getByRole('button', { name: 'Present' }).click();
			const bar = ada.page.locator('[data-testid=session-bar][data-role=presenter]');
			await bar.waitFor();
			const link = (await bar.getAttribute('data-link'))!;
			expect(link).toContain('review=');

			// Bob joins by the link; Cy by one click on Ada's avatar.
			await bob.page.goto(link);
			await bob.page.locator('[data-testid=session-bar][data-role=follower]').waitFor();
			await waitForText(bob.page, '[data-testid=presenter-name]', 'Ada');
			await cy.page.goto(`${e2e.server.url}/`);
			await avatar(cy.page, 'Ada').click();
			await cy.page.waitForURL((u) => u.pathname === `/experiments/${experimentId}`);
			await waitFor(async () => (await bar.textContent())?.includes('to 2 people'), { what: 'two followers at Ada' });

			// Filter and selection.
			await ada.page.getByRole('textbox', { name: 'Filter runs' }).fill("params.lr = '0.2'");
			await bob.page.waitForURL((u) => u.searchParams.get('q') === "params.lr = '0.2'");
			expect(await bob.page.getByRole('textbox', { name: 'Filter runs' }).inputValue()).toBe("params.lr = '0.2'");
			await ada.page.getByRole('checkbox', { name: 'Select second' }).check();
			await bob.page.waitForURL((u) => u.searchParams.get('sel') === ids[1]);
			await cy.page.waitForURL((u) => u.searchParams.get('sel') === ids[1]);

			// Navigation (a client-side link) and zoom on the run page.
			await ada.page.locator(`a[href="/runs/${ids[1]}"]`).first().click();
			await bob.page.waitForURL((u) => u.pathname === `/runs/${ids[1]}`);
			await Promise.all([waitForChart(ada.page, 'loss'), waitForChart(bob.page, 'loss')]);
			await dragOnChart(ada.page, 'loss', 0.2, 0.5);
			await bob.page.waitForURL((u) => u.searchParams.has('zoom'));
			await ada.page.waitForURL((u) => u.searchParams.has('zoom'));
			expect(query(bob.page, 'zoom')).toBe(query(ada.page, 'zoom'));
			await bob.page.locator('[data-metric="loss"]').getByRole('button', { name: 'Reset zoom' }).waitFor();

			// Bob takes over: Ada follows him back to the table.
			await bob.page.getByRole('button', { name: 'Take over' }).click();
			await bob.page.locator('[data-testid=session-bar][data-role=presenter]').waitFor();
			await ada.page.locator('[data-testid=session-bar][data-role=follower]').waitFor();
			await waitForText(ada.page, '[data-testid=presenter-name]', 'Bob');
			await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Experiments' }).click();
			await ada.page.waitForURL((u) => u.pathname === '/');
			await cy.page.waitForURL((u) => u.pathname === '/');
			await bob.page.goBack();
			await ada.page.waitForURL((u) => u.pathname === `/runs/${ids[1]}`);
			await waitForChart(ada.page, 'loss');

			// Ada zooms on her own: she is told she left, and rejoins with one click.
			await dragOnChart(ada.page, 'loss', 0.1, 0.3);
			const left = ada.page.locator('[data-testid=session-left]');
			await left.waitFor();
			expect(await left.textContent()).toContain('You zoomed on your own');
			expect(await left.textContent()).toContain("Bob's session");
			await ada.page.waitForURL((u) => u.searchParams.get('zoom') !== query(bob.page, 'zoom')); // her own zoom, in her URL
			await left.getByRole('button', { name: 'Rejoin' }).click();
			await ada.page.locator('[data-testid=session-bar][data-role=follower]').waitFor();
			await ada.page.waitForURL((u) => query(bob.page, 'zoom') === u.searchParams.get('zoom'));

			// Cy scrolls on his own: he left too.
			await cy.page.mouse.move(400, 400);
			await cy.page.mouse.wheel(0, 300);
			await cy.page.locator('[data-testid=session-left]').waitFor();
			expect(await cy.page.locator('[data-testid=session-left]').textContent()).toContain('You scrolled on your own');

			// Leaving is one click.
			await ada.page.locator('[data-testid=session-bar][data-role=follower]').getByRole('button', { name: 'Leave' }).click();
			await ada.page.locator('[data-testid=session-bar]').waitFor({ state: 'detached' });
			expect([...ada.errors, ...bob.errors, ...cy.errors]).toEqual([]);
		} finally {
			await ada.close();
			await bob.close();
			await cy.close();
		}
	});
	it("a follower of the chart workspace takes the presenter's zoom, which is not in the URL", async () => {
		const { experimentId } = await seedRuns(e2e.post, 'e2e-review-workspace', [{ name: 'one', params: {}, metrics: { loss: Array.from({ length: 100 }, (_, i) => 1 / (i + 1)) } }]);
		const ada = await openPerson('Ada');
		const bob = await openPerson('Bob');
		try {
			await ada.page.goto(`${e2e.server.url}/experiments/${experimentId}?tab=charts`);
			await waitForChart(ada.page, 'loss');
			await ada.page.getByRole('button', { name: 'Present' }).click();
			const link = (await ada.page.locator('[data-testid=session-bar][data-role=presenter]').getAttribute('data-link'))!;
			await bob.page.goto(link);
			await bob.page.locator('[data-testid=session-bar][data-role=follower]').waitFor();
			await waitForChart(bob.page, 'loss');
			await dragOnChart(ada.page, 'loss', 0.2, 0.6);
			await bob.page.getByRole('button', { name: 'Reset zoom' }).first().waitFor();
			expect(query(bob.page, 'tab')).toBe('charts');
			// The presenter resets the zoom: so does the follower.
			await ada.page.getByRole('button', { name: 'Reset zoom' }).first().click();
			await bob.page.getByRole('button', { name: 'Reset zoom' }).first().waitFor({ state: 'detached' });
			expect(await bob.page.locator('[data-testid=session-bar][data-role=follower]').count()).toBe(1);
			expect([...ada.errors, ...bob.errors]).toEqual([]);
		} finally {
			await ada.close();
			await bob.close();
		}
	});
});
