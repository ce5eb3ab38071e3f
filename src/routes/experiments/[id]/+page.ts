// Picks the runs table's first screen as the page loads. On the server (a first visit renders this page there, see
// src/hooks.server.ts): the server's first screen, so the HTML paints rows. In the browser, hydrating that render: the
// same answer (SvelteKit inlines it in the page). Otherwise: the one remembered for this view, else the server's
// (usually already requested by app.html's inline script), waited for briefly so the page mounts with its rows.
import { browser } from '$app/environment';
import { fetchFirstScreen, readFirstScreen, readFirstScreenView, takeServerRendered, type FirstScreen } from '$lib/client/first-screen';
import type { PageLoad } from './$types';

/** Rendered on the server too: its first screen paints before the app's script has loaded. */
export const ssr = true;

/**
 * Rows a page rendered on the server holds: a laptop window's screen (RunTable's guessed viewport) and a few more.
 * They travel twice (as rows, and as the answer hydration reads), so not the FIRST_SCREEN_ROWS a browser asks for.
 */
const RENDERED_ROWS = 32;

/** ms the page waits for the server's first screen before mounting without it (it then shows when it comes). */
const FIRST_SCREEN_WAIT_MS = 120;

export const load: PageLoad = async ({ params, url, fetch, untrack }) => {
	// The table rewrites the query as the view changes (shallow, no load); a first screen is for the view opened with.
	const query = untrack(() => url.search);
	const experimentId = params.id;
	if (!browser || takeServerRendered()) {
		// The server renders with what its API answered in time; hydration reads that same (inlined) answer, and when
		// there was none the browser asks again without holding the page, which then matches the server's HTML.
		const rendered = await fetchFirstScreen(experimentId, query, fetch, RENDERED_ROWS);
		return { experimentId, firstScreen: rendered ?? (browser ? fetchFirstScreen(experimentId, query) : null) };
	}
	const remembered = readFirstScreen(experimentId, readFirstScreenView(query));
	if (remembered) return { experimentId, firstScreen: remembered };
	// Usually already answered (app.html asks before the app loads): then the page mounts with the rows in one pass.
	const asked = fetchFirstScreen(experimentId, query, fetch);
	let timer = 0;
	const inTime = await Promise.race([asked, new Promise<undefined>((resolve) => (timer = window.setTimeout(resolve, FIRST_SCREEN_WAIT_MS)))]);
	window.clearTimeout(timer);
	const firstScreen: FirstScreen | Promise<FirstScreen | null> = inTime ?? asked;
	return { experimentId, firstScreen };
};
