// The experiment chart workspace in headless Chromium against a real server: 100 runs × 20 metrics × 10,000 points
// (`train/m0…9`, `val/m0…9`), every run charted (N = 100). Nothing cached: ms from navigation until every panel on
// screen has drawn all its points (finished runs: every point of their server overviews, POST /api/series/overview);
// the same on a revisit (a new page load); and the longest gap between animation frames while scrolling through all
// 20 panels as they load. Times come from the page's own clock (performance.now() is ms since navigation start).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { spawnServer } from '../tests/helpers/child-server';
import { launchBrowser, openTestPage } from '../tests/helpers/browser';
import { ensureAppBuilt } from '../tests/e2e/global-setup';
import { median, ms, post, waitForQuietServer } from './browser-bench';
import { decodeOverviewAnswer } from '../src/lib/core/series/overview-wire';
import { OVERVIEW_BUCKETS } from '../src/lib/core/series/overview';
import type { SeriesOverviewBody } from '../src/lib/core/api/native';
import type { Row } from './table';

const VIEWPORT = { width: 1440, height: 900 };
const METRICS = [...Array.from({ length: 10 }, (_, i) => `train/m${i}`), ...Array.from({ length: 10 }, (_, i) => `val/m${i}`)];
/** Points per ingest request while seeding (10 metrics × 10,000 points ≈ 3 MB of JSON). */
const METRICS_PER_REQUEST = 10;
/** Runs seeded at once (the server applies one request at a time per run; JSON is built meanwhile). */
const SEED_CONCURRENCY = 4;

/** Seeds one run: every metric a noisy decay with rare spikes, steps 0..n-1, in columnar batches; then ends it. */
async function seedRun(base: string, experiment: string, r: number, n: number): Promise<string> {
	const { run_id, experiment_id } = await post<{ run_id: string; experiment_id: string }>(base, '/api/runs', { experiment_name: experiment, run_name: `r${r}`, params: { lr: String(10 ** -(1 + (r % 4))), seed: String(r) } });
	const steps = Array.from({ length: n }, (_, i) => i);
	for (let from = 0; from < METRICS.length; from += METRICS_PER_REQUEST) {
		const metrics = Object.fromEntries(
			METRICS.slice(from, from + METRICS_PER_REQUEST).map((key, k) => [
				key,
				{ steps, values: steps.map((s) => (s % 4999 === 17 * k ? 4 : (1 + r / 100) / Math.sqrt(1 + s / 500) + 0.04 * Math.sin(s * 0.37 + k + r))) }
			])
		);
		await post(base, `/api/runs/${run_id}/log`, { metrics });
	}
	await post(base, `/api/runs/${run_id}/end`, { status: 'FINISHED' });
	return experiment_id;
}

/** Seeds `runs` runs (the first alone: it creates the experiment); returns the experiment id. */
async function seed(base: string, experiment: string, runs: number, n: number): Promise<string> {
	const experimentId = await seedRun(base, experiment, 0, n);
	let next = 1;
	await Promise.all(
		Array.from({ length: SEED_CONCURRENCY }, async () => {
			while (next < runs) await seedRun(base, experiment, next++, n);
		})
	);
	return experimentId;
}

