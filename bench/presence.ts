// `--only presence` (issue 13): a review session between two headless Chromium pages (presenter and follower, each
// its own context) — how soon the follower's view shows the presenter's zoom (from the presenter's mouseup to the
// follower's first frame with the zoomed URL applied) and a page change (from the presenter's click on a link to the
// follower showing that page); and 50 simulated people (y-protocols awareness over WebsocketProvider in two worker
// processes) moving their pointers on one document: the server CPU they add over the same people standing still,
// and the bytes per person per second.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { spawnServer, type ChildServer } from '../tests/helpers/child-server';
import { launchBrowser, openTestPage } from '../tests/helpers/browser';
import { ensureAppBuilt } from '../tests/e2e/global-setup';
import { median, ms, post, quantile } from './browser-bench';
import { readProc } from './load-probes';
import type { Row } from './table';
import type { PresenceCommand, PresenceReport } from './presence-clients';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** `p`, or an error naming `what` after `timeoutMs`. */
function within<T>(p: Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
	let timer: ReturnType<typeof setTimeout>;
	const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`presence bench: no ${what} within ${timeoutMs} ms`)), timeoutMs)));
	return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** In the follower: resolves with Date.now() at the first frame after its URL (path and query) satisfies `want`. */
function watchUrl(want: 'zoom-changed' | { path: string; selector: string }): string {
	return `new Promise((resolve) => {
		const want = ${JSON.stringify(want)};
		const before = new URLSearchParams(location.search).get('zoom');
		const done = () => want === 'zoom-changed' ? new URLSearchParams(location.search).get('zoom') !== before : location.pathname === want.path && document.querySelector(want.selector);
		const tick = () => (done() ? resolve(Date.now()) : requestAnimationFrame(tick));
		tick();
	})`;
}

/** In the presenter: resolves with Date.now() at the next `type` event (capture, before the app handles it). */
const nextEvent = (type: string) => `new Promise((resolve) => document.addEventListener(${JSON.stringify(type)}, () => resolve(Date.now()), { capture: true, once: true }))`;

async function drag(page: Page, from: number, to: number): Promise<void> {
	const box = (await page.locator('[data-metric="loss"] .u-over').boundingBox())!;
	await page.mouse.move(box.x + box.width * from, box.y + 20);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width * to, box.y + 20, { steps: 3 });
	await page.mouse.up();
}

async function measureFollow(server: ChildServer, samples: number): Promise<Row[]> {
	const created = await post<{ run_id: string; experiment_id: string }>(server.url, '/api/runs', { experiment_name: 'presence-bench', run_name: 'followed' });
	const values = Array.from({ length: 2000 }, (_, i) => 1 / (i + 1) + Math.sin(i / 40) / 10);
	await post(server.url, `/api/runs/${created.run_id}/log`, { metrics: { loss: { steps: values.map((_, i) => i), values } } });
	await post(server.url, `/api/runs/${created.run_id}/end`, { status: 'FINISHED' });
	const browser = await launchBrowser();
	try {
		const [p, f] = await Promise.all([openTestPage(browser), openTestPage(browser)]);
		const runPath = `/runs/${created.run_id}`;
		const expPath = `/experiments/${created.experiment_id}`;
		await p.page.goto(`${server.url}${runPath}`);
		await p.page.locator('[data-metric="loss"] .plot[data-points="2000"]').waitFor({ timeout: 60_000 });
		await p.page.getByRole('button', { name: 'Present' }).click();
		const link = (await p.page.locator('[data-testid=session-bar][data-role=presenter]').getAttribute('data-link'))!;
		await f.page.goto(link);
		await f.page.locator('[data-testid=session-bar][data-role=follower]').waitFor();
		await f.page.locator('[data-metric="loss"] .plot[data-points="2000"]').waitFor({ timeout: 60_000 });
		const zoom: number[] = [];
		for (let i = 0; i < samples; i++) {
			const seen = f.page.evaluate(watchUrl('zoom-changed')) as Promise<number>;
			const up = p.page.evaluate(nextEvent('mouseup')) as Promise<number>;
			const a = 0.1 + (i % 5) * 0.05;
			await drag(p.page, a, a + 0.2 + (i % 3) * 0.05);
			const [t0, t1] = await within(Promise.all([up, seen]), `zoom ${i} at the follower`);
			zoom.push(t1 - t0);
		}
		const page: number[] = [];
		for (let i = 0; i < Math.ceil(samples / 2); i++) {
			const toExp = i % 2 === 0;
			const target = toExp ? { path: expPath, selector: '[role=grid] [role=row][data-run-id]' } : { path: runPath, selector: '[data-testid=run-name]' };
			const seen = f.page.evaluate(watchUrl(target)) as Promise<number>;
			const clicked = p.page.evaluate(nextEvent('click')) as Promise<number>;
			await p.page.locator(toExp ? `a[href="${expPath}"]` : `a[href="${runPath}"]`).first().click();
			const [t0, t1] = await within(Promise.all([clicked, seen]), `page change ${i} at the follower`);
			page.push(t1 - t0);
			await p.page.waitForURL((u) => u.pathname === target.path);
			await p.page.locator(target.selector).first().waitFor();
		}
		const p99z = quantile(zoom, 0.99);
		const p99p = quantile(page, 0.99);
		return [
			{ figure: `follower shows the presenter's zoom, median / p99 (N=${zoom.length})`, value: `${ms(median(zoom))} / ${ms(p99z)}`, target: 'p99 ≤ 100 ms', ok: p99z <= 100 },
			{ figure: `follower shows the presenter's page change, median / p99 (N=${page.length})`, value: `${ms(median(page))} / ${ms(p99p)}`, target: 'p99 ≤ 500 ms', ok: p99p <= 500 }
		];
	} finally {
		await browser.close();
	}
}

