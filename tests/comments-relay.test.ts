// Comments over the relay on a server with users (issue 13 §3, docs/design.md): real y-websocket providers. A READ
// user's socket on exp/<id>/comments is read-only; an editor writes comments only in their own name, edits and
// deletes only their own (MANAGE deletes anyone's), resolves and reopens in their own name; malformed comment writes
// are refused whole; registry/comments needs EDIT on the model a thread is about. Refused writes never reach others.
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
import { createThread, deleteComment, editComment, readThreads, replyToThread, setThreadResolved } from '../src/lib/core/docs/comments';

let server: TestServer;
let auth: AuthStore;
const tokens: Record<string, string> = {};
let experimentId: string;
let runId: string;
const providers: WebsocketProvider[] = [];
const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
const denials = (why: RegExp) => warn.mock.calls.filter((c) => String(c[0]).includes('Permission denied') && why.test(String(c[0]))).length;

beforeAll(async () => {
	server = await startTestServer({ staticDir: null, defaultPermission: 'READ' });
	auth = openAuthStore(path.join(server.dataDir, 'auth.db'));
	for (const user of ['wanda', 'eddie', 'rita']) {
		await auth.addUser(user, false);
		tokens[user] = (await auth.createToken({ user, scope: 'write', label: user })).token;
	}
	const at = { authorization: `Bearer ${tokens.wanda}` };
	const created = await callJson(server.url, 'POST', '/api/runs', { headers: at, body: { experiment_name: 'comments-relay', run_name: 'r' } });
	expect(created.status).toBe(200);
	({ experiment_id: experimentId, run_id: runId } = created.body);
	await auth.setGrant('experiment', experimentId, 'eddie', 'EDIT');
	expect((await callJson(server.url, 'POST', '/api/2.0/mlflow/registered-models/create', { headers: at, body: { name: 'reviewed' } })).status).toBe(200);
});
afterAll(async () => {
	for (const p of providers) p.destroy();
	warn.mockRestore();
	auth.close();
	await server.close();
});

/** A fresh Yjs client on `name` as `user` (a refused write sticks to its client, so each refusal gets its own). */
async function open(name: string, user: string) {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', name, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 200,
		params: { token: tokens[user] }
	});
	providers.push(provider);
	await waitFor(() => provider.synced, { what: `${user} synced ${name}`, events: [[provider, 'sync']] });
	return doc;
}

/** Runs `write` and waits for the relay's refusal matching `why`. */
async function expectRefused(why: RegExp, write: () => void): Promise<void> {
	const before = denials(why);
	write();
	await waitFor(() => denials(why) > before, { what: `refusal ${why}` });
}

const RUN = () => ({ kind: 'run' as const, runId });
const bodies = (doc: Y.Doc) => readThreads(doc).flatMap((t) => t.comments.map((c) => c.body));

describe('comments over the relay with users', () => {
	it("keeps a READ user's comment off the document", async () => {
		const wanda = await open(docNames.comments(experimentId), 'wanda');
		await expectRefused(/rita has READ/, async () => createThread(await open(docNames.comments(experimentId), 'rita'), RUN(), 'rita', 'sneaky', Date.now()));
		const id = createThread(wanda, RUN(), 'wanda', 'from the owner', Date.now());
		const rita = await open(docNames.comments(experimentId), 'rita');
		await waitFor(() => readThreads(rita).some((t) => t.id === id), { what: 'rita receives the owner comment' });
		expect(bodies(rita)).not.toContain('sneaky');
	});

	it("writes, edits and deletes comments only in the writer's own name; resolves in one's own name; MANAGE deletes anyone's", async () => {
		const name = docNames.comments(experimentId);
		const wanda = await open(name, 'wanda');
		const thread = createThread(wanda, { kind: 'run', runId, metric: 'loss', step: 40 }, 'wanda', 'spike at 40', Date.now());
		const eddie = await open(name, 'eddie');
		await waitFor(() => readThreads(eddie).some((t) => t.id === thread), { what: 'eddie receives the thread' });

		await expectRefused(/in the writer's own name only \(eddie\)/, () => replyToThread(eddie, thread, 'wanda', 'posing as wanda', Date.now()));
		const e2 = await open(name, 'eddie');
		await expectRefused(/comments are edited in the writer's own name/, () => editComment(e2, thread, 'rewritten by eddie', Date.now()));
		const e3 = await open(name, 'eddie');
		await expectRefused(/comments are deleted/, () => deleteComment(e3, thread, 'eddie', Date.now()));
		const e4 = await open(name, 'eddie');
		await expectRefused(/threads are resolved and reopened in the writer's own name/, () => setThreadResolved(e4, thread, true, 'wanda', Date.now()));

		const e5 = await open(name, 'eddie');
		const reply = replyToThread(e5, thread, 'eddie', 'a real reply', Date.now());
		editComment(e5, reply, 'a real reply, edited', Date.now());
		setThreadResolved(e5, thread, true, 'eddie', Date.now());
		await waitFor(() => readThreads(wanda).find((t) => t.id === thread)?.resolved?.by === 'eddie', { what: 'eddie resolves the thread' });
		expect(readThreads(wanda).find((t) => t.id === thread)!.comments.map((c) => c.body)).toEqual(['spike at 40', 'a real reply, edited']);
		// wanda created the experiment (MANAGE): she may delete eddie's reply.
		deleteComment(wanda, reply, 'wanda', Date.now());
		await waitFor(() => readThreads(e5).find((t) => t.id === thread)?.comments[1].deleted?.by === 'wanda', { what: 'MANAGE deletion reaches eddie' });
		expect(bodies(wanda)).not.toContain('posing as wanda');
		expect(bodies(wanda)).not.toContain('rewritten by eddie');
	});

	it('refuses malformed comment writes whole', async () => {
		const name = docNames.comments(experimentId);
		const id = 'f'.repeat(32);
		const good = { thread: id, target: { kind: 'run', runId }, author: 'eddie', body: 'ok', created: Date.now() };
		const cases: [RegExp, unknown][] = [
			[/non-empty Markdown of at most 10000/, { ...good, body: 'x'.repeat(10_001) }],
			[/integer step/, { ...good, target: { kind: 'run', runId, metric: 'loss', step: 1.5 } }],
			[/a comment is \{thread/, { ...good, html: '<script>' }],
			[/a run target needs a run id/, { ...good, target: { kind: 'run', runId: '../etc' } }]
		];
		for (const [why, value] of cases) {
			const doc = await open(name, 'eddie');
			await expectRefused(why, () => doc.getMap('comments').set(id, value));
		}
		const doc = await open(name, 'eddie');
		await expectRefused(/not part of a comments document/, () => doc.getMap('elsewhere').set('x', 1));
		const wanda = await open(name, 'wanda');
		expect(readThreads(wanda).some((t) => t.id === id)).toBe(false);
	});

	it('needs EDIT on the registered model for registry comments', async () => {
		const target = { kind: 'version' as const, name: 'reviewed', version: '1' };
		await expectRefused(/rita has READ on registered model 'reviewed'/, async () => createThread(await open(docNames.registryComments, 'rita'), target, 'rita', 'not mine to say', Date.now()));
		await auth.setGrant('registered_model', 'reviewed', 'rita', 'EDIT');
		const rita = await open(docNames.registryComments, 'rita');
		const id = createThread(rita, target, 'rita', 'ship it?', Date.now());
		const wanda = await open(docNames.registryComments, 'wanda');
		await waitFor(() => readThreads(wanda).some((t) => t.id === id), { what: 'rita comment reaches wanda' });
		expect(bodies(wanda)).not.toContain('not mine to say');
	});
});
