// The PostgreSQL DocStore's tables (created, and upgraded in place, by openSchema) and the statements reading one
// document's history with a cursor. A cursor is a PostgreSQL snapshot (pg_current_snapshot()) and every row records
// the transaction that wrote it, so a commit that lands after a later-numbered one is never skipped by readSince
// (row ids are handed out at INSERT, not at COMMIT).
// Statements go through node-postgres (`pg`), which sends a Buffer parameter in PostgreSQL's binary format, not as
// hex text (twice the bytes, and a hex encode here and a decode there per update).
import type { Pool, QueryConfig, QueryResultRow } from 'pg';
import type { StoreCursor } from './doc-store';
import { inTransaction } from './pg-pool';

/**
 * The oldest server that can write through this schema. Additions older servers can live with (columns with
 * defaults, the trigger below) keep it: a rolling upgrade runs old and new instances on one database.
 */
export const SCHEMA_VERSION = 1;
/** Adds the writing transaction to every row (for readSince); older servers' writes fill it in through defaults. */
const CURSOR_COLUMNS = `
	ALTER TABLE tandem_updates ADD COLUMN IF NOT EXISTS xid xid8 NOT NULL DEFAULT pg_current_xact_id();
	CREATE INDEX IF NOT EXISTS tandem_updates_by_xid ON tandem_updates (name, xid);
	ALTER TABLE tandem_snapshots ADD COLUMN IF NOT EXISTS xid xid8 NOT NULL DEFAULT pg_current_xact_id();
	CREATE OR REPLACE FUNCTION tandem_snapshot_xid() RETURNS trigger LANGUAGE plpgsql AS
		'BEGIN NEW.xid := pg_current_xact_id(); RETURN NEW; END';
	CREATE OR REPLACE TRIGGER tandem_snapshots_xid BEFORE UPDATE ON tandem_snapshots
		FOR EACH ROW EXECUTE FUNCTION tandem_snapshot_xid();
`;
/**
 * The Yjs state (Y.encodeSnapshot: state vector and delete set) a snapshot holds, written with it by compaction
 * (pg-compact.ts); valid while `summary_xid` is the row's `xid`, so a snapshot an older server rewrote has none.
 */
const SUMMARY_COLUMNS = `
	ALTER TABLE tandem_snapshots ADD COLUMN IF NOT EXISTS summary bytea;
	ALTER TABLE tandem_snapshots ADD COLUMN IF NOT EXISTS summary_xid xid8;
`;
/**
 * Updates and snapshots are stored out of line and uncompressed, as the SQLite store keeps them: they are Yjs binary
 * around packed float columns, which TOAST's pglz spent about 1.4 ms of server CPU per 100 KB failing to shrink.
 */
const UNCOMPRESSED_DATA = `
	ALTER TABLE tandem_updates ALTER COLUMN data SET STORAGE EXTERNAL;
	ALTER TABLE tandem_snapshots ALTER COLUMN data SET STORAGE EXTERNAL;
`;
/** A pg_snapshot as text: `xmin:xmax:xip,…` (what pg_current_snapshot()::text gives). */
const CURSOR_FORMAT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;
/** Namespace (first key) of this store's advisory locks: 'TAND'. */
export const LOCK_CLASS = 0x54414e44;
/** Throws unless `cursor` is one this store gives (it is spliced into SQL only as a parameter, but say so early). */
export function assertCursor(cursor: string): void {
	if (!CURSOR_FORMAT.test(cursor)) throw new Error(`not a PostgreSQL store cursor: ${JSON.stringify(String(cursor).slice(0, 40))}`);
}

