// Webhooks and their outbox on PostgreSQL (sync-server/webhooks/pg-webhook-store.ts) against a real server started
// here: the store-level behaviours of webhooks.db checked against both implementations, then what sharing brings:
// two instances recording the same registry change queue its events once, an instance whose view of the registry is
// behind records nothing, two outboxes on two instances deliver each event exactly once to a loopback receiver, and a
// delivery claimed by an instance that died is sent after its claim lapses, under the same delivery id. Each
// "instance" here is a store, an outbox and its own Y.Doc of the registry, the docs kept in sync as the fanout would.
// Through an outage of PostgreSQL its calls reject as StoreUnavailableError (503), and once it is back the store's
// listening connection has reconnected: the outbox is woken, and by the other instance's NOTIFY again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { openWebhookStore, type WebhookStore } from '../sync-server/webhooks/webhook-store';
import { openPgWebhookStore } from '../sync-server/webhooks/pg-webhook-store';
import { StoreUnavailableError } from '../sync-server/store/doc-store';
import { createSecretCipher } from '../sync-server/webhooks/webhook-secret';
import { startWebhookOutbox, type WebhookOutbox } from '../sync-server/webhooks/webhook-outbox';
import type { WebhookSettings } from '../sync-server/webhooks/webhook-delivery';
import { diffRegistry } from '../src/lib/core/webhooks/webhook-events';
import { readRegisteredModels } from '../src/lib/core/docs/registry';
import { createModelVersion, createRegisteredModel } from '../src/lib/core/docs/registry-edit';
import { docNames } from '../src/lib/core/schema';
import { createPool } from '../sync-server/store/pg-pool';
import { createDatabase, startPostgres, type PostgresServer } from './helpers/postgres';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver';
import { waitFor } from './helpers/wait';
import { startTestServer } from './helpers/server';
import { callJson } from './helpers/http';

let pg: PostgresServer;
let tmp: string;
let receiver: WebhookReceiver;
let n = 0;
const freshDb = () => createDatabase(pg.url, `hooks_${++n}`);
const fernetKey = randomBytes(32).toString('base64url').replace(/=+$/, '') + '=';
const cipher = createSecretCipher(fernetKey);

beforeAll(async () => {
	pg = await startPostgres();
	tmp = await mkdtemp(path.join(os.tmpdir(), 'tandem-pg-hooks-'));
	receiver = await startWebhookReceiver();
}, 60_000);
afterAll(async () => {
	await receiver?.close();
	await pg?.stop();
	if (tmp) await rm(tmp, { recursive: true, force: true });
});

const settings: WebhookSettings = {
	allowedSchemes: ['http'],
	allowPrivateIps: true,
	timeoutMs: 2000,
	maxRetries: 3,
	maxWorkers: 4,
	backoffMs: 50,
	backoffMaxMs: 1000,
	claimMs: 600
};
const hook = (url: string, events: string[]) => ({ name: `h${++n}`, description: null, url, events, status: 'ACTIVE' as const, secret: 'sh', creationTimestamp: n, lastUpdatedTimestamp: n });
const addModel = (doc: Y.Doc, name: string) => {
	const id = randomUUID();
	createRegisteredModel(doc, { id, name, now: Date.now() });
	return id;
};
const viewOf = (doc: Y.Doc) => {
	const models = readRegisteredModels(doc);
	return { diff: (seen: ReadonlyMap<string, string>) => diffRegistry(seen, models), snapshot: Y.encodeSnapshot(Y.snapshot(doc)) };
};
const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));

/** Each implementation: where a fresh store lives, and how to open the store there. */
const implementations: [string, () => Promise<string>, (at: string, c: typeof cipher) => Promise<WebhookStore>][] = [
	['SQLite', async () => path.join(tmp, `hooks-${++n}.db`), async (at, c) => openWebhookStore(at, c)],
	['PostgreSQL', freshDb, (at, c) => openPgWebhookStore(at, c)]
];

