// The experiment page's saved views: the list (live from the `workspace` document) and the edits, made on the
// local document so they work offline and merge; the relay refuses them for a reader without EDIT (the app then
// says so, as for any refused write).
import { docNames } from '$lib/core/schema';
import { deleteView, readSavedViews, saveView, updateView, type SavedView } from '$lib/core/docs/saved-views';
import { createDocsView, type DocsView } from './doc-view.svelte';
import { withWorkspace } from './workspace.svelte';
import { readActor } from './registry-governance.svelte';

/** The saved views of the experiment `experimentId()` (reactive), newest first. Call while a component initialises. */
export function createSavedViewsView(experimentId: () => string | null): DocsView<SavedView[]> {
	return createDocsView(
		experimentId,
		() => [docNames.workspace],
		([ws], id) => readSavedViews(ws, id),
		[]
	);
}

/** Saves the page's view (`search`: its query) as `name`; the new view's id, or null for an unusable name. */
export function saveCurrentView(experimentId: string, name: string, search: string): string | null {
	return withWorkspace((ws) => saveView(ws, { experimentId, name, query: search, createdBy: readActor(), now: Date.now() }), null);
}

export function renameSavedView(id: string, name: string): boolean {
	return withWorkspace((ws) => updateView(ws, id, { name, now: Date.now() }), false);
}

/** Saves the page's view over the saved view `id` (same name). */
export function replaceSavedView(id: string, search: string): boolean {
	return withWorkspace((ws) => updateView(ws, id, { query: search, now: Date.now() }), false);
}

export function deleteSavedView(id: string): boolean {
	return withWorkspace((ws) => deleteView(ws, id), false);
}
