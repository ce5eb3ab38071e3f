// The PostgreSQL DocStore against a real PostgreSQL: the DocStore contract (a fresh database per store), plus what
// only a shared store promises — two instances appending to one document at once, compaction on one while the
// other appends, readSince after a cursor ([RS…]), an outage (SIGKILL) and restart losing nothing — and a printed
// throughput figure.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FanoutUnavailableError } from '../sync-server/fanout/fanout';
import { createRouter } from '../sync-server/http/router';
import { StoreUnavailableError, type DocStore, type StoreCursor, type StoredSince } from '../sync-server/store/doc-store';
import { createPgStore, type PgDocStore } from '../sync-server/store/pg-store';
import { LOCK_CLASS } from '../sync-server/store/pg-schema';
import { createPool, inTransaction } from '../sync-server/store/pg-pool';
import { readStoredDoc, runDocStoreContract } from '../sync-server/store/store-contract';
import { createDatabase, startPostgres, type PostgresServer } from './helpers/postgres';

let server: PostgresServer;
let databases = 0;
const freshDatabase = () => createDatabase(server.url, `store_${++databases}`);

beforeAll(async () => {
	server = await startPostgres();
});
afterAll(async () => {
	await server?.stop();
});

runDocStoreContract('postgres', async () => {
	const url = await freshDatabase();
	let current: DocStore = await createPgStore({ url });
	return {
		store: current,
		reopen: async () => (current = await createPgStore({ url })),
		readCommits: (store) => (store as PgDocStore).readStats().commits,
		cleanup: () => current.close()
	};
});

/** A Y.Doc whose every update is appended to `store` under `name`. */
function createWriter(store: DocStore, name: string, clientId: number): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = clientId;
	doc.on('update', (u: Uint8Array) => store.append(name, u));
	return doc;
}

/** Makes `count` edits tagged `tag` (map entries, array items, text). */
function edit(doc: Y.Doc, tag: string, from: number, count: number): void {
	for (let i = from; i < from + count; i++) {
		doc.getMap('params').set(`${tag}${i}`, i);
		doc.getArray<string>('items').push([`${tag}${i}`]);
		if (i % 5 === 0) doc.getText('notes').insert(0, `${tag}${i} `);
	}
}

/** The union of several docs' histories, as one doc. */
function mergeDocs(...docs: Y.Doc[]): Y.Doc {
	const out = new Y.Doc();
	for (const d of docs) Y.applyUpdate(out, Y.encodeStateAsUpdate(d));
	return out;
}

function readJson(doc: Y.Doc): unknown {
	doc.getMap('params');
	doc.getArray('items');
	doc.getText('notes');
	return doc.toJSON();
}

describe('postgres store: loads while commits run', () => {
	it('a load racing group commits returns every earlier update exactly once, in order', async () => {
		const store = await createPgStore({ url: await freshDatabase() });
		try {
			const encode = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
			let appended = 0;
			const checks: Promise<void>[] = [];
			for (let tick = 0; tick < 60; tick++) {
				for (let i = 0; i < 7; i++) store.append('doc', encode(appended++));
				const atCall = appended;
				checks.push(
					store.load('doc').then((loaded) => {
						const seen = loaded.updates.map((u) => (u[0] << 8) | u[1]);
						expect(seen.length).toBeGreaterThanOrEqual(atCall);
						expect(seen).toEqual(Array.from({ length: seen.length }, (_, n) => n)); // a prefix: no gap, no repeat
					})
				);
				if (tick % 3 === 0) await store.flush();
				else await new Promise<void>((resolve) => setImmediate(resolve)); // next tick: the commit starts
			}
			await Promise.all(checks);
			await store.flush();
			expect((await store.load('doc')).updates).toHaveLength(appended);
		} finally {
			await store.close();
		}
	});
});

