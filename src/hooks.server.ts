// Server rendering hooks (only the runs table's first screen is rendered on the server; see svelte.config.js).
// A page's load fetches Tandem's API over loopback from the process that renders it, and is not held up by it: an
// answer slower than RENDER_WAIT_MS (an experiment's documents not loaded yet) renders the page without it, and the
// browser asks again. The rendered HTML is marked so the browser's load knows it hydrates the server's first screen.
import type { Handle, HandleFetch } from '@sveltejs/kit';

const RENDER_WAIT_MS = 150;

export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
	const url = new URL(request.url);
	const origin = event.platform?.apiOrigin;
	if (!origin || url.origin !== event.url.origin || !url.pathname.startsWith('/api/')) return fetch(request);
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), RENDER_WAIT_MS);
	try {
		// Aborting only stops waiting: the server goes on reading the rows, so the browser's own request finds them.
		return await fetch(new Request(origin + url.pathname + url.search, { headers: { accept: 'application/json' }, signal: controller.signal }));
	} catch {
		return new Response(JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'Not ready in time for the server render' }), {
			status: 503,
			headers: { 'content-type': 'application/json' }
		});
	} finally {
		clearTimeout(timer);
	}
};

export const handle: Handle = ({ event, resolve }) =>
	resolve(event, {
		transformPageChunk: ({ html }) => (event.route.id === '/experiments/[id]' ? html.replace('<html lang="en">', '<html lang="en" data-rendered="server">') : html)
	});