/** Points per metric a panel of every run draws: the sum of the runs' overviews, as the app asks for them. */
async function readPanelPoints(base: string, experimentId: string): Promise<Record<string, number>> {
	const res = await fetch(`${base}/api/experiments/${experimentId}/runs`);
	const runIds = ((await res.json()) as { runs: { run_id: string }[] }).runs.map((r) => r.run_id);
	const out: Record<string, number> = {};
	for (const key of METRICS) {
		const body = { series: runIds.map((run_id) => ({ run_id, key })), points: 2 * OVERVIEW_BUCKETS } // what the app asks (series-overview.ts) satisfies SeriesOverviewBody;
		const answer = await fetch(`${base}/api/series/overview`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		out[key] = decodeOverviewAnswer(new Uint8Array(await answer.arrayBuffer())).reduce((n, s) => n + s.values.length, 0);
	}
	return out;
}

/** ms since navigation start at which every line panel on screen had drawn its points (per metric), and how many there were. */
function readOnScreenDrawn(page: Page, points: Record<string, number>): Promise<{ at: number; panels: number }> {
	return page.evaluate(
		(want) =>
			new Promise<{ at: number; panels: number }>((resolve) => {
				const check = () => {
					const panels = [...document.querySelectorAll('[data-panel-type=line]')].filter((el) => {
						const r = el.getBoundingClientRect();
						return r.height > 0 && r.bottom > 0 && r.top < innerHeight;
					});
					const drawn = (p: Element) => p.querySelector('.plot')?.getAttribute('data-points') === String(want[p.querySelector('[data-metric]')?.getAttribute('data-metric') ?? '']);
					if (panels.length > 0 && panels.every(drawn)) resolve({ at: performance.now(), panels: panels.length });
					else requestAnimationFrame(check);
				};
				check();
			}),
		points
	);
}

/** Scrolls the page's scroller to the end, then waits for every panel to have drawn; the longest frame gap (ms). */
function readScrollFrames(page: Page, points: Record<string, number>, panels: number): Promise<{ max: number; frames: number; ms: number }> {
	return page.evaluate(
		([want, count]) =>
			new Promise<{ max: number; frames: number; ms: number }>((resolve) => {
				const scroller = document.querySelector('main')!;
				let last = 0;
				let max = 0;
				let frames = 0;
				const start = performance.now();
				const allDrawn = () => {
					const plots = document.querySelectorAll('[data-panel-type=line] .plot');
					const drawn = (p: Element) => p.getAttribute('data-points') === String(want[p.closest('[data-metric]')?.getAttribute('data-metric') ?? '']);
					return plots.length === count && [...plots].every(drawn);
				};
				const step = (t: number) => {
					if (last > 0) max = Math.max(max, t - last);
					last = t;
					frames++;
					const atEnd = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;
					if (atEnd && allDrawn()) return resolve({ max, frames, ms: t - start });
					if (!atEnd) scroller.scrollTop += 24;
					requestAnimationFrame(step);
				};
				requestAnimationFrame(step);
			}),
		[points, panels] as const
	);
}

export async function runWorkspaceBench(opts: { quick: boolean }): Promise<Row[]> {
	const log = (s: string) => console.error(s);
	const runs = opts.quick ? 20 : 100;
	const n = opts.quick ? 2_000 : 10_000;
	await ensureAppBuilt();
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-workspace-bench-'));
	const server = await spawnServer(dataDir);
	const browser = await launchBrowser();
	const base = server.url;
	try {
		log(`ui-workspace: seeding ${runs} runs × ${METRICS.length} metrics × ${n} points`);
		const t0 = performance.now();
		const experimentId = await seed(base, 'workspace-bench', runs, n);
		log(`ui-workspace: seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
		await waitForQuietServer(server.proc.pid!);
		const perPanel = await readPanelPoints(base, experimentId);
		log(`ui-workspace: ${Object.values(perPanel).reduce((a, b) => a + b, 0)} overview points in ${METRICS.length} panels`);
		const url = `${base}/experiments/${experimentId}?tab=charts&layout=1*n${runs}`;

		const cold: number[] = [];
		const revisit: number[] = [];
		const gaps: number[] = [];
		let onScreen = 0;
		for (let i = 0; i < 3; i++) {
			const p = await openTestPage(browser, { viewport: VIEWPORT });
			try {
				// tsx names the functions these evaluate() calls define with a helper only Node has.
				await p.page.addInitScript('globalThis.__name = (f) => f;');
				await p.page.goto(url, { waitUntil: 'domcontentloaded' });
				const first = await readOnScreenDrawn(p.page, perPanel);
				cold.push(first.at);
				onScreen = first.panels;
				if (i === 0) {
					const scroll = await readScrollFrames(p.page, perPanel, METRICS.length);
					gaps.push(scroll.max);
					log(`ui-workspace: scrolled through ${METRICS.length} panels in ${scroll.ms.toFixed(0)} ms, ${scroll.frames} frames, longest gap ${scroll.max.toFixed(1)} ms`);
				}
				await p.page.goto(`${url}&visit=${i}`, { waitUntil: 'domcontentloaded' });
				revisit.push((await readOnScreenDrawn(p.page, perPanel)).at);
				if (p.errors.length > 0) throw new Error(`page errors: ${p.errors.join('; ')}`);
			} finally {
				await p.close();
			}
		}
		const size = `${runs} runs × ${METRICS.length} metrics × ${n.toLocaleString('en')} points`;
		const c = median(cold);
		const r = median(revisit);
		const g = Math.max(...gaps);
		return [
			{
				figure: `chart workspace, ${size}, nothing cached: the ${onScreen} panels on screen drawn (navigation → all points drawn), median of ${cold.map((x) => x.toFixed(0)).join(', ')} ms`,
				value: ms(c),
				target: '≤ 1.5 s',
				ok: c <= 1500
			},
			{ figure: `chart workspace, ${size}: revisit (new page load), median of ${revisit.map((x) => x.toFixed(0)).join(', ')} ms`, value: ms(r), target: '≤ 1 s', ok: r <= 1000 },
			{ figure: `chart workspace, ${size}: longest frame while scrolling through all ${METRICS.length} panels as they load`, value: ms(g), target: '≤ 50 ms', ok: g <= 50 }
		];
	} finally {
		await browser.close();
		server.proc.kill('SIGTERM');
		await server.exited;
		await rm(dataDir, { recursive: true, force: true });
	}
}