describe('postgres store: several instances on one database', () => {
	it('two instances appending to one document at once, over many ticks: either loads the union', async () => {
		const url = await freshDatabase();
		const [a, b] = await Promise.all([createPgStore({ url }), createPgStore({ url })]);
		try {
			const docA = createWriter(a, 'exp/1', 1);
			const docB = createWriter(b, 'exp/1', 2);
			for (let tick = 0; tick < 40; tick++) {
				edit(docA, 'a', tick * 5, 5);
				edit(docB, 'b', tick * 5, 5);
				// Both commits race; every other tick each instance also sees the other's edits (as the fanout would).
				if (tick % 2 === 1) {
					Y.applyUpdate(docA, Y.encodeStateAsUpdate(docB), 'fanout');
					Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA), 'fanout');
				}
				await Promise.all([a.flush(), b.flush()]);
			}
			const union = mergeDocs(docA, docB);
			expect((readJson(union) as { params: object }).params).toHaveProperty('a199');
			expect((readJson(union) as { params: object }).params).toHaveProperty('b199');
			for (const store of [a, b]) {
				const loaded = readStoredDoc(await store.load('exp/1'));
				expect(readJson(loaded)).toEqual(readJson(union));
				expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(union));
			}
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it("compaction on instance A while B (and A itself) appends loses nothing of B's or of A's later edits", async () => {
		const url = await freshDatabase();
		const [a, b] = await Promise.all([createPgStore({ url }), createPgStore({ url })]);
		try {
			const docA = createWriter(a, 'run/r', 1);
			const docB = createWriter(b, 'run/r', 2);
			for (let round = 0; round < 20; round++) {
				edit(docA, 'a', round * 10, 10);
				edit(docB, 'b', round * 10, 5);
				// A compacts its own doc (which never saw B's edits) while B's next edits are being committed.
				const compaction = a.compact('run/r', Y.encodeStateAsUpdate(docA));
				// A's own edits made after the snapshot was taken commit with the compaction's flush: they are kept too.
				edit(docA, 'late', round * 10, 3);
				edit(docB, 'b', round * 10 + 5, 5);
				await Promise.all([compaction, b.flush(), a.flush()]);
				// Now and then B compacts too (its doc lacks A's edits, which A's snapshot holds).
				if (round % 5 === 4) await b.compact('run/r', Y.encodeStateAsUpdate(docB));
			}
			const union = mergeDocs(docA, docB);
			for (const store of [a, b]) {
				const stored = await store.load('run/r');
				expect(stored.snapshot).not.toBeNull();
				const loaded = readStoredDoc(stored);
				expect(readJson(loaded)).toEqual(readJson(union));
				expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(union));
			}
			// A's document never held B's edits: A's compaction leaves B's rows in the log (B's own do not stay: B's
			// compactions held them), and the history is still the union.
			await a.compact('run/r', Y.encodeStateAsUpdate(docA));
			const final = await b.load('run/r');
			expect(readJson(readStoredDoc(final))).toEqual(readJson(union));
			// Once A's document holds B's edits (as the fanout brings them), A's compaction folds the whole log.
			Y.applyUpdate(docA, Y.encodeStateAsUpdate(docB));
			await a.flush();
			await a.compact('run/r', Y.encodeStateAsUpdate(docA));
			const folded = await b.load('run/r');
			expect(folded.updates).toEqual([]);
			expect(readJson(readStoredDoc(folded))).toEqual(readJson(union));
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('keeps update and snapshot bytes uncompressed, and sets that on a database made before', async () => {
		const url = await freshDatabase();
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		const storage = async () =>
			(
				await raw.query<{ rel: string; s: string }>(
					`select attrelid::regclass::text as rel, attstorage as s from pg_attribute
					where attrelid in ('tandem_updates'::regclass, 'tandem_snapshots'::regclass) and attname = 'data' order by 1`
				)
			).rows;
		try {
			await (await createPgStore({ url })).close();
			expect(await storage()).toEqual([
				{ rel: 'tandem_snapshots', s: 'e' },
				{ rel: 'tandem_updates', s: 'e' }
			]);
			// As an older server left them (PostgreSQL's default, compressed): the next open changes them.
			await raw.query('alter table tandem_updates alter column data set storage extended; alter table tandem_snapshots alter column data set storage extended');
			expect((await storage()).map((r) => r.s)).toEqual(['x', 'x']);
			await (await createPgStore({ url })).close();
			expect((await storage()).map((r) => r.s)).toEqual(['e', 'e']);
		} finally {
			await raw.end();
		}
	});

	it("a snapshot's stored summary stops counting once an older server rewrites the snapshot: it is merged again", async () => {
		const url = await freshDatabase();
		const [a, b] = await Promise.all([createPgStore({ url }), createPgStore({ url })]);
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		try {
			const docA = createWriter(a, 'run/s', 1);
			edit(docA, 'a', 0, 5);
			await a.flush();
			const docB = readStoredDoc(await b.load('run/s'));
			docB.on('update', (u: Uint8Array) => b.append('run/s', u));
			edit(docB, 'b', 0, 5);
			await b.compact('run/s', Y.encodeStateAsUpdate(docB)); // B's snapshot, with its summary (A's rows checked)
			Y.applyUpdate(docA, Y.encodeStateAsUpdate(docB)); // A now holds what the summary describes
			const summary = await raw.query('select summary is not null and summary_xid = xid as valid from tandem_snapshots');
			expect(summary.rows).toEqual([{ valid: true }]);
			// An older server (it knows no summary) rewrites the snapshot with more in it, and those edits are nowhere else.
			const docOld = mergeDocs(docB);
			docOld.clientID = 9;
			edit(docOld, 'old', 0, 5);
			await b.flush();
			await raw.query('update tandem_snapshots set data = $1, origin = null', [Buffer.from(Y.encodeStateAsUpdate(docOld))]);
			// A's document holds what the stale summary describes, not the rewrite: the rewrite is merged, nothing lost.
			const union = mergeDocs(docA, docOld);
			await a.compact('run/s', Y.encodeStateAsUpdate(docA));
			expect(readJson(readStoredDoc(await b.load('run/s')))).toEqual(readJson(union));
		} finally {
			await raw.end();
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('a compaction while another instance compacts the same document is skipped, and the next one folds the log', async () => {
		const url = await freshDatabase();
		const store = await createPgStore({ url });
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		try {
			const doc = createWriter(store, 'run/c', 3);
			edit(doc, 'x', 0, 20);
			await store.flush();
			const logged = (await store.load('run/c')).updates.length;
			expect(logged).toBeGreaterThan(1);
			let release = () => {};
			const released = new Promise<void>((resolve) => (release = resolve));
			let locked = () => {};
			const lockedP = new Promise<void>((resolve) => (locked = resolve));
			// Another instance's compaction of run/c, holding the document's lock.
			const other = inTransaction(raw, async (tx) => {
				await tx.query(`select pg_advisory_xact_lock($1, hashtext('run/c'))`, [LOCK_CLASS]);
				locked();
				await released;
			});
			await lockedP;
			// Given a function, a skipped compaction never encodes the snapshot.
			let encoded = 0;
			const encode = () => (encoded++, Y.encodeStateAsUpdate(doc));
			await store.compact('run/c', encode);
			expect(encoded).toBe(0);
			await store.compact('run/c', Y.encodeStateAsUpdate(doc));
			const during = await store.load('run/c');
			expect(during.snapshot).toBeNull();
			expect(during.updates).toHaveLength(logged);
			release();
			await other;
			edit(doc, 'y', 0, 3); // appended before the snapshot is encoded: the snapshot holds them
			await store.compact('run/c', encode);
			expect(encoded).toBe(1);
			await store.flush();
			const after = await store.load('run/c');
			expect(after.snapshot).not.toBeNull();
			expect(readJson(readStoredDoc(after))).toEqual(readJson(doc));
		} finally {
			await raw.end();
			await store.close();
		}
	});
});

/** Applies what readSince returned to `doc` (snapshot first); returns the new cursor. */
function applySince(doc: Y.Doc, since: StoredSince): StoreCursor {
	if (since.snapshot) Y.applyUpdate(doc, since.snapshot, 'since');
	for (const u of since.updates) Y.applyUpdate(doc, u, 'since');
	return since.cursor;
}

describe('postgres store: readSince (what other instances committed after a cursor)', () => {
	it('[RS1] returns the rows other instances committed after the cursor, not its own, and nothing twice', async () => {
		const url = await freshDatabase();
		const [a, b] = await Promise.all([createPgStore({ url }), createPgStore({ url })]);
		try {
			const docB = createWriter(b, 'exp/1', 2);
			edit(docB, 'early', 0, 10);
			await b.flush();
			const loaded = await a.load('exp/1');
			expect(typeof loaded.cursor).toBe('string');
			const docA = readStoredDoc(loaded);
			docA.on('update', (u: Uint8Array, origin: unknown) => origin !== 'since' && a.append('exp/1', u));
			let fromB = 0;
			docB.on('update', () => fromB++);
			edit(docA, 'a', 0, 5);
			edit(docB, 'b', 0, 7);
			await Promise.all([a.flush(), b.flush()]);
			const since = await a.readSince!('exp/1', loaded.cursor!);
			expect(since.snapshot).toBeNull();
			// Every update B appended since, none of A's own.
			expect(since.updates.length).toBe(fromB);
			const cursor = applySince(docA, since);
			expect(readJson(docA)).toEqual(readJson(mergeDocs(docA, docB)));
			expect(Y.encodeStateVector(docA)).toEqual(Y.encodeStateVector(mergeDocs(docA, docB)));
			// Nothing new since: nothing returned.
			expect((await a.readSince!('exp/1', cursor)).updates).toEqual([]);
			// From null: everything committed (own rows too), as a load would.
			const all = await b.readSince!('exp/1', null);
			expect(readJson(readStoredDoc({ ...all, bytes: 0 }))).toEqual(readJson(docA));
			await expect(a.readSince!('exp/1', 'drop table' as StoreCursor)).rejects.toThrow(/not a PostgreSQL store cursor/);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it("[RS2] another instance's compaction after the cursor returns the snapshot (its rows are gone); the store's own does not", async () => {
		const url = await freshDatabase();
		const [a, b] = await Promise.all([createPgStore({ url }), createPgStore({ url })]);
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		try {
			const docA = createWriter(a, 'run/r', 1);
			edit(docA, 'a', 0, 5);
			await a.flush();
			const loaded = await a.load('run/r');
			const docB = readStoredDoc(await b.load('run/r'));
			docB.on('update', (u: Uint8Array) => b.append('run/r', u));
			edit(docB, 'b', 0, 20);
			await b.compact('run/r', Y.encodeStateAsUpdate(docB)); // deletes B's rows A never read
			expect((await b.load('run/r')).updates).toEqual([]);
			const since = await a.readSince!('run/r', loaded.cursor!);
			expect(since.snapshot).not.toBeNull();
			expect(since.updates).toEqual([]);
			const cursor = applySince(docA, since);
			expect(readJson(docA)).toEqual(readJson(docB));
			// A's document holds B's snapshot (the summary B stored with it says so): A's compaction reads and merges
			// nothing, so it is A's own and sends A nothing back; B gets it.
			const before = await b.load('run/r');
			await a.compact('run/r', Y.encodeStateAsUpdate(docA));
			expect(await a.readSince!('run/r', cursor)).toMatchObject({ snapshot: null, updates: [] });
			expect((await b.readSince!('run/r', before.cursor!)).snapshot).not.toBeNull();
			// B's new rows, which A's document lacks, stay in the log through A's next compaction: A reads them since.
			const beforeA = await a.load('run/r');
			edit(docB, 'c', 0, 5);
			await b.flush();
			await a.compact('run/r', Y.encodeStateAsUpdate(docA));
			const kept = await a.readSince!('run/r', beforeA.cursor!);
			expect(kept.snapshot).toBeNull();
			expect(kept.updates.length).toBeGreaterThan(0);
			expect(readJson(readStoredDoc(await a.load('run/r')))).toEqual(readJson(docB));
			// B's snapshot, where A's document lacks what it holds (no summary to say otherwise): merged in, so A gets
			// the merged snapshot back too.
			await b.compact('run/r', Y.encodeStateAsUpdate(docB));
			await raw.query('update tandem_snapshots set summary = null');
			const beforeMerge = await a.load('run/r');
			await a.compact('run/r', Y.encodeStateAsUpdate(docA));
			expect((await a.readSince!('run/r', beforeMerge.cursor!)).snapshot).not.toBeNull();
			expect(readJson(readStoredDoc(await a.load('run/r')))).toEqual(readJson(docB));
			// A pure compaction (only A's own rows, over A's own snapshot) sends A nothing, B the snapshot.
			const docOwn = createWriter(a, 'own', 1);
			edit(docOwn, 'a', 0, 5);
			await a.flush();
			const [ownA, ownB] = await Promise.all([a.load('own'), b.load('own')]);
			await a.compact('own', Y.encodeStateAsUpdate(docOwn));
			expect(await a.readSince!('own', ownA.cursor!)).toMatchObject({ snapshot: null, updates: [] });
			expect((await b.readSince!('own', ownB.cursor!)).snapshot).not.toBeNull();
		} finally {
			await raw.end();
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('[RS3] a transaction that commits after a later-numbered one is still returned (cursor by snapshot, not by row id)', async () => {
		const url = await freshDatabase();
		const [a, b] = await Promise.all([createPgStore({ url }), createPgStore({ url })]);
		const raw = createPool(url, { max: 2, applicationName: 'test' });
		try {
			const loaded = await a.load('doc');
			const slow = new Y.Doc();
			slow.clientID = 7;
			slow.getMap('m').set('slow', 1);
			let commit = () => {};
			const held = new Promise<void>((resolve) => (commit = resolve));
			let inserted = () => {};
			const insertedP = new Promise<void>((resolve) => (inserted = resolve));
			// A commit in flight from a third writer: its row id is taken now, its COMMIT comes later.
			const slowTx = inTransaction(raw, async (tx) => {
				await tx.query(`insert into tandem_updates (name, data, origin, seq) values ('doc', $1, gen_random_uuid(), 1)`, [Y.encodeStateAsUpdate(slow)]);
				inserted();
				await held;
			});
			await insertedP;
			const docB = createWriter(b, 'doc', 2);
			docB.getMap('m').set('fast', 1);
			await b.flush(); // a larger id, committed first
			const first = await a.readSince!('doc', loaded.cursor!);
			const docA = readStoredDoc(loaded);
			let cursor = applySince(docA, first);
			expect(docA.getMap('m').toJSON()).toEqual({ fast: 1 });
			commit();
			await slowTx;
			cursor = applySince(docA, await a.readSince!('doc', cursor));
			expect(docA.getMap('m').toJSON()).toEqual({ fast: 1, slow: 1 });
			expect((await a.readSince!('doc', cursor)).updates).toEqual([]);
		} finally {
			await raw.end();
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('[RS4] while another instance appends over many ticks, load + repeated readSince ends with exactly its doc', async () => {
		const url = await freshDatabase();
		const [a, b] = await Promise.all([createPgStore({ url }), createPgStore({ url })]);
		try {
			const docB = createWriter(b, 'exp/2', 2);
			const loaded = await a.load('exp/2');
			const docA = readStoredDoc(loaded);
			let cursor = loaded.cursor!;
			let reads = 0;
			let writing = true;
			const reader = (async () => {
				while (writing) {
					cursor = applySince(docA, await a.readSince!('exp/2', cursor));
					reads++;
				}
			})();
			for (let tick = 0; tick < 60; tick++) {
				edit(docB, 'b', tick * 5, 5);
				if (tick % 20 === 19) await b.compact('exp/2', Y.encodeStateAsUpdate(docB));
				await b.flush();
			}
			writing = false;
			await reader;
			cursor = applySince(docA, await a.readSince!('exp/2', cursor));
			expect(reads).toBeGreaterThan(1);
			expect(readJson(docA)).toEqual(readJson(docB));
			expect(Y.encodeStateVector(docA)).toEqual(Y.encodeStateVector(docB));
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('[RS5] a database made by the first schema (no xid columns) is upgraded in place and its rows are read', async () => {
		const url = await freshDatabase();
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		try {
			const old = new Y.Doc();
			old.getMap('m').set('old', 1);
			await raw.query(`
				CREATE TABLE tandem_meta (key text PRIMARY KEY, value text NOT NULL);
				CREATE TABLE tandem_updates (id bigserial PRIMARY KEY, name text NOT NULL, data bytea NOT NULL, origin uuid NOT NULL, seq bigint NOT NULL);
				CREATE INDEX tandem_updates_by_name ON tandem_updates (name, id);
				CREATE TABLE tandem_snapshots (name text PRIMARY KEY, data bytea NOT NULL, origin uuid);
				INSERT INTO tandem_meta VALUES ('schema_version', '1');`);
			await raw.query(`insert into tandem_updates (name, data, origin, seq) values ('doc', $1, gen_random_uuid(), 1)`, [Y.encodeStateAsUpdate(old)]);
			const store = await createPgStore({ url });
			try {
				const loaded = await store.load('doc');
				expect(readStoredDoc(loaded).getMap('m').toJSON()).toEqual({ old: 1 });
				// A server of the first schema still writes (its INSERT names no xid): the defaults fill it in.
				const next = new Y.Doc();
				next.clientID = 9;
				next.getMap('m').set('older-server', 1);
				await raw.query(`insert into tandem_updates (name, data, origin, seq) values ('doc', $1, gen_random_uuid(), 2)`, [Y.encodeStateAsUpdate(next)]);
				await raw.query(
					`insert into tandem_snapshots (name, data, origin) values ('doc', $1, null)
					on conflict (name) do update set data = excluded.data, origin = excluded.origin`,
					[Y.encodeStateAsUpdate(old)]
				);
				const since = await store.readSince!('doc', loaded.cursor!);
				expect(since.updates.length).toBe(1);
				expect(since.snapshot).not.toBeNull();
				const [{ value }] = (await raw.query<{ value: string }>(`select value from tandem_meta where key = 'schema_version'`)).rows;
				expect(value).toBe('1');
			} finally {
				await store.close();
			}
		} finally {
			await raw.end();
		}
	});
});

describe('postgres store: outage', () => {
	it('PostgreSQL killed: flush rejects with StoreUnavailableError, appends made meanwhile commit after restart, nothing acknowledged is lost', async () => {
		const own = await startPostgres(); // its own server: the kill must not disturb the other tests' one
		const logs: string[] = [];
		const store = await createPgStore({ url: own.url, log: (m) => logs.push(m) });
		try {
			const doc = createWriter(store, 'exp/7', 1);
			edit(doc, 'before', 0, 50);
			await store.flush(); // acknowledged
			const acknowledged = Y.encodeStateAsUpdate(doc);
			const committedBefore = store.readStats().updates;
			let appendedDuring = 0;
			doc.on('update', () => appendedDuring++);

			await own.kill();
			edit(doc, 'during', 0, 30);
			const failed = store.flush();
			await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
			await expect(failed).rejects.toThrow(/PostgreSQL unavailable.*retry/);
			edit(doc, 'during', 30, 20);
			await expect(store.flush()).rejects.toBeInstanceOf(StoreUnavailableError);
			await expect(store.compact('exp/7', Y.encodeStateAsUpdate(doc))).rejects.toBeInstanceOf(StoreUnavailableError);
			expect(appendedDuring).toBeGreaterThan(50);

			// At the HTTP edge: a write that awaits the store is answered 503 TEMPORARILY_UNAVAILABLE with Retry-After.
			const router = createRouter()
				.add('POST', /^\/write$/, async () => {
					store.append('exp/8', new Uint8Array([0, 0]));
					await store.flush();
					return {};
				})
				.add('POST', /^\/publish$/, () => {
					throw new FanoutUnavailableError('Redis unavailable (publishing an update)');
				});
			const http = createServer((req, res) => void router.handle(req, res));
			await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
			try {
				const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
				for (const [path, what] of [['/write', /PostgreSQL unavailable.*retry/], ['/publish', /Redis unavailable.*retry/]] as const) {
					const res = await fetch(base + path, { method: 'POST', body: '{}' });
					expect(res.status).toBe(503);
					expect(res.headers.get('retry-after')).toBe('1');
					const body = (await res.json()) as { error_code: string; message: string };
					expect(body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
					expect(body.message).toMatch(what);
				}
			} finally {
				await new Promise((resolve) => http.close(resolve));
			}
			appendedDuring++; // the write above: queued, committed after the restart
			expect(store.readStats().updates).toBe(committedBefore);
			expect(logs.some((m) => m.includes('PostgreSQL unavailable'))).toBe(true);

			await own.restart();
			await store.flush();
			expect(store.readStats().updates).toBe(committedBefore + appendedDuring);
			expect(logs.some((m) => m.includes('reachable again'))).toBe(true);

			// A second instance (a fresh pool) sees everything: what was acknowledged before the kill, and the outage's appends.
			const other = await createPgStore({ url: own.url });
			try {
				const loaded = readStoredDoc(await other.load('exp/7'));
				expect(readJson(loaded)).toEqual(readJson(doc));
				const before = new Y.Doc();
				Y.applyUpdate(before, acknowledged);
				expect((readJson(loaded) as { params: object }).params).toMatchObject((readJson(before) as { params: object }).params);
			} finally {
				await other.close();
			}
		} finally {
			await store.close().catch(() => {});
			await own.stop();
		}
	});
});

describe('postgres store: throughput', () => {
	it('prints updates/s for 10,000 appends of ~200 B in ticks of 100', async () => {
		const store = await createPgStore({ url: await freshDatabase() });
		try {
			const update = new Uint8Array(200).map((_, i) => i & 0xff);
			const started = performance.now();
			for (let tick = 0; tick < 100; tick++) {
				for (let i = 0; i < 100; i++) store.append(`doc${i % 10}`, update);
				await store.flush();
			}
			const seconds = (performance.now() - started) / 1000;
			console.log(`pg-store throughput: ${Math.round(10_000 / seconds)} updates/s (${store.readStats().commits} commits, ${(seconds * 1000).toFixed(0)} ms)`);
			expect(store.readStats()).toEqual({ commits: 100, updates: 10_000 });
		} finally {
			await store.close();
		}
	});
});
