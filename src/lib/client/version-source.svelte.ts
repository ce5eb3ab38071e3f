// Where a model version came from, live: its source run (the row, for its name and experiment), its logged model
// (and that model's experiment, for the link), and its files — the logged model's artifacts or the run's folder
// at the source path (version-artifacts.ts), read from that document's manifest.
import { docNames } from '$lib/core/schema';
import type { ModelVersionRecord } from '$lib/core/docs/registry';
import { readModelExperiment } from '$lib/core/docs/logged-models';
import { readArtifacts, type ArtifactEntry } from '$lib/core/docs/run';
import type { RunRow } from '$lib/core/run-row';
import { readVersionArtifactRoot, readVersionRunId, selectArtifactFolder } from '$lib/core/version-artifacts';
import { createCompareView } from './compare.svelte';
import { createDocsView } from './doc-view.svelte';

export interface VersionSource {
	/** The source run, live; null while it is located, or when the version has none or it is not here. */
	readonly run: RunRow | null;
	readonly runId: string | null;
	/** The run is found or known missing. */
	readonly runSettled: boolean;
	/** The logged model the version was registered from, with its experiment once known. */
	readonly loggedModel: { modelId: string; experimentId: string | null } | null;
	/** The version's files, paths relative to its root; empty when its source is outside Tandem. */
	readonly artifacts: Map<string, ArtifactEntry>;
	/** Whether the files live here at all (false for s3://, local paths…). */
	readonly hasArtifactRoot: boolean;
	/** The manifest's local copy is applied. */
	readonly artifactsLoaded: boolean;
	/** The manifest has synced with the relay. */
	readonly artifactsSynced: boolean;
}

const NOTHING = { artifacts: new Map<string, ArtifactEntry>(), experimentId: null as string | null };

/** Call while a component initialises; `version` may read reactive state. */
export function createVersionSourceView(version: () => ModelVersionRecord | null): VersionSource {
	const runId = $derived.by(() => {
		const v = version();
		return v ? readVersionRunId(v) : null;
	});
	const compare = createCompareView(() => ({ runIds: runId ? [runId] : [], experimentId: null }));
	// Strings, so a version re-read on every registry update does not reopen the documents.
	const rootKey = $derived.by(() => {
		const v = version();
		const root = v ? readVersionArtifactRoot(v) : null;
		if (!root) return null;
		return root.kind === 'logged-model'
			? JSON.stringify({ doc: docNames.model(root.modelId), path: '', modelId: root.modelId, experimentId: root.experimentId })
			: JSON.stringify({ doc: docNames.run(root.runId), path: root.path, modelId: null, experimentId: null });
	});
	const root = $derived(rootKey ? (JSON.parse(rootKey) as { doc: string; path: string; modelId: string | null; experimentId: string | null }) : null);
	const files = createDocsView(
		() => root?.doc ?? null,
		(name) => [name],
		([doc]) => ({ artifacts: readArtifacts(doc), experimentId: readModelExperiment(doc) }),
		NOTHING
	);
	const artifacts = $derived(selectArtifactFolder(files.current.artifacts, root?.path ?? ''));
	return {
		get run() {
			return compare.runs[0] ?? null;
		},
		get runId() {
			return runId;
		},
		get runSettled() {
			return compare.settled;
		},
		get loggedModel() {
			if (!root?.modelId) return null;
			return { modelId: root.modelId, experimentId: root.experimentId ?? files.current.experimentId };
		},
		get artifacts() {
			return artifacts;
		},
		get hasArtifactRoot() {
			return root !== null;
		},
		get artifactsLoaded() {
			return files.loaded;
		},
		get artifactsSynced() {
			return files.synced;
		}
	};
}

/** Runs whose names are looked up at most (each located through its own document). */
const MAX_NAMED_RUNS = 24;

/** The names of runs `runIds()` (the last MAX_NAMED_RUNS of them), by id, as they are found. Call while a component initialises. */
export function createRunNamesView(runIds: () => readonly string[]): { readonly current: ReadonlyMap<string, string> } {
	const compare = createCompareView(() => ({ runIds: [...new Set(runIds())].slice(-MAX_NAMED_RUNS), experimentId: null }));
	const names = $derived(new Map(compare.runs.map((r) => [r.run_id, r.name])));
	return {
		get current() {
			return names;
		}
	};
}
