// Registry governance in Chromium with two people signed in (alice, who manages the model, and bob, who may edit
// it), each in their own browser context: alice protects Production in the app; her move of a version there becomes
// a request, which she cannot approve (not offered, and refused by the server when she tries over HTTP); bob sees it
// live and approves it; the move happens, and both timelines and the API record it. Then both move one alias at the
// same moment: every screen and the API settle on the same version, and the log keeps both moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openTestPage, waitForText, type TestPage } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { waitFor } from '../helpers/wait';
import { openAuthStore, type AuthStore } from '../../sync-server/auth/auth-store';

const e2e = useE2e();
const R = '/api/2.0/mlflow';
const MODEL = 'guarded-e2e';

let store: AuthStore;
const tokens: Record<string, string> = {};
beforeAll(async () => {
	store = openAuthStore(path.join(e2e.server.dataDir, 'auth.db'));
	await store.addUser('root', true);
	await store.addUser('alice', false);
	await store.addUser('bob', false);
	for (const user of ['root', 'alice', 'bob']) tokens[user] = (await store.createToken({ user, scope: user === 'root' ? 'admin' : 'write', label: `${user}-e2e` })).token;
});
afterAll(() => store.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(user: string, method: string, route: string, body?: unknown): Promise<any> {
	const { status, body: json } = await callJson(e2e.server.url, method, route, { body, headers: { authorization: `Bearer ${tokens[user]}` } });
	if (status !== 200) throw new Error(`${method} ${route} → ${status} ${JSON.stringify(json)}`);
	return json;
}
const stageOf = async (v: string) => (await api('root', 'GET', `${R}/model-versions/get?name=${MODEL}&version=${v}`)).model_version.current_stage;

/** Opens the model page signed in as `user` (through the sign-in page a signed-out deep link lands on). */
async function openAs(user: string): Promise<TestPage> {
	const t = await openTestPage(e2e.browser, { viewport: { width: 1200, height: 1400 } });
	const wanted = `/models/${MODEL}`;
	await t.page.goto(e2e.server.url + wanted);
	await t.page.waitForSelector('#signin-heading');
	await t.page.fill('[aria-label=Token]', tokens[user]);
	await t.page.click('button[type=submit]');
	await t.page.waitForURL(e2e.server.url + wanted);
	await waitForText(t.page, '[data-testid=signed-in-as] .user', user);
	await t.page.locator('tr[data-version="2"]').waitFor();
	return t;
}

const row = (n: number) => `tr[data-version="${n}"]`;
const setAliasInUi = async (page: Page, version: number, alias: string) => {
	await page.getByRole('button', { name: `Add alias to version ${version}` }).click();
	await page.getByLabel(`New alias for version ${version}`).fill(alias);
	await page.getByRole('button', { name: 'Set alias' }).click();
};

describe('protected stages with approvals, and concurrent alias moves [e2e]', () => {
	it('a protected-stage request made by alice is approved by bob (never by alice), recorded in the timeline, and the move happens', async () => {
		await api('root', 'POST', `${R}/registered-models/create`, { name: MODEL });
		for (const n of [1, 2]) await api('root', 'POST', `${R}/model-versions/create`, { name: MODEL, source: `s3://b/${n}` });
		await store.setGrant('registered_model', MODEL, 'alice', 'MANAGE');
		await store.setGrant('registered_model', MODEL, 'bob', 'EDIT');
		const alice = await openAs('alice');
		const bob = await openAs('bob');
		try {
			// Bob may not change protection (MANAGE): the server refuses and his page says so.
			await bob.page.getByTestId('protect-stage-Production').click(); // not check(): the refusal unticks it again at once
			await bob.page.locator('[data-testid=governance-notice]', { hasText: 'Permission denied: bob has EDIT' }).waitFor();
			expect(await bob.page.getByTestId('protect-stage-Production').isChecked()).toBe(false);
			await alice.page.getByTestId('protect-stage-Production').check();
			await waitForText(alice.page, '[data-testid=governance-notice]', 'Protection saved.');
			await waitFor(async () => bob.page.getByTestId('protect-stage-Production').isChecked(), { what: 'protection live in bob\u2019s page' });
			expect((await api('alice', 'GET', `/api/registry/models/${MODEL}/protection`)).stages).toEqual(['Production']);

			// Alice moves v1 to Production: a request, not a move.
			await alice.page.getByRole('button', { name: 'Change stage of version 1' }).click();
			await alice.page.getByLabel('New stage for version 1').selectOption('Production');
			await alice.page.getByRole('button', { name: 'Transition', exact: true }).click();
			await alice.page.locator('[data-testid=governance-notice]', { hasText: 'awaits approval by a second person' }).waitFor();
			const request = alice.page.locator('[data-testid=pending-requests] [data-testid=request]');
			await request.locator('.wait', { hasText: 'waiting for a second person' }).waitFor();
			expect(await request.locator('[data-testid=approve]').count()).toBe(0);
			expect(await stageOf('1')).toBe('None');
			const id = await request.getAttribute('data-request-id');
			expect(id).toMatch(/^[0-9a-f]{32}$/);

			// Alice's own approval over HTTP, from her signed-in page, is refused by the server.
			const own = await alice.page.evaluate(async (url) => {
				const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
				return { status: res.status, body: await res.json() };
			}, `/api/registry/models/${MODEL}/requests/${id}/approve`);
			expect(own).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/made by alice: a second person must approve it/) } });
			expect(await stageOf('1')).toBe('None');

			// Bob sees it live, asked by alice, and approves it.
			const bobRequest = bob.page.locator(`[data-testid=request][data-request-id="${id}"]`);
			await bobRequest.locator('.who', { hasText: 'asked by alice' }).waitFor();
			await bobRequest.locator('[data-testid=approve]').click();
			await waitForText(bob.page, '[data-testid=governance-notice]', 'Approved: the move was made.');
			await waitFor(async () => (await stageOf('1')) === 'Production', { what: 'v1 in Production on the server' });
			for (const t of [alice, bob]) {
				await waitForText(t.page, `${row(1)} [data-col=stage]`, 'Production');
				await t.page.locator('[data-testid=decided-requests] li[data-status=approved]', { hasText: 'approved by bob' }).waitFor();
				await t.page.locator('[data-testid=timeline-spans] [data-key="stage:Production"] [data-testid=span]', { hasText: /^v1 .* – now by bob$/ }).waitFor();
				await waitForText(t.page, '[data-testid=timeline-holders] [data-key="stage:Production"] dd', 'v1');
			}
			const timeline = await api('bob', 'GET', `/api/registry/models/${MODEL}/timeline?at=${Date.now()}`);
			expect(timeline.holders.stages).toEqual({ Production: ['1'] });
			expect(timeline.requests).toMatchObject([{ id, requestedBy: 'alice', status: 'approved', decidedBy: 'bob' }]);
			expect(timeline.moves).toMatchObject([{ kind: 'stage', version: '1', to: 'Production', who: 'bob', requestId: id }]);
			expect(alice.errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
		} finally {
			await alice.close();
			await bob.close();
		}
	});

	it('two contexts moving one alias at the same moment settle on the same version everywhere; the log keeps both moves', async () => {
		const alice = await openAs('alice');
		const bob = await openAs('bob');
		try {
			await Promise.all([setAliasInUi(alice.page, 1, 'shared'), setAliasInUi(bob.page, 2, 'shared')]);
			const settled = await waitFor(async () => {
				const seen = await Promise.all([alice, bob].map((t) => t.page.locator('[data-testid=timeline-holders] [data-key="alias:shared"] dd').textContent().catch(() => null)));
				const api1 = await callJson(e2e.server.url, 'GET', `${R}/registered-models/alias?name=${MODEL}&alias=shared`, { headers: { authorization: `Bearer ${tokens.root}` } });
				const onServer = api1.status === 200 ? `v${api1.body.model_version.version}` : null;
				return seen[0] && seen[0] === seen[1] && seen[0] === onServer && onServer;
			}, { what: 'one value for @shared in both pages and the API' });
			expect(['v1', 'v2']).toContain(settled);
			const moves = (await api('root', 'GET', `/api/registry/models/${MODEL}/timeline`)).moves.filter((m: { alias?: string }) => m.alias === 'shared');
			expect(moves.map((m: { who: string; to: string }) => `${m.who}:${m.to}`).sort()).toEqual(['alice:1', 'bob:2']);
			for (const t of [alice, bob]) {
				await waitFor(async () => (await t.page.locator('[data-testid=audit-log] li[data-kind=alias]').allTextContents()).filter((x) => x.includes('@shared')).length === 2, { what: 'both moves in each audit log' });
				const open = t.page.locator('[data-testid=timeline-spans] [data-key="alias:shared"] [data-testid=span]', { hasText: '– now' });
				await waitFor(async () => (await open.count()) === 1 && (await open.textContent())?.startsWith(settled), { what: 'the open @shared span on the settled version' });
			}
		} finally {
			await alice.close();
			await bob.close();
		}
	});
});
