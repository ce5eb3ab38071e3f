// One small text file of a model folder as reactive state: fetched (or read from the local copy, model-text.ts)
// whenever the file it names changes, a fetch for a file no longer shown aborted.
import { untrack } from 'svelte';
import type { ArtifactEntry } from '$lib/core/docs/run';
import { fetchModelText } from './model-text';

export interface ModelFile {
	/** null while loading, or when there is no such file */
	readonly text: string | null;
	readonly error: string | null;
	/** the file exists in the manifest */
	readonly present: boolean;
}

/** Call while a component initialises; `file` may read reactive state (null = no file). */
export function createModelFile(file: () => { entry: ArtifactEntry; path: string } | null): ModelFile {
	let loaded = $state.raw<{ key: string; text: string } | null>(null);
	let error = $state<string | null>(null);
	const current = $derived(file());
	const key = $derived(current ? `${current.entry.sha256}:${current.path}` : null);
	// Keyed by content and path: a manifest re-read (every document update) does not fetch again.
	$effect(() => {
		const k = key;
		const f = untrack(() => current);
		if (!f || !k) return;
		const controller = new AbortController();
		error = null;
		fetchModelText(f.entry, f.path, controller.signal).then(
			(r) => (loaded = { key: k, text: r.text }),
			(e: Error) => {
				if (!controller.signal.aborted) error = e.message;
			}
		);
		return () => controller.abort();
	});
	return {
		get text() {
			return loaded && loaded.key === key ? loaded.text : null;
		},
		get error() {
			return error;
		},
		get present() {
			return current !== null;
		}
	};
}
