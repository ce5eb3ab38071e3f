// Webhooks survive kill -9: a delivery left pending (the receiver answered 503, then the server was SIGKILLed) is
// redelivered after a restart under the same delivery id, signed; and a change acknowledged just before the kill
// still fires its event after the restart (the outbox is fed from the registry itself, compared with what was seen):
// shown for certain by writing a change into the stored registry while the server is down. Secrets are sealed at
// rest under MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnServer, type ChildServer } from './helpers/child-server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { startTestServer } from './helpers/server';
import { createSqliteStore } from '../sync-server/store/sqlite-store';
import { readRegisteredModel } from '../src/lib/core/docs/registry';
import { updateModelVersion } from '../src/lib/core/docs/registry-edit';

// The first retry waits a minute: only a restart (which retries what was pending at once) delivers it in time.
const ENV = { MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http,https', MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true', TANDEM_WEBHOOK_BACKOFF_MS: '60000' };
const secret = 'crash-secret';

let dataDir: string;
let receiver: WebhookReceiver;
let server: ChildServer | null = null;
beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-webhook-crash-'));
	receiver = await startWebhookReceiver();
});
afterAll(async () => {
	server?.proc.kill('SIGKILL');
	await server?.exited;
	await receiver.close();
	await rm(dataDir, { recursive: true, force: true });
});

const ml = (method: string, route: string, body?: unknown) => callJson(server!.url, method, `/api/2.0/mlflow/${route}`, { body });
const kill9 = async () => {
	server!.proc.kill('SIGKILL');
	expect((await server!.exited).signal).toBe('SIGKILL');
	server = null;
};
const eventsOf = (name: string) => receiver.received.filter((r) => `${r.json.entity}.${r.json.action}` === name);

describe('webhook outbox across kill -9', () => {
	it('redelivers a pending delivery after a restart, with the same delivery id and a valid signature', async () => {
		server = await spawnServer(dataDir, [], 30_000, ENV);
		const events = [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }, { entity: 'MODEL_VERSION', action: 'CREATED' }];
		expect((await ml('POST', 'webhooks', { name: 'crash', url: receiver.url, events, secret })).status).toBe(200);
		receiver.answer(503);
		expect((await ml('POST', 'registered-models/create', { name: 'survivor' })).status).toBe(200);
		const first = await waitFor(() => eventsOf('registered_model.created')[0], { what: 'first attempt', events: [[receiver.events, 'request']] });
		expect(first.status).toBe(503);
		await kill9();

		server = await spawnServer(dataDir, [], 30_000, ENV);
		const again = await waitFor(() => eventsOf('registered_model.created')[1], { what: 'redelivery', events: [[receiver.events, 'request']], timeoutMs: 20_000 });
		expect(again.status).toBe(200);
		expect(again.deliveryId).toBe(first.deliveryId);
		expect(again.body).toBe(first.body);
		expect(receiver.verify(again, secret)).toBe(true);
		expect(again.json.data).toEqual({ name: 'survivor', tags: {}, description: null });
	});

	it('fires the event of a change acknowledged right before the kill, after the restart', async () => {
		expect((await ml('POST', 'model-versions/create', { name: 'survivor', source: 's3://b/1' })).status).toBe(200);
		await kill9(); // at once: the event may or may not have been queued, or sent, before the kill
		server = await spawnServer(dataDir, [], 30_000, ENV);
		const got = await waitFor(() => eventsOf('model_version.created').find((r) => r.status === 200), { what: 'version event', events: [[receiver.events, 'request']], timeoutMs: 20_000 });
		expect(got.json.data).toMatchObject({ name: 'survivor', version: '1', source: 's3://b/1' });
		expect(receiver.verify(got, secret)).toBe(true);
		// At least once, and every copy under one delivery id.
		expect(new Set(eventsOf('model_version.created').map((r) => r.deliveryId)).size).toBe(1);
	});
});

describe('webhook events of a change the server never saw queued', () => {
	it('a registry change stored while the server was down fires once it starts; secrets are sealed at rest with the key', async () => {
		const fernetKey = randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
		process.env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY = fernetKey;
		const opts = { staticDir: null, webhooks: { allowedSchemes: ['http'], allowPrivateIps: true } } as const;
		const local = await startTestServer(opts);
		try {
			const call = (method: string, route: string, body?: unknown) => callJson(local.url, method, `/api/2.0/mlflow/${route}`, { body });
			await call('POST', 'webhooks', { name: 'unseen', url: receiver.url, events: [{ entity: 'MODEL_VERSION_TAG', action: 'SET' }], secret });
			await call('POST', 'registered-models/create', { name: 'offline-edit' });
			await call('POST', 'model-versions/create', { name: 'offline-edit', source: 's3://b/1' });
			await local.stop();
			const db = new Database(path.join(local.dataDir, 'webhooks.db'), { readonly: true });
			const stored = (db.prepare('SELECT secret FROM webhooks').get() as { secret: string }).secret;
			db.close();
			expect(stored).toMatch(/^fernet:/);
			expect(stored).not.toContain(secret);

			// Behind the server's back: the tag lands in the stored registry, as a change whose events were never queued.
			const docs = createSqliteStore({ path: path.join(local.dataDir, 'tandem.db') });
			const loaded = await docs.load('registry');
			const doc = new Y.Doc();
			for (const u of [loaded.snapshot, ...loaded.updates]) if (u) Y.applyUpdate(doc, u);
			const version = readRegisteredModel(doc, 'offline-edit')!.versions[0];
			doc.on('update', (u: Uint8Array) => docs.append('registry', u));
			updateModelVersion(doc, version.id, { tags: { stage: 'ready' } });
			await docs.close();

			const before = receiver.received.length;
			await local.start();
			const got = await waitFor(() => receiver.received.slice(before).find((r) => r.json.data?.key === 'stage'), { what: 'the unseen tag event', events: [[receiver.events, 'request']] });
			expect(got.json).toMatchObject({ entity: 'model_version_tag', action: 'set', data: { name: 'offline-edit', version: '1', key: 'stage', value: 'ready' } });
			expect(receiver.verify(got, secret)).toBe(true);
		} finally {
			delete process.env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY;
			await local.close();
		}
	});
});
