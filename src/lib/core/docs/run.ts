// The `run/<runId>` document: which experiment the run belongs to, collaborative Markdown notes (Y.Text),
// the artifact manifest (path -> sha256, size, type) and the directory of the run's metric series. Clients may
// write this document, so every reader here checks what it reads (ids, counts, keys) and skips what is malformed.
import * as Y from 'yjs';
import { isExperimentId } from '../ids';
import { normalizeArtifactPath } from '../artifact-path';
import { KEYS, isValidKey } from '../schema';

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

/** The owning experiment's id; null when absent or not an experiment id (a peer may have written anything). */
export function readRunExperiment(run: Y.Doc): string | null {
	const v = metaMap(run).get('experimentId');
	return isExperimentId(v) ? v : null;
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

const SHA256 = /^[0-9a-f]{64}$/;

/** Whether a manifest value is a well-formed entry: a sha256 in hex, a size in whole bytes. */
function isArtifactEntry(e: unknown): e is ArtifactEntry {
	if (e === null || typeof e !== 'object' || e instanceof Uint8Array) return false;
	const { sha256, size } = e as Partial<ArtifactEntry>;
	return typeof sha256 === 'string' && SHA256.test(sha256) && Number.isSafeInteger(size) && (size as number) >= 0;
}

/** Whether `p` is a canonical artifact path (what the server writes), not one a peer made up (`../x`, `a//b`). */
function isCanonicalArtifactPath(p: string): boolean {
	const r = normalizeArtifactPath(p);
	return r.ok && r.path === p;
}

/**
 * The manifest as path -> entry, skipping malformed entries and paths a peer might have written; `type` and
 * `mtime` read as '' and 0 when they are not a string and a finite number.
 */
export function readArtifacts(run: Y.Doc): Map<string, ArtifactEntry> {
	const out = new Map<string, ArtifactEntry>();
	for (const [p, e] of artifactsMap(run).entries()) {
		if (!isArtifactEntry(e) || !isCanonicalArtifactPath(p)) continue;
		const typed = typeof e.type === 'string' && Number.isFinite(e.mtime);
		out.set(p, typed ? e : { sha256: e.sha256, size: e.size, type: typeof e.type === 'string' ? e.type : '', mtime: Number.isFinite(e.mtime) ? e.mtime : 0 });
	}
	return out;
}

function seriesMap(run: Y.Doc): Y.Map<number> {
	return run.getMap(KEYS.run.series);
}

/**
 * Most parts a metric's series may have (32 MiB each: 128 GiB of points). Past it, or for anything but a whole
 * number ≥ 1, a directory entry is not a part count.
 */
export const MAX_SERIES_PARTS = 4096;

/** `v` as a part count (a safe integer in 1 … MAX_SERIES_PARTS), else null. */
export function readSeriesPartCount(v: unknown): number | null {
	return Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= MAX_SERIES_PARTS ? (v as number) : null;
}

/**
 * Metric key -> number of series document parts, as the directory claims: keys that are not metric keys and
 * counts that are not part counts are skipped. A claim, not a fact: a peer may have lowered a count (or raised it
 * within bounds), so readers of the parts stop at the first empty one (and look past the claim).
 */
export function readSeriesDirectory(run: Y.Doc): Map<string, number> {
	const out = new Map<string, number>();
	for (const [k, v] of seriesMap(run).entries()) {
		const parts = readSeriesPartCount(v);
		if (parts !== null && isValidKey(k)) out.set(k, parts);
	}
	return out;
}

/** Whether the directory names metric `key` at all (whatever count it claims); false for a key that is not a metric key. */
export function hasSeries(run: Y.Doc, key: string): boolean {
	return isValidKey(key) && seriesMap(run).has(key);
}

/** Sets how many parts a metric's series has; never lowers a valid count, and replaces one that is not. */
export function setSeriesParts(run: Y.Doc, key: string, parts: number): void {
	const map = seriesMap(run);
	const prev = readSeriesPartCount(map.get(key));
	if (prev === null || prev < parts) map.set(key, parts);
}
