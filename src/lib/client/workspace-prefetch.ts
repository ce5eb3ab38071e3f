// The series a chart workspace showed on its first screen, remembered per experiment (localStorage), and asked for
// again as the app starts on a revisit, before the page has read or synced its documents: the server answers in
// order, so the overviews come ahead of the documents' sync instead of after it. A panel takes its series from here
// (finished runs only: a run that is running again streams live); what no panel takes soon is released.
import { MAX_OVERVIEW_SERIES } from '../core/series/overview-wire';
import type { SeriesOpener } from './series-pool';
import { openOverviewSeries } from './series-overview';
import type { SeriesSource } from './series-source';

const STORAGE_PREFIX = 'tandem:workspace-screen:';
/** ms the series asked for early wait for their panel before they are released. */
const UNTAKEN_MS = 15_000;

const early = new Map<string, SeriesSource>();
const nameOf = (runId: string, key: string) => JSON.stringify([runId, key]);

/** The experiment whose chart workspace this page shows (`/experiments/<id>?tab=charts`), or null. */
function readWorkspaceExperiment(loc: Location): string | null {
	const m = /^\/experiments\/([^/]+)\/?$/.exec(loc.pathname);
	return m && new URLSearchParams(loc.search).get('tab') === 'charts' ? decodeURIComponent(m[1]) : null;
}

/** The remembered [runId, key] pairs of `experimentId`'s first screen (none when unreadable). */
function readScreen(experimentId: string): [string, string][] {
	try {
		const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_PREFIX + experimentId) ?? '[]');
		if (!Array.isArray(parsed)) return [];
		return parsed.filter((p): p is [string, string] => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string').slice(0, MAX_OVERVIEW_SERIES);
	} catch {
		return [];
	}
}

/** On a chart workspace page, asks for the overviews its first screen showed last time (one request, as openOverviewSeries batches). */
export function startWorkspacePrefetch(loc: Location = location): void {
	const experimentId = readWorkspaceExperiment(loc);
	if (experimentId === null) return;
	for (const [runId, key] of readScreen(experimentId)) {
		const name = nameOf(runId, key);
		if (!early.has(name)) early.set(name, openOverviewSeries(runId, key, () => false));
	}
	if (early.size > 0) setTimeout(() => (early.forEach((s) => s.release()), early.clear()), UNTAKEN_MS);
}

/** openOverviewSeries, taking the series asked for at start when there is one (and the run is not running). */
export const openEarlyOverview: SeriesOpener = (runId, key, isRunning) => {
	const name = nameOf(runId, key);
	const taken = isRunning() ? undefined : early.get(name);
	if (!taken) return openOverviewSeries(runId, key, isRunning);
	early.delete(name);
	return taken;
};

let noted: [string, string][] = [];
let writeTimer: ReturnType<typeof setTimeout> | null = null;

/** Notes the finished runs' series of a panel on the workspace's first screen, for the next visit (written in the
 * next task: the screen's other panels note theirs in this one). */
export function noteScreenSeries(runIds: readonly string[], key: string): void {
	const experimentId = readWorkspaceExperiment(location);
	if (experimentId === null) return;
	for (const id of runIds) noted.push([id, key]);
	writeTimer ??= setTimeout(() => {
		writeTimer = null;
		try {
			localStorage.setItem(STORAGE_PREFIX + experimentId, JSON.stringify(noted.slice(0, MAX_OVERVIEW_SERIES)));
		} catch {
			// Storage full or refused: the next visit asks when its panels do.
		}
		noted = [];
	}, 0);
}
