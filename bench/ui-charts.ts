// Chart figures in headless Chromium against a real server: drawing a 1,000,000-point series already local, zoom
// re-bucketing, the cold open of a run with 10 metrics × 100,000 points from IndexedDB, 100 runs × 10,000 points
// overlaid on one chart, and the delay from an HTTP ingest to the point drawn in an open chart. Times come from the
// page's `tandem:chart-*` measures and its own clock.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { spawnServer } from '../tests/helpers/child-server';
import { launchBrowser, openTestPage, type TestPage } from '../tests/helpers/browser';
import { ensureAppBuilt } from '../tests/e2e/global-setup';
import { median, ms, post, quantile, readMeasure, waitForQuietServer } from './browser-bench';
import type { Row } from './table';

const VIEWPORT = { width: 1440, height: 900 };
/** Points per ingest request while seeding (≈ 3 MB of JSON). */
const SEED_BATCH = 100_000;

/** Logs `n` points of `key` (a noisy decay with rare spikes) in batches; steps 0..n-1. */
async function seedSeries(base: string, runId: string, key: string, n: number): Promise<void> {
	for (let from = 0; from < n; from += SEED_BATCH) {
		const len = Math.min(SEED_BATCH, n - from);
		const steps = Array.from({ length: len }, (_, i) => from + i);
		const values = steps.map((s) => (s % 9973 === 0 ? 5 : 1 / Math.sqrt(1 + s / 1000) + 0.05 * Math.sin(s * 0.37)));
		await post(base, `/api/runs/${runId}/log`, { metrics: { [key]: { steps, values } } });
	}
}

async function createRun(base: string, experiment: string, name: string): Promise<string> {
	return (await createRunIn(base, experiment, name)).run_id;
}

function createRunIn(base: string, experiment: string, name: string): Promise<{ run_id: string; experiment_id: string }> {
	return post<{ run_id: string; experiment_id: string }>(base, '/api/runs', { experiment_name: experiment, run_name: name });
}

async function finish(base: string, runId: string): Promise<void> {
	await post(base, `/api/runs/${runId}/end`, { status: 'FINISHED' });
}

/** Waits until the chart of `key` holds `points` points (attribute set after each draw). */
async function waitForPoints(page: Page, key: string, points: number, timeoutMs = 120_000): Promise<void> {
	await page.waitForFunction(
		([k, n]) => document.querySelector(`[data-metric="${k}"] .plot`)?.getAttribute('data-points') === String(n),
		[key, points] as const,
		{ timeout: timeoutMs, polling: 20 }
	);
}

/** ms since navigation start at which a chart first drew with at least `minPoints` points. */
async function readFirstDrawAt(page: Page, minPoints: number): Promise<number> {
	const handle = await page.waitForFunction(
		(min) => {
			const hit = performance
				.getEntriesByName('tandem:chart-draw', 'measure')
				.find((e) => ((e as PerformanceMeasure).detail as { points: number }).points >= min);
			return hit ? hit.startTime + hit.duration : null;
		},
		minPoints,
		{ timeout: 120_000, polling: 20 }
	);
	return (await handle.jsonValue()) as number;
}

/** Every IndexedDB database of a series document holds at least one update (the cache is written). */
async function waitForSeriesCache(page: Page, count: number): Promise<void> {
	await page.waitForFunction(async (n) => {
		const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((d) => d.startsWith('tandem:series/'));
		if (names.length < n) return false;
		const sizes = await Promise.all(
			names.map(
				(name) =>
					new Promise<number>((resolve) => {
						const req = indexedDB.open(name);
						req.onsuccess = () => {
							const db = req.result;
							if (!db.objectStoreNames.contains('updates')) return (db.close(), resolve(0));
							const c = db.transaction('updates').objectStore('updates').count();
							c.onsuccess = () => (db.close(), resolve(c.result));
							c.onerror = () => (db.close(), resolve(0));
						};
						req.onerror = () => resolve(0);
					})
			)
		);
		return sizes.every((s) => s > 0);
	}, count, { timeout: 120_000, polling: 200 });
}