describe.each(implementations)('webhook store on %s', (_name, fresh, openAt) => {
	const open = async () => openAt(await fresh(), cipher);
	it('keeps webhooks (secrets sealed), lists newest first, updates and deletes them', async () => {
		const s = await open();
		try {
			const a = await s.create(hook('http://127.0.0.1:1/a', ['registered_model.created']));
			const b = await s.create({ ...hook('http://127.0.0.1:1/b', ['model_version.created']), secret: null });
			expect(await s.get(a.id)).toEqual(a);
			expect((await s.list(10, 0)).map((w) => w.id)).toEqual([b.id, a.id]);
			expect((await s.list(1, 1)).map((w) => w.id)).toEqual([a.id]);
			await s.update({ ...a, status: 'DISABLED', secret: 'new', lastUpdatedTimestamp: 99 });
			expect(await s.get(a.id)).toMatchObject({ status: 'DISABLED', secret: 'new', lastUpdatedTimestamp: 99 });
			expect(await s.delete(a.id, 100)).toBe(true);
			expect(await s.delete(a.id, 101)).toBe(false);
			expect(await s.get(a.id)).toBeNull();
		} finally {
			await s.close();
		}
	});

	it('reports a secret sealed under another key instead of sending it', async () => {
		const at = await fresh();
		const s = await openAt(at, cipher);
		const h = await s.create(hook('http://127.0.0.1:1/c', ['registered_model.created']));
		await s.close();
		const keyless = await openAt(at, createSecretCipher(undefined));
		try {
			const got = await keyless.get(h.id);
			expect(got?.secret).toBeNull();
			expect(got?.secretError).toContain('MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY');
		} finally {
			await keyless.close();
		}
	});

	it('takes the registry as it is at first, then queues each change once for the active webhooks subscribed to it', async () => {
		const s = await open();
		try {
			const doc = new Y.Doc();
			addModel(doc, 'before');
			const wanted = await s.create(hook('http://127.0.0.1:1/w', ['registered_model.created']));
			await s.create(hook('http://127.0.0.1:1/x', ['model_version.created']));
			await s.create({ ...hook('http://127.0.0.1:1/off', ['registered_model.created']), status: 'DISABLED' });
			expect(await s.recordRegistry(viewOf(doc), 1000)).toBe(0); // seeding fires nothing
			addModel(doc, 'after');
			expect(await s.recordRegistry(viewOf(doc), 2000)).toBe(1);
			expect(await s.recordRegistry(viewOf(doc), 3000)).toBe(0); // seen now
			expect(await s.nextDue()).toBe(2000);
			expect(await s.claimDue(1999, 10, 1000, new Set())).toEqual([]);
			const [d, ...rest] = await s.claimDue(2000, 10, 1000, new Set());
			expect(rest).toEqual([]);
			expect(d).toMatchObject({ webhookId: wanted.id, event: 'registered_model.created', attempts: 0, nextAt: 2000 });
			expect(JSON.parse(d.body)).toMatchObject({ entity: 'registered_model', action: 'created', data: { name: 'after' } });
			expect(await s.claimDue(2000, 10, 1000, new Set([d.id]))).toEqual([]); // in flight here
			await s.retryAt(d.id, 5000, 'HTTP 503');
			expect(await s.deliveryState(d.id)).toEqual({ state: 'pending', attempts: 1, last_error: 'HTTP 503' });
			expect(await s.nextDue()).toBe(5000);
			const [again] = await s.claimDue(5000, 10, 1000, new Set());
			expect(again).toMatchObject({ id: d.id, body: d.body, attempts: 1 });
			await s.finish(d.id, 'delivered', null, 5001);
			expect(await s.deliveryState(d.id)).toEqual({ state: 'delivered', attempts: 2, last_error: null });
			expect(await s.nextDue()).toBeNull();
			expect(await s.deliveryState('nope')).toBeNull();
		} finally {
			await s.close();
		}
	});
});

