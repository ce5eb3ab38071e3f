// The run page (/runs/<id>) in headless Chromium against the real server: overview, params, metrics, tags edited
// in the page reaching the server, artifact previews (image, CSV, Markdown) appearing live, and collaborative
// notes that survive going offline and merge between two browsers.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { flushIndexedDb, openTestPage, waitForText } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { waitFor } from '../helpers/wait';

const e2e = useE2e();
const post = e2e.post;

async function createRun(body: Record<string, unknown>): Promise<{ runId: string; expId: string }> {
	const { run_id, experiment_id } = await post<{ run_id: string; experiment_id: string }>('/api/runs', body);
	return { runId: run_id, expId: experiment_id };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function readRun(runId: string): Promise<any> {
	return (await callJson(e2e.server.url, 'GET', `/api/runs/${runId}`)).body.run;
}

async function putArtifact(expId: string, runId: string, path: string, bytes: Uint8Array | string): Promise<void> {
	const body = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
	const res = await fetch(`${e2e.server.url}/api/2.0/mlflow-artifacts/artifacts/${expId}/${runId}/artifacts/${path}`, { method: 'PUT', body });
	if (!res.ok) throw new Error(`PUT ${path} → ${res.status} ${await res.text()}`);
}

const NOTES = '[data-testid=notes-input]';

/** Opens the run page and waits until the notes are editable and every document is live. */
async function openRunPage(page: Page, runId: string): Promise<void> {
	await page.goto(`${e2e.server.url}/runs/${runId}`);
	await page.waitForSelector(`${NOTES}:not([readonly])`);
	await waitForText(page, 'header [role=status]', 'Live', 15_000);
}

/** Opens run `runId`'s page in two browsers, runs `fn` on them, checks neither logged an error, and closes both. */
async function inTwoBrowsers(runId: string, fn: (a: Page, b: Page) => Promise<void>): Promise<void> {
	const a = await openTestPage(e2e.browser);
	const b = await openTestPage(e2e.browser);
	try {
		await openRunPage(a.page, runId);
		await openRunPage(b.page, runId);
		await fn(a.page, b.page);
		expect([...a.errors, ...b.errors]).toEqual([]);
	} finally {
		await a.close();
		await b.close();
	}
}

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('run page [e2e]', () => {
	it('shows the overview, params, metrics and tags; tag edits and a rename land in the server', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			const parent = await createRun({
				experiment_name: 'e2e-run-page',
				run_name: 'parent-run',
				params: { lr: '0.01', optimizer: 'adam' },
				tags: { team: 'vision', obsolete: 'yes', 'mlflow.source.name': 'train.py' }
			});
			const child = await createRun({ experiment_id: parent.expId, run_name: 'child-run', tags: { 'mlflow.parentRunId': parent.runId } });
			await post(`/api/runs/${parent.runId}/log`, { metrics: [{ key: 'loss', value: 0.5, step: 1 }, { key: 'loss', value: 0.25, step: 2 }] });

			await openRunPage(page, parent.runId);
			await waitForText(page, '[data-testid=run-name]', 'parent-run');
			await waitForText(page, '.badge', 'running');
			await waitForText(page, '[data-testid=run-id]', parent.runId);
			await waitForText(page, '[data-testid=experiment-link]', 'e2e-run-page');
			await waitForText(page, '[data-testid=params] [data-key=lr] td', '0.01');
			await waitForText(page, '[data-testid=params] [data-key=optimizer] td', 'adam');
			await waitForText(page, '[data-testid=metrics] [data-key=loss] [data-col=last]', '0.25');
			await waitForText(page, '[data-testid=child-runs] a', 'child-run');
			expect(await page.getAttribute('[data-testid=child-runs] a', 'href')).toBe(`/runs/${child.runId}`);
			expect(await page.inputValue('[data-testid=tags] [data-tag=team] input')).toBe('vision');
			expect(await page.textContent('[data-testid=system-tags]')).toContain('train.py');

			// Change a value, add a tag, remove a tag: each lands in the server through the relay.
			await page.fill('[data-testid=tags] [data-tag=team] input', 'audio');
			await page.press('[data-testid=tags] [data-tag=team] input', 'Enter');
			await page.fill('[aria-label="New tag key"]', 'stage');
			await page.fill('[aria-label="New tag value"]', 'sweep');
			await page.click('button:text-is("Add")');
			await page.click('[aria-label="Remove tag obsolete"]');
			const tags = await waitFor(
				async () => {
					const t = (await readRun(parent.runId)).tags;
					return t.team === 'audio' && t.stage === 'sweep' && t.obsolete === undefined && t;
				},
				{ what: 'tag edits on the server' }
			);
			expect(tags['mlflow.source.name']).toBe('train.py');

			await page.click('[aria-label="Rename run"]');
			await page.fill('[aria-label="Run name"]', 'renamed-run');
			await page.press('[aria-label="Run name"]', 'Enter');
			await waitForText(page, '[data-testid=run-name]', 'renamed-run');
			await waitFor(async () => (await readRun(parent.runId)).name === 'renamed-run', { what: 'rename on the server' });

			await post(`/api/runs/${parent.runId}/end`, { status: 'FINISHED' });
			await waitForText(page, '.badge', 'finished');
			await post('/api/2.0/mlflow/runs/delete', { run_id: parent.runId });
			await page.waitForSelector('.deleted');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('charts the run’s metrics and keeps the chart view in the URL', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			const { runId } = await createRun({ experiment_name: 'e2e-run-page-charts', run_name: 'charted' });
			await post(`/api/runs/${runId}/log`, { metrics: { loss: { steps: [0, 1, 2], values: [1, 0.5, 0.25] } } });
			await page.goto(`${e2e.server.url}/runs/${runId}?x=relative&log=1&smooth=0.5`);
			await page.waitForSelector('[data-metric="loss"]');
			expect(await page.getAttribute('[role=radio]:text("Relative time")', 'aria-checked')).toBe('true');
			expect(await page.isChecked('label:has-text("Log y") input')).toBe(true);
			await page.click('[role=radio]:text("Step")');
			await page.uncheck('label:has-text("Log y") input');
			await page.waitForFunction(() => location.search === '?smooth=0.5');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('says so for a run that does not exist', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			await page.goto(`${e2e.server.url}/runs/${'0'.repeat(32)}`);
			await waitForText(page, '.missing h1', 'Run not found');
			await page.goto(`${e2e.server.url}/runs/not-a-run`);
			await waitForText(page, '.missing h1', 'Run not found');
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('lists artifacts live and previews an image, a CSV table and Markdown without its HTML', async () => {
		const { page, errors, close } = await openTestPage(e2e.browser);
		try {
			const { runId, expId } = await createRun({ experiment_name: 'e2e-run-page-artifacts', run_name: 'with-files' });
			await openRunPage(page, runId);
			await page.waitForSelector('[data-testid=no-artifacts]');

			await putArtifact(expId, runId, 'plots/loss.png', PNG);
			await putArtifact(expId, runId, 'eval.csv', 'name,note\n"Smith, J","said ""hi""\nthen left"\nx,2\n');
			await putArtifact(expId, runId, 'README.md', '# Findings\n\n<img src=x onerror="window.__xss=1"> **bold**\n');

			await page.click('[data-path="plots"]');
			await page.click('[data-path="plots/loss.png"]');
			await page.waitForFunction(() => {
				const img = document.querySelector<HTMLImageElement>('.preview img');
				return img !== null && img.complete && img.naturalWidth > 0;
			});

			await page.click('[data-path="eval.csv"]');
			await page.waitForSelector('[data-testid=csv-table] tbody tr');
			const cells = await page.$$eval('[data-testid=csv-table] tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
			expect(cells).toEqual([
				['name', 'note'],
				['Smith, J', 'said "hi"\nthen left'],
				['x', '2']
			]);

			await page.click('[data-path="README.md"]');
			await waitForText(page, '.preview .markdown h1', 'Findings');
			await waitForText(page, '.preview .markdown strong', 'bold');
			expect(await page.$$eval('.preview .markdown img', (imgs) => imgs.length)).toBe(0);
			expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
			expect(errors).toEqual([]);
		} finally {
			await close();
		}
	});

	it('keeps notes typed offline and delivers them once the server is back', async () => {
		const { runId } = await createRun({ experiment_name: 'e2e-run-page-notes', run_name: 'noted' });
		const a = await openTestPage(e2e.browser);
		const b = await openTestPage(e2e.browser);
		try {
			await openRunPage(a.page, runId);
			await a.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });

			await e2e.server.stop();
			await waitForText(a.page, 'header [role=status]', 'Offline');
			await a.page.locator(NOTES).pressSequentially('Written offline: lr 1e-3 diverged.');
			await flushIndexedDb(a.page, `run/${runId}`);

			await e2e.server.start();
			await waitForText(a.page, 'header [role=status]', 'Live', 15_000);
			await b.page.goto(`${e2e.server.url}/runs/${runId}`);
			await b.page.waitForFunction((sel) => document.querySelector<HTMLTextAreaElement>(sel)?.value === 'Written offline: lr 1e-3 diverged.', NOTES, {
				timeout: 15_000
			});
			await b.page.click('button:text("Preview")');
			await waitForText(b.page, '[data-testid=notes-preview] p', 'Written offline: lr 1e-3 diverged.');
			expect(b.errors).toEqual([]);
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('merges notes typed at the same time in two browsers', async () => {
		const { runId } = await createRun({ experiment_name: 'e2e-run-page-notes', run_name: 'shared' });
		await inTwoBrowsers(runId, async (a, b) => {
			await Promise.all([
				a.locator(NOTES).pressSequentially('alpha typed in A. '),
				b.locator(NOTES).pressSequentially('beta typed in B. ')
			]);
			const read = (p: Page) => p.inputValue(NOTES);
			const merged = await waitFor(
				async () => {
					const [x, y] = [await read(a), await read(b)];
					return x === y && x.includes('alpha typed in A. ') && x.includes('beta typed in B. ') && x;
				},
				{ what: 'both notes merged in both browsers', timeoutMs: 15_000 }
			);
			expect(merged.length).toBe('alpha typed in A. '.length + 'beta typed in B. '.length);
		});
	});

	it("undoes this browser's own note edits with Ctrl+Z and keeps the other browser's", async () => {
		const { runId } = await createRun({ experiment_name: 'e2e-run-page-notes', run_name: 'undo' });
		await inTwoBrowsers(runId, async (a, b) => {
			await a.locator(NOTES).pressSequentially('mine ');
			await waitFor(async () => (await b.inputValue(NOTES)) === 'mine ', { what: 'A’s text at B' });
			await b.locator(NOTES).press('End');
			await b.locator(NOTES).pressSequentially('theirs');
			await waitFor(async () => (await a.inputValue(NOTES)) === 'mine theirs', { what: 'B’s text at A' });
			await a.locator(NOTES).press('ControlOrMeta+z');
			await waitFor(async () => (await a.inputValue(NOTES)) === 'theirs', { what: 'A’s edit undone at A' });
			await waitFor(async () => (await b.inputValue(NOTES)) === 'theirs', { what: 'the undo reaching B' });
			await a.locator(NOTES).press('ControlOrMeta+Shift+z');
			await waitFor(async () => (await b.inputValue(NOTES)) === 'mine theirs', { what: 'the redo reaching B' });
			expect(await a.inputValue(NOTES)).toBe('mine theirs');
		});
	});

	it('keeps an IME composition intact while the other browser types, then merges both', async () => {
		const { runId } = await createRun({ experiment_name: 'e2e-run-page-notes', run_name: 'ime' });
		await inTwoBrowsers(runId, async (a, b) => {
			await a.locator(NOTES).pressSequentially('lr ');
			await waitFor(async () => (await b.inputValue(NOTES)) === 'lr ', { what: 'A’s text at B' });
			// A composes through the IME (CDP), and B types while the composition is open.
			const ime = await a.context().newCDPSession(a);
			await ime.send('Input.imeSetComposition', { text: '学习', selectionStart: 2, selectionEnd: 2 });
			await b.locator(NOTES).press('Home');
			await b.locator(NOTES).pressSequentially('peer ');
			await waitFor(async () => Number(await a.getAttribute(NOTES, 'data-held-edits')) > 0, { what: 'B’s edit held at A' });
			expect(await a.inputValue(NOTES)).toBe('lr 学习'); // the composition was not cancelled
			await ime.send('Input.insertText', { text: '学习率' });
			for (const p of [a, b]) {
				await waitFor(async () => (await p.inputValue(NOTES)) === 'peer lr 学习率', { what: 'both edits merged' });
			}
			expect(await a.getAttribute(NOTES, 'data-held-edits')).toBe('0');
		});
	});
});
