// The experiments page's state: every experiment of the `workspace` document (deleted ones too), edits applied to
// the local document (so they work offline and merge), and run counts fetched per experiment (experiment-stats.ts).
import { untrack } from 'svelte';
import { docNames, type Lifecycle } from '$lib/core/schema';
import { createExperimentId } from '$lib/core/ids';
import { createExperiment, findExperimentByName, readExperiments, updateExperiment, type Experiment } from '$lib/core/docs/workspace';
import { createDocsView, type DocsView } from './doc-view.svelte';
import { openDocument } from './documents';
import { loadCachedStats, readExperimentStats, saveCachedStats, type ExperimentStats } from './experiment-stats';

/** Every experiment, newest first. Call while a component initialises. */
export function createWorkspaceView(): DocsView<Experiment[]> {
	return createDocsView(
		() => docNames.workspace,
		(name) => [name],
		([ws]) => readExperiments(ws).sort((a, b) => b.creation_time - a.creation_time || (a.experiment_id < b.experiment_id ? -1 : 1)),
		[]
	);
}

/** Why a name cannot be used, or null. Deleted experiments keep their names (as in MLflow). */
function checkName(ws: Parameters<typeof findExperimentByName>[0], name: string, selfId: string | null): string | null {
	if (name.trim() === '') return 'The name must not be empty.';
	if (name.length > 500) return 'The name is longer than 500 characters.';
	const other = findExperimentByName(ws, name);
	if (other && other.experiment_id !== selfId) {
		return other.lifecycle === 'deleted' ? `A deleted experiment is named '${name}'; restore or rename it first.` : `An experiment named '${name}' already exists.`;
	}
	return null;
}

function withWorkspace<T>(fn: (ws: ReturnType<typeof openDocument>['doc']) => T): T {
	const handle = openDocument(docNames.workspace);
	try {
		return fn(handle.doc);
	} finally {
		handle.release();
	}
}

export type EditResult = { ok: true; id: string } | { ok: false; error: string };

/** Creates an experiment on the local workspace document; its artifacts go through this server (as the API's do). */
export function createLocalExperiment(name: string): EditResult {
	return withWorkspace((ws) => {
		const trimmed = name.trim();
		const error = checkName(ws, trimmed, null);
		if (error) return { ok: false, error };
		const id = createExperimentId();
		createExperiment(ws, { experimentId: id, name: trimmed, artifactLocation: `mlflow-artifacts:/${id}`, now: Date.now() });
		return { ok: true, id };
	});
}

export function renameLocalExperiment(id: string, name: string): EditResult {
	return withWorkspace((ws) => {
		const trimmed = name.trim();
		const error = checkName(ws, trimmed, id);
		if (error) return { ok: false, error };
		return updateExperiment(ws, id, { name: trimmed, now: Date.now() }) ? { ok: true, id } : { ok: false, error: 'No such experiment.' };
	});
}

export function setLocalExperimentLifecycle(id: string, lifecycle: Lifecycle): void {
	withWorkspace((ws) => updateExperiment(ws, id, { lifecycle, now: Date.now() }));
}

/**
 * Figures younger than this are not fetched again when the page reopens. The answer lists every run (tens of MB for
 * 10,000 runs), so it is not read on every visit; a server-side count would make this cheap.
 */
const FRESH_MS = 60_000;
const CONCURRENCY = 2;

/**
 * Run counts and last activity of the experiments `ids()` names (reactive): the cached figures at once, then one
 * fetch per experiment, two at a time; again when the tab becomes visible. Call while a component initialises.
 */
export function createExperimentStatsView(ids: () => string[]): { readonly current: Record<string, ExperimentStats>; readonly pending: number } {
	let current = $state.raw<Record<string, ExperimentStats>>(loadCachedStats());
	let pending = $state(0);
	let visible = $state(document.visibilityState === 'visible');

	$effect(() => {
		const onVisibility = () => (visible = document.visibilityState === 'visible');
		document.addEventListener('visibilitychange', onVisibility);
		return () => document.removeEventListener('visibilitychange', onVisibility);
	});

	$effect(() => {
		if (!visible) return;
		const now = Date.now();
		// Reads `current` untracked: each answer updates it, and must not restart the fetches.
		const queue = ids().filter((id) => untrack(() => !(now - (current[id]?.readAt ?? 0) < FRESH_MS)));
		const controller = new AbortController();
		pending = queue.length;
		const worker = async () => {
			for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
				try {
					const res = await fetch(`/api/experiments/${encodeURIComponent(id)}/runs`, { signal: controller.signal });
					if (res.ok) {
						const stats = readExperimentStats(await res.json(), Date.now());
						current = { ...current, [id]: stats };
						saveCachedStats(current);
					}
				} catch {
					if (controller.signal.aborted) return; // offline: the cached figures stay
				}
				pending = Math.max(0, pending - 1);
			}
		};
		for (let i = 0; i < CONCURRENCY; i++) void worker();
		return () => {
			controller.abort();
			pending = 0;
		};
	});

	return {
		get current() {
			return current;
		},
		get pending() {
			return pending;
		}
	};
}
