// Reactive rows of one experiment's runs: headers from `exp/<id>` joined with live metric summaries from
// `exp/<id>/live`, so a running run's last values update as the server ingests them.
import { docNames } from '$lib/core/schema';
import { readRuns } from '$lib/core/docs/experiment';
import { readMetricSummaries } from '$lib/core/docs/live';
import type { RunRow } from '$lib/core/run-row';
import { createDocsView, type DocsView } from './doc-view.svelte';

/** Active runs of the experiment `experimentId()` names (reactive), newest first. Call while a component initialises. */
export function createRunsView(experimentId: () => string | null): DocsView<RunRow[]> {
	return createDocsView(
		experimentId,
		(id) => [docNames.experiment(id), docNames.live(id)],
		([exp, live], id) =>
			readRuns(exp, id, (runId) => readMetricSummaries(live, runId))
				.filter((r) => r.lifecycle === 'active')
				.sort((a, b) => b.start_time - a.start_time || (a.run_id < b.run_id ? -1 : 1)),
		[]
	);
}

/** Every metric key any of `runs` has logged, sorted (the run table's metric columns). */
export function readMetricKeys(runs: readonly RunRow[]): string[] {
	const keys = new Set<string>();
	for (const r of runs) for (const k of Object.keys(r.metrics)) keys.add(k);
	return [...keys].sort();
}
