// A hostile page in the same browser (issue 11 §3): served by a second HTTP server on another loopback port, its
// script tries to read Tandem's API, to write through text/plain and JSON POSTs, and to read and write documents
// over the relay — on a server without users and on one with users whose victim is signed in in that browser (the
// sign-in cookie goes along to a same-site page on another port). The page must read nothing and change nothing:
// checked from what the page reports and from Tandem's own state read over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { BrowserContext } from 'playwright-core';
import { openTestPage } from '../helpers/browser';
import { useE2e } from '../helpers/e2e';
import { callJson } from '../helpers/http';
import { startTestServer } from '../helpers/server';
import { openAuthStore, type AuthStore } from '../../sync-server/auth/auth-store';
import { createExperiment } from '../../src/lib/core/docs/workspace';

const e2e = useE2e();
/** Marks what the victim owns: none of it may show up in anything the hostile page saw. */
const SECRET = 'victim-secret';
/** Marks what the hostile page tries to create: none of it may reach Tandem. */
const EVIL = 'evil-write';

/** y-websocket frames (messageSync = 0): a sync step 1 from an empty document (asks for everything), and an update
 * creating an experiment in the workspace. */
function relayFrames(): { askAll: number[]; write: number[] } {
	const frame = (write: (e: encoding.Encoder) => void) => {
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 0);
		write(e);
		return [...encoding.toUint8Array(e)];
	};
	const doc = new Y.Doc();
	// A valid entry (the relay validates workspace updates): only the origin or the token may keep it out.
	const id = '990000000000000001';
	createExperiment(doc, { experimentId: id, name: `${EVIL}-ws`, artifactLocation: `mlflow-artifacts:/${id}`, now: Date.now() });
	return { askAll: frame((e) => syncProtocol.writeSyncStep1(e, new Y.Doc())), write: frame((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc))) };
}

/** The hostile page: every attempt's outcome lands in `window.__results`, and `window.__done` once all ran. */
function hostilePage(target: string): string {
	const frames = relayFrames();
	const script = `
const T = ${JSON.stringify(target)};
const WS = T.replace(/^http/, 'ws');
const frames = ${JSON.stringify(frames)};
const results = {};
async function attempt(name, fn) {
	try { results[name] = await fn(); } catch (e) { results[name] = { error: String(e) }; }
}
const read = async (r) => ({ type: r.type, status: r.status, body: await r.text() });
const plain = (route, body) => fetch(T + route, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) }).then(read);
function socket(room, send) {
	return new Promise((resolve) => {
		const out = { opened: false, messages: 0, bytes: 0, code: null };
		const ws = new WebSocket(WS + '/sync/' + room);
		ws.binaryType = 'arraybuffer';
		ws.onopen = () => { out.opened = true; for (const f of send) ws.send(new Uint8Array(f)); };
		ws.onmessage = (e) => { out.messages++; out.bytes += e.data.byteLength; ws.close(); };
		ws.onclose = (e) => { out.code = e.code; resolve(out); };
	});
}
(async () => {
	await attempt('get', () => fetch(T + '/api/experiments', { credentials: 'include' }).then(read));
	await attempt('get-no-cors', () => fetch(T + '/api/experiments/0/runs', { mode: 'no-cors', credentials: 'include' }).then(read));
	await attempt('mlflow-create', () => plain('/api/2.0/mlflow/experiments/create', { name: '${EVIL}-mlflow' }));
	await attempt('runs-create', () => plain('/api/runs', { experiment_id: '0', run_name: '${EVIL}-plain' }));
	await attempt('json-post', () => fetch(T + '/api/runs', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_id: '0', run_name: '${EVIL}-json' }) }).then(read));
	await attempt('ws-workspace', () => socket('workspace', [frames.askAll, frames.write]));
	await attempt('ws-experiment', () => socket('exp/0', [frames.askAll]));
	window.__results = results;
	window.__done = true;
})();`;
	return `<!doctype html><html><head><title>not Tandem</title></head><body><script>${script}</script></body></html>`;
}

/** A tiny server for the hostile page: `/?target=<Tandem base URL>` answers the page aimed at that server. */
async function startHostileServer(): Promise<{ port: number; close(): Promise<void> }> {
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		if (url.pathname !== '/') return void res.writeHead(404).end();
		res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostilePage(url.searchParams.get('target') ?? ''));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

type Outcome = { type?: string; status?: number; body?: string; error?: string; opened?: boolean; messages?: number; bytes?: number; code?: number | null };

/** Runs the hostile page from `origin` against Tandem at `target` in `context`; what it reports. */
async function attack(context: BrowserContext, origin: string, target: string): Promise<Record<string, Outcome>> {
	const page = await context.newPage();
	try {
		await page.goto(`${origin}/?target=${encodeURIComponent(target)}`);
		await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true);
		return await page.evaluate(() => (window as unknown as { __results: Record<string, Outcome> }).__results);
	} finally {
		await page.close();
	}
}

