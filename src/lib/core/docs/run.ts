// The `run/<runId>` document: which experiment the run belongs to, collaborative Markdown notes (Y.Text),
// the artifact manifest (path -> sha256, size, type) and the directory of the run's metric series.
import * as Y from 'yjs';
import { KEYS } from '../schema';

export interface ArtifactEntry {
	sha256: string;
	/** bytes */
	size: number;
	/** MIME type guessed from the path */
	type: string;
	/** ms since epoch */
	mtime: number;
}

function metaMap(run: Y.Doc): Y.Map<unknown> {
	return run.getMap(KEYS.run.meta);
}

/** Records the owning experiment (written once, when the run is created). */
export function setRunExperiment(run: Y.Doc, experimentId: string): void {
	if (metaMap(run).get('experimentId') !== experimentId) metaMap(run).set('experimentId', experimentId);
}

export function readRunExperiment(run: Y.Doc): string | null {
	const v = metaMap(run).get('experimentId');
	return typeof v === 'string' ? v : null;
}

export function readNotesText(run: Y.Doc): Y.Text {
	return run.getText(KEYS.run.notes);
}

export function readNotes(run: Y.Doc): string {
	return readNotesText(run).toString();
}

function artifactsMap(run: Y.Doc): Y.Map<ArtifactEntry> {
	return run.getMap(KEYS.run.artifacts);
}

export function setArtifact(run: Y.Doc, path: string, entry: ArtifactEntry): void {
	artifactsMap(run).set(path, entry);
}

export function deleteArtifact(run: Y.Doc, path: string): void {
	artifactsMap(run).delete(path);
}

/** The manifest as path -> entry, skipping malformed entries a peer might have written. */
export function readArtifacts(run: Y.Doc): Map<string, ArtifactEntry> {
	const out = new Map<string, ArtifactEntry>();
	for (const [p, e] of artifactsMap(run).entries()) {
		if (e && typeof e === 'object' && typeof e.sha256 === 'string' && typeof e.size === 'number') out.set(p, e);
	}
	return out;
}

function seriesMap(run: Y.Doc): Y.Map<number> {
	return run.getMap(KEYS.run.series);
}

/** Metric key -> number of series document parts (≥ 1). */
export function readSeriesDirectory(run: Y.Doc): Map<string, number> {
	const out = new Map<string, number>();
	for (const [k, parts] of seriesMap(run).entries()) if (typeof parts === 'number' && parts >= 1) out.set(k, parts);
	return out;
}

/** Sets how many parts a metric's series has; never lowers it. */
export function setSeriesParts(run: Y.Doc, key: string, parts: number): void {
	const map = seriesMap(run);
	const prev = map.get(key);
	if (typeof prev !== 'number' || prev < parts) map.set(key, parts);
}
