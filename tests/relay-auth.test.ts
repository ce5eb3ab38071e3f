// Access control on the relay (issue 11): real y-websocket providers against the full server with users. A socket
// needs a token (URL parameter or the sign-in cookie) and READ on its document; a READ socket receives updates but its
// writes are refused with a permission-denied message and never reach the document, the store or other clients; a
// revoked token's open socket is closed at once; a foreign Origin is refused.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import { openAuthStore, type AuthStore } from '../sync-server/auth/auth-store';
import { docNames } from '../src/lib/core/schema';
import { readRun, updateRun } from '../src/lib/core/docs/experiment';
import { createExperiment, updateExperiment } from '../src/lib/core/docs/workspace';
import { createExperimentId } from '../src/lib/core/ids';
import { readAuditLog, readRegisteredModel } from '../src/lib/core/docs/registry';
import { moveAlias } from '../src/lib/core/docs/registry-edit';

let server: TestServer;
let store: AuthStore;
let writer: string;
let reader: string;
let outsider: string;
let experimentId: string;
let runId: string;
const providers: WebsocketProvider[] = [];

beforeAll(async () => {
	server = await startTestServer({ staticDir: null, defaultPermission: 'NO_PERMISSIONS' });
	store = openAuthStore(path.join(server.dataDir, 'auth.db'));
	await store.addUser('wanda', false);
	await store.addUser('rita', false);
	await store.addUser('otto', false);
	writer = (await store.createToken({ user: 'wanda', scope: 'write', label: 'wanda' })).token;
	reader = (await store.createToken({ user: 'rita', scope: 'write', label: 'rita' })).token;
	outsider = (await store.createToken({ user: 'otto', scope: 'write', label: 'otto' })).token;
	const created = await callJson(server.url, 'POST', '/api/runs', { headers: { authorization: `Bearer ${writer}` }, body: { experiment_name: 'relay-auth', run_name: 'r' } });
	expect(created.status).toBe(200);
	({ experiment_id: experimentId, run_id: runId } = created.body);
	await store.setGrant('experiment', experimentId, 'rita', 'READ');
});
afterAll(async () => {
	for (const p of providers) p.destroy();
	store.close();
	await server.close();
});

function connect(name: string, opts: { token?: string; headers?: Record<string, string> } = {}) {
	return connectTo(server.url, name, opts.token, opts.headers);
}

function connectTo(base: string, name: string, token?: string, headers?: Record<string, string>) {
	const opts = { token, headers };
	const doc = new Y.Doc();
	const closes: { code: number; reason: string }[] = [];
	const Polyfill = class extends WebSocket {
		constructor(url: string) {
			super(url, { headers: opts.headers });
		}
	};
	const provider = new WebsocketProvider(base.replace('http', 'ws') + '/sync', name, doc, {
		WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 200,
		params: opts.token ? { token: opts.token } : {}
	});
	provider.on('connection-close', (event) => {
		if (event) closes.push({ code: event.code, reason: event.reason });
	});
	providers.push(provider);
	return { doc, provider, closes };
}

const synced = (p: WebsocketProvider) => waitFor(() => p.synced, { what: 'provider sync', events: [[p, 'sync']] });
const tagOf = async (key: string) => {
	const r = await callJson(server.url, 'GET', `/api/runs/${runId}`, { headers: { authorization: `Bearer ${writer}` } });
	return r.body.run.tags[key] as string | undefined;
};

