// Whether one instance's view of the registry document includes everything another instance's view held, judged
// from Yjs snapshots (state vector and delete set). Instances sharing a webhook outbox record a registry change's
// events once: an instance whose view does not cover the one last recorded is behind (an update has not reached it
// yet) and must not diff against rows seen from a later state, or it would fire that change backwards. Pure.
import * as Y from 'yjs';

/** `mine` holds every insertion and deletion `theirs` holds. */
export function coversSnapshot(mine: Y.Snapshot, theirs: Y.Snapshot): boolean {
	for (const [client, clock] of theirs.sv) if ((mine.sv.get(client) ?? 0) < clock) return false;
	for (const [client, deleted] of theirs.ds.clients) {
		const ranges = mine.ds.clients.get(client) ?? [];
		for (const d of deleted) if (!covered(ranges, d.clock, d.clock + d.len)) return false;
	}
	return true;
}

/** Whether [from, to) lies within one of `ranges` (sorted by clock and merged, as Yjs keeps a snapshot's delete set). */
function covered(ranges: readonly { clock: number; len: number }[], from: number, to: number): boolean {
	let lo = 0;
	let hi = ranges.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const r = ranges[mid];
		if (r.clock + r.len <= from) lo = mid + 1;
		else if (r.clock > from) hi = mid - 1;
		else return to <= r.clock + r.len;
	}
	return false;
}

/** `mine` (encoded) covers `theirs` (encoded, or null: nothing recorded yet). */
export function coversEncoded(mine: Uint8Array, theirs: Uint8Array | null): boolean {
	return theirs === null || coversSnapshot(Y.decodeSnapshot(mine), Y.decodeSnapshot(theirs));
}
