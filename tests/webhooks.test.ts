// MLflow-compatible webhooks against the real server: CRUD and validation with MLflow's answers; MLflow's safety
// defaults (https only, no private targets) and the settings that lift them; every registry event delivered exactly
// once to a receiver on loopback, signed, whether the change came over the MLflow API or a client over the relay;
// retries with exponential backoff on 503 and 429 under one delivery id; MLflow's own Python client; and the
// resolved address checked again at delivery (a host name that resolves privately is never reached).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import { runPython } from './helpers/python';
import { startWebhookReceiver, type Received, type WebhookReceiver } from './helpers/webhook-receiver';
import { readRegisteredModel } from '../src/lib/core/docs/registry';
import { moveAlias } from '../src/lib/core/docs/registry-edit';
import { WEBHOOK_EVENTS } from '../src/lib/core/webhooks/webhook-request';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { startServer } from '../sync-server/server';

const ml = (s: TestServer, method: string, route: string, body?: unknown) => callJson(s.url, method, `/api/2.0/mlflow/${route}`, { body });
const ALL_EVENTS = WEBHOOK_EVENTS.map((e) => ({ entity: e.split('.')[0].toUpperCase(), action: e.split('.')[1].toUpperCase() }));

/** Pending outbox rows, read from the server's webhooks.db. */
function pendingDeliveries(dataDir: string): number {
	const db = new Database(path.join(dataDir, 'webhooks.db'), { readonly: true, fileMustExist: true });
	try {
		return (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'").get() as { n: number }).n;
	} finally {
		db.close();
	}
}

describe('webhooks with MLflow defaults', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer({ staticDir: null });
	});
	afterAll(() => server.close());

	it('refuses http and private targets by default, validates every field, and keeps the secret to itself', async () => {
		const create = (body: unknown) => ml(server, 'POST', 'webhooks', body);
		const ok = { name: 'ci', events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }] };
		expect(await create({ ...ok, url: 'http://8.8.8.8/hook' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid webhook URL scheme: 'http'. Allowed schemes are: https." } });
		for (const url of ['https://127.0.0.1/h', 'https://10.0.0.8/h', 'https://169.254.169.254/latest', 'https://[::1]/h', 'https://localhost/h']) {
			const answer = await create({ ...ok, url });
			expect(answer, url).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/non-public IP address/) } });
		}
		expect(await create({ ...ok, name: 'bad name!', url: 'https://8.8.8.8/' })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/Webhook name 'bad name!' is invalid/) } });
		expect(await create({ ...ok, url: 'https://8.8.8.8/', events: [{ entity: 'RUN', action: 'CREATED' }] })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/Invalid webhook event/) } });
		expect(await create({ ...ok, url: 'https://8.8.8.8/', status: 'PAUSED' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
		expect(await create('[]')).toMatchObject({ status: 400 });

		const made = await create({ ...ok, url: 'https://8.8.8.8/hook', secret: 'never-shown', description: 'ci' });
		expect(made.status).toBe(200);
		const hook = made.body.webhook;
		expect(hook).toMatchObject({ name: 'ci', url: 'https://8.8.8.8/hook', status: 'ACTIVE', description: 'ci', events: ok.events });
		expect(JSON.stringify(made.body)).not.toContain('never-shown');
		expect((await ml(server, 'GET', `webhooks/${hook.webhook_id}`)).body.webhook).toEqual(hook);
		expect((await ml(server, 'GET', 'webhooks')).body.webhooks).toEqual([hook]);
		expect(await ml(server, 'PATCH', `webhooks/${hook.webhook_id}`, { url: 'https://192.168.0.1/' })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/non-public/) } });
		const patched = await ml(server, 'PATCH', `webhooks/${hook.webhook_id}`, { status: 'DISABLED', name: 'ci2' });
		expect(patched.body.webhook).toMatchObject({ name: 'ci2', status: 'DISABLED', url: 'https://8.8.8.8/hook' });
		expect(JSON.stringify(patched.body)).not.toContain('never-shown');
		expect(await ml(server, 'GET', 'webhooks?max_results=0x')).toMatchObject({ status: 400 });
		expect(await ml(server, 'DELETE', `webhooks/${hook.webhook_id}`)).toMatchObject({ status: 200, body: {} });
		expect(await ml(server, 'GET', `webhooks/${hook.webhook_id}`)).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Webhook with ID ${hook.webhook_id} not found.` } });
		expect(await ml(server, 'DELETE', `webhooks/${hook.webhook_id}`)).toMatchObject({ status: 404 });
	});
});

describe('webhook delivery (http and private targets allowed, as MLFLOW_WEBHOOK_ALLOWED_SCHEMES=http,https and MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true)', () => {
	let server: TestServer;
	let receiver: WebhookReceiver;
	const secret = 'shh-its-a-secret';
	beforeAll(async () => {
		server = await startTestServer({ staticDir: null, webhooks: { allowedSchemes: ['http', 'https'], allowPrivateIps: true, backoffMs: 25, maxRetries: 3 } });
		receiver = await startWebhookReceiver();
	});
	afterAll(async () => {
		await server.close();
		await receiver.close();
	});

	const waitForEvents = (n: number, what: string) => waitFor(() => receiver.received.length >= n, { what, events: [[receiver.events, 'request']], timeoutMs: 15_000 });

	it('delivers each registry event once, signed, from the API and from a client over the relay', async () => {
		const hook = (await ml(server, 'POST', 'webhooks', { name: 'all', url: receiver.url, events: ALL_EVENTS, secret })).body.webhook;
		expect(hook.status).toBe('ACTIVE');
		const start = receiver.received.length;
		expect((await ml(server, 'POST', 'registered-models/create', { name: 'hooked', tags: [{ key: 'team', value: 'risk' }] })).status).toBe(200);
		expect((await ml(server, 'POST', 'model-versions/create', { name: 'hooked', source: 's3://b/1' })).status).toBe(200);
		expect((await ml(server, 'POST', 'model-versions/set-tag', { name: 'hooked', version: '1', key: 'k', value: 'v' })).status).toBe(200);
		expect((await ml(server, 'DELETE', 'model-versions/delete-tag', { name: 'hooked', version: '1', key: 'k' })).status).toBe(200);
		expect((await ml(server, 'POST', 'registered-models/alias', { name: 'hooked', alias: 'champion', version: '1' })).status).toBe(200);
		expect((await ml(server, 'DELETE', 'registered-models/alias', { name: 'hooked', alias: 'champion' })).status).toBe(200);
		await waitForEvents(start + 6, 'six API events');

		// A client over the relay sets an alias: the same event, fired by the server.
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', 'registry', doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
		try {
			await waitFor(() => provider.synced && readRegisteredModel(doc, 'hooked')?.versions.length === 1, { what: 'registry synced', events: [[provider, 'sync']] });
			const model = readRegisteredModel(doc, 'hooked')!;
			moveAlias(doc, { model, alias: 'from-app', version: model.versions[0], who: 'browser', now: Date.now() });
			await waitForEvents(start + 7, 'the relay event');
		} finally {
			provider.destroy();
		}
		await waitFor(() => pendingDeliveries(server.dataDir) === 0, { what: 'outbox drained' });

		// Deliveries run concurrently, so they may arrive in any order: compared as sorted lists.
		const got = receiver.received.slice(start);
		const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
		expect(sorted(got.map((r) => `${r.json.entity}.${r.json.action}`))).toEqual(sorted([
			'registered_model.created',
			'model_version.created',
			'model_version_tag.set',
			'model_version_tag.deleted',
			'model_version_alias.created',
			'model_version_alias.deleted',
			'model_version_alias.created'
		]));
		expect(sorted(got.map((r) => r.json.data))).toEqual(sorted([
			{ name: 'hooked', tags: { team: 'risk' }, description: null },
			{ name: 'hooked', version: '1', source: 's3://b/1', run_id: null, tags: {}, description: null },
			{ name: 'hooked', version: '1', key: 'k', value: 'v' },
			{ name: 'hooked', version: '1', key: 'k' },
			{ name: 'hooked', alias: 'champion', version: '1' },
			{ name: 'hooked', alias: 'champion' },
			{ name: 'hooked', alias: 'from-app', version: '1' }
		]));
		for (const r of got) {
			expect(receiver.verify(r, secret), `signature of ${r.deliveryId}`).toBe(true);
			expect(r.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
			expect(Math.abs(Number(r.timestamp) - Date.now() / 1000)).toBeLessThan(120);
			expect(new Date(r.json.timestamp).toISOString()).toBe(r.json.timestamp);
		}
		expect(new Set(got.map((r) => r.deliveryId)).size).toBe(got.length);
		expect(receiver.verify(got[0], 'wrong')).toBe(false);
		await ml(server, 'DELETE', `webhooks/${hook.webhook_id}`);
	});

	it('retries 503 and 429 with exponential backoff under one delivery id, and only for a webhook that wants the event', async () => {
		await ml(server, 'POST', 'registered-models/create', { name: 'retried' });
		const hook = (await ml(server, 'POST', 'webhooks', { name: 'retry', url: receiver.url, events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }], secret })).body.webhook;
		const start = receiver.received.length;
		receiver.answer(503, 429, 503);
		await ml(server, 'POST', 'model-versions/create', { name: 'retried', source: 's3://b/r' });
		await waitForEvents(start + 4, 'three failures and a success');
		await waitFor(() => pendingDeliveries(server.dataDir) === 0, { what: 'outbox drained' });
		const tries: Received[] = receiver.received.slice(start);
		expect(tries.map((r) => r.status)).toEqual([503, 429, 503, 200]);
		expect(new Set(tries.map((r) => r.deliveryId)).size).toBe(1);
		expect(tries.every((r) => r.body === tries[0].body && receiver.verify(r, secret))).toBe(true);
		const gaps = tries.slice(1).map((r, i) => r.at - tries[i].at);
		gaps.forEach((gap, i) => expect(gap, `retry ${i + 1}`).toBeGreaterThanOrEqual(25 * 2 ** i - 2));
		await ml(server, 'DELETE', `webhooks/${hook.webhook_id}`);
	});

	it("works with MLflow's Python client: create, get, list, update, test, delete; refused URLs and protected moves say why", async () => {
		await ml(server, 'POST', 'registered-models/create', { name: 'py-guarded' });
		await ml(server, 'POST', 'model-versions/create', { name: 'py-guarded', source: 's3://b/p' });
		expect((await callJson(server.url, 'PUT', '/api/registry/models/py-guarded/protection', { body: { stages: ['Production'] } })).status).toBe(200);
		const before = receiver.received.length;
		const py = await runPython('webhooks_client.py', server.url, { args: [receiver.url, 'py-guarded'] });
		expect(py.code, py.stderr).toBe(0);
		const out = py.json as { id: string; scheme_error: string; protected_error: string };
		expect(out.scheme_error).toMatch(/Invalid webhook URL scheme: 'ftp'/);
		expect(out.protected_error).toMatch(/Stage 'Production' of registered model 'py-guarded' is protected: the move was not made\. It awaits approval by a second person as request [0-9a-f]{32}/);
		const test = receiver.received.slice(before).find((r) => r.json.data?.name === 'example_model');
		expect(test && receiver.verify(test, 'py-secret')).toBe(true);
		const requests = (await callJson(server.url, 'GET', '/api/registry/models/py-guarded/requests')).body.requests;
		expect(requests).toMatchObject([{ kind: 'stage', stage: 'Production', version: '1', status: 'pending' }]);
		expect(out.protected_error).toContain(requests[0].id);
	});
});

describe('webhook safety at delivery time', () => {
	it('checks the address a host name resolves to when sending: a target turned private is never reached', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-webhook-safety-'));
		const receiver = await startWebhookReceiver();
		const target = receiver.url.replace('127.0.0.1', 'localhost');
		try {
			// Created while the operator allowed private targets…
			const open = await startServer({ port: 0, dataDir: dir, staticDir: null, webhooks: { allowedSchemes: ['http'], allowPrivateIps: true } });
			const made = await callJson(open.url, 'POST', '/api/2.0/mlflow/webhooks', { body: { name: 'later-private', url: target, events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }] } });
			expect(made.status).toBe(200);
			await open.close();
			// …and sent after they forbade them: localhost resolves to loopback at delivery, so nothing is sent.
			const closed = await startServer({ port: 0, dataDir: dir, staticDir: null, webhooks: { allowedSchemes: ['http'], allowPrivateIps: false } });
			try {
				expect((await callJson(closed.url, 'POST', '/api/2.0/mlflow/registered-models/create', { body: { name: 'not-told' } })).status).toBe(200);
				const failed = await waitFor(() => {
					const db = new Database(path.join(dir, 'webhooks.db'), { readonly: true });
					try {
						const row = db.prepare("SELECT state, last_error FROM outbox WHERE event = 'registered_model.created'").get() as { state: string; last_error: string } | undefined;
						return row && row.state !== 'pending' && row;
					} finally {
						db.close();
					}
				}, { what: 'the delivery settled' });
				expect(failed).toMatchObject({ state: 'failed', last_error: expect.stringMatching(/127\.0\.0\.1 is not a public IP address|::1 is not a public IP address/) });
				const test = await callJson(closed.url, 'POST', `/api/2.0/mlflow/webhooks/${made.body.webhook.webhook_id}/test`, { body: {} });
				expect(test.body.result).toMatchObject({ success: false, error_message: expect.stringMatching(/not a public IP address/) });
				expect(receiver.received).toEqual([]);
			} finally {
				await closed.close();
			}
		} finally {
			await receiver.close();
			await rm(dir, { recursive: true, force: true });
		}
	});
});
