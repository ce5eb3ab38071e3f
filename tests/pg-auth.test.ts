// Users, tokens and grants on PostgreSQL (sync-server/auth/pg-auth-store.ts) against a real server started here:
// the store-level behaviours of auth.db checked against both implementations, then what only sharing brings: what
// instance A writes is honoured by instance B within a second (a token revoked on A is refused by B), a missed
// notification is recovered by poll(), concurrent writers meet PostgreSQL's unique constraints, and the CLI writes
// through `--store postgres://`; and two full servers given the shared store (`authStore`) agree over HTTP and the
// relay: a token made through A's admin API works on B, and revoked on A it is refused by B and B's socket closes.
// Through an outage of PostgreSQL, writes answer 503, and once it is back B's listening connection has reconnected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { AuthError, openAuthStore, type AuthStore } from '../sync-server/auth/auth-store';
import { StoreUnavailableError } from '../sync-server/store/doc-store';
import { openPgAuthStore } from '../sync-server/auth/pg-auth-store';
import { createAccessControl, readTokenProblem } from '../sync-server/auth/access-control';
import { runCommand } from '../sync-server/tandem';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { docNames } from '../src/lib/core/schema';
import { startTestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { createPool, inTransaction } from '../sync-server/store/pg-pool';
import { createDatabase, startPostgres, type PostgresServer } from './helpers/postgres';
import { waitFor } from './helpers/wait';

let pg: PostgresServer;
let tmp: string;
let dbCount = 0;
const freshDb = () => createDatabase(pg.url, `auth_${++dbCount}`);

beforeAll(async () => {
	pg = await startPostgres();
	tmp = await mkdtemp(path.join(os.tmpdir(), 'tandem-pg-auth-'));
}, 60_000);
afterAll(async () => {
	await pg?.stop();
	if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function code(p: Promise<unknown>): Promise<string> {
	try {
		await p;
	} catch (e) {
		if (e instanceof AuthError) return e.code;
		throw e;
	}
	return 'resolved';
}

const implementations: [string, () => Promise<AuthStore>][] = [
	['SQLite', async () => openAuthStore(path.join(tmp, `auth-${++dbCount}.db`))],
	['PostgreSQL', async () => openPgAuthStore(await freshDb())]
];

describe.each(implementations)('auth store on %s', (_name, open) => {
	it('adds users once, with valid names only, and says who is an admin', async () => {
		const s = await open();
		try {
			expect(s.hasUsers()).toBe(false);
			const u = await s.addUser('ada', true);
			expect(u).toMatchObject({ name: 'ada', admin: true });
			expect(s.getUser('ada')).toEqual(u);
			expect(s.hasUsers()).toBe(true);
			expect(await code(s.addUser('ada', false))).toBe('RESOURCE_ALREADY_EXISTS');
			expect(await code(s.addUser('no spaces', false))).toBe('INVALID_PARAMETER_VALUE');
			await s.setAdmin('ada', false);
			expect(s.getUser('ada')?.admin).toBe(false);
			expect(await code(s.setAdmin('nobody', true))).toBe('RESOURCE_DOES_NOT_EXIST');
			expect(s.users().map((x) => x.name)).toEqual(['ada']);
		} finally {
			await s.close();
		}
	});

	it('creates tokens stored by hash, with unique labels and scopes the user may hold, and revokes them', async () => {
		const s = await open();
		try {
			await s.addUser('bo', false);
			await s.addUser('root', true);
			const { token, record } = await s.createToken({ user: 'bo', scope: 'write', label: 'bo-1', ttlMs: 60_000 });
			expect(token).toMatch(/^tdm_[A-Za-z0-9_-]{43}$/);
			expect(record).toMatchObject({ label: 'bo-1', user: 'bo', scope: 'write', revokedAt: null });
			expect(record.expiresAt! - record.createdAt).toBe(60_000);
			expect(s.findToken(token)).toEqual(record);
			expect(s.findToken('tdm_nope')).toBeNull();
			expect(await code(s.createToken({ user: 'bo', scope: 'read', label: 'bo-1' }))).toBe('RESOURCE_ALREADY_EXISTS');
			expect(await code(s.createToken({ user: 'ghost', scope: 'read' }))).toBe('RESOURCE_DOES_NOT_EXIST');
			expect(await code(s.createToken({ user: 'bo', scope: 'admin' }))).toBe('INVALID_PARAMETER_VALUE');
			expect((await s.createToken({ user: 'root', scope: 'admin' })).record.label).toMatch(/^root-[0-9a-f]{6}$/);
			const revoked = await s.revokeToken('bo-1');
			expect(revoked.revokedAt).not.toBeNull();
			expect(s.findToken(token)?.revokedAt).toBe(revoked.revokedAt);
			expect((await s.revokeToken('bo-1')).revokedAt).toBe(revoked.revokedAt); // revoking again changes nothing
			expect(await code(s.revokeToken('missing'))).toBe('RESOURCE_DOES_NOT_EXIST');
			expect(s.tokens().map((t) => t.label).sort()).toEqual(['bo-1', expect.stringMatching(/^root-/)]);
		} finally {
			await s.close();
		}
	});

	it('keeps grants per resource and user, moves them on a rename, and drops a removed user with their tokens', async () => {
		const s = await open();
		try {
			await s.addUser('cy', false);
			await s.addUser('di', false);
			const { token } = await s.createToken({ user: 'cy', scope: 'read' });
			await s.setGrant('registered_model', 'm1', 'cy', 'READ');
			await s.setGrant('registered_model', 'm1', 'cy', 'EDIT');
			await s.setGrant('registered_model', 'm1', 'di', 'MANAGE');
			await s.setGrant('registered_model', 'm2', 'di', 'READ');
			await s.setGrant('experiment', '7', 'cy', 'MANAGE');
			expect(s.grant('registered_model', 'm1', 'cy')).toBe('EDIT');
			expect(await code(s.setGrant('experiment', '7', 'ghost', 'READ'))).toBe('RESOURCE_DOES_NOT_EXIST');
			expect(await code(s.deleteGrant('experiment', '8', 'cy'))).toBe('RESOURCE_DOES_NOT_EXIST');
			await s.renameResource('registered_model', 'm1', 'm2'); // di's READ on m2 gives way to MANAGE from m1
			expect(s.grantsOn('registered_model', 'm1')).toEqual([]);
			expect(s.grantsOn('registered_model', 'm2').sort((a, b) => a.user.localeCompare(b.user))).toEqual([
				{ kind: 'registered_model', resource: 'm2', user: 'cy', permission: 'EDIT' },
				{ kind: 'registered_model', resource: 'm2', user: 'di', permission: 'MANAGE' }
			]);
			await s.renameResource('registered_model', 'm1', 'm3'); // nothing left to move
			expect(s.grantsOn('registered_model', 'm3')).toEqual([]);
			await s.deleteGrant('experiment', '7', 'cy');
			expect(s.grant('experiment', '7', 'cy')).toBeUndefined();
			let changes = 0;
			const off = s.onChange(() => changes++);
			await s.removeUser('cy');
			off();
			expect(changes).toBeGreaterThan(0);
			expect(s.getUser('cy')).toBeNull();
			expect(s.findToken(token)).toBeNull();
			expect(s.grantsOn('registered_model', 'm2').map((g) => g.user)).toEqual(['di']);
			expect(await code(s.removeUser('cy'))).toBe('RESOURCE_DOES_NOT_EXIST');
		} finally {
			await s.close();
		}
	});
});

const request = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, url: '/' }) as unknown as IncomingMessage;
const noLookups = { experimentOfRun: async () => null, experimentOfModel: async () => null };

describe('auth on PostgreSQL shared by two instances', () => {
	it('honours on B, within a second, the users, tokens and grants A writes, and refuses on B a token revoked on A', async () => {
		const url = await freshDb();
		const a = await openPgAuthStore(url);
		const b = await openPgAuthStore(url);
		try {
			const control = createAccessControl({ store: b, defaultPermission: 'NO_PERMISSIONS', lookups: noLookups });
			await a.addUser('eve', false);
			const { token } = await a.createToken({ user: 'eve', scope: 'write', label: 'eve-w' });
			await a.setGrant('experiment', '42', 'eve', 'EDIT');
			const seen = await waitFor(
				() => {
					const auth = control.authenticate(request(token), { allowUrlToken: false });
					return auth.ok && control.levelOn(auth.principal, 'experiment', '42') === 'EDIT' ? auth : null;
				},
				{ timeoutMs: 1000, what: "B honouring A's token and grant" }
			);
			expect(seen.principal.user).toBe('eve');
			let changed = 0;
			const off = b.onChange(() => changed++);
			await a.revokeToken('eve-w');
			const refused = await waitFor(
				() => {
					const auth = control.authenticate(request(token), { allowUrlToken: false });
					return auth.ok ? null : auth;
				},
				{ timeoutMs: 1000, what: 'B refusing the token revoked on A' }
			);
			off();
			expect(refused.ok || refused.error.message).toBe("Token 'eve-w' was revoked");
			expect(changed).toBeGreaterThan(0); // B's revocation sweep runs on this
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('recovers a missed notification on poll() (a write that fired no trigger, only the version moved)', async () => {
		const url = await freshDb();
		const b = await openPgAuthStore(url);
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		try {
			await inTransaction(raw, async (tx) => {
				await tx.query('SET LOCAL session_replication_role = replica'); // triggers off: no NOTIFY is sent
				await tx.query(`INSERT INTO tandem_users (name, admin, created_at) VALUES ('quiet', false, $1)`, [Date.now()]);
				await tx.query('UPDATE tandem_auth_version SET version = version + 1');
			});
			expect(b.getUser('quiet')).toBeNull();
			await waitFor(
				() => {
					b.poll();
					return b.getUser('quiet');
				},
				{ timeoutMs: 1000, pollMs: 100, what: 'poll() noticing the version' }
			);
		} finally {
			await raw.end();
			await b.close();
		}
	});

	it('catches up without poll() when its listening connection was cut (it reads the version on listening again)', async () => {
		const url = await freshDb();
		const a = await openPgAuthStore(url);
		const b = await openPgAuthStore(url);
		const raw = createPool(url, { max: 1, applicationName: 'test' });
		try {
			const { rows: cut } = await raw.query<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = 'tandem-auth' AND query ILIKE 'listen%'`);
			expect(cut.length).toBe(2);
			await a.addUser('after-cut', false);
			await waitFor(() => b.getUser('after-cut'), { timeoutMs: 5000, what: 'B reloading after its LISTEN reconnected' });
		} finally {
			await raw.end();
			await a.close();
			await b.close();
		}
	});

	it('lets PostgreSQL decide between two instances adding one user name or one token label at once', async () => {
		const url = await freshDb();
		const a = await openPgAuthStore(url);
		const b = await openPgAuthStore(url);
		try {
			const users = await Promise.all([code(a.addUser('twin', false)), code(b.addUser('twin', true))]);
			expect(users.sort()).toEqual(['RESOURCE_ALREADY_EXISTS', 'resolved']);
			const labels = await Promise.all([code(a.createToken({ user: 'twin', scope: 'read', label: 'same' })), code(b.createToken({ user: 'twin', scope: 'read', label: 'same' }))]);
			expect(labels.sort()).toEqual(['RESOURCE_ALREADY_EXISTS', 'resolved']);
			// A token for a user removed on the other instance meanwhile is refused, not orphaned.
			await waitFor(() => b.getUser('twin'), { timeoutMs: 1000 });
			await a.removeUser('twin');
			expect(await code(b.setGrant('experiment', '1', 'twin', 'READ'))).toBe('RESOURCE_DOES_NOT_EXIST');
			expect(await code(b.createToken({ user: 'twin', scope: 'read' }))).toBe('RESOURCE_DOES_NOT_EXIST');
			expect(b.getUser('twin')).toBeNull();
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('takes the CLI commands through --store postgres:// to every instance', async () => {
		const url = await freshDb();
		const b = await openPgAuthStore(url);
		try {
			const out: string[] = [];
			await runCommand(['user', 'add', 'ops', '--admin', '--store', url], {}, (l) => out.push(l));
			await runCommand(['token', 'create', '--user', 'ops', '--scope', 'admin', '--name', 'ops-cli'], { TANDEM_STORE: url }, (l) => out.push(l));
			const token = out[out.length - 1];
			const record = await waitFor(() => b.findToken(token), { timeoutMs: 1000, what: "B seeing the CLI's token" });
			expect(readTokenProblem(b, record, Date.now())).toBeNull();
			expect(b.getUser('ops')?.admin).toBe(true);
			await expect(runCommand(['user', 'list', '--store', 'mysql://x'], {}, () => {})).rejects.toThrow(/postgres:\/\//);
		} finally {
			await b.close();
		}
	});
});

describe('two servers sharing users and tokens on PostgreSQL', () => {
	it("honours on B a token made through A's admin API, and refuses it on B, closing B's socket, once A revokes it", async () => {
		const url = await freshDb();
		const authA = await openPgAuthStore(url);
		const authB = await openPgAuthStore(url);
		const a = await startTestServer({ staticDir: null, authStore: authA });
		const b = await startTestServer({ staticDir: null, authStore: authB });
		let provider: WebsocketProvider | null = null;
		try {
			await authA.addUser('root', true);
			const root = { authorization: `Bearer ${(await authA.createToken({ user: 'root', scope: 'admin', label: 'root' })).token}` };
			expect((await callJson(a.url, 'POST', '/api/admin/users', { headers: root, body: { name: 'wes' } })).status).toBe(200);
			const made = await callJson(a.url, 'POST', '/api/admin/tokens', { headers: root, body: { user: 'wes', scope: 'write', name: 'wes-w' } });
			expect(made.status).toBe(200);
			const wes = { authorization: `Bearer ${made.body.token}` };
			const me = await waitFor(
				async () => {
					const r = await callJson(b.url, 'GET', '/api/auth/me', { headers: wes });
					return r.body?.signed_in === true ? r : null; // an unknown token reads as anonymous here
				},
				{ timeoutMs: 1000, what: "B accepting A's new token" }
			);
			expect(me.body).toMatchObject({ user: 'wes', scope: 'write', signed_in: true });
			expect((await callJson(b.url, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { headers: wes })).status).toBe(200);

			const closes: number[] = [];
			const Polyfill = class extends WebSocket {};
			provider = new WebsocketProvider(b.url.replace('http', 'ws') + '/sync', docNames.workspace, new Y.Doc(), {
				WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket,
				disableBc: true,
				maxBackoffTime: 200,
				params: { token: made.body.token }
			});
			provider.on('connection-close', (event) => void (event && closes.push(event.code)));
			const p = provider;
			await waitFor(() => p.synced, { what: 'socket on B synced', events: [[p, 'sync']] });

			expect((await callJson(a.url, 'DELETE', '/api/admin/tokens/wes-w', { headers: root })).status).toBe(200);
			const refused = await waitFor(
				async () => {
					const r = await callJson(b.url, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { headers: wes });
					return r.status === 401 ? r : null;
				},
				{ timeoutMs: 1000, what: 'B refusing the token revoked on A' }
			);
			expect(refused.body.message).toContain('revoked');
			await waitFor(() => closes.includes(4401), { timeoutMs: 1000, what: "B closing the revoked token's socket" });
		} finally {
			provider?.destroy();
			await a.close();
			await b.close();
			await authA.close();
			await authB.close();
		}
	});
});

describe('auth on PostgreSQL through an outage', () => {
	it('answers writes 503 while PostgreSQL is down, and after it returns B hears of A\'s writes again without poll()', async () => {
		const own = await startPostgres(); // its own server: the kill must not disturb the other tests' one
		const a = await openPgAuthStore(own.url);
		const b = await openPgAuthStore(own.url);
		const server = await startTestServer({ staticDir: null, authStore: a });
		try {
			await a.addUser('root', true);
			const root = { authorization: `Bearer ${(await a.createToken({ user: 'root', scope: 'admin', label: 'root' })).token}` };
			await own.kill();
			await expect(a.addUser('down', false)).rejects.toBeInstanceOf(StoreUnavailableError);
			const refused = await callJson(server.url, 'POST', '/api/admin/users', { headers: root, body: { name: 'down-http' } });
			expect(refused.status).toBe(503);
			expect(refused.body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
			await own.restart();
			// The write goes through once PostgreSQL is back; B's listening connection reconnects by itself and reloads.
			const added = async () => ['resolved', 'RESOURCE_ALREADY_EXISTS'].includes(await code(a.addUser('back', false)).catch(() => 'failed'));
			await waitFor(added, { timeoutMs: 10_000, pollMs: 100, what: 'a write on A after the restart' });
			await waitFor(() => b.getUser('back'), { timeoutMs: 10_000, what: 'B reloading after its LISTEN reconnected' });
			await a.addUser('later', false);
			await waitFor(() => b.getUser('later'), { timeoutMs: 2_000, what: "B hearing A's NOTIFY on its new connection" });
		} finally {
			await server.close();
			await a.close();
			await b.close();
			await own.stop();
		}
	}, 60_000);
});
