// Compare page load: the experiment named in the URL starts syncing while the page mounts (its runs' rows come
// from `exp/<id>` and `exp/<id>/live`, and the charts wait for their metric keys).
import { browser } from '$app/environment';
import { prewarmDocuments } from '$lib/client/documents';
import { docNames, isValidDocName } from '$lib/core/schema';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ url }) => {
	const exp = url.searchParams.get('exp');
	if (!browser || exp === null || !isValidDocName(docNames.experiment(exp))) return;
	prewarmDocuments([docNames.experiment(exp), docNames.live(exp)]);
};
