// Signing in to the web app (issue 11 §1–§2) in headless Chromium against the real server with users: a deep link
// goes through the sign-in page and back, the header shows who is signed in, sign-out and a revoked token return
// to sign-in, a read-scoped user's edit is refused and said so, and a user refused the shared documents sees the
// lists the server filters for them, and "no access" on what they may not read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText, type TestPage } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { openAuthStore, type AuthStore } from '../../sync-server/auth/auth-store';

const e2e = useE2e();

/** A JSON call with `token` as Bearer; throws unless it answers 200. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(base: string, token: string, method: string, route: string, body?: unknown): Promise<any> {
	const { status, body: json } = await callJson(base, method, route, { body, headers: { authorization: `Bearer ${token}` } });
	if (status !== 200) throw new Error(`${method} ${route} → ${status} ${JSON.stringify(json)}`);
	return json;
}

/**
 * Console errors but the browser's own line for each refused request (a 401 before sign-in, a wrong token): what
 * is left (a script error, a CSP violation) is a fault.
 */
const faults = (t: TestPage) => t.errors.filter((e) => !/Failed to load resource: the server responded with a status of 40[13]/.test(e));

/** Signs `page` in through the sign-in page it is on and waits until it has returned to `wanted` (a path). */
async function signInHere(page: Page, base: string, token: string, wanted: string): Promise<void> {
	await page.waitForSelector('#signin-heading');
	await page.fill('[aria-label=Token]', token);
	await page.click('button[type=submit]');
	await page.waitForURL(base + wanted);
}

/** Opens `wanted` signed out, which lands on sign-in, and signs in with `token`. */
async function openSignedIn(page: Page, base: string, token: string, wanted: string): Promise<void> {
	await page.goto(base + wanted);
	await page.waitForURL(wanted === '/' ? `${base}/signin` : `${base}/signin?next=${encodeURIComponent(wanted)}`);
	await signInHere(page, base, token, wanted);
}

describe('a server without users [e2e]', () => {
	it('shows no sign-in and no identity', async () => {
		const base = e2e.server.url;
		const t = await openTestPage(e2e.browser);
		try {
			await t.page.goto(`${base}/experiments/0`);
			await waitForText(t.page, 'header [role=status]', 'Live');
			expect(t.page.url()).toBe(`${base}/experiments/0`);
			expect(await t.page.$('[data-testid=signed-in-as]')).toBeNull();
			await t.page.goto(`${base}/signin`);
			await t.page.waitForSelector('text=This server has no users');
			expect(t.errors).toEqual([]);
		} finally {
			await t.close();
		}
	});
});

describe('sign-in [e2e]', () => {
	let store: AuthStore;
	let write: string;
	beforeAll(async () => {
		store = openAuthStore(path.join(e2e.server.dataDir, 'auth.db'));
		await store.addUser('alice', false);
		await store.setGrant('experiment', '0', 'alice', 'EDIT');
		write = (await store.createToken({ user: 'alice', scope: 'write', label: 'alice-write' })).token;
	});
	afterAll(() => store.close());

	it('a deep link shows sign-in; a wrong token shows why; the right one returns to the page, its runs and who is signed in; sign-out returns to sign-in', async () => {
		const base = e2e.server.url;
		const { run_id } = await api(base, write, 'POST', '/api/runs', { experiment_id: '0', run_name: 'signed-in-run' });
		const t = await openTestPage(e2e.browser);
		try {
			await t.page.goto(`${base}/experiments/0`);
			await t.page.waitForURL(`${base}/signin?next=${encodeURIComponent('/experiments/0')}`);
			await waitForText(t.page, '#signin-heading', 'Sign in to Tandem');
			expect(await t.page.textContent('[data-testid=signin]')).toContain('npm run tandem -- token create --user NAME --scope write');
			expect(await t.page.$('[data-testid=signed-in-as]')).toBeNull();

			await t.page.fill('[aria-label=Token]', 'tdm_not-a-token');
			await t.page.click('button[type=submit]');
			await waitForText(t.page, '[data-testid=signin-error]', 'Invalid token');
			expect(t.page.url()).toContain('/signin');

			await signInHere(t.page, base, write, '/experiments/0');
			await t.page.waitForSelector(`[role=row][data-run-id="${run_id}"]`);
			await waitForText(t.page, '[data-testid=signed-in-as] .user', 'alice');
			await waitForText(t.page, '[data-testid=signed-in-as] .scope', 'write');
			await waitForText(t.page, 'header [role=status]', 'Live');

			await t.page.click('[data-testid=signed-in-as] button');
			await t.page.waitForURL(`${base}/signin`);
			await t.page.waitForSelector('#signin-heading');
			const me = await t.page.evaluate(() => fetch('/api/auth/me').then((r) => r.json()));
			expect(me).toMatchObject({ auth_required: true, signed_in: false });
			// Signing out also deletes this browser's copies of the documents.
			await waitFor(() => t.page.evaluate(async () => !(await indexedDB.databases()).some((d) => d.name?.startsWith('tandem:'))), {
				what: 'IndexedDB cleared after sign-out'
			});
			expect(await t.page.$('[data-testid=signed-in-as]')).toBeNull();
			expect(faults(t)).toEqual([]);
		} finally {
			await t.close();
		}
	});

	it('a token revoked while the page is open drops it back to sign-in, which says why', async () => {
		const base = e2e.server.url;
		const { token } = await store.createToken({ user: 'alice', scope: 'write', label: 'alice-doomed' });
		const t = await openTestPage(e2e.browser);
		try {
			await openSignedIn(t.page, base, token, '/experiments/0');
			await waitForText(t.page, 'header [role=status]', 'Live');
			await store.revokeToken('alice-doomed');
			await t.page.waitForURL(`${base}/signin?next=${encodeURIComponent('/experiments/0')}`, { timeout: 5_000 });
			await t.page.waitForSelector('[data-testid=signin-reason]');
			expect(await t.page.textContent('[data-testid=signin-reason]')).toContain('revoked');
			expect(faults(t)).toEqual([]);
		} finally {
			await t.close();
		}
	});

	it("a read-scoped user sees the runs, but a tag edit in the page never reaches the server, and the page says why", async () => {
		const base = e2e.server.url;
		const { run_id } = await api(base, write, 'POST', '/api/runs', { experiment_id: '0', run_name: 'read-only-run', tags: { team: 'vision' } });
		const { token: read } = await store.createToken({ user: 'alice', scope: 'read', label: 'alice-read' });
		const t = await openTestPage(e2e.browser);
		try {
			await openSignedIn(t.page, base, read, `/runs/${run_id}`);
			await waitForText(t.page, '[data-testid=run-name]', 'read-only-run');
			await waitForText(t.page, '[data-testid=signed-in-as] .scope', 'read');
			await waitForText(t.page, 'header [role=status]', 'Live');
			await t.page.fill('[data-testid=tags] [data-tag=team] input', 'audio');
			await t.page.press('[data-testid=tags] [data-tag=team] input', 'Enter');
			await t.page.waitForSelector('[data-testid=write-denied]');
			const said = await t.page.textContent('[data-testid=write-denied]');
			expect(said).toMatch(/permission denied/i);
			expect(said).toContain('read-only token');
			// The relay answered the edit (the notice), so it has been dropped by now, not merely delayed.
			const run = (await api(base, write, 'GET', `/api/runs/${run_id}`)).run;
			expect(run.tags.team).toBe('vision');
			expect(faults(t)).toEqual([]);
		} finally {
			await t.close();
		}
	});
});