describe('relay access control', () => {
	it('refuses a socket without a token (4401) and one without READ (4403)', async () => {
		const anonymous = connect(docNames.experiment(experimentId));
		await waitFor(() => anonymous.closes[0], { what: '4401 close' });
		expect(anonymous.closes[0].code).toBe(4401);
		const other = connect(docNames.experiment(experimentId), { token: outsider });
		await waitFor(() => other.closes[0], { what: '4403 close' });
		expect(other.closes[0]).toMatchObject({ code: 4403 });
		expect(other.closes[0].reason).toContain('otto');
		const run = connect(docNames.run(runId), { token: outsider });
		await waitFor(() => run.closes[0], { what: '4403 close on the run doc' });
		expect(run.closes[0].code).toBe(4403);
	});

	it('refuses a foreign Origin, and takes the sign-in cookie instead of the URL token', async () => {
		const foreign = connect(docNames.experiment(experimentId), { token: writer, headers: { origin: 'http://evil.example' } });
		await waitFor(() => foreign.closes[0], { what: 'origin refusal' });
		expect(foreign.closes[0].code).toBe(4403);
		const cookie = connect(docNames.experiment(experimentId), { headers: { cookie: `tandem_token=${writer}` } });
		await synced(cookie.provider);
		expect(readRun(cookie.doc, experimentId, runId)?.name).toBe('r');
	});

	it("delivers to a READ socket but refuses its writes: they reach neither the document nor anyone else", async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const w = connect(docNames.experiment(experimentId), { token: writer });
		const r = connect(docNames.experiment(experimentId), { token: reader });
		await Promise.all([synced(w.provider), synced(r.provider)]);
		updateRun(r.doc, runId, { tags: { sneaky: 'yes' } });
		await waitFor(() => warn.mock.calls.some((c) => String(c[0]).includes('Permission denied')), { what: 'permission-denied message' });
		updateRun(w.doc, runId, { tags: { honest: 'yes' } });
		await waitFor(async () => (await tagOf('honest')) === 'yes', { what: 'writer tag stored' });
		await waitFor(() => readRun(r.doc, experimentId, runId)?.tags.honest === 'yes', { what: 'reader receives the writer edit' });
		expect(await tagOf('sneaky')).toBeUndefined();
		expect(readRun(w.doc, experimentId, runId)?.tags.sneaky).toBeUndefined();
		// A restart reloads the store: the refused write was never stored.
		await server.restart();
		expect(await tagOf('sneaky')).toBeUndefined();
		expect(await tagOf('honest')).toBe('yes');
		warn.mockRestore();
	});

	it('checks shared documents entry by entry: EDIT on that experiment or model, MANAGE to delete, audit in one\'s own name', async () => {
		// MLflow's default (READ): everyone receives workspace and registry; each write is checked on its entry.
		const open = await startTestServer({ staticDir: null, defaultPermission: 'READ' });
		const auth = openAuthStore(path.join(open.dataDir, 'auth.db'));
		await auth.addUser('wanda', false);
		await auth.addUser('rita', false);
		const w = (await auth.createToken({ user: 'wanda', scope: 'write' })).token;
		const r = (await auth.createToken({ user: 'rita', scope: 'write' })).token;
		const at = (token: string) => ({ authorization: `Bearer ${token}` });
		const on = (name: string, token: string) => connectTo(open.url, name, token);
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const denials = () => warn.mock.calls.filter((c) => String(c[0]).includes('Permission denied')).length;
		try {
			const theirs = (await callJson(open.url, 'POST', '/api/2.0/mlflow/experiments/create', { headers: at(w), body: { name: 'wanda-exp' } })).body.experiment_id as string;
			const hers = (await callJson(open.url, 'POST', '/api/2.0/mlflow/experiments/create', { headers: at(r), body: { name: 'rita-exp' } })).body.experiment_id as string;
			const ws = on('workspace', r);
			await synced(ws.provider);
			updateExperiment(ws.doc, hers, { name: 'rita-renamed', now: Date.now() });
			await waitFor(async () => (await callJson(open.url, 'GET', `/api/experiments/${hers}`, { headers: at(w) })).body.experiment?.name === 'rita-renamed', { what: 'own rename stored' });
			let before = denials();
			updateExperiment(ws.doc, theirs, { name: 'hijacked', now: Date.now() });
			await waitFor(() => denials() > before, { what: 'rename of a READ experiment refused' });
			expect((await callJson(open.url, 'GET', `/api/experiments/${theirs}`, { headers: at(w) })).body.experiment.name).toBe('wanda-exp');
			// Deleting needs MANAGE: rita has it on her own experiment (its creator). A fresh socket and Yjs client: after a
			// refusal, the refused client's later updates build on clocks the server never took, and are refused too.
			const ws2 = on('workspace', r);
			await synced(ws2.provider);
			updateExperiment(ws2.doc, hers, { lifecycle: 'deleted', now: Date.now() });
			await waitFor(async () => (await callJson(open.url, 'GET', `/api/experiments/${hers}`, { headers: at(w) })).body.experiment?.lifecycle === 'deleted', { what: 'own delete stored' });

			// An experiment rita creates in the app (over the relay) is hers to manage, as one made through the API.
			const ws3 = on('workspace', r);
			await synced(ws3.provider);
			const appMade = createExperimentId();
			createExperiment(ws3.doc, { experimentId: appMade, name: 'rita-app-made', artifactLocation: `mlflow-artifacts:/${appMade}`, now: Date.now() });
			await waitFor(() => auth.grant('experiment', appMade, 'rita') === 'MANAGE', { what: 'creator grant for a relay-made experiment' });
			expect((await callJson(open.url, 'POST', '/api/runs', { headers: at(r), body: { experiment_id: appMade } })).status).toBe(200);

			// The registry: wanda's model; rita (READ by default) may not move its alias, and with EDIT still may not
			// write audit entries in wanda's name.
			const run = (await callJson(open.url, 'POST', '/api/runs', { headers: at(w), body: { experiment_id: theirs } })).body.run_id as string;
			expect((await callJson(open.url, 'POST', '/api/2.0/mlflow/registered-models/create', { headers: at(w), body: { name: 'guarded' } })).status).toBe(200);
			expect((await callJson(open.url, 'POST', '/api/2.0/mlflow/model-versions/create', { headers: at(w), body: { name: 'guarded', source: `runs:/${run}/model`, run_id: run } })).status).toBe(200);
			const mine = on('registry', w);
			const reg = on('registry', r);
			await Promise.all([synced(mine.provider), synced(reg.provider)]);
			const model = readRegisteredModel(reg.doc, 'guarded')!;
			before = denials();
			moveAlias(reg.doc, { model, alias: 'prod', version: model.versions[0], who: 'rita', now: Date.now() });
			await waitFor(() => denials() > before, { what: 'alias move refused' });
			await auth.setGrant('registered_model', 'guarded', 'rita', 'EDIT');
			const fresh = on('registry', r);
			await synced(fresh.provider);
			before = denials();
			const m = readRegisteredModel(fresh.doc, 'guarded')!;
			moveAlias(fresh.doc, { model: m, alias: 'spoof', version: m.versions[0], who: 'wanda', now: Date.now() });
			await waitFor(() => denials() > before, { what: 'audit impersonation refused' });
			const fresher = on('registry', r);
			await synced(fresher.provider);
			const m2 = readRegisteredModel(fresher.doc, 'guarded')!;
			moveAlias(fresher.doc, { model: m2, alias: 'staging', version: m2.versions[0], who: 'rita', now: Date.now() });
			await waitFor(() => readRegisteredModel(mine.doc, 'guarded')?.aliases.some((a) => a.alias === 'staging'), { what: 'EDIT alias move reaches wanda' });
			const aliases = readRegisteredModel(mine.doc, 'guarded')!.aliases.map((a) => a.alias);
			expect(aliases).not.toContain('prod');
			expect(aliases).not.toContain('spoof');
			expect(readAuditLog(mine.doc).filter((e) => e.who === 'wanda').every((e) => !JSON.stringify(e).includes('spoof'))).toBe(true);
		} finally {
			warn.mockRestore();
			auth.close();
			await open.close();
		}
	});

	it('closes an open socket as soon as its token is revoked, by the CLI store as by the API', async () => {
		const { token } = await store.createToken({ user: 'wanda', scope: 'write', label: 'short-lived' });
		const s = connect(docNames.run(runId), { token });
		await synced(s.provider);
		await store.revokeToken('short-lived'); // another connection to auth.db, as the CLI is
		await waitFor(() => s.closes[0], { what: 'revocation close' });
		expect(s.closes[0].code).toBe(4401);
		expect(s.closes[0].reason).toContain('revoked');
	});
	it("writes the signed-in user's name over the one a socket's presence claims, and drops it when the socket closes", async () => {
		const spoofer = connect(docNames.experiment(experimentId), { token: reader });
		const watcher = connect(docNames.experiment(experimentId), { token: writer });
		await Promise.all([synced(spoofer.provider), synced(watcher.provider)]);
		spoofer.provider.awareness.setLocalState({ user: { name: 'wanda', color: '#112233' }, page: '/' });
		const seen = () => watcher.provider.awareness.getStates().get(spoofer.doc.clientID) as { user?: { name: string; color: string } } | undefined;
		await waitFor(() => seen()?.user, { what: 'the spoofer at the watcher', events: [[watcher.provider.awareness, 'change']] });
		expect(seen()!.user).toEqual({ name: 'rita', color: '#112233' });
		spoofer.provider.destroy();
		await waitFor(() => seen() === undefined, { what: 'the spoofer gone', events: [[watcher.provider.awareness, 'change']] });
	});
});
