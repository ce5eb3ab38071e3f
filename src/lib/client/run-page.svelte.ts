// The run page's state: the run's live row (located by createCompareView), its `run/<runId>` document (artifact
// manifest), its nested runs, edits (rename, tags) on the local experiment document, and the chart view in the URL.
import { docNames } from '$lib/core/schema';
import { updateRun } from '$lib/core/docs/experiment';
import { readArtifacts, type ArtifactEntry } from '$lib/core/docs/run';
import { readChildRuns, readParentRun, type RunLink } from '$lib/core/docs/run-family';
import type { RunRow } from '$lib/core/run-row';
import { createCompareView } from './compare.svelte';
import { readChartUrlState, writeChartUrlState, type ChartUrlState, type ChartXAxis } from './chart-url';
import { createDocsView } from './doc-view.svelte';
import { openDocument } from './documents';
import { syncQuery } from './url-sync.svelte';

export interface RunPageView {
	/** The run, live; null while it is being located or when it does not exist here. */
	readonly run: RunRow | null;
	/** Locating has finished: `run` is null only if the run does not exist (here, or offline in this browser). */
	readonly settled: boolean;
	/** path -> entry, live. */
	readonly artifacts: Map<string, ArtifactEntry>;
	/** The run document's IndexedDB copy is applied (the manifest shown is at least the cached one). */
	readonly artifactsLoaded: boolean;
	/** Runs of the same experiment whose `mlflow.parentRunId` is this run. */
	readonly children: RunLink[];
	/** The run its `mlflow.parentRunId` names (its name '' when that run is not in the experiment), or null. */
	readonly parent: RunLink | null;
}

const NO_ARTIFACTS = new Map<string, ArtifactEntry>();

/** Call while a component initialises; `runId` may read reactive state. */
export function createRunPageView(runId: () => string | null): RunPageView {
	const compare = createCompareView(() => {
		const id = runId();
		return { runIds: id === null ? [] : [id], experimentId: null };
	});
	const run = $derived(compare.runs[0] ?? null);
	const runDoc = createDocsView(runId, (id) => [docNames.run(id)], ([doc]) => readArtifacts(doc), NO_ARTIFACTS);
	// A string key: the row changes every frame while the run logs, the family only with the experiment.
	const familyKey = $derived(run ? `${run.experiment_id}/${run.run_id}` : null);
	const family = createDocsView(
		() => familyKey,
		(key) => [docNames.experiment(key.slice(0, key.indexOf('/')))],
		([exp], key) => {
			const id = key.slice(key.indexOf('/') + 1);
			return { children: readChildRuns(exp, id), parent: readParentRun(exp, id) };
		},
		{ children: [] as RunLink[], parent: null as RunLink | null }
	);
	return {
		get run() {
			return run;
		},
		get settled() {
			return compare.settled;
		},
		get artifacts() {
			return runDoc.current;
		},
		get artifactsLoaded() {
			return runDoc.loaded;
		},
		get children() {
			return family.current.children;
		},
		get parent() {
			return family.current.parent;
		}
	};
}

/** Renames the run and edits its tags on the local experiment document (works offline; merges). */
export function editRun(run: Pick<RunRow, 'experiment_id' | 'run_id'>, patch: { name?: string; tags?: Record<string, string>; deleteTags?: string[] }): boolean {
	const handle = openDocument(docNames.experiment(run.experiment_id));
	try {
		return updateRun(handle.doc, run.run_id, patch);
	} finally {
		handle.release();
	}
}

/** Renames the run; the `mlflow.runName` tag follows, as MLflow's own rename does. */
export function renameRun(run: Pick<RunRow, 'experiment_id' | 'run_id'>, name: string): boolean {
	return editRun(run, { name, tags: { 'mlflow.runName': name } });
}

/** ms between the last chart view change and the URL update (a dragged slider must not flood history). */

/** The charts' x-axis, smoothing, log y and zoom, kept in the page URL (chart-url.ts). */
export class RunChartState {
	chartX = $state<ChartXAxis>('step');
	smoothing = $state(0);
	logY = $state(false);
	zoom = $state.raw<[number, number] | null>(null);

	readUrl(params: URLSearchParams): void {
		const s = readChartUrlState(params);
		this.chartX = s.chartX;
		this.smoothing = s.smoothing;
		this.logY = s.logY;
		this.zoom = s.zoom;
	}

	readonly urlState: ChartUrlState = $derived({ chartX: this.chartX, smoothing: this.smoothing, logY: this.logY, zoom: this.zoom });

	/** Keeps the URL in step (replaceState: no history entry per change). Call while a component initialises. */
	syncUrl(): void {
		syncQuery((base) => writeChartUrlState(this.urlState, base));
	}
}