interface Worker {
	proc: ChildProcess;
	ask(cmd: PresenceCommand): Promise<PresenceReport>;
}

function forkWorker(): Worker {
	const proc = fork(path.join(root, 'bench', 'presence-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	return {
		proc,
		ask: (cmd) =>
			new Promise((resolve, reject) => {
				proc.once('message', (r: PresenceReport) => resolve(r));
				proc.once('exit', (code) => reject(new Error(`presence worker exited (${code})`)));
				proc.send(cmd);
			})
	};
}

export async function measurePeople(server: ChildServer, people: number, seconds: number): Promise<Row[]> {
	const workers = [forkWorker(), forkWorker()];
	try {
		const wsUrl = `${server.url.replace('http', 'ws')}/sync`;
		const half = people / 2;
		await within(Promise.all(workers.map((w, i) => w.ask({ type: 'start', wsUrl, people: half, offset: i * half }))), 'sync of the simulated people', 60_000);
		const pid = server.proc.pid!;
		const cpuOver = async () => {
			const a = (await readProc(pid)).cpuMs;
			const t = performance.now();
			await sleep(seconds * 1000); // a measuring window, not a wait for a condition
			return ((await readProc(pid)).cpuMs - a) / (performance.now() - t);
		};
		const still = await cpuOver();
		await Promise.all(workers.map((w) => w.ask({ type: 'move', on: true })));
		const counts0 = (await Promise.all(workers.map((w) => w.ask({ type: 'count' })))) as Extract<PresenceReport, { type: 'counts' }>[];
		const t0 = performance.now();
		const moving = await cpuOver();
		const counts1 = (await Promise.all(workers.map((w) => w.ask({ type: 'count' })))) as Extract<PresenceReport, { type: 'counts' }>[];
		const elapsed = (performance.now() - t0) / 1000;
		await Promise.all(workers.map((w) => w.ask({ type: 'move', on: false })));
		const sum = (c: typeof counts0, k: 'sent' | 'received') => c.reduce((n, x) => n + x[k], 0);
		const up = (sum(counts1, 'sent') - sum(counts0, 'sent')) / elapsed / people;
		const down = (sum(counts1, 'received') - sum(counts0, 'received')) / elapsed / people;
		const added = (moving - still) * 100;
		const seen = Math.min(...counts1.map((c) => c.peersSeen));
		return [
			{ figure: `server CPU added by ${people} people moving their pointers on one document (of one core; still: ${(still * 100).toFixed(1)}%)`, value: `${added.toFixed(1)}%`, target: '≤ 5%', ok: added <= 5 },
			{ figure: `bytes a person sends (${1000 / 250} hover updates a second at most), per second`, value: `${(up / 1024).toFixed(2)} KB/s`, target: '≤ 2 KB/s', ok: up <= 2048 },
			{ figure: `bytes a person receives of the ${people - 1} others moving, per second (each sees ${seen} states)`, value: `${(down / 1024).toFixed(1)} KB/s`, target: '' }
		];
	} finally {
		await Promise.all(workers.map((w) => w.ask({ type: 'stop' }).catch(() => undefined)));
	}
}

export async function runPresenceBench(opts: { quick: boolean }): Promise<Row[]> {
	await ensureAppBuilt();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-presence-bench-'));
	const server = await spawnServer(dir);
	try {
		// 20 zooms either way: each drag zooms into the last one, and past ~20 nested zooms the range is under a step, so a
		// drag lands on the zoom the URL already holds and there is nothing left to follow.
		const follow = await measureFollow(server, 20);
		const people = await measurePeople(server, 50, opts.quick ? 5 : 10);
		return [...follow, ...people];
	} finally {
		server.proc.kill();
		await server.exited;
		await rm(dir, { recursive: true, force: true });
	}
}