describe('webhook outbox on PostgreSQL shared by several instances', () => {
	it('queues a registry change once when two instances record it at the same moment, and seals secrets at rest', async () => {
		const url = await freshDb();
		const [a, b] = await Promise.all([openPgWebhookStore(url, cipher), openPgWebhookStore(url, cipher)]);
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		try {
			await a.create(hook('http://127.0.0.1:1/once', ['registered_model.created', 'model_version.created']));
			const docA = new Y.Doc();
			const docB = new Y.Doc();
			await Promise.all([a.recordRegistry(viewOf(docA), 1), b.recordRegistry(viewOf(docB), 1)]);
			for (let i = 0; i < 5; i++) {
				const id = addModel(docA, `m${i}`);
				createModelVersion(docA, { id: randomUUID(), modelId: id, number: 1, source: 's3://b/1', now: Date.now() });
				sync(docA, docB);
				const queued = await Promise.all([a.recordRegistry(viewOf(docA), 10 + i), b.recordRegistry(viewOf(docB), 10 + i)]);
				expect(queued.sort()).toEqual([0, 2]);
			}
			const { rows } = await raw.query<{ event: string; n: string }>('SELECT event, count(*) AS n FROM tandem_webhook_outbox GROUP BY event ORDER BY event');
			expect(rows.map((r) => [r.event, Number(r.n)])).toEqual([
				['model_version.created', 5],
				['registered_model.created', 5]
			]);
			const [{ secret }] = (await raw.query<{ secret: string }>('SELECT secret FROM tandem_webhooks')).rows;
			expect(secret).toMatch(/^fernet:/);
		} finally {
			await raw.end();
			await a.close();
			await b.close();
		}
	});

	it('records nothing from an instance whose view of the registry is behind the one recorded (no change fired backwards)', async () => {
		const url = await freshDb();
		const [a, b] = await Promise.all([openPgWebhookStore(url, cipher), openPgWebhookStore(url, cipher)]);
		try {
			await a.create(hook('http://127.0.0.1:1/behind', ['registered_model.created']));
			const docA = new Y.Doc();
			const docB = new Y.Doc();
			await a.recordRegistry(viewOf(docA), 1);
			addModel(docA, 'new');
			expect(await a.recordRegistry(viewOf(docA), 2)).toBe(1);
			// B has not received the model yet: its view, diffed against what A recorded, would undo it.
			expect(await b.recordRegistry(viewOf(docB), 3)).toBe(0);
			sync(docA, docB);
			addModel(docB, 'later');
			sync(docB, docA);
			expect(await b.recordRegistry(viewOf(docB), 4)).toBe(1); // only 'later' is new
			expect(await a.recordRegistry(viewOf(docA), 5)).toBe(0);
			const created = (await a.claimDue(10, 10, 1000, new Set())).map((d) => JSON.parse(d.body).data.name);
			expect(created.sort()).toEqual(['later', 'new']);
		} finally {
			await a.close();
			await b.close();
		}
	});

	/** One instance: its store, its registry doc (shared with the others as the fanout would) and its outbox. */
	async function startInstance(url: string, doc: Y.Doc): Promise<{ store: WebhookStore; outbox: WebhookOutbox }> {
		const store = await openPgWebhookStore(url, cipher);
		const relay = {
			open: async () => ({ doc, release: () => {} }),
			on: (_event: 'room-loaded', fn: (name: string, doc: Y.Doc) => void) => {
				fn(docNames.registry, doc);
				return () => {};
			}
		};
		const outbox = startWebhookOutbox({ store, relay: relay as never, flush: async () => {}, settings, log: () => {} });
		return { store, outbox };
	}

	it('two outboxes on two instances deliver every event exactly once', async () => {
		const url = await freshDb();
		const seed = await openPgWebhookStore(url, cipher);
		await seed.create(hook(receiver.url, ['registered_model.created']));
		await seed.close();
		const docA = new Y.Doc();
		const docB = new Y.Doc();
		docA.on('update', (u: Uint8Array) => Y.applyUpdate(docB, u, 'fanout'));
		docB.on('update', (u: Uint8Array, origin: unknown) => origin !== 'fanout' && Y.applyUpdate(docA, u, 'fanout'));
		const a = await startInstance(url, docA);
		const b = await startInstance(url, docB);
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		try {
			await a.outbox.settled();
			await b.outbox.settled();
			const before = receiver.received.length;
			const names = Array.from({ length: 30 }, (_, i) => `exactly-once-${i}`);
			for (const [i, name] of names.entries()) addModel(i % 2 ? docA : docB, name);
			const pending = async () => Number((await raw.query<{ n: string }>(`SELECT count(*) AS n FROM tandem_webhook_outbox WHERE state <> 'delivered'`)).rows[0].n);
			await waitFor(async () => receiver.received.length - before >= names.length && (await pending()) === 0, { what: 'all delivered', timeoutMs: 15_000, events: [[receiver.events, 'request']] });
			const got = receiver.received.slice(before);
			expect(got.map((r) => r.json.data.name).sort()).toEqual([...names].sort());
			expect(new Set(got.map((r) => r.deliveryId)).size).toBe(names.length);
			expect(got.every((r) => receiver.verify(r, 'sh'))).toBe(true);
			const [{ n: rows }] = (await raw.query<{ n: string }>('SELECT count(*) AS n FROM tandem_webhook_outbox')).rows;
			expect(Number(rows)).toBe(names.length);
		} finally {
			await a.outbox.close();
			await b.outbox.close();
			await raw.end();
			await a.store.close();
			await b.store.close();
		}
	});

	it('a delivery claimed by an instance that died is sent after its claim lapses, under the same delivery id', async () => {
		const url = await freshDb();
		const dying = await openPgWebhookStore(url, cipher);
		await dying.create(hook(receiver.url, ['registered_model.created']));
		const doc = new Y.Doc();
		await dying.recordRegistry(viewOf(doc), Date.now());
		addModel(doc, 'orphaned');
		expect(await dying.recordRegistry(viewOf(doc), Date.now())).toBe(1);
		const [claimed] = await dying.claimDue(Date.now(), 10, 800, new Set());
		const claimedAt = Date.now();
		await dying.close(); // gone without finishing or releasing its claim
		const before = receiver.received.length;
		const survivor = await startInstance(url, doc);
		try {
			const got = await waitFor(() => receiver.received.slice(before).find((r) => r.json.data.name === 'orphaned'), { what: 'redelivery', timeoutMs: 10_000, events: [[receiver.events, 'request']] });
			expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(800 - 50);
			expect(got.deliveryId).toBe(claimed.id);
			expect(got.body).toBe(claimed.body);
			await waitFor(async () => (await survivor.store.deliveryState(claimed.id))?.state === 'delivered', { what: 'marked delivered' });
			expect(receiver.received.slice(before).filter((r) => r.deliveryId === claimed.id)).toHaveLength(1);
		} finally {
			await survivor.outbox.close();
			await survivor.store.close();
		}
	});
});

