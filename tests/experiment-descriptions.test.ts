// Experiment descriptions and tags as the app writes them (the workspace entry's tags, over the relay), against the
// real server with users: an editor's description and tag reach MLflow's get_experiment and a READ user's edit is
// refused and changes nothing; set_experiment_tag reaches every open workspace document live.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import { openAuthStore, type AuthStore } from '../sync-server/auth/auth-store';
import { readExperiment, updateExperiment } from '../src/lib/core/docs/workspace';
import { NOTE_TAG } from '../src/lib/core/docs/notes';

let server: TestServer;
let auth: AuthStore;
let editor: string;
let reader: string;
const providers: WebsocketProvider[] = [];

beforeAll(async () => {
	server = await startTestServer({ staticDir: null, defaultPermission: 'READ' });
	auth = openAuthStore(path.join(server.dataDir, 'auth.db'));
	await auth.addUser('eve', false);
	await auth.addUser('rita', false);
	editor = (await auth.createToken({ user: 'eve', scope: 'write' })).token;
	reader = (await auth.createToken({ user: 'rita', scope: 'write' })).token;
});
afterAll(async () => {
	for (const p of providers) p.destroy();
	auth.close();
	await server.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function workspaceOf(token: string): Promise<Y.Doc> {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', 'workspace', doc, {
		WebSocketPolyfill: WebSocket as never,
		disableBc: true,
		params: { token }
	});
	providers.push(provider);
	await waitFor(() => provider.synced, { what: 'workspace synced' });
	return doc;
}

async function experimentTags(id: string): Promise<Record<string, string>> {
	const { body } = await callJson(server.url, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${id}`, { headers: as(editor) });
	return Object.fromEntries(((body.experiment.tags ?? []) as { key: string; value: string }[]).map((t) => [t.key, t.value]));
}

describe('experiment descriptions and tags written over the relay', () => {
	it('reach get_experiment from an editor, are refused from a READ user, and MLflow’s tags arrive live', async () => {
		const created = await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/create', { headers: as(editor), body: { name: 'described' } });
		const id = created.body.experiment_id as string;

		const mine = await workspaceOf(editor);
		updateExperiment(mine, id, { tags: { [NOTE_TAG]: 'Why this experiment exists', owner: 'eve' }, now: Date.now() });
		await waitFor(async () => (await experimentTags(id))[NOTE_TAG] === 'Why this experiment exists', { what: 'the description on the server' });
		expect(await experimentTags(id)).toMatchObject({ owner: 'eve' });

		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		try {
			const theirs = await workspaceOf(reader);
			updateExperiment(theirs, id, { tags: { [NOTE_TAG]: 'Overwritten by a reader' }, deleteTags: ['owner'], now: Date.now() });
			await waitFor(() => warn.mock.calls.some((c) => String(c[0]).includes('Permission denied')), { what: 'the reader’s edit refused' });
		} finally {
			warn.mockRestore();
		}
		expect(await experimentTags(id)).toMatchObject({ [NOTE_TAG]: 'Why this experiment exists', owner: 'eve' });

		const set = await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/set-experiment-tag', { headers: as(editor), body: { experiment_id: id, key: NOTE_TAG, value: 'Set by MLflow' } });
		expect(set.status).toBe(200);
		await waitFor(() => readExperiment(mine, id)?.tags[NOTE_TAG] === 'Set by MLflow', { what: 'set_experiment_tag in the open workspace' });
	});
});
