// Picks the runs table's first screen as the page loads: the one remembered for this view, else the server's
// (usually already requested by app.html's inline script), waited for briefly so the page mounts with its rows.
import { fetchFirstScreen, readFirstScreen, readFirstScreenView, type FirstScreen } from '$lib/client/first-screen';
import type { PageLoad } from './$types';

/** ms the page waits for the server's first screen before mounting without it (it then shows when it comes). */
const FIRST_SCREEN_WAIT_MS = 120;

export const load: PageLoad = async ({ params, url, fetch, untrack }) => {
	// The table rewrites the query as the view changes (shallow, no load); a first screen is for the view opened with.
	const query = untrack(() => url.search);
	const remembered = readFirstScreen(params.id, readFirstScreenView(query));
	if (remembered) return { experimentId: params.id, firstScreen: remembered };
	// Usually already answered (app.html asks before the app loads): then the page mounts with the rows in one pass.
	const asked = fetchFirstScreen(params.id, query, fetch);
	let timer = 0;
	const inTime = await Promise.race([asked, new Promise<undefined>((resolve) => (timer = window.setTimeout(resolve, FIRST_SCREEN_WAIT_MS)))]);
	window.clearTimeout(timer);
	const firstScreen: FirstScreen | Promise<FirstScreen | null> = inTime ?? asked;
	return { experimentId: params.id, firstScreen };
};