describe('servers given the shared webhook store', () => {
	it("a webhook made through A's API is listed by B, and A's registry change is delivered through the shared outbox", async () => {
		const url = await freshDb();
		const storeA = await openPgWebhookStore(url, cipher);
		const storeB = await openPgWebhookStore(url, cipher);
		const opts = { staticDir: null, webhooks: { allowedSchemes: ['http'], allowPrivateIps: true } } as const;
		const a = await startTestServer({ ...opts, webhookStore: storeA });
		const b = await startTestServer({ ...opts, webhookStore: storeB });
		try {
			const ml = (base: string, method: string, route: string, body?: unknown) => callJson(base, method, `/api/2.0/mlflow/${route}`, { body });
			const made = await ml(a.url, 'POST', 'webhooks', { name: 'shared', url: receiver.url, events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }], secret: 'sh' });
			expect(made.status).toBe(200);
			const listed = await ml(b.url, 'GET', 'webhooks');
			expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toEqual([made.body.webhook.id]);
			const before = receiver.received.length;
			expect((await ml(a.url, 'POST', 'registered-models/create', { name: 'through-pg' })).status).toBe(200);
			const got = await waitFor(() => receiver.received.slice(before).find((r) => r.json.data.name === 'through-pg'), { what: 'delivery', events: [[receiver.events, 'request']] });
			expect(receiver.verify(got, 'sh')).toBe(true);
			await waitFor(async () => (await storeB.deliveryState(got.deliveryId))?.state === 'delivered', { what: 'marked delivered' });
		} finally {
			await a.close();
			await b.close();
			await storeA.close();
			await storeB.close();
		}
	});
});

describe('webhook store on PostgreSQL through an outage', () => {
	it('rejects with StoreUnavailableError while PostgreSQL is down, and once it is back wakes its outbox and hears the other instance again', async () => {
		const own = await startPostgres(); // its own server: the kill must not disturb the other tests' one
		const [a, b] = await Promise.all([openPgWebhookStore(own.url, cipher), openPgWebhookStore(own.url, cipher)]);
		let wakes = 0;
		const off = b.onWake(() => wakes++);
		try {
			await own.kill();
			await expect(a.create(hook('http://127.0.0.1:1/down', ['registered_model.created']))).rejects.toBeInstanceOf(StoreUnavailableError);
			await expect(b.claimDue(Date.now(), 10, 1000, new Set())).rejects.toBeInstanceOf(StoreUnavailableError);
			await own.restart();
			// Reconnected: whatever was queued meanwhile is looked at.
			await waitFor(() => wakes > 0, { timeoutMs: 10_000, what: "B's outbox woken after its LISTEN reconnected" });
			const woken = wakes;
			const up = () => a.create(hook('http://127.0.0.1:1/up', ['registered_model.created'])).then(() => true, () => false);
			await waitFor(up, { timeoutMs: 10_000, pollMs: 100, what: 'a write on A after the restart' });
			const doc = new Y.Doc();
			await a.recordRegistry(viewOf(doc), 1);
			addModel(doc, 'after-outage');
			expect(await a.recordRegistry(viewOf(doc), 2)).toBe(1);
			await waitFor(() => wakes > woken, { timeoutMs: 2_000, what: "B woken by A's NOTIFY on its new connection" });
		} finally {
			off();
			await a.close();
			await b.close();
			await own.stop();
		}
	}, 60_000);
});
