// The experiments page's state: every experiment of the `workspace` document (deleted ones too), edits applied to
// the local document (so they work offline and merge). Run counts come from the server (experiments.svelte.ts).
// An identity refused the workspace reads the experiments it may read over HTTP, and cannot edit the list.
import { docNames, type Lifecycle } from '$lib/core/schema';
import { createExperimentId } from '$lib/core/ids';
import { createExperiment, findExperimentByName, readExperiments, updateExperiment, type Experiment } from '$lib/core/docs/workspace';
import { NOTE_TAG } from '$lib/core/docs/notes';
import { createDocsView, type DocsView } from './doc-view.svelte';
import { openDocument } from './documents';
import { withRefusalFallback } from './auth-fallback.svelte';
import { fetchReadableExperiments } from './auth-lists';

/** Why the list cannot be edited by an identity refused the workspace document. */
const READ_ONLY = 'You may read some experiments but not change the experiment list: it is read-only here.';

/** Every experiment, newest first. Call while a component initialises. */
export function createWorkspaceView(): DocsView<Experiment[]> {
	const live = createDocsView(
		() => docNames.workspace,
		(name) => [name],
		([ws]) => readExperiments(ws).sort((a, b) => b.creation_time - a.creation_time || (a.experiment_id < b.experiment_id ? -1 : 1)),
		[]
	);
	return withRefusalFallback(live, docNames.workspace, fetchReadableExperiments, [], `Showing the experiments you may read. ${READ_ONLY}`);
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

/** Runs `fn` on the local workspace document, or answers `refused` when this identity may not read it. */
export function withWorkspace<T>(fn: (ws: ReturnType<typeof openDocument>['doc']) => T, refused: T): T {
	const handle = openDocument(docNames.workspace);
	try {
		return handle.refusal === null ? fn(handle.doc) : refused;
	} finally {
		handle.release();
	}
}

export type EditResult = { ok: true; id: string } | { ok: false; error: string };
const REFUSED: EditResult = { ok: false, error: READ_ONLY };

/** Creates an experiment on the local workspace document; its artifacts go through this server (as the API's do). */
export function createLocalExperiment(name: string): EditResult {
	return withWorkspace((ws) => {
		const trimmed = name.trim();
		const error = checkName(ws, trimmed, null);
		if (error) return { ok: false, error };
		const id = createExperimentId();
		createExperiment(ws, { experimentId: id, name: trimmed, artifactLocation: `mlflow-artifacts:/${id}`, now: Date.now() });
		return { ok: true, id };
	}, REFUSED);
}

export function renameLocalExperiment(id: string, name: string): EditResult {
	return withWorkspace((ws) => {
		const trimmed = name.trim();
		const error = checkName(ws, trimmed, id);
		if (error) return { ok: false, error };
		return updateExperiment(ws, id, { name: trimmed, now: Date.now() }) ? { ok: true, id } : { ok: false, error: 'No such experiment.' };
	}, REFUSED);
}

export function setLocalExperimentLifecycle(id: string, lifecycle: Lifecycle): void {
	withWorkspace((ws) => void updateExperiment(ws, id, { lifecycle, now: Date.now() }), undefined);
}

/** Sets and removes tags of an experiment on the local workspace document (MLflow's get_experiment returns them). */
export function setLocalExperimentTags(id: string, set: Record<string, string>, remove: readonly string[] = []): void {
	withWorkspace((ws) => void updateExperiment(ws, id, { tags: set, deleteTags: [...remove], now: Date.now() }), undefined);
}

/** Sets an experiment's description, MLflow's `mlflow.note.content` tag on it; null removes it. */
export function setLocalExperimentDescription(id: string, description: string | null): void {
	if (description === null) setLocalExperimentTags(id, {}, [NOTE_TAG]);
	else setLocalExperimentTags(id, { [NOTE_TAG]: description });
}
