// A document view with a way round the relay's refusal: when this identity is refused the shared document a list
// comes from (4403), the list is read over HTTP instead (auth-lists.ts), again every REFRESH_MS while the tab is
// visible, and the page says it is read-only (auth-access.svelte.ts).
import type { DocsView } from './doc-view.svelte';
import { openDocument } from './documents';
import { noteReadOnlyList } from './auth-access.svelte';

/** ms between re-reads of a list read over HTTP: others create and rename meanwhile. */
const REFRESH_MS = 5_000;

/**
 * `view` of document `name`, or once the relay refuses `name`, what `fetchList` answers (`empty` until it does;
 * `synced` once it has), with `notice` shown page-wide. Call while a component initialises.
 */
export function withRefusalFallback<T>(
	view: DocsView<T>,
	name: string,
	fetchList: (signal: AbortSignal) => Promise<T | null>,
	empty: T,
	notice: string
): DocsView<T> {
	let refused = $state(false);
	let fetched = $state.raw<T | null>(null);

	$effect(() => {
		const handle = openDocument(name);
		let open = true;
		void handle.refused.then(() => {
			if (open) refused = true;
		});
		return () => {
			open = false;
			handle.release();
		};
	});

	$effect(() => {
		if (!refused) return;
		const removeNotice = noteReadOnlyList(notice);
		const controller = new AbortController();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const refresh = async () => {
			try {
				if (document.visibilityState === 'visible') {
					const list = await fetchList(controller.signal);
					if (list !== null && !controller.signal.aborted) fetched = list;
				}
			} catch {
				// offline or left: the last list stays
			}
			if (!controller.signal.aborted) timer = setTimeout(refresh, REFRESH_MS);
		};
		void refresh();
		return () => {
			removeNotice();
			controller.abort();
			clearTimeout(timer);
		};
	});

	return {
		get current() {
			return refused ? (fetched ?? empty) : view.current;
		},
		get loaded() {
			return refused ? fetched !== null : view.loaded;
		},
		get synced() {
			return refused ? fetched !== null : view.synced;
		}
	};
}
