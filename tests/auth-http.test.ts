// Access control over HTTP (issue 11): users and tokens from the real CLI and store, Bearer and Basic auth, token
// scopes, admin routes, revocation and expiry, per-experiment and per-model permissions with filtered searches,
// Host/Origin/Content-Type checks, security headers, the rate limit and the refusal to serve a network with no users.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import http from 'node:http';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import { openAuthStore, type AuthStore } from '../sync-server/auth/auth-store';
import { startServer } from '../sync-server/server';

const ROOT = path.resolve(import.meta.dirname, '..');

function cli(dataDir: string, ...args: string[]) {
	const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'sync-server', 'tandem.ts'), ...args, '--data', dataDir], {
		encoding: 'utf8'
	});
	return { status: r.status, stdout: r.stdout, stderr: r.stderr, last: r.stdout.trim().split('\n').at(-1) ?? '' };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (user: string, token: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` });

describe('users and tokens', () => {
	let server: TestServer;
	let store: AuthStore;
	let admin: string;
	beforeAll(async () => {
		server = await startTestServer();
		const added = cli(server.dataDir, 'user', 'add', 'alice', '--admin');
		expect(added.status, added.stderr).toBe(0);
		const created = cli(server.dataDir, 'token', 'create', '--user', 'alice', '--scope', 'admin', '--name', 'alice-admin');
		expect(created.status, created.stderr).toBe(0);
		admin = created.last;
		store = openAuthStore(path.join(server.dataDir, 'auth.db'));
	});
	afterAll(async () => {
		store.close();
		await server.close();
	});

	it('the CLI prints the token once on the last line and stores only its hash', async () => {
		expect(admin).toMatch(/^tdm_[A-Za-z0-9_-]{43}$/);
		const list = cli(server.dataDir, 'token', 'list');
		expect(list.stdout).toContain('alice-admin');
		expect(list.stdout).not.toContain(admin);
		const { readFile } = await import('node:fs/promises');
		const db = await readFile(path.join(server.dataDir, 'auth.db'));
		expect(db.includes(Buffer.from(admin))).toBe(false);
	});

	it('requires a token on every route but health and the app shell', async () => {
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		expect((await fetch(`${server.url}/`)).status).toBe(200);
		const refused = await callJson(server.url, 'GET', '/api/experiments');
		expect(refused.status).toBe(401);
		expect(refused.body.error_code).toBe('UNAUTHENTICATED');
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/search', { body: {} })).status).toBe(401);
		expect((await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/x/artifacts/a.txt`, { method: 'PUT', body: 'x' })).status).toBe(401);
		expect((await callJson(server.url, 'GET', '/api/experiments', { headers: bearer('tdm_wrong') })).status).toBe(401);
		expect((await callJson(server.url, 'GET', '/api/experiments', { headers: bearer(admin) })).status).toBe(200);
	});

	it('takes the token as the password of Basic auth, for its own user only', async () => {
		expect((await callJson(server.url, 'GET', '/api/experiments', { headers: basic('alice', admin) })).status).toBe(200);
		const wrongUser = await callJson(server.url, 'GET', '/api/experiments', { headers: basic('mallory', admin) });
		expect(wrongUser.status).toBe(401);
		expect(wrongUser.body.message).toContain('mallory');
	});

	it('enforces scopes: a read token reads and cannot write; admin routes need an admin token', async () => {
		const { token: read } = await store.createToken({ user: 'alice', scope: 'read', label: 'alice-read' });
		const { token: write } = await store.createToken({ user: 'alice', scope: 'write', label: 'alice-write' });
		expect((await callJson(server.url, 'GET', '/api/experiments', { headers: bearer(read) })).status).toBe(200);
		const denied = await callJson(server.url, 'POST', '/api/runs', { headers: bearer(read), body: { experiment_id: '0' } });
		expect(denied.status).toBe(403);
		expect(denied.body.error_code).toBe('PERMISSION_DENIED');
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/create', { headers: bearer(read), body: { name: 'r' } })).status).toBe(403);
		const run = await callJson(server.url, 'POST', '/api/runs', { headers: bearer(write), body: { experiment_id: '0' } });
		expect(run.status).toBe(200);
		const upload = await fetch(`${server.url}/api/runs/${run.body.run_id}/artifacts/a.txt`, { method: 'PUT', headers: bearer(read), body: 'hello' });
		expect(upload.status).toBe(403);
		expect((await callJson(server.url, 'POST', '/api/admin/gc', { headers: bearer(write) })).status).toBe(403);
		expect((await callJson(server.url, 'GET', '/api/admin/tokens', { headers: bearer(write) })).status).toBe(403);
		expect((await callJson(server.url, 'GET', '/api/admin/tokens', { headers: bearer(admin) })).status).toBe(200);
	});

	it('manages users and tokens over admin-only HTTP routes; revocation and expiry apply at once', async () => {
		expect((await callJson(server.url, 'POST', '/api/admin/users', { headers: bearer(admin), body: { name: 'carol' } })).status).toBe(200);
		const created = await callJson(server.url, 'POST', '/api/admin/tokens', { headers: bearer(admin), body: { user: 'carol', scope: 'write', name: 'carol-ci', expires: '30d' } });
		expect(created.status).toBe(200);
		expect(created.body.token).toMatch(/^tdm_/);
		expect(created.body.expires_at).toBeGreaterThan(Date.now() + 29 * 86_400_000);
		const carol = created.body.token as string;
		expect((await callJson(server.url, 'GET', '/api/experiments', { headers: bearer(carol) })).status).toBe(200);
		expect((await callJson(server.url, 'DELETE', '/api/admin/tokens/carol-ci', { headers: bearer(admin) })).status).toBe(200);
		const revoked = await callJson(server.url, 'GET', '/api/experiments', { headers: bearer(carol) });
		expect(revoked.status).toBe(401);
		expect(revoked.body.message).toContain('revoked');
		// The CLI, another process, revokes too: the server notices at its next request.
		const { token: again } = await store.createToken({ user: 'carol', scope: 'read', label: 'carol-2' });
		expect((await callJson(server.url, 'GET', '/api/experiments', { headers: bearer(again) })).status).toBe(200);
		expect(cli(server.dataDir, 'token', 'revoke', 'carol-2').status).toBe(0);
		expect((await callJson(server.url, 'GET', '/api/experiments', { headers: bearer(again) })).status).toBe(401);
		// Expiry: a token that lives 50 ms is refused once that has passed, with the reason.
		const { token: brief } = await store.createToken({ user: 'carol', scope: 'read', label: 'carol-brief', ttlMs: 50 });
		const expired = await waitFor(async () => {
			const r = await callJson(server.url, 'GET', '/api/experiments', { headers: bearer(brief) });
			return r.status === 401 ? r : null;
		}, { what: 'expiry' });
		expect(expired.body.message).toContain('expired');
		const bad = await callJson(server.url, 'POST', '/api/admin/tokens', { headers: bearer(admin), body: { user: 'carol', scope: 'admin' } });
		expect(bad.status).toBe(400);
		expect(bad.body.message).toContain('not an admin');
	});

	it('refuses another Host (DNS rebinding), a foreign Origin and JSON routes posted as text/plain', async () => {
		// fetch will not send another Host: a raw request does, as a browser fooled by DNS rebinding would.
		const rebound = await new Promise<number>((resolve, reject) => {
			const req = http.get(`${server.url}/api/experiments`, { headers: { host: 'evil.example:80', ...bearer(admin) } }, (res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on('error', reject);
		});
		expect(rebound).toBe(403);
		const cross = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { ...bearer(admin), origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' });
		expect(cross.status).toBe(403);
		expect((await cross.json()).message).toContain('evil.example');
		const plain = await fetch(`${server.url}/api/2.0/mlflow/runs/create`, { method: 'POST', headers: { ...bearer(admin), 'content-type': 'text/plain' }, body: '{"experiment_id":"0"}' });
		expect(plain.status).toBe(400);
		expect((await plain.json()).message).toContain('Content-Type must be');
		// Signed in, a malformed body is still the client's error, not a permission question.
		const malformed = await fetch(`${server.url}/api/2.0/mlflow/runs/set-tag`, { method: 'POST', headers: { ...bearer(admin), 'content-type': 'application/json' }, body: '{"run_id":' });
		expect(malformed.status).toBe(400);
		expect((await malformed.json()).error_code).toBe('MALFORMED_REQUEST');
		const same = await fetch(`${server.url}/api/experiments`, { headers: { ...bearer(admin), origin: server.url } });
		expect(same.status).toBe(200);
	});

	it('sends security headers, with a CSP on the app', async () => {
		const page = await fetch(`${server.url}/`);
		expect(page.headers.get('x-content-type-options')).toBe('nosniff');
		expect(page.headers.get('referrer-policy')).toBe('same-origin');
		expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		const api = await fetch(`${server.url}/healthz`);
		expect(api.headers.get('x-content-type-options')).toBe('nosniff');
	});
});

describe('permissions per experiment and registered model', () => {
	let server: TestServer;
	let store: AuthStore;
	let alice: string;
	let bob: string;
	let bobRead: string;
	beforeAll(async () => {
		server = await startTestServer({ defaultPermission: 'NO_PERMISSIONS' });
		store = openAuthStore(path.join(server.dataDir, 'auth.db'));
		await store.addUser('alice', false);
		await store.addUser('bob', false);
		alice = (await store.createToken({ user: 'alice', scope: 'write' })).token;
		bob = (await store.createToken({ user: 'bob', scope: 'write' })).token;
		bobRead = (await store.createToken({ user: 'bob', scope: 'read' })).token;
	});
	afterAll(async () => {
		store.close();
		await server.close();
	});

	it("gives the creator MANAGE, and hides what a user may not read from every search", async () => {
		const exp = await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/create', { headers: bearer(alice), body: { name: 'secret' } });
		expect(exp.status).toBe(200);
		const experimentId = exp.body.experiment_id as string;
		expect(store.grant('experiment', experimentId, 'alice')).toBe('MANAGE');
		const run = await callJson(server.url, 'POST', '/api/2.0/mlflow/runs/create', { headers: bearer(alice), body: { experiment_id: experimentId, tags: [{ key: 'mlflow.user', value: 'root' }] } });
		expect(run.status).toBe(200);
		expect(run.body.run.info.user_id).toBe('alice');
		expect(run.body.run.data.tags.find((t: { key: string }) => t.key === 'mlflow.user').value).toBe('alice');
		const runId = run.body.run.info.run_id as string;

		const search = (token: string) => callJson(server.url, 'POST', '/api/2.0/mlflow/runs/search', { headers: bearer(token), body: { experiment_ids: [experimentId] } });
		expect((await search(alice)).body.runs).toHaveLength(1);
		expect((await search(bob)).body.runs ?? []).toHaveLength(0);
		const exps = await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/search', { headers: bearer(bob), body: {} });
		expect((exps.body.experiments ?? []).map((e: { name: string }) => e.name)).not.toContain('secret');
		expect((await callJson(server.url, 'GET', '/api/experiments', { headers: bearer(bob) })).body.experiments.map((e: { name: string }) => e.name)).not.toContain('secret');
		expect((await callJson(server.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`, { headers: bearer(bob) })).status).toBe(403);
		expect((await callJson(server.url, 'GET', `/api/runs/${runId}`, { headers: bearer(bob) })).status).toBe(403);
		expect((await callJson(server.url, 'GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=secret`, { headers: bearer(bob) })).status).toBe(403);
		expect((await callJson(server.url, 'GET', `/api/docs/${encodeURIComponent(`run/${runId}`)}`, { headers: bearer(bob) })).status).toBe(403);

		// Bob is not MANAGE: he cannot grant himself; alice can grant him READ.
		const grant = { experiment_id: experimentId, username: 'bob', permission: 'READ' };
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/permissions/create', { headers: bearer(bob), body: grant })).status).toBe(403);
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/permissions/create', { headers: bearer(alice), body: grant })).status).toBe(200);
		expect((await search(bob)).body.runs).toHaveLength(1);
		const write = await callJson(server.url, 'POST', '/api/2.0/mlflow/runs/set-tag', { headers: bearer(bob), body: { run_id: runId, key: 'k', value: 'v' } });
		expect(write.status).toBe(403);
		// EDIT lets bob write, but his read-scoped token still cannot.
		await callJson(server.url, 'PATCH', '/api/2.0/mlflow/experiments/permissions/update', { headers: bearer(alice), body: { ...grant, permission: 'EDIT' } });
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/runs/set-tag', { headers: bearer(bob), body: { run_id: runId, key: 'k', value: 'v' } })).status).toBe(200);
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/runs/set-tag', { headers: bearer(bobRead), body: { run_id: runId, key: 'k', value: 'w' } })).status).toBe(403);
		// Deleting needs MANAGE.
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/experiments/delete', { headers: bearer(bob), body: { experiment_id: experimentId } })).status).toBe(403);
	});

	it('applies the same to registered models: creator MANAGE, searches filtered, audit log records the user', async () => {
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/registered-models/create', { headers: bearer(alice), body: { name: 'fraud' } })).status).toBe(200);
		expect(store.grant('registered_model', 'fraud', 'alice')).toBe('MANAGE');
		const seen = (token: string) => callJson(server.url, 'GET', '/api/2.0/mlflow/registered-models/search', { headers: bearer(token) });
		expect((await seen(alice)).body.registered_models.map((m: { name: string }) => m.name)).toEqual(['fraud']);
		expect((await seen(bob)).body.registered_models ?? []).toHaveLength(0);
		expect((await callJson(server.url, 'GET', '/api/2.0/mlflow/registered-models/get?name=fraud', { headers: bearer(bob) })).status).toBe(403);
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/registered-models/alias', { headers: bearer(bob), body: { name: 'fraud', alias: 'x', version: '1' } })).status).toBe(403);
		// Grants follow a rename, as in MLflow.
		expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/registered-models/rename', { headers: bearer(alice), body: { name: 'fraud', new_name: 'fraud-v2' } })).status).toBe(200);
		expect(store.grant('registered_model', 'fraud-v2', 'alice')).toBe('MANAGE');
		expect((await seen(alice)).body.registered_models.map((m: { name: string }) => m.name)).toEqual(['fraud-v2']);
	});
});

describe('safe by default', () => {
	it('refuses to serve a non-loopback address with no users unless --insecure', async () => {
		const { mkdtemp, rm } = await import('node:fs/promises');
		const os = await import('node:os');
		const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-insecure-'));
		await expect(startServer({ host: '0.0.0.0', port: 0, dataDir, staticDir: null })).rejects.toThrow(/no users/);
		const open = await startServer({ host: '0.0.0.0', port: 0, dataDir, staticDir: null, insecure: true });
		await open.close();
		await rm(dataDir, { recursive: true, force: true });
	});

	it('answers 429 with Retry-After once a token exceeds its rate', async () => {
		const server = await startTestServer({ staticDir: null, rateLimit: { perSecond: 1, burst: 3 } });
		const store = openAuthStore(path.join(server.dataDir, 'auth.db'));
		await store.addUser('u', false);
		const { token } = await store.createToken({ user: 'u', scope: 'read' });
		const statuses: number[] = [];
		let retryAfter: string | null = null;
		for (let i = 0; i < 5; i++) {
			const res = await fetch(`${server.url}/api/experiments`, { headers: bearer(token) });
			statuses.push(res.status);
			if (res.status === 429) retryAfter = res.headers.get('retry-after');
			await res.arrayBuffer();
		}
		expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
		expect(statuses).toContain(429);
		expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
		store.close();
		await server.close();
	});
});
