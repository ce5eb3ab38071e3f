// One compaction of one document in the PostgreSQL store, in the caller's transaction: the document's advisory lock
// (tried: another instance compacting it now folds the same log), then the caller's encoded document as the new
// snapshot. Log rows it provably holds (Y.snapshotContainsUpdate against its state vector and delete set: other
// instances' updates it received through the fanout, its own up to the encoding) are deleted; others stay. The
// current snapshot is read and merged in only when the state summary stored with it (`summary`, valid while
// `summary_xid` is the row's `xid`) does not show the document holds it. Nothing committed is ever dropped.
import type { PoolClient } from 'pg';
import * as Y from 'yjs';
import { bytesOf, LOCK_CLASS } from './pg-schema';

export interface CompactionInput {
	name: string;
	/** This store's origin id. */
	origin: string;
	/** Encodes the snapshot once the lock is held; returns it with this store's append counter at that moment. */
	encode(): { own: Uint8Array; cut: number };
}

/** The Yjs state (state vector and delete set) an encoded document holds. */
function stateOf(update: Uint8Array): Y.Snapshot {
	const { ds } = Y.decodeUpdate(update);
	return Y.createSnapshot(ds as never, Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update)));
}

/** Whether every struct and deletion of `inner` is in `outer`. */
function holdsState(outer: Y.Snapshot, inner: Y.Snapshot): boolean {
	for (const [client, clock] of inner.sv) if ((outer.sv.get(client) ?? 0) < clock) return false;
	return Y.equalDeleteSets(outer.ds, Y.mergeDeleteSets([outer.ds, inner.ds]));
}

/** Compacts `input.name` in `tx`; false if another instance holds the document's lock (nothing done). */
export async function compactInTransaction(tx: PoolClient, input: CompactionInput): Promise<boolean> {
	const { name, origin } = input;
	const lock = await tx.query<{ held: boolean }>('select pg_try_advisory_xact_lock($1, hashtext($2)) as held', [LOCK_CLASS, name]);
	if (!lock.rows[0].held) return false;
	const { own, cut } = input.encode();
	// Read from `own` only when something foreign has to be checked against it.
	let known: Y.Snapshot | null = null;
	const state = () => (known ??= stateOf(own));
	const parts: Uint8Array[] = [];

	const current = await tx.query<{ foreign: boolean; summary: Buffer | null }>(
		`select origin is distinct from $2::uuid as foreign, case when summary_xid = xid then summary end as summary
		from tandem_snapshots where name = $1`,
		[name, origin]
	);
	const snapshot = current.rows[0];
	// This store's own pure snapshot is in `own`; another's is read only when its summary does not show it is.
	if (snapshot?.foreign && !(snapshot.summary && holdsState(state(), Y.decodeSnapshot(bytesOf(snapshot.summary))))) {
		const read = await tx.query<{ data: Buffer }>('select data from tandem_snapshots where name = $1', [name]);
		parts.push(bytesOf(read.rows[0].data));
	}
	// This store's rows up to `cut` are in `own`; later ones stay in the log. Other stores' rows are read to check.
	const rows = await tx.query<{ id: string; data: Buffer | null }>(
		`select id, case when origin <> $2::uuid then data end as data from tandem_updates
		where name = $1 and (origin <> $2::uuid or seq <= $3) order by id`,
		[name, origin, cut]
	);
	// A row the document does not hold (committed elsewhere, still on its way here) stays in the log: merging it would
	// re-encode the whole document for one update.
	const folded = rows.rows.filter((r) => !r.data || Y.snapshotContainsUpdate(state(), bytesOf(r.data)));

	// Pure (nothing merged): the snapshot is the caller's document, with its summary (none if the bytes are not a
	// Yjs update: the store treats snapshots as opaque, and the next compaction elsewhere then reads it whole).
	const pure = parts.length === 0;
	const data = pure ? own : Y.mergeUpdates([own, ...parts]);
	const summary = pure ? summarise(state) : null;
	await tx.query(
		`insert into tandem_snapshots (name, data, origin, summary, summary_xid) values ($1, $2, $3, $4, pg_current_xact_id())
		on conflict (name) do update set data = excluded.data, origin = excluded.origin, summary = excluded.summary,
			summary_xid = excluded.summary_xid`,
		[name, toBuffer(data), pure ? origin : null, summary && toBuffer(summary)]
	);
	if (folded.length > 0) await tx.query('delete from tandem_updates where id = any($1::int8[])', [folded.map((r) => r.id)]);
	return true;
}

function summarise(state: () => Y.Snapshot): Uint8Array | null {
	try {
		return Y.encodeSnapshot(state());
	} catch {
		return null;
	}
}

function toBuffer(bytes: Uint8Array): Buffer {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
