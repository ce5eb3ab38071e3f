// Saved views over the relay with users (issue 13 §4): real y-websocket providers against the full server. Saving,
// renaming or deleting a view needs EDIT on its experiment (MLflow's default READ lets everyone list them), and a view
// is saved in the writer's own name; refused writes reach neither the document nor anyone else.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import { openAuthStore, type AuthStore } from '../sync-server/auth/auth-store';
import { deleteView, readSavedViews, saveView } from '../src/lib/core/docs/saved-views';

let server: TestServer;
let store: AuthStore;
let wanda: string;
let rita: string;
let theirs: string;
let hers: string;
const providers: WebsocketProvider[] = [];

beforeAll(async () => {
	server = await startTestServer({ staticDir: null, defaultPermission: 'READ' });
	store = openAuthStore(path.join(server.dataDir, 'auth.db'));
	await store.addUser('wanda', false);
	await store.addUser('rita', false);
	wanda = (await store.createToken({ user: 'wanda', scope: 'write' })).token;
	rita = (await store.createToken({ user: 'rita', scope: 'write' })).token;
	const create = async (token: string, name: string) =>
		(await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/create', { headers: { authorization: `Bearer ${token}` }, body: { name } })).body.experiment_id as string;
	theirs = await create(wanda, 'wanda-views');
	hers = await create(rita, 'rita-views');
});
afterAll(async () => {
	for (const p of providers) p.destroy();
	store.close();
	await server.close();
});

/** A fresh Yjs client on the workspace as `token` (a refused client's later updates build on clocks the server never took). */
async function workspaceAs(token: string): Promise<Y.Doc> {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', 'workspace', doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: { token }
	});
	providers.push(provider);
	await waitFor(() => provider.synced, { what: 'provider sync', events: [[provider, 'sync']] });
	return doc;
}

describe('saved views with users', () => {
	it('needs EDIT on the experiment and the writer’s own name; an editor’s view reaches everyone', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const denials = () => warn.mock.calls.filter((c) => String(c[0]).includes('Permission denied')).length;
		try {
			const watcher = await workspaceAs(wanda);
			const view = { query: 'q=1', now: Date.now() };

			let before = denials();
			saveView(await workspaceAs(rita), { ...view, experimentId: theirs, name: 'not mine to save', createdBy: 'rita' });
			await waitFor(() => denials() > before, { what: 'a READ user saving a view refused' });

			before = denials();
			saveView(await workspaceAs(rita), { ...view, experimentId: hers, name: 'in her name', createdBy: 'wanda' });
			await waitFor(() => denials() > before, { what: 'a view in someone else’s name refused' });

			const ok = await workspaceAs(rita);
			const id = saveView(ok, { ...view, experimentId: hers, name: 'rita’s view', createdBy: 'rita' })!;
			await waitFor(() => readSavedViews(watcher, hers).length === 1, { what: 'her view reaches wanda' });
			expect(readSavedViews(watcher, hers)[0]).toMatchObject({ id, name: 'rita’s view', createdBy: 'rita' });
			expect(readSavedViews(watcher, theirs)).toEqual([]);

			// Wanda may read rita's experiment but not edit it: deleting her view is refused and the view stays.
			before = denials();
			deleteView(await workspaceAs(wanda), id);
			await waitFor(() => denials() > before, { what: 'deleting a view without EDIT refused' });
			expect(readSavedViews(await workspaceAs(rita), hers).map((v) => v.id)).toEqual([id]);
		} finally {
			warn.mockRestore();
		}
	});
});
