// The runs table rendered on the server (sync-server/http/ssr.ts, src/hooks.server.ts) against the real server on
// port 0 with the built app: a first visit's HTML holds the view's first rows in its order, the app's styles and
// the answer hydration reads; a view without a first screen still renders; other pages get the SPA shell.
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson } from './helpers/http';
import { BUILD_DIR, startTestServer, type TestServer } from './helpers/server';

let server: TestServer;
let experimentId: string;

const RUNS = [
	{ name: 'alpha', optimizer: 'adam' },
	{ name: 'bravo', optimizer: 'sgd' },
	{ name: 'charlie', optimizer: 'adam' }
];

const page = async (path: string, init: RequestInit = {}) => {
	const res = await fetch(server.url + path, { ...init, headers: { accept: 'text/html,application/xhtml+xml', ...init.headers } });
	return { res, html: await res.text() };
};
/** The run names of the rendered rows, in document order (the table lists its rows in view order from the top). */
/** The row links' text; attribute values (the name's title holds it whole, `>` unescaped) are skipped over. */
const rowNames = (html: string) => [...html.matchAll(/<a class="name[^"]*"(?:[^>"]|"[^"]*")*>([^<]*)<\/a>/g)].map((m) => m[1]);

beforeAll(async () => {
	server = await startTestServer();
	for (const [i, r] of RUNS.entries()) {
		const { status, body } = await callJson(server.url, 'POST', '/api/runs', {
			body: { experiment_name: 'page-render', run_name: r.name, start_time: 1_700_000_000_000 + i * 60_000, params: { optimizer: r.optimizer } }
		});
		expect(status).toBe(200);
		experimentId = body.experiment_id;
	}
});
afterAll(async () => {
	await server?.close();
});

describe('server-rendered runs table', () => {
	it("renders a first visit's first screen, newest first, with the styles inline and the answer hydration reads", async () => {
		const { res, html } = await page(`/experiments/${experimentId}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('x-tandem-rendered')).toBe('server');
		expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(html).toContain('<html lang="en" data-rendered="server">');
		expect(rowNames(html)).toEqual(['charlie', 'bravo', 'alpha']);
		expect(html).toContain('data-testid="run-count">3 runs');
		expect(html).toMatch(/<h1>page-render<\/h1>/);
		expect(html).toContain('<title>page-render · Tandem</title>');
		// The stylesheet is in the page, not linked; the app starts once the HTML has been painted.
		expect(html).not.toMatch(/<link[^>]+rel="stylesheet"/);
		expect(html).toMatch(/<style>[^<]*\.scroller/);
		expect(html).toMatch(/new PerformanceObserver[\s\S]*\.then\(\(\) => import\("[^"]+\.js"\)\)/);
		const inlined = /<script type="application\/json" data-sveltekit-fetched data-url="([^"]+)">/.exec(html);
		expect(inlined?.[1]).toBe(`/api/experiments/${experimentId}/first-screen?limit=32`);
	});

	it("renders in the theme the browser chose (its cookie), and leaves the system's to the page otherwise", async () => {
		const dark = await page(`/experiments/${experimentId}`, { headers: { cookie: 'tandem-theme=dark' } });
		expect(dark.html).toContain('<html lang="en" data-rendered="server" data-theme="dark" style="color-scheme: dark">');
		for (const cookie of ['tandem-theme=system', 'tandem-theme="><script>', 'other=1']) {
			const { html } = await page(`/experiments/${experimentId}`, { headers: { cookie } });
			expect(html).toContain('<html lang="en" data-rendered="server">');
		}
	});

	it("renders the URL's view: its filter and sort decide the rows", async () => {
		const query = `?q=${encodeURIComponent("params.optimizer = 'adam'")}&sort=name`;
		const { res, html } = await page(`/experiments/${experimentId}${query}`);
		expect(res.headers.get('x-tandem-rendered')).toBe('server');
		expect(rowNames(html)).toEqual(['alpha', 'charlie']);
		expect(html).toContain('2 of 3 runs');
	});

	it('renders without rows when there is no first screen: a bad filter, an unknown experiment', async () => {
		for (const path of [`/experiments/${experimentId}?q=${encodeURIComponent('metrics.loss <')}`, '/experiments/no-such-experiment']) {
			const { res, html } = await page(path);
			expect(res.status).toBe(200);
			expect(res.headers.get('x-tandem-rendered')).toBe('server');
			expect(rowNames(html)).toEqual([]);
			expect(html).toContain('Loading runs…');
		}
	});

	it('escapes what runs hold, in the rows and in the inlined answer', async () => {
		const evil = '</script><script>window.pwned=1</script><img src=x onerror=alert(1)>';
		const { body } = await callJson(server.url, 'POST', '/api/runs', {
			body: { experiment_name: 'page-render-escape', run_name: evil, params: { note: '"><b>x</b>' }, tags: { t: '</script>' } }
		});
		const { html } = await page(`/experiments/${body.experiment_id}`);
		expect(html).not.toContain('<script>window.pwned');
		expect(html).not.toContain('<img src=x');
		expect(html).not.toContain('<b>x</b>');
		expect(rowNames(html)).toEqual(['&lt;/script>&lt;script>window.pwned=1&lt;/script>&lt;img src=x onerror=alert(1)>']);
		// The one </script> closing the inlined answer is its own.
		const inlined = html.slice(html.indexOf('data-sveltekit-fetched'));
		expect(inlined.indexOf('</script>')).toBeGreaterThan(inlined.indexOf('page-render-escape'));
	});

	it('answers HEAD without a body, and other pages and non-HTML requests with the SPA shell', async () => {
		const head = await page(`/experiments/${experimentId}`, { method: 'HEAD' });
		expect(head.res.status).toBe(200);
		expect(head.res.headers.get('x-tandem-rendered')).toBe('server');
		expect(head.html).toBe('');
		for (const [path, accept] of [
			['/', 'text/html'],
			['/models', 'text/html'],
			[`/experiments/${experimentId}`, '*/*']
		]) {
			const { res, html } = await page(path, { headers: { accept } });
			expect(res.status).toBe(200);
			expect(res.headers.get('x-tandem-rendered')).toBeNull();
			expect(html).toContain('<html lang="en">');
			expect(rowNames(html)).toEqual([]);
		}
	});

	it('serves the SPA when the server renderer beside the build cannot load', async () => {
		const root = await mkdtemp(path.join(os.tmpdir(), 'tandem-broken-render-'));
		const app = path.join(root, 'app');
		await cp(BUILD_DIR, app, { recursive: true });
		await mkdir(`${app}-server`);
		for (const file of ['index.js', 'manifest.js']) await writeFile(path.join(`${app}-server`, file), "throw new Error('damaged build');\n");
		const logs: string[] = [];
		const spa = await startTestServer({ staticDir: app, log: (m) => logs.push(m) });
		try {
			const res = await fetch(`${spa.url}/experiments/${experimentId}`, { headers: { accept: 'text/html' } });
			expect(res.status).toBe(200);
			expect(res.headers.get('x-tandem-rendered')).toBeNull();
			expect(await res.text()).toContain('<html lang="en">');
			expect(logs.some((m) => m.includes('page renderer not loaded') && m.includes('damaged build'))).toBe(true);
		} finally {
			await spa.close();
		}
	});
});