/** Nothing the page got holds data: every answer failed, was opaque, or was a refusal; no socket delivered a byte. */
function expectNothingRead(results: Record<string, Outcome>, label: string): void {
	expect(Object.keys(results).sort(), label).toEqual(['get', 'get-no-cors', 'json-post', 'mlflow-create', 'runs-create', 'ws-experiment', 'ws-workspace']);
	expect(JSON.stringify(results), label).not.toContain(SECRET);
	for (const [name, r] of Object.entries(results)) {
		if (name.startsWith('ws-')) {
			expect(r.messages, `${label} ${name}: ${JSON.stringify(r)}`).toBe(0);
			continue;
		}
		const refused = r.error !== undefined || r.type === 'opaque' || (r.status !== undefined && r.status >= 400);
		expect(refused, `${label} ${name}: ${JSON.stringify(r)}`).toBe(true);
		if (r.type === 'opaque') expect(r.body, `${label} ${name}`).toBe('');
	}
}

describe('a cross-origin page [e2e]', () => {
	let hostile: Awaited<ReturnType<typeof startHostileServer>>;
	let store: AuthStore;
	/** Tandem under both loopback names: a page on one is another site for the other, and same-site on another port. */
	let targets: string[];
	let origins: string[];
	beforeAll(async () => {
		hostile = await startHostileServer();
		store = openAuthStore(path.join(e2e.server.dataDir, 'auth.db'));
		const port = new URL(e2e.server.url).port;
		targets = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
		origins = [`http://127.0.0.1:${hostile.port}`, `http://localhost:${hostile.port}`];
		await e2e.post('/api/runs', { experiment_name: `${SECRET}-exp`, run_name: `${SECRET}-run` });
		await e2e.post('/api/runs', { experiment_id: '0', run_name: `${SECRET}-default-run` });
	});
	afterAll(async () => {
		store.close();
		await hostile.close();
	});

	/** Tandem's experiments and experiment 0's runs, read over HTTP (with `token` once users exist): no EVIL name. */
	async function expectNothingChanged(token: string | null): Promise<void> {
		const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
		const experiments = await callJson(e2e.server.url, 'GET', '/api/experiments', { headers });
		expect(experiments.status).toBe(200);
		const names: string[] = experiments.body.experiments.map((e: { name: string }) => e.name);
		expect(names).toContain(`${SECRET}-exp`);
		const runs = await callJson(e2e.server.url, 'GET', '/api/experiments/0/runs', { headers });
		expect(runs.status).toBe(200);
		const runNames: string[] = runs.body.runs.map((r: { name: string }) => r.name);
		expect(runNames).toContain(`${SECRET}-default-run`);
		expect(JSON.stringify([names, runNames])).not.toContain(EVIL);
	}

	it('reads and changes nothing on a server without users', async () => {
		const t = await openTestPage(e2e.browser);
		try {
			for (const origin of origins) for (const target of targets) expectNothingRead(await attack(t.context, origin, target), `${origin} → ${target}`);
			await expectNothingChanged(null);
		} finally {
			await t.close();
		}
	});

	it('reads and changes nothing on a server with users, its victim signed in in the same browser', async () => {
		await store.addUser('victim', true);
		const { token } = await store.createToken({ user: 'victim', scope: 'admin', label: 'victim-admin' });
		const t = await openTestPage(e2e.browser);
		try {
			// The victim signs in to Tandem under both names: each keeps its own cookie.
			for (const target of targets) {
				await t.page.goto(`${target}/signin`);
				await t.page.fill('[aria-label=Token]', token);
				await t.page.click('button[type=submit]');
				await t.page.waitForURL(`${target}/`);
				await t.page.waitForSelector('[data-testid=signed-in-as]');
			}
			expect((await t.context.cookies()).filter((c) => c.name === 'tandem_token').map((c) => c.domain).sort()).toEqual(['127.0.0.1', 'localhost']);
			for (const origin of origins) for (const target of targets) expectNothingRead(await attack(t.context, origin, target), `${origin} → ${target}`);
			await expectNothingChanged(token);
			// The victim's own page still works after all that.
			await t.page.goto(`${targets[0]}/experiments/0`);
			await t.page.waitForSelector('[role=row][data-run-id]');
			expect(t.errors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
		} finally {
			await t.close();
		}
	});

	it('control: the same page from an origin the server is told to allow does read and write, and these checks see it', async () => {
		const origin = origins[0];
		const allowing = await startTestServer({ allowedOrigins: [origin] });
		const t = await openTestPage(e2e.browser);
		try {
			const results = await attack(t.context, origin, allowing.url);
			expect(results['ws-workspace'].messages).toBeGreaterThan(0);
			const experiments = await callJson(allowing.url, 'GET', '/api/experiments');
			expect(JSON.stringify(experiments.body)).toContain(EVIL);
		} finally {
			await t.close();
			await allowing.close();
		}
	});
});