async function benchBigSeries(base: string, page: Page, runId: string, n: number): Promise<Row[]> {
	// First visit fills IndexedDB; the reload then draws from the local copy.
	await page.goto(`${base}/compare?runs=${runId}`);
	await waitForPoints(page, 'big', n);
	await waitForSeriesCache(page, 1);
	await page.reload();
	await waitForPoints(page, 'big', n);
	const firstLocal = await page.evaluate((pts) => {
		const e = performance.getEntriesByName('tandem:chart-draw', 'measure').find((m) => ((m as PerformanceMeasure).detail as { points: number }).points === pts)!;
		return e.duration;
	}, n);
	// Redraws of the whole range at a changing width (each re-buckets all n points).
	const redraws: number[] = [];
	for (let i = 0; i < 10; i++) {
		const seen = await page.evaluate(() => performance.getEntriesByName('tandem:chart-draw', 'measure').length);
		await page.setViewportSize({ width: VIEWPORT.width - (i % 2 === 0 ? 40 : 0), height: VIEWPORT.height });
		redraws.push(await readMeasure(page, 'tandem:chart-draw', seen));
	}
	// Zoom: drag over a fifth of the plot (≈ 200,000 points re-bucketed), then double-click back out.
	const over = page.locator('[data-metric="big"] .u-over');
	const zooms: number[] = [];
	for (let i = 0; i < 10; i++) {
		const box = (await over.boundingBox())!;
		const x0 = box.x + box.width * (0.1 + 0.05 * i);
		await page.mouse.move(x0, box.y + 30);
		await page.mouse.down();
		await page.mouse.move(x0 + box.width * 0.2, box.y + 30, { steps: 4 });
		await page.mouse.up();
		zooms.push(await readMeasure(page, 'tandem:chart-zoom', i));
		const seen = await page.evaluate(() => performance.getEntriesByName('tandem:chart-draw', 'measure').length);
		await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
		await readMeasure(page, 'tandem:chart-draw', seen);
	}
	const size = `${n.toLocaleString('en')}-point series`;
	return [
		{ figure: `${size} already local: first draw after reload`, value: ms(firstLocal), target: '≤ 50 ms', ok: firstLocal <= 50 },
		{ figure: `${size}: redraw of the full range, median of 10 (max ${ms(Math.max(...redraws))})`, value: ms(median(redraws)), target: '≤ 50 ms', ok: Math.max(...redraws) <= 50 },
		{ figure: `${size}: zoom re-bucket + draw, median of 10 (max ${ms(Math.max(...zooms))})`, value: ms(median(zooms)), target: '≤ 16 ms', ok: median(zooms) <= 16 }
	];
}

async function benchColdOpen(base: string, visit: () => Promise<TestPage>, runId: string, keys: number, n: number): Promise<Row[]> {
	const url = `${base}/runs/${runId}`;
	const prime = await visit();
	await prime.page.goto(url);
	await waitForPoints(prime.page, 'm0', n);
	await waitForSeriesCache(prime.page, 1);
	// Same context (same IndexedDB), new page: everything the charts need is local.
	const page = await prime.context.newPage();
	await prime.page.close();
	const times: number[] = [];
	for (let i = 0; i < 3; i++) {
		await page.goto(i === 0 ? url : `${url}?cold=${i}`);
		times.push(await readFirstDrawAt(page, n));
	}
	await prime.close();
	const t = median(times);
	return [
		{ figure: `cold open of a run with ${keys} metrics × ${n.toLocaleString('en')} points from IndexedDB: first chart (navigation → drawn), median of 3`, value: ms(t), target: '≤ 500 ms', ok: t <= 500 }
	];
}

/** Opens the compare page as the runs table's Compare button does (runs and their experiment in the URL): ms from navigation to all drawn. */
async function readCompareDrawn(base: string, page: Page, experimentId: string, runIds: string[], n: number): Promise<number> {
	await page.goto(`${base}/compare?runs=${runIds.join(',')}&exp=${experimentId}`);
	const total = runIds.length * n;
	await waitForPoints(page, 'loss', total);
	return readFirstDrawAt(page, total);
}

/** Three first visits of the compare page, each in a fresh browser context (nothing cached). */
async function benchCompare(base: string, open: () => Promise<TestPage>, experimentId: string, runIds: string[], n: number): Promise<Row[]> {
	const times: number[] = [];
	for (let i = 0; i < 3; i++) {
		const p = await open();
		try {
			times.push(await readCompareDrawn(base, p.page, experimentId, runIds, n));
		} finally {
			await p.close();
		}
	}
	const t = median(times);
	return [
		{
			figure: `compare ${runIds.length} runs × ${n.toLocaleString('en')} points on one chart (navigation → all drawn, nothing cached), median of ${times.map((x) => x.toFixed(0)).join(', ')} ms`,
			value: ms(t),
			target: '≤ 1 s',
			ok: t <= 1000
		}
	];
}

