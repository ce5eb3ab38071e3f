// Keeps a page's URL query in step with its view state, so a copied link reproduces the view: replaceState (no
// history entry per change), a short delay so a dragged slider or a burst of keystrokes writes the URL once.
import { replaceState } from '$app/navigation';
import { formatQuery } from './url-state';

/** ms between the last view change and the URL update. */
export const URL_WRITE_DELAY_MS = 250;

/** Bumped after every write: SvelteKit's shallow replaceState leaves `page.url` as it was. */
let writes = $state(0);

/** The address bar's query now, re-read (when read in an effect or derived) after every write made here. */
export function readLocationSearch(): string {
	void writes;
	return typeof location === 'undefined' ? '' : location.search;
}

/**
 * Call while a component initialises. `write` reads the reactive view state and returns the query for it, built
 * on `base` (the current query, so parameters other views own are kept); it re-runs whenever that state changes.
 */
export function syncQuery(write: (base: URLSearchParams) => URLSearchParams): void {
	$effect(() => {
		const params = write(new URLSearchParams(location.search));
		const timer = setTimeout(() => {
			const next = `${location.pathname}${formatQuery(params)}${location.hash}`;
			if (next === `${location.pathname}${location.search}${location.hash}`) return;
			replaceState(next, {});
			writes++;
		}, URL_WRITE_DELAY_MS);
		return () => clearTimeout(timer);
	});
}
