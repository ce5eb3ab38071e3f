// The official MLflow Python client (3.x) against a server with users, configured only through its own settings:
// MLFLOW_TRACKING_TOKEN (Bearer) and MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (Basic, the token as the
// password). Runs, metrics, artifacts and the registry work; the token's user is the run's user and the audit log's
// "who"; a read token's writes and a bad token's calls are refused with MLflow's error codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startTestServer, type TestServer } from './helpers/server';
import { runPython, type PythonResult } from './helpers/python';
import { callJson } from './helpers/http';
import { openAuthStore, type AuthStore } from '../sync-server/auth/auth-store';
import * as Y from 'yjs';
import { readAuditLog } from '../src/lib/core/docs/registry';

let server: TestServer;
let store: AuthStore;
let write: string;
let read: string;
beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
	store = openAuthStore(path.join(server.dataDir, 'auth.db'));
	await store.addUser('ada', false);
	write = (await store.createToken({ user: 'ada', scope: 'write' })).token;
	read = (await store.createToken({ user: 'ada', scope: 'read' })).token;
});
afterAll(async () => {
	store.close();
	await server.close();
});

function assertOk(r: PythonResult): Record<string, unknown> {
	expect(r.code, `python failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
	expect(r.json, r.stdout).not.toBeNull();
	return r.json as Record<string, unknown>;
}

describe('MLflow client with auth on', () => {
	let runId = '';
	it('works with MLFLOW_TRACKING_TOKEN', async () => {
		const out = assertOk(await runPython('auth_client.py', server.url, { args: ['bearer'], env: { MLFLOW_TRACKING_TOKEN: write } }));
		expect(out).toMatchObject({ user: 'ada', loss: [1, 0.5, 1 / 3, 0.25, 0.2], artifacts: ['notes.txt'], artifact: 'hello', alias: '1' });
		runId = out.run_id as string;
		// The alias move is recorded as the token's user's, not as whatever the client might claim.
		const res = await fetch(`${server.url}/api/docs/registry`, { headers: { authorization: `Bearer ${read}` } });
		expect(res.status).toBe(200);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()));
		expect(readAuditLog(doc).map((e) => e.who)).toContain('ada');
		expect(readAuditLog(doc).map((e) => e.who)).not.toContain('unknown');
	});

	it('works with MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD', async () => {
		const out = assertOk(await runPython('auth_client.py', server.url, { args: ['basic'], env: { MLFLOW_TRACKING_USERNAME: 'ada', MLFLOW_TRACKING_PASSWORD: write } }));
		expect(out).toMatchObject({ user: 'ada', artifact: 'hello', alias: '1' });
	});

	it('refuses a read token its writes, and a bad token everything', async () => {
		const denied = assertOk(await runPython('auth_denied.py', server.url, { args: [runId], env: { MLFLOW_TRACKING_TOKEN: read } }));
		expect(denied).toMatchObject({ read_loss: [1, 0.5, 1 / 3, 0.25, 0.2], write_error: 'PERMISSION_DENIED' });
		const bad = assertOk(await runPython('auth_denied.py', server.url, { args: [runId], env: { MLFLOW_TRACKING_TOKEN: 'tdm_nope' } }));
		expect(bad).toMatchObject({ read_error: 'UNAUTHENTICATED', write_error: 'UNAUTHENTICATED' });
		const history = await callJson(server.url, 'GET', `/api/runs/${runId}/metrics/loss`, { headers: { authorization: `Bearer ${read}` } });
		expect(history.body.steps).toEqual([0, 1, 2, 3, 4]);
	});
});
