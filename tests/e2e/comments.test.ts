// Comments end to end in two Chromium contexts against the real server (issue 13 §3): a comment pinned to a chart
// point in one is drawn as a marker in the other (run page, compare, chart workspace), a click on it opens its thread; replies,
// edits, resolve, reopen and delete show in the other context; a Markdown <script> stays text; a comment written
// while the server is down merges after it restarts, and the experiment's Comments tab lists it with a link; a
// registered model version's threads are shared too.
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { flushIndexedDb, openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';

const e2e = useE2e();
const post = e2e.post;
const OFFLINE_NOISE = /WebSocket connection|ERR_CONNECTION_REFUSED|Failed to load resource/;

/** A fresh context whose display name (the comments' author on a server without users) is `name`. */
async function openAs(name: string) {
	const t = await openTestPage(e2e.browser);
	await t.context.addInitScript((n) => localStorage.setItem('tandem:display-name', n), name);
	return t;
}

async function createRun(experiment: string, steps: number): Promise<{ runId: string; experimentId: string }> {
	const { run_id, experiment_id } = await post<{ run_id: string; experiment_id: string }>('/api/runs', { experiment_name: experiment, run_name: 'spiky' });
	const values = Array.from({ length: steps }, (_, i) => (i === 40 ? 5 : 1 / (i + 1)));
	await post(`/api/runs/${run_id}/log`, { metrics: { loss: { steps: values.map((_, i) => i), timestamps: values.map((_, i) => 1_700_000_000_000 + i), values } } });
	await post(`/api/runs/${run_id}/end`, { status: 'FINISHED' });
	return { runId: run_id, experimentId: experiment_id };
}

async function waitForPoints(page: Page, points: number): Promise<void> {
	await page.locator('[data-metric="loss"]').evaluate((e) => e.scrollIntoView({ block: 'center' }));
	await page.waitForFunction((n) => document.querySelector('[data-metric="loss"] .plot')?.getAttribute('data-points') === String(n), points, { timeout: 15_000 });
}

const panel = '[data-testid=chart-comment-panel]';

describe('comments [e2e]', () => {
	it('pins a comment to a chart point in one context, draws it in the other, and syncs its thread both ways', async () => {
		const { runId, experimentId } = await createRun('e2e-comments', 100);
		const a = await openAs('alice');
		const b = await openAs('bob');
		try {
			await a.page.goto(`${e2e.server.url}/runs/${runId}`);
			await b.page.goto(`${e2e.server.url}/compare?runs=${runId}`);
			await Promise.all([waitForPoints(a.page, 100), waitForPoints(b.page, 100)]);

			// A clicks a point: "Comment at step N" appears there; the pin is written on that step.
			const over = a.page.locator('[data-metric="loss"] .u-over');
			const box = (await over.boundingBox())!;
			await a.page.mouse.click(box.x + box.width * 0.4, box.y + box.height / 2);
			const action = a.page.locator('[data-testid=comment-at-point]');
			const label = (await action.textContent())!;
			const step = Number(/step (\d+)/.exec(label)![1]);
			expect(step).toBeGreaterThan(20);
			expect(step).toBeLessThan(60);
			await action.click();
			await a.page.fill('[data-testid=pin-body]', 'Spike **here**\n\n<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">');
			await a.page.click('[data-testid=pin-body-send]');
			await a.page.locator(`${panel} [data-testid=comment-body] strong`).waitFor();
			await a.page.locator(`[data-metric="loss"] [data-testid=comment-pin][data-step="${step}"]`).waitFor();

			// B, on the compare page, gets the marker at the same step; a click opens the thread.
			const marker = b.page.locator(`[data-metric="loss"] [data-testid=comment-pin][data-step="${step}"]`);
			await marker.waitFor({ timeout: 10_000 });
			await marker.click();
			const bBody = b.page.locator(`${panel} [data-testid=comment-body]`).first();
			await waitForText(b.page, `${panel} [data-testid=comment-body] strong`, 'here');
			expect(await bBody.textContent()).toContain('<script>window.__pwned = 1</script>');
			expect(await bBody.locator('script, img').count()).toBe(0);
			expect(await b.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
			await waitForText(b.page, `${panel} [data-testid=comment-author]`, 'alice');
			// Only the author edits or deletes a comment.
			expect(await b.page.locator(`${panel} [data-testid=comment-edit]`).count()).toBe(0);

			// On a wall-time x the marker stays, at that step's time (and pinning waits for x by step).
			await b.page.goto(`${e2e.server.url}/compare?runs=${runId}&x=time`);
			await waitForPoints(b.page, 100);
			await marker.waitFor();
			const timeBox = (await b.page.locator('[data-metric="loss"] .u-over').boundingBox())!;
			const markerBox = (await marker.boundingBox())!;
			expect(Math.abs(markerBox.x + markerBox.width / 2 - (timeBox.x + (timeBox.width * step) / 99))).toBeLessThan(4);
			await marker.click();

			// B replies; A sees it. A edits the pin's text; B sees the edit.
			await b.page.fill(`${panel} [data-testid=comment-reply]`, 'seen from *compare*');
			await b.page.click(`${panel} [data-testid=comment-reply-send]`);
			await a.page.locator(`${panel} [data-testid=comment-body] em`).waitFor();
			await a.page.click(`${panel} [data-testid=comment-edit]`);
			await a.page.fill(`${panel} [data-testid=comment-edit-body]`, 'A spike at this step, **edited**');
			await a.page.click(`${panel} [data-testid=comment-edit-body-send]`);
			await b.page.waitForFunction((p) => document.querySelector(`${p} [data-testid=comment-body]`)?.textContent?.includes('edited'), panel);

			// B resolves (anyone may), A sees it and reopens, B sees it open again.
			await b.page.click(`${panel} [data-testid=thread-resolve]`);
			await a.page.locator(`${panel} [data-testid=comment-thread][data-resolved=true]`).waitFor();
			await a.page.locator(`[data-metric="loss"] [data-testid=comment-pin].resolved`).waitFor();
			await a.page.click(`${panel} [data-testid=thread-reopen]`);
			await b.page.locator(`${panel} [data-testid=comment-thread][data-resolved=false] [data-testid=thread-resolve]`).waitFor();

			// A deletes its comment: B keeps the thread (its reply lives) with the comment marked deleted.
			await a.page.click(`${panel} [data-testid=comment-delete]`);
			await waitForText(b.page, `${panel} [data-testid=comment-deleted]`, 'Comment deleted by alice.');
			expect(await b.page.locator(`${panel} [data-testid=comment-body]`).count()).toBe(1);

			// The experiment's chart workspace draws the pin on its loss panel too, and its marker opens the thread.
			await b.page.goto(`${e2e.server.url}/experiments/${experimentId}?tab=charts`);
			const panelMarker = b.page.locator(`[data-metric="loss"] [data-testid=comment-pin][data-step="${step}"]`);
			await panelMarker.waitFor({ timeout: 15_000 });
			await panelMarker.click();
			await waitForText(b.page, `${panel} [data-testid=comment-deleted]`, 'Comment deleted by alice.');
			expect(a.errors).toEqual([]);
			expect(b.errors).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('merges a comment written while the server was down once it is back, and lists it on the experiment', async () => {
		const { runId, experimentId } = await createRun('e2e-comments-offline', 10);
		const a = await openAs('alice');
		let b: { context: BrowserContext; page: Page; errors: string[]; close(): Promise<void> } | null = null;
		try {
			await a.page.goto(`${e2e.server.url}/runs/${runId}`);
			await a.page.locator('#comments [data-testid=comment-threads]').waitFor();
			await waitForText(a.page, '[role=status]', 'Live', 15_000);

			await e2e.server.stop();
			await waitForText(a.page, '[role=status]', 'Offline', 15_000);
			await a.page.fill('#comments [data-testid=comment-new]', 'Written **offline**');
			await a.page.click('#comments [data-testid=comment-new-send]');
			await waitForText(a.page, '#comments [data-testid=comment-body] strong', 'offline');
			await flushIndexedDb(a.page, `exp/${experimentId}/comments`);

			await e2e.server.start();
			await waitForText(a.page, '[role=status]', 'Live', 15_000);
			b = await openAs('bob');
			await b.page.goto(`${e2e.server.url}/runs/${runId}`);
			await waitForText(b.page, '#comments [data-testid=comment-body] strong', 'offline', 15_000);
			await waitForText(b.page, '#comments [data-testid=comment-author]', 'alice');

			// The experiment's Comments tab lists the open thread with a link to where it is.
			await b.page.goto(`${e2e.server.url}/experiments/${experimentId}?tab=comments`);
			const link = b.page.locator('[data-testid=open-thread] [data-testid=open-thread-link]');
			await waitForText(b.page, '[data-testid=open-thread] [data-testid=open-thread-link]', 'Run spiky');
			expect(await link.getAttribute('href')).toMatch(new RegExp(`^/runs/${runId}#thread-[0-9a-f]{32}$`));
			expect(a.errors.filter((e) => !OFFLINE_NOISE.test(e))).toEqual([]);
			expect(b.errors).toEqual([]);
		} finally {
			await a.close();
			await b?.close();
		}
	});

	it("shares a registered model's and a version's threads between contexts", async () => {
		const { runId } = await createRun('e2e-comments-registry', 3);
		await post('/api/2.0/mlflow/registered-models/create', { name: 'e2e-commented' });
		await post('/api/2.0/mlflow/model-versions/create', { name: 'e2e-commented', source: `runs:/${runId}/model`, run_id: runId });
		const a = await openAs('alice');
		const b = await openAs('bob');
		try {
			await a.page.goto(`${e2e.server.url}/models/e2e-commented/1`);
			await b.page.goto(`${e2e.server.url}/models/e2e-commented/1`);
			await a.page.fill('#comments [data-testid=comment-new]', 'Ready for **Production**?');
			await a.page.click('#comments [data-testid=comment-new-send]');
			await waitForText(b.page, '#comments [data-testid=comment-body] strong', 'Production', 15_000);
			await b.page.fill('#comments [data-testid=comment-reply]', 'Yes');
			await b.page.click('#comments [data-testid=comment-reply-send]');
			await a.page.waitForFunction(() => document.querySelectorAll('#comments [data-testid=comment]').length === 2);
			// The model's own page keeps its threads apart from its versions'.
			await b.page.goto(`${e2e.server.url}/models/e2e-commented`);
			await b.page.fill('#comments [data-testid=comment-new]', 'About the model');
			await b.page.click('#comments [data-testid=comment-new-send]');
			await waitForText(b.page, '#comments [data-testid=comment-body]', 'About the model');
			expect(await b.page.locator('#comments [data-testid=comment-thread]').count()).toBe(1);
			expect(a.errors).toEqual([]);
			expect(b.errors).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
	});
});
