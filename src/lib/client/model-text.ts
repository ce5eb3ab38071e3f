// Small text files of a model folder (MLmodel, input example, requirements) fetched for display and kept in
// localStorage by content hash, so a model page opened offline still shows what it showed before; and a logged
// model's flavors read from its MLmodel over the logged-model artifact route (for lists, without its manifest).
import type { ArtifactEntry } from '$lib/core/docs/run';
import { parseMLmodel, readFlavorNames } from '$lib/core/mlmodel';
import { MLMODEL_FILE } from '$lib/core/model-files';
import { fetchPreviewText, type PreviewText } from './run-page-preview';
import { fetchApi } from './auth-events';

/** Files up to this size are kept for offline use (MLmodel and its neighbours are a few KB). */
const KEEP_MAX_CHARS = 64 * 1024;
const TEXT_KEY = (sha256: string) => `tandem:text:${sha256}`;
const FLAVORS_KEY = (modelId: string) => `tandem:flavors:${modelId}`;

function readStored(key: string): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

function store(key: string, value: string): void {
	try {
		localStorage.setItem(key, value);
	} catch {
		// storage full or blocked: the file is fetched again next time
	}
}

/** The start of a manifest entry's text (as fetchPreviewText), from the local copy when there is one. */
export async function fetchModelText(entry: ArtifactEntry, path: string, signal: AbortSignal): Promise<PreviewText> {
	const kept = readStored(TEXT_KEY(entry.sha256));
	if (kept !== null) return { text: kept, truncated: false };
	const result = await fetchPreviewText(entry, path, signal);
	if (!result.truncated && result.text.length <= KEEP_MAX_CHARS) store(TEXT_KEY(entry.sha256), result.text);
	return result;
}

/** The flavors remembered for a model, or null. */
export function readStoredFlavors(modelId: string): string[] | null {
	const kept = readStored(FLAVORS_KEY(modelId));
	if (kept === null) return null;
	try {
		const v: unknown = JSON.parse(kept);
		return Array.isArray(v) && v.every((f) => typeof f === 'string') ? v : null;
	} catch {
		return null;
	}
}

/**
 * A logged model's flavors from its MLmodel file ([] when it has none or it cannot be read); remembered once read.
 * Rejects when the server is unreachable.
 */
export async function fetchModelFlavors(modelId: string, signal?: AbortSignal): Promise<string[]> {
	const url = `/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}/artifacts/files?artifact_file_path=${MLMODEL_FILE}`;
	const res = await fetchApi(url, { signal });
	if (res.status === 404) return [];
	if (!res.ok) throw new Error(`The server answered ${res.status}`);
	const parsed = parseMLmodel(await res.text());
	const flavors = parsed.ok ? readFlavorNames(parsed.model.flavors) : [];
	store(FLAVORS_KEY(modelId), JSON.stringify(flavors));
	return flavors;
}
