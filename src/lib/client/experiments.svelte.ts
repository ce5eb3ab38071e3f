// The experiments page's run counts: one `GET /api/experiments` (the server counts every experiment's runs),
// shown from the localStorage cache at once and offline, re-read while the page is visible.
import { nativePaths } from '../core/api/native';
import { fetchApi } from './auth-events';
import { loadCachedStats, readExperimentStats, saveCachedStats, type ExperimentStats } from './experiment-stats';

/** How often the figures are re-read while the page is visible: runs start, end and log from elsewhere. */
const REFRESH_MS = 3_000;

/**
 * Run counts and last activity by experiment id: the cached figures at once, then fresh ones from the server,
 * again every REFRESH_MS while the tab is visible and at once whenever `changes()` (reactive; the workspace's
 * experiments, say) changes. Call while a component initialises.
 */
export function createExperimentStatsView(changes: () => unknown): { readonly current: Record<string, ExperimentStats> } {
	let current = $state.raw<Record<string, ExperimentStats>>(loadCachedStats());
	let visible = $state(document.visibilityState === 'visible');

	$effect(() => {
		const onVisibility = () => (visible = document.visibilityState === 'visible');
		document.addEventListener('visibilitychange', onVisibility);
		return () => document.removeEventListener('visibilitychange', onVisibility);
	});

	$effect(() => {
		changes();
		if (!visible) return;
		const controller = new AbortController();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const refresh = async () => {
			try {
				const res = await fetchApi(nativePaths.experiments(), { signal: controller.signal, cache: 'no-store' });
				if (res.ok) {
					current = readExperimentStats(await res.json(), Date.now());
					saveCachedStats(current);
				}
			} catch {
				// offline or left: the cached figures stay
			}
			if (!controller.signal.aborted) timer = setTimeout(refresh, REFRESH_MS);
		};
		void refresh();
		return () => {
			controller.abort();
			clearTimeout(timer);
		};
	});

	return {
		get current() {
			return current;
		}
	};
}
