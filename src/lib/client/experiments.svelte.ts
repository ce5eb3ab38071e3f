// Reactive list of the workspace's experiments (from the `workspace` document, always loaded).
import { docNames } from '$lib/core/schema';
import { readExperiments, type Experiment } from '$lib/core/docs/workspace';
import { createDocsView, type DocsView } from './doc-view.svelte';

/** Active experiments, newest first. Call while a component initialises. */
export function createExperimentsView(): DocsView<Experiment[]> {
	return createDocsView(
		() => docNames.workspace,
		(name) => [name],
		([ws]) =>
			readExperiments(ws)
				.filter((e) => e.lifecycle === 'active')
				.sort((a, b) => b.creation_time - a.creation_time || (a.experiment_id < b.experiment_id ? -1 : 1)),
		[]
	);
}