describe('a user refused the shared documents [e2e]', () => {
	let server: TestServer;
	let store: AuthStore;
	let admin: string;
	let bob: string;
	const ids: Record<string, string> = {};
	beforeAll(async () => {
		server = await startTestServer({ defaultPermission: 'NO_PERMISSIONS' });
		store = openAuthStore(path.join(server.dataDir, 'auth.db'));
		await store.addUser('root', true);
		await store.addUser('bob', false);
		admin = (await store.createToken({ user: 'root', scope: 'admin', label: 'root-admin' })).token;
		bob = (await store.createToken({ user: 'bob', scope: 'write', label: 'bob-write' })).token;
		for (const name of ['bob-can-read', 'bob-cannot-read']) {
			ids[name] = (await api(server.url, admin, 'POST', '/api/2.0/mlflow/experiments/create', { name })).experiment_id;
			await api(server.url, admin, 'POST', '/api/runs', { experiment_id: ids[name], run_name: `${name}-run` });
		}
		for (const name of ['model-bob-reads', 'model-bob-cannot']) await api(server.url, admin, 'POST', '/api/2.0/mlflow/registered-models/create', { name });
		await store.setGrant('experiment', ids['bob-can-read'], 'bob', 'READ');
		await store.setGrant('registered_model', 'model-bob-reads', 'bob', 'READ');
	});
	afterAll(async () => {
		store.close();
		await server.close();
	});

	it('lists only what the server lets them read (read-only), and shows "no access" on an experiment they may not read', async () => {
		const base = server.url;
		const t = await openTestPage(e2e.browser);
		try {
			await openSignedIn(t.page, base, bob, '/');
			await t.page.waitForSelector('[data-testid=read-only-list]');
			await waitForText(t.page, 'header [role=status]', 'Live');
			await t.page.waitForSelector(`a[href="/experiments/${ids['bob-can-read']}"]`);
			const listed = await t.page.textContent('main');
			expect(listed).toContain('bob-can-read');
			expect(listed).not.toContain('bob-cannot-read');

			await t.page.click('nav a[href="/models"]');
			await t.page.waitForSelector('a:text-is("model-bob-reads")');
			expect(await t.page.textContent('main')).not.toContain('model-bob-cannot');
			expect(await t.page.textContent('[data-testid=read-only-list]')).toContain('models you may read');

			await t.page.goto(`${base}/experiments/${ids['bob-can-read']}`);
			await t.page.waitForSelector('[role=row][data-run-id]');
			expect(await t.page.textContent('[role=row][data-run-id]')).toContain('bob-can-read-run');

			await t.page.goto(`${base}/experiments/${ids['bob-cannot-read']}`);
			await waitForText(t.page, '#no-access-heading', "You don't have access to this");
			expect(await t.page.textContent('main')).not.toContain('bob-cannot-read-run');
			expect(faults(t)).toEqual([]);
		} finally {
			await t.close();
		}
	});
});
