// The PostgreSQL DocStore against a real PostgreSQL: the DocStore contract (a fresh database per store), plus what
// only a shared store promises — two instances appending to one document at once, compaction on one while the
// other appends, an outage (SIGKILL) and restart losing nothing — and a printed throughput figure.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FanoutUnavailableError } from '../sync-server/fanout/fanout';
import { createRouter } from '../sync-server/http/router';
import { StoreUnavailableError, type DocStore } from '../sync-server/store/doc-store';
import { createPgStore, type PgDocStore } from '../sync-server/store/pg-store';
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
			// A's last compaction ran after B's last edits were flushed: nothing of B's is left outside the snapshot.
			await a.compact('run/r', Y.encodeStateAsUpdate(docA));
			const final = await b.load('run/r');
			expect(final.updates).toEqual([]);
			expect(readJson(readStoredDoc(final))).toEqual(readJson(union));
		} finally {
			await Promise.all([a.close(), b.close()]);
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
