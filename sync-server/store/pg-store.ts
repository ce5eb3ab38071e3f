// PostgreSQL DocStore, for several Tandem instances sharing one database: a `tandem_updates` log and
// `tandem_snapshots`, written by group commit like the SQLite store (every update appended in one tick goes into
// one multi-row INSERT; flush() resolves after its COMMIT). Compaction merges into the snapshot whatever it cannot
// prove the caller's snapshot holds, under a per-document advisory lock, so it never drops another instance's updates.
// readSince gives what other instances committed after a cursor (the tables and statements: pg-schema.ts).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { readSnapshot, StoreUnavailableError, type DocStore, type StoredDoc } from './doc-store';
import { compactInTransaction } from './pg-compact';
import { assertCursor, openSchema, readCursorRows, selectHistory, selectHistorySince, type HistoryRow } from './pg-schema';
import { createPool, inTransaction, toStoreError } from './pg-pool';
import { assertDocName } from './sqlite-store';

export interface PgStoreOptions {
	/** `postgres://user[:password]@host:port/db`. */
	url: string;
	log?: (msg: string) => void;
	/** Connections in the pool (default 4): one commit, loads and compactions share them. */
	max?: number;
}

/** Counters since open, for tests and benches. */
export interface PgStoreStats {
	/** Group commits that succeeded (each holding ≥ 1 appended update). */
	commits: number;
	/** Updates written by those commits. */
	updates: number;
}

export interface PgDocStore extends DocStore {
	readStats(): PgStoreStats;
}

/** Rows per INSERT statement: 3 parameters a row (+1), under PostgreSQL's 65 535 per statement. */
const ROWS_PER_INSERT = 20_000;

interface PendingUpdate {
	name: string;
	data: Uint8Array;
	/** This store's append counter: compaction knows which of its own rows the caller's snapshot holds. */
	seq: number;
}
interface FlushWaiter {
	resolve: () => void;
	reject: (err: unknown) => void;
}

/** Throws unless `name` is a valid document name PostgreSQL stores unchanged (no lone surrogates). */
function assertPgDocName(name: string): void {
	assertDocName(name);
	if (!name.isWellFormed()) throw new Error('document name contains a lone surrogate');
}

/** Writes `batch` in one transaction (one statement unless it is huge), in order; each update goes as binary. */
async function writeBatch(pool: pg.Pool, origin: string, batch: PendingUpdate[]): Promise<void> {
	const insert = (q: Pick<pg.Pool, 'query'>, rows: PendingUpdate[]) => {
		const values = rows.map((_, i) => `($${3 * i + 2}, $${3 * i + 3}, $1, $${3 * i + 4})`).join(',');
		const params: unknown[] = [origin];
		for (const u of rows) params.push(u.name, Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength), u.seq);
		return q.query(`INSERT INTO tandem_updates (name, data, origin, seq) VALUES ${values}`, params);
	};
	if (batch.length <= ROWS_PER_INSERT) {
		await insert(pool, batch); // a single statement commits atomically on its own
		return;
	}
	await inTransaction(pool, async (tx) => {
		for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) await insert(tx, batch.slice(i, i + ROWS_PER_INSERT));
	});
}

/**
 * Connects to `opts.url`, creating the tables if missing. Rejects with StoreUnavailableError if PostgreSQL cannot
 * be reached.
 *
 * A failed commit rejects the flushes waiting on it (StoreUnavailableError when PostgreSQL is unreachable) and
 * keeps its updates queued in order; the next append or flush retries them. A commit whose COMMIT reply was lost
 * may have landed: the retry then writes those updates twice, which Yjs applies as once — never is an update
 * reported durable that was not committed.
 */
