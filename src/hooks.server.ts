// Server rendering hooks (only the runs table's first screen is rendered on the server; see svelte.config.js).
// A page's load fetches Tandem's API over loopback from the process that renders it, and is not held up by it: an
// answer slower than RENDER_WAIT_MS renders the page without it, and the browser asks again. The rendered HTML is
// marked so the browser's load knows it hydrates the server's first screen, and starts the app once it is on screen.
import type { Handle, HandleFetch } from '@sveltejs/kit';
import { THEME_COOKIE } from '$lib/client/theme.svelte';

const RENDER_WAIT_MS = 150;

export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
	const url = new URL(request.url);
	const origin = event.platform?.apiOrigin;
	if (!origin || url.origin !== event.url.origin || !url.pathname.startsWith('/api/')) return fetch(request);
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), RENDER_WAIT_MS);
	try {
		// Aborting only stops waiting: the server goes on reading the rows, so the browser's own request finds them.
		// The visitor's sign-in cookie goes along: the API answers what they may read, or 401 (the page renders without rows).
		const headers: Record<string, string> = { accept: 'application/json' };
		const cookie = event.request.headers.get('cookie');
		if (cookie) headers.cookie = cookie;
		// The global fetch, not SvelteKit's: that one adds the page's Origin, which the API rightly refuses as foreign.
		return await globalThis.fetch(new Request(origin + url.pathname + url.search, { headers, signal: controller.signal }));
	} catch {
		return new Response(JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'Not ready in time for the server render' }), {
			status: 503,
			headers: { 'content-type': 'application/json' }
		});
	} finally {
		clearTimeout(timer);
	}
};

/**
 * A promise (browser code, as text) that settles once the rendered page has been presented on screen: the first
 * paint of a runs table row (Element Timing), else of any text, else after MAX_WAIT_MS (a tab in the background
 * does not paint). Downloading and evaluating the app's script would compete with that first paint for the CPU.
 */
const PRESENTED = `new Promise((done) => {
	const MAX_WAIT_MS = 500;
	const type = document.querySelector('[elementtiming]') ? 'element' : 'paint';
	let observer;
	const timer = setTimeout(settle, MAX_WAIT_MS);
	function settle() { clearTimeout(timer); observer?.disconnect(); done(); }
	try {
		observer = new PerformanceObserver((list) => list.getEntries().length > 0 && settle());
		observer.observe({ type, buffered: true });
	} catch { settle(); }
})`;

/**
 * The rendered page, marked, in the theme the browser chose (its cookie; app.html's script follows the system's when
 * there is none), with the app's start (its script's import) held until the HTML is on screen. Should SvelteKit's
 * start script change shape, the page still starts, just without waiting.
 */
function markRendered(html: string, theme: string | undefined): string {
	const themed = theme === 'light' || theme === 'dark' ? ` data-theme="${theme}" style="color-scheme: ${theme}"` : '';
	return html
		.replace('<html lang="en">', `<html lang="en" data-rendered="server"${themed}>`)
		.replace(/\bimport\(("[^"]+\.js")\)\.then\(/, (_, src: string) => `${PRESENTED}.then(() => import(${src})).then(`);
}

export const handle: Handle = ({ event, resolve }) =>
	resolve(event, {
		transformPageChunk: ({ html }) => (event.route.id === '/experiments/[id]' ? markRendered(html, event.cookies.get(THEME_COOKIE)) : html)
	});