async function benchLive(base: string, page: Page, runId: string, samples: number): Promise<Row[]> {
	await page.goto(`${base}/compare?runs=${runId}`);
	await waitForPoints(page, 'live', 10);
	const delays = await page.evaluate(
		async ([id, count]) => {
			const plot = document.querySelector('[data-metric="live"] .plot')!;
			const out: number[] = [];
			for (let k = 0; k < count; k++) {
				const want = String(11 + k);
				const t0 = performance.now();
				const drawn = new Promise<void>((resolve) => {
					const mo = new MutationObserver(() => {
						if (plot.getAttribute('data-points') === want) {
							mo.disconnect();
							resolve();
						}
					});
					mo.observe(plot, { attributes: true, attributeFilter: ['data-points'] });
				});
				const res = await fetch(`/api/runs/${id}/log`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ metrics: { live: { steps: [10 + k], values: [Math.random()] } } })
				});
				if (!res.ok) throw new Error(`ingest failed: ${res.status}`);
				await drawn;
				out.push(performance.now() - t0);
			}
			return out;
		},
		[runId, samples] as const
	);
	const p99 = quantile(delays, 0.99);
	return [
		{ figure: `live: HTTP ingest → point drawn in the open chart, p50 ${ms(median(delays))}, p99 of ${samples}`, value: ms(p99), target: '≤ 100 ms', ok: p99 <= 100 }
	];
}

export async function runChartBench(opts: { quick: boolean }): Promise<Row[]> {
	const log = (s: string) => console.error(s);
	const big = opts.quick ? 200_000 : 1_000_000;
	const coldPoints = opts.quick ? 20_000 : 100_000;
	const compareRuns = opts.quick ? 20 : 100;
	await ensureAppBuilt();
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-chart-bench-'));
	const server = await spawnServer(dataDir);
	const browser = await launchBrowser();
	const base = server.url;
	const open = () => openTestPage(browser, { viewport: VIEWPORT });
	try {
		log(`ui-charts: seeding a ${big}-point series, a run with 10 × ${coldPoints} points, ${compareRuns} runs × 10,000 points`);
		const bigRun = await createRun(base, 'chart-bench', 'big');
		await seedSeries(base, bigRun, 'big', big);
		await finish(base, bigRun);
		const coldRun = await createRun(base, 'chart-bench', 'ten-metrics');
		for (let k = 0; k < 10; k++) await seedSeries(base, coldRun, `m${k}`, coldPoints);
		await finish(base, coldRun);
		const compareIds: string[] = [];
		let compareExp = '';
		for (let i = 0; i < compareRuns; i++) {
			const { run_id, experiment_id } = await createRunIn(base, 'chart-bench-compare', `r${i}`);
			await seedSeries(base, run_id, 'loss', 10_000);
			await finish(base, run_id);
			compareIds.push(run_id);
			compareExp = experiment_id;
		}
		const liveRun = await createRun(base, 'chart-bench', 'live');
		await post(base, `/api/runs/${liveRun}/log`, { metrics: { live: { steps: Array.from({ length: 10 }, (_, i) => i), values: Array(10).fill(1) } } });
		await waitForQuietServer(server.proc.pid!);

		const rows: Row[] = [];
		const measure = async (f: (p: TestPage) => Promise<Row[]>) => {
			const p = await open();
			try {
				rows.push(...(await f(p)));
			} finally {
				await p.close();
			}
		};
		await measure((p) => benchBigSeries(base, p.page, bigRun, big));
		rows.push(...(await benchColdOpen(base, open, coldRun, 10, coldPoints)));
		rows.push(...(await benchCompare(base, open, compareExp, compareIds, 10_000)));
		await measure((p) => benchLive(base, p.page, liveRun, opts.quick ? 50 : 200));
		return rows;
	} finally {
		await browser.close();
		server.proc.kill('SIGTERM');
		await server.exited;
		await rm(dataDir, { recursive: true, force: true });
	}
}