export async function createPgStore(opts: PgStoreOptions): Promise<PgDocStore> {
	const max = opts.max ?? 4;
	if (!Number.isInteger(max) || max < 1 || max > 100) throw new Error(`PostgreSQL pool size must be an integer in 1..100 (got ${max})`);
	const log = opts.log ?? (() => {});
	// A COMMIT is acknowledged only once it is on disk, whatever the server's default says.
	const pool = createPool(opts.url, { max, applicationName: 'tandem', log, options: '-c synchronous_commit=on' });
	try {
		await openSchema(pool);
	} catch (err) {
		await pool.end().catch(() => {});
		throw toStoreError(err, 'opening the store');
	}
	const origin = randomUUID();
	const stats: PgStoreStats = { commits: 0, updates: 0 };

	let pending: PendingUpdate[] = [];
	let pendingWaiters: FlushWaiter[] = [];
	let inFlight: Promise<void> | null = null;
	let inFlightBatch: PendingUpdate[] = [];
	let inFlightWaiters: FlushWaiter[] = [];
	/** Loads between capturing `pending` and reading the tables: no commit may start meanwhile (see load). */
	let loadsReading = 0;
	/** Set while a commit waits for loads to finish reading: new loads then wait for it, so commits never starve. */
	let commitDeferred: { started: Promise<void>; start: () => void } | null = null;
	let scheduled: NodeJS.Immediate | null = null;
	let appendSeq = 0;
	let unavailable = false;
	let closed = false;

	const assertOpen = () => {
		if (closed) throw new Error('store is closed');
	};
	const schedule = () => {
		if (!inFlight && pending.length > 0) scheduled ??= setImmediate(startCommit);
	};

	/** Starts writing everything queued, unless a commit or a load's read is under way (they call schedule after). */
	function startCommit(): void {
		scheduled = null;
		if (inFlight || pending.length === 0) return;
		if (loadsReading > 0) {
			if (!commitDeferred) {
				let start = () => {};
				const started = new Promise<void>((resolve) => (start = resolve));
				commitDeferred = { started, start };
			}
			return;
		}
		commitDeferred?.start();
		commitDeferred = null;
		const batch = pending;
		const waiters = (inFlightWaiters = pendingWaiters);
		pending = [];
		pendingWaiters = [];
		inFlightBatch = batch;
		inFlight = writeBatch(pool, origin, batch).then(
			() => {
				stats.commits++;
				stats.updates += batch.length;
				if (unavailable) log(`PostgreSQL reachable again: committed ${batch.length} queued updates`);
				unavailable = false;
				inFlight = null;
				inFlightBatch = [];
				for (const w of waiters) w.resolve();
				schedule();
			},
			(err: unknown) => {
				const error = toStoreError(err, 'committing updates');
				if (!unavailable) log(`${(error as Error).message ?? String(error)}: ${batch.length + pending.length} updates kept queued`);
				unavailable = error instanceof StoreUnavailableError;
				pending = batch.concat(pending); // keep append order for the retry
				inFlight = null;
				inFlightBatch = [];
				for (const w of waiters) w.reject(error);
				// Retry at once only for flushes that came in meanwhile; otherwise at the next append or flush.
				if (pendingWaiters.length > 0) schedule();
			}
		);
	}

	const flush = (): Promise<void> => {
		if (closed) return Promise.reject(new Error('store is closed'));
		return flushOpen();
	};
	const flushOpen = (): Promise<void> => {
		if (pending.length === 0 && !inFlight) return Promise.resolve();
		return new Promise<void>((resolve, reject) => {
			if (pending.length > 0) {
				pendingWaiters.push({ resolve, reject });
				schedule();
			} else inFlightWaiters.push({ resolve, reject });
		});
	};

	return {
		async load(name): Promise<StoredDoc> {
			assertOpen();
			assertPgDocName(name);
			// Appends not yet committed belong to the history too. So that each update is counted exactly once, the
			// read runs with no commit in flight and none starts until it returns: what is queued now is not in it.
			while (inFlight || commitDeferred) await (inFlight ?? commitDeferred?.started);
			loadsReading++;
			const queued = pending.filter((u) => u.name === name).map((u) => u.data);
			let rows: HistoryRow[];
			try {
				// One statement: the snapshot, the log and the cursor come from one consistent view.
				rows = (await pool.query<HistoryRow>(selectHistory(name))).rows;
			} catch (err) {
				throw toStoreError(err, `loading ${JSON.stringify(name)}`);
			} finally {
				loadsReading--;
				if (loadsReading === 0) schedule();
			}
			const { snapshot, updates, cursor } = readCursorRows(rows);
			updates.push(...queued);
			const bytes = (snapshot?.byteLength ?? 0) + updates.reduce((n, u) => n + u.byteLength, 0);
			return { snapshot, updates, bytes, cursor };
		},
		async readSince(name, cursor) {
			assertOpen();
			assertPgDocName(name);
			if (cursor !== null) assertCursor(cursor);
			let rows: HistoryRow[];
			try {
				rows = (await pool.query<HistoryRow>(cursor === null ? selectHistory(name) : selectHistorySince(name, cursor, origin))).rows;
			} catch (err) {
				throw toStoreError(err, `reading ${JSON.stringify(name)} since a cursor`);
			}
			return readCursorRows(rows);
		},
		append(name, update) {
			assertOpen();
			assertPgDocName(name);
			pending.push({ name, data: update.slice(), seq: ++appendSeq });
			schedule();
		},
		flush,
		async compact(name, snapshot) {
			assertOpen();
			assertPgDocName(name);
			// A snapshot given now holds this store's appends up to here (and its own last pure snapshot).
			const own = typeof snapshot === 'function' ? null : snapshot.slice();
			const cut = appendSeq;
			await flush();
			try {
				await inTransaction(pool, (tx) =>
					compactInTransaction(tx, {
						name,
						origin,
						encode: () => (own ? { own, cut } : { own: readSnapshot(snapshot), cut: appendSeq })
					})
				);
			} catch (err) {
				throw toStoreError(err, `compacting ${JSON.stringify(name)}`);
			}
		},
		async list() {
			assertOpen();
			// Queued or being committed now: the read below may not see them yet.
			const names = new Set<string>();
			for (const u of inFlightBatch) names.add(u.name);
			for (const u of pending) names.add(u.name);
			try {
				const rows = await pool.query<{ name: string }>('select name from tandem_snapshots union select distinct name from tandem_updates');
				for (const r of rows.rows) names.add(r.name);
			} catch (err) {
				throw toStoreError(err, 'listing documents');
			}
			return [...names];
		},
		async close() {
			if (closed) return;
			closed = true;
			try {
				await flushOpen();
			} finally {
				await pool.end();
			}
		},
		readStats: () => ({ ...stats })
	};
}
