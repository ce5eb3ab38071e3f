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
	store.addUser('wanda', false);
	store.addUser('rita', false);
	store.addUser('otto', false);
	writer = store.createToken({ user: 'wanda', scope: 'write', label: 'wanda' }).token;
	reader = store.createToken({ user: 'rita', scope: 'write', label: 'rita' }).token;
	outsider = store.createToken({ user: 'otto', scope: 'write', label: 'otto' }).token;
	const created = await callJson(server.url, 'POST', '/api/runs', { headers: { authorization: `Bearer ${writer}` }, body: { experiment_name: 'relay-auth', run_name: 'r' } });
	expect(created.status).toBe(200);
	({ experiment_id: experimentId, run_id: runId } = created.body);
	store.setGrant('experiment', experimentId, 'rita', 'READ');
});
afterAll(async () => {
	for (const p of providers) p.destroy();
	store.close();
	await server.close();
});

function connect(name: string, opts: { token?: string; headers?: Record<string, string> } = {}) {
	const doc = new Y.Doc();
	const closes: { code: number; reason: string }[] = [];
	const Polyfill = class extends WebSocket {
		constructor(url: string) {
			super(url, { headers: opts.headers });
		}
	};
	const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', name, doc, {
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

	it('closes an open socket as soon as its token is revoked, by the CLI store as by the API', async () => {
		const { token } = store.createToken({ user: 'wanda', scope: 'write', label: 'short-lived' });
		const s = connect(docNames.run(runId), { token });
		await synced(s.provider);
		store.revokeToken('short-lived'); // another connection to auth.db, as the CLI is
		await waitFor(() => s.closes[0], { what: 'revocation close' });
		expect(s.closes[0].code).toBe(4401);
		expect(s.closes[0].reason).toContain('revoked');
	});
});
