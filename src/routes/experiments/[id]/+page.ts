// Picks the runs table's first screen as the page loads: the one remembered for this view, else the server's,
// requested here (unawaited) so the request overlaps loading the page's code and opening the documents.
import { fetchFirstScreen, readFirstScreen, readFirstScreenView, type FirstScreen } from '$lib/client/first-screen';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params, url, fetch, untrack }) => {
	// The table rewrites the query as the view changes (shallow, no load); a first screen is for the view opened with.
	const query = untrack(() => url.search);
	const remembered = readFirstScreen(params.id, readFirstScreenView(query));
	const firstScreen: FirstScreen | Promise<FirstScreen | null> = remembered ?? fetchFirstScreen(params.id, query, fetch);
	return { experimentId: params.id, firstScreen };
};
