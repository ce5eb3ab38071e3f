// Artifacts of runs and logged models: bytes streamed into the content-addressed BlobStore, the path -> {sha256,
// size, type, mtime} manifest kept in the owner's `run/<runId>` or `model/<modelId>` document (one schema for both).
// An owner id is a run id or a logged model's `m-…` id. Paths given here are canonical (normalizeArtifactPath).
import { docNames } from '../../src/lib/core/schema';
import { ApiError, invalid, notFound } from '../../src/lib/core/errors';
import { guessContentType } from '../../src/lib/core/artifact-path';
import { isModelId } from '../../src/lib/core/ids';
import { deleteArtifact, readArtifacts, setArtifact, type ArtifactEntry } from '../../src/lib/core/docs/run';
import { API_ORIGIN, readDocs, type DocAccess } from '../tracking/doc-access';
import type { BlobBody, BlobStore } from '../blobs/blob-store';
import { findArtifactConflict, listArtifactChildren, selectArtifactSubtree, type ArtifactChild } from './artifact-tree';

/** Default largest artifact accepted in one upload: 5 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

export interface ArtifactServiceDeps {
	access: DocAccess;
	/** Finds a run's experiment; throws 404 for an unknown run and 400 for a malformed id. */
	runs: { locate(runId: string): Promise<string> };
	/** Finds a logged model's experiment; throws 404 for an unknown model. Without it, model ids are unknown. */
	models?: { locate(modelId: string): Promise<string> };
	blobs: BlobStore;
	/** bytes; default DEFAULT_MAX_UPLOAD_BYTES */
	maxUploadBytes?: number;
	/** ms since the epoch */
	now?: () => number;
}

export interface StoredArtifact extends ArtifactEntry {
	path: string;
}

export function createArtifactService(deps: ArtifactServiceDeps) {
	const { access, blobs } = deps;
	const maxUploadBytes = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
	const now = deps.now ?? Date.now;

	/** The document holding an owner's manifest. */
	const docOf = (ownerId: string) => (isModelId(ownerId) ? docNames.model(ownerId) : docNames.run(ownerId));
	const readManifest = (ownerId: string) => readDocs(access, [docOf(ownerId)], ([doc]) => readArtifacts(doc));

	/**
	 * Checks that the run (or logged model) exists and, when `experimentId` is given (the MLflow URL's first
	 * segment), that it belongs to that experiment; 404 otherwise. Returns the owner's experiment id.
	 */
	async function locateRun(ownerId: string, experimentId?: string): Promise<string> {
		const isModel = isModelId(ownerId);
		if (isModel && !deps.models) throw notFound(`Logged model with ID '${ownerId}' not found.`);
		const actual = isModel ? await deps.models!.locate(ownerId) : await deps.runs.locate(ownerId);
		if (experimentId !== undefined && experimentId !== actual) {
			throw notFound(`${isModel ? 'Logged model' : 'Run'} '${ownerId}' not found in experiment '${experimentId}'`);
		}
		return actual;
	}

	return {
		locateRun,
		maxUploadBytes,

		/**
		 * Streams `body` into the blob store and records it at `path`, overwriting a file there; resolves once
		 * both the blob and the manifest entry are durable. `declaredBytes` (Content-Length) is checked before
		 * any byte is read. 400 if `path` clashes with a directory or a file above it; 413 past the size limit.
		 */
		async upload(ownerId: string, path: string, body: BlobBody, declaredBytes?: number): Promise<StoredArtifact> {
			if (declaredBytes !== undefined && declaredBytes > maxUploadBytes) {
				throw new ApiError('REQUEST_LIMIT_EXCEEDED', `Artifact of ${declaredBytes} bytes exceeds the limit of ${maxUploadBytes} bytes`);
			}
			// Checked up front so a doomed upload is refused before its bytes are streamed, and again when recording.
			const early = findArtifactConflict(await readManifest(ownerId), path);
			if (early) throw invalid(early);
			const { sha256, size } = await blobs.put(body, { maxBytes: maxUploadBytes });
			const entry: ArtifactEntry = { sha256, size, type: guessContentType(path), mtime: now() };
			// An unrecorded blob (a clash found here) is collected by the GC once its grace period has passed.
			await access.transact(
				[docOf(ownerId)],
				([doc]) => {
					const conflict = findArtifactConflict(readArtifacts(doc), path);
					if (conflict) throw invalid(conflict);
					setArtifact(doc, path, entry);
				},
				API_ORIGIN
			);
			return { path, ...entry };
		},

		/** The manifest entry of the file at `path`; 404 if absent or a directory. */
		async stat(ownerId: string, path: string): Promise<StoredArtifact> {
			const manifest = await readManifest(ownerId);
			const entry = manifest.get(path);
			if (entry) return { path, ...entry };
			const isDir = listArtifactChildren(manifest, path).length > 0;
			throw notFound(isDir ? `Artifact '${path}' of '${ownerId}' is a directory` : `No artifact '${path}' in '${ownerId}'`);
		},

		/** Direct children of directory `dir` ('' = root); [] for a file, a missing path or an empty directory. */
		async list(ownerId: string, dir: string): Promise<ArtifactChild[]> {
			return listArtifactChildren(await readManifest(ownerId), dir);
		},

		/**
		 * Removes the file at `path`, or everything below the directory `path` ('' = every artifact); returns how many
		 * entries were removed (0 is not an error). Blobs stay until garbage collection, as others may share them.
		 */
		async remove(ownerId: string, path: string): Promise<number> {
			return access.transact(
				[docOf(ownerId)],
				([doc]) => {
					const paths = selectArtifactSubtree(readArtifacts(doc), path);
					for (const p of paths) deleteArtifact(doc, p);
					return paths.length;
				},
				API_ORIGIN
			);
		}
	};
}

export type ArtifactService = ReturnType<typeof createArtifactService>;
