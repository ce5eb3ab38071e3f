// Renders on the server the one page SvelteKit is told to (the runs table, experiments/[id], `ssr = true`), with
// the renderer the build writes beside the SPA (`<static dir>-server/`, see svelte.config.js), so a first visit
// paints its first screen from the HTML before the app's script has run. The page's load fetches the API over
// loopback (src/hooks.server.ts). Any other page, and any failure to render, falls back to the static SPA.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as KitServer, SSRManifest } from '@sveltejs/kit';
import { DEFAULT_EXPERIMENT_ID } from '../../src/lib/core/ids';
import { withScriptNonce } from './csp';

/** The origin pages are rendered for: fixed, as the Host header is the client's to choose and the page needs none. */
const ORIGIN = 'http://tandem.localhost';
/** The server-rendered routes' paths (SvelteKit's own routing decides the rest). */
const RENDERED = /^\/experiments\/[^/]+\/?$/;

/** The build's stylesheets that a rendered page links (hashed, immutable) — its first paint would wait for them. */
const STYLESHEET = /<link href="(?:\.\.\/)*(_app\/immutable\/assets\/[\w.-]+\.css)" rel="stylesheet">/g;

/**
 * Puts the stylesheets a rendered page links into it (SvelteKit's inlineStyleThreshold does not apply to a
 * single-bundle build), read once from the built app; one that cannot be read stays linked.
 */
function createStyleInliner(staticDir: string) {
	const cache = new Map<string, Promise<string | null>>();
	const read = (file: string) => {
		let css = cache.get(file);
		if (!css) {
			css = readFile(path.join(staticDir, file), 'utf8').then((text) => (/<\/style/i.test(text) ? null : text), () => null);
			cache.set(file, css);
		}
		return css;
	};
	return async (html: string): Promise<string> => {
		const links = [...html.matchAll(STYLESHEET)];
		const styles = await Promise.all(links.map((m) => read(m[1])));
		let i = 0;
		return html.replace(STYLESHEET, (link) => {
			const css = styles[i++];
			return css === null ? link : `<style>${css}</style>`;
		});
	};
}

/** The page renderer (`render`, `warmUp`), or null when the build has no server renderer beside `staticDir`. */
export async function createPageRenderer(staticDir: string, opts: { selfUrl: () => string; log: (msg: string) => void }) {
	const dir = `${path.resolve(staticDir)}-server`;
	try {
		await stat(path.join(dir, 'manifest.js'));
	} catch {
		return null;
	}
	let kit: KitServer;
	try {
		const { Server } = (await import(pathToFileURL(path.join(dir, 'index.js')).href)) as { Server: new (m: SSRManifest) => KitServer };
		const { manifest } = (await import(pathToFileURL(path.join(dir, 'manifest.js')).href)) as { manifest: SSRManifest };
		kit = new Server(manifest);
		await kit.init({ env: {} });
		// Loaded now rather than by the first visit: the routes' code.
		await Promise.all(manifest._.nodes.map((load) => load()));
	} catch (err) {
		// A damaged or mismatched build: the app still works as an SPA, only without server-rendered first screens.
		opts.log(`page renderer not loaded from ${dir}: ${(err as Error).message}`);
		return null;
	}
	const inlineStyles = createStyleInliner(path.resolve(staticDir));

	/** The page at `url` rendered, with its styles inline; its status and no HTML when that is not 200. */
	async function renderHtml(url: URL, headers: Headers, clientAddress: string): Promise<{ status: number; html: string | null }> {
		const response = await kit.respond(new Request(url, { headers }), {
			getClientAddress: () => clientAddress,
			platform: { apiOrigin: opts.selfUrl() }
		});
		if (response.status !== 200) return { status: response.status, html: null };
		return { status: 200, html: await inlineStyles(await response.text()) };
	}

	/** Serves `req` if it is a rendered page; false to let the static SPA answer it. */
	async function render(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		if (req.method !== 'GET' && req.method !== 'HEAD') return false;
		let url: URL;
		try {
			url = new URL(req.url ?? '/', ORIGIN);
		} catch {
			return false;
		}
		if (!RENDERED.test(url.pathname) || !(req.headers.accept ?? '').includes('text/html')) return false;
		const headers = new Headers({ accept: 'text/html' });
		if (typeof req.headers.cookie === 'string') headers.set('cookie', req.headers.cookie);
		const started = performance.now();
		let page: Awaited<ReturnType<typeof renderHtml>>;
		try {
			page = await renderHtml(url, headers, req.socket.remoteAddress ?? '');
		} catch (err) {
			opts.log(`page render of ${url.pathname} failed: ${(err as Error).stack ?? err}`);
			return false;
		}
		if (page.html === null) {
			opts.log(`page render of ${url.pathname} answered ${page.status}; serving the SPA instead`);
			return false;
		}
		const { html, policy } = withScriptNonce(page.html);
		const body = Buffer.from(html);
		res.writeHead(200, {
			'content-security-policy': policy,
			'content-type': 'text/html; charset=utf-8',
			'content-length': body.byteLength,
			'cache-control': 'no-cache',
			'x-content-type-options': 'nosniff',
			'server-timing': `render;dur=${(performance.now() - started).toFixed(1)}`,
			// The service worker keeps only the SPA shell for offline use, never a page rendered for one URL.
			'x-tandem-rendered': 'server'
		});
		res.end(req.method === 'HEAD' ? undefined : body);
		return true;
	}

	return {
		render,
		/**
		 * Renders the default experiment's page once and drops it: the first visitor after a start would otherwise
		 * wait for the renderer's code to be compiled. Call once the server listens.
		 */
		async warmUp(): Promise<void> {
			try {
				await renderHtml(new URL(`/experiments/${DEFAULT_EXPERIMENT_ID}`, ORIGIN), new Headers({ accept: 'text/html' }), '127.0.0.1');
			} catch (err) {
				opts.log(`page renderer warm-up failed: ${(err as Error).message}`);
			}
		}
	};
}