/** Creates the tables if missing and upgrades older ones; throws if the database's schema is newer than this server. */
export async function openSchema(pool: Pool): Promise<void> {
	const row = await inTransaction(pool, async (tx) => {
		// Instances starting together would race on CREATE TABLE IF NOT EXISTS: one at a time.
		await tx.query('select pg_advisory_xact_lock($1, 0)', [LOCK_CLASS]);
		await tx.query(`
			CREATE TABLE IF NOT EXISTS tandem_meta (key text PRIMARY KEY, value text NOT NULL);
			CREATE TABLE IF NOT EXISTS tandem_updates (
				id bigserial PRIMARY KEY, name text NOT NULL, data bytea NOT NULL, origin uuid NOT NULL, seq bigint NOT NULL);
			CREATE INDEX IF NOT EXISTS tandem_updates_by_name ON tandem_updates (name, id);
			CREATE TABLE IF NOT EXISTS tandem_snapshots (name text PRIMARY KEY, data bytea NOT NULL, origin uuid);
			INSERT INTO tandem_meta VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT (key) DO NOTHING;
		`);
		// Only when missing: ALTER TABLE locks the table against every instance's writes while it runs.
		const has = await tx.query<{ n: number }>(`select count(*)::int as n from pg_attribute where attrelid = 'tandem_snapshots'::regclass and attname = 'xid'`);
		if (has.rows[0].n === 0) await tx.query(CURSOR_COLUMNS);
		const summarised = await tx.query<{ n: number }>(`select count(*)::int as n from pg_attribute where attrelid = 'tandem_snapshots'::regclass and attname = 'summary_xid'`);
		if (summarised.rows[0].n === 0) await tx.query(SUMMARY_COLUMNS);
		const compressed = await tx.query<{ n: number }>(
			`select count(*)::int as n from pg_attribute
			where attrelid in ('tandem_updates'::regclass, 'tandem_snapshots'::regclass) and attname = 'data' and attstorage <> 'e'`
		);
		if (compressed.rows[0].n > 0) await tx.query(UNCOMPRESSED_DATA);
		const version = await tx.query<{ value: string }>(`select value from tandem_meta where key = 'schema_version'`);
		return version.rows[0];
	});
	const version = Number(row?.value);
	if (version > SCHEMA_VERSION) throw new Error(`PostgreSQL schema version ${version} is newer than this server (${SCHEMA_VERSION})`);
}

/** A history row (selectHistory, selectHistorySince): k as a number, data as bytes. */
export interface HistoryRow extends QueryResultRow {
	k: number;
	data: Buffer;
}

/** Every row of `name`'s history (k 0 the snapshot, k 1 the log in id order) and the cursor (k 2), from one view. */
export function selectHistory(name: string): QueryConfig {
	return {
		text: `
			select 0 as k, 0::int8 as id, data from tandem_snapshots where name = $1
			union all
			select 1, id, data from tandem_updates where name = $1
			union all
			select 2, 0, convert_to(pg_current_snapshot()::text, 'UTF8')
			order by k, id`,
		values: [name]
	};
}

/**
 * What `cursor`'s snapshot did not see of `name`, as selectHistory's rows: the log rows of other stores (`origin`
 * is this one) whose transaction it did not see (all have xid ≥ its xmin: the (name, xid) index bounds the scan to
 * recent ones), and the snapshot if a compaction committed since that may have deleted rows the caller never read
 * (this store's own pure compactions, origin = this store, merged only its own rows).
 */
export function selectHistorySince(name: string, cursor: string, origin: string): QueryConfig {
	return {
		text: `
			select 0 as k, 0::int8 as id, data from tandem_snapshots
			where name = $1 and not pg_visible_in_snapshot(xid, $2::pg_snapshot) and origin is distinct from $3::uuid
			union all
			select 1, id, data from tandem_updates
			where name = $1 and xid >= pg_snapshot_xmin($2::pg_snapshot)
				and not pg_visible_in_snapshot(xid, $2::pg_snapshot) and origin <> $3::uuid
			union all
			select 2, 0, convert_to(pg_current_snapshot()::text, 'UTF8')
			order by k, id`,
		values: [name, cursor, origin]
	};
}

/** Splits the rows of a load or readSince query: k 0 the snapshot, k 1 the log in id order, k 2 the cursor. */
export function readCursorRows(rows: HistoryRow[]): { snapshot: Uint8Array | null; updates: Uint8Array[]; cursor: StoreCursor } {
	let snapshot: Uint8Array | null = null;
	const updates: Uint8Array[] = [];
	let cursor: string | null = null;
	for (const r of rows) {
		if (r.k === 0) snapshot = bytesOf(r.data);
		else if (r.k === 1) updates.push(bytesOf(r.data));
		else cursor = r.data.toString('utf8');
	}
	if (cursor === null) throw new Error('PostgreSQL returned no snapshot');
	return { snapshot, updates, cursor: cursor as StoreCursor };
}

/** A plain Uint8Array view of a Buffer the driver returned. */
export function bytesOf(buf: Buffer): Uint8Array {
	return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
