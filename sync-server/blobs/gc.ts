// Garbage collection of blobs: a sweep that deletes every stored blob outside the caller's referenced set
// (the mark phase, gathering sha256s from every run's artifact manifest, belongs to the caller).
import type { BlobStore } from './blob-store';

/** Default age below which an unreferenced blob is spared, in ms: it may belong to an upload whose manifest entry is not written yet. */
export const GC_GRACE_MS = 60 * 60 * 1000;

export interface CollectGarbageOptions {
	/** Unreferenced blobs stored (or re-put) less than this many ms before `now` are kept. Default GC_GRACE_MS. */
	graceMs?: number;
	/** ms since the epoch. Default Date.now(). */
	now?: number;
}

/**
 * Deletes every blob in `store` whose sha256 is not in `referenced` and whose `storedAt` is at least `graceMs`
 * old. Gather `referenced` before calling: a blob put after the gathering is spared by the grace period, and a
 * put of content already stored refreshes its age. Returns how many blobs were deleted and how many
 * unreferenced ones were spared for being too young.
 */
export async function collectGarbage(
	store: BlobStore,
	referenced: ReadonlySet<string>,
	opts: CollectGarbageOptions = {}
): Promise<{ deleted: number; tooYoung: number }> {
	const graceMs = opts.graceMs ?? GC_GRACE_MS;
	const now = opts.now ?? Date.now();
	const candidates: string[] = [];
	for await (const sha256 of store.list()) if (!referenced.has(sha256)) candidates.push(sha256);

	let deleted = 0;
	let tooYoung = 0;
	for (const sha256 of candidates) {
		const info = await store.stat(sha256);
		if (info === null) continue; // deleted meanwhile
		if (now - info.storedAt < graceMs) tooYoung++;
		else {
			await store.delete(sha256);
			deleted++;
		}
	}
	return { deleted, tooYoung };
}
