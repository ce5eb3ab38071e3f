// Registry governance against the real server: a protected stage or alias is not moved by MLflow's API (202 and a
// request named in the message), nor by a client writing the registry document over the relay (refused whole); a
// second person approves (the move happens, recorded with the request) or rejects; the requester cannot decide
// their own request; the timeline answers who held Production or an alias at a time T; bad input is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import { readPermissionDenied } from './helpers/relay-clients';
import { readRegisteredModel } from '../src/lib/core/docs/registry';
import { moveAlias, moveStage } from '../src/lib/core/docs/registry-edit';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
});
afterAll(() => server.close());

const as = (who: string, method: string, route: string, body?: unknown) => callJson(server.url, method, route, { body, headers: { 'x-tandem-user': who } });
const ml = (who: string, method: string, route: string, body?: unknown) => as(who, method, `/api/2.0/mlflow/${route}`, body);
const gov = (who: string, method: string, rest: string, body?: unknown) => as(who, method, `/api/registry/models/guarded/${rest}`, body);
const stageOf = async (v: string) => (await ml('x', 'GET', `model-versions/get?name=guarded&version=${v}`)).body.model_version.current_stage;
const aliasesOf = async () => (await ml('x', 'GET', 'registered-models/get?name=guarded')).body.registered_model.aliases ?? [];

describe('protected stages and aliases', () => {
	let t0: number;
	it('turns protected MLflow moves into requests that a second person approves or rejects', async () => {
		await ml('owner', 'POST', 'registered-models/create', { name: 'guarded' });
		for (const n of [1, 2]) await ml('owner', 'POST', 'model-versions/create', { name: 'guarded', source: `s3://b/${n}` });
		expect((await ml('owner', 'POST', 'registered-models/alias', { name: 'guarded', alias: 'champion', version: '1' })).status).toBe(200);
		t0 = Date.now();
		const protection = await gov('owner', 'PUT', 'protection', { stages: ['production', 'Staging'], aliases: ['champion'] });
		expect(protection).toMatchObject({ status: 200, body: { stages: ['Staging', 'Production'], aliases: ['champion'], by: 'owner' } });

		const moved = await ml('alice', 'POST', 'model-versions/transition-stage', { name: 'guarded', version: '1', stage: 'Production', archive_existing_versions: false });
		expect(moved.status).toBe(202);
		expect(moved.body).toMatchObject({ error_code: 'INVALID_STATE', request: { kind: 'stage', stage: 'Production', version: '1', requestedBy: 'alice', status: 'pending' } });
		expect(moved.body.message).toContain(`request ${moved.body.request_id}`);
		expect(await stageOf('1')).toBe('None');
		// Unprotected moves still happen at once.
		expect((await ml('alice', 'POST', 'model-versions/transition-stage', { name: 'guarded', version: '2', stage: 'Archived' })).status).toBe(200);

		const aliasMove = await ml('alice', 'POST', 'registered-models/alias', { name: 'guarded', alias: 'champion', version: '2' });
		expect(aliasMove).toMatchObject({ status: 202, body: { request: { kind: 'alias', alias: 'champion', version: '2' } } });
		const aliasDelete = await ml('alice', 'DELETE', 'registered-models/alias', { name: 'guarded', alias: 'champion' });
		expect(aliasDelete).toMatchObject({ status: 202, body: { request: { kind: 'alias', alias: 'champion', version: null } } });
		expect(await aliasesOf()).toEqual([{ alias: 'champion', version: '1' }]);
		expect(await ml('alice', 'DELETE', 'model-versions/delete', { name: 'guarded', version: '1' })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/protected alias champion/) } });

		// The requester cannot decide, whatever the UI shows.
		const id = moved.body.request_id as string;
		expect(await gov('alice', 'POST', `requests/${id}/approve`)).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/made by alice: a second person must approve it/) } });
		expect(await stageOf('1')).toBe('None');
		const approved = await gov('bob', 'POST', `requests/${id}/approve`);
		expect(approved).toMatchObject({ status: 200, body: { request: { status: 'approved', decidedBy: 'bob' } } });
		expect(await stageOf('1')).toBe('Production');
		expect(await gov('carol', 'POST', `requests/${id}/reject`)).toMatchObject({ status: 400, body: { error_code: 'INVALID_STATE', message: expect.stringMatching(/already approved by bob/) } });

		expect(await gov('bob', 'POST', `requests/${aliasMove.body.request_id}/reject`, { note: 'keep 1' })).toMatchObject({ status: 200, body: { request: { status: 'rejected', note: 'keep 1' } } });
		expect(await aliasesOf()).toEqual([{ alias: 'champion', version: '1' }]);
		expect((await gov('bob', 'POST', `requests/${aliasDelete.body.request_id}/approve`)).status).toBe(200);
		expect(await aliasesOf()).toEqual([]);

		const requests = (await gov('x', 'GET', 'requests')).body.requests;
		expect(requests.map((r: { status: string }) => r.status)).toEqual(['approved', 'rejected', 'approved']);
		expect((await gov('x', 'GET', `requests/${id}`)).body.request.id).toBe(id);
	});

	it('answers which version held Production and champion at a time T, and lists the moves with their requests', async () => {
		const now = (await gov('x', 'GET', 'timeline')).body;
		expect(now.stages).toMatchObject([{ key: 'Archived', version: '2', by: 'alice' }, { key: 'Production', version: '1', by: 'bob', to: null }]);
		expect(now.aliases).toMatchObject([{ key: 'champion', version: '1', by: 'owner' }]);
		expect(now.aliases[0].to).not.toBeNull();
		expect(now.moves.find((m: { kind: string; to: string }) => m.kind === 'stage' && m.to === 'Production')).toMatchObject({ who: 'bob', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) });
		expect(now.requests).toHaveLength(3);
		const before = (await gov('x', 'GET', `timeline?at=${t0}`)).body;
		expect(before.holders).toEqual({ stages: {}, aliases: { champion: '1' } });
		const after = (await gov('x', 'GET', `timeline?at=${Date.now()}`)).body;
		expect(after.holders).toEqual({ stages: { Production: ['1'], Archived: ['2'] }, aliases: {} });
	});

	it('refuses a client that writes a protected stage or alias into the registry document itself', async () => {
		await ml('owner', 'POST', 'registered-models/alias', { name: 'guarded', alias: 'free', version: '2' });
		await gov('owner', 'PUT', 'protection', { stages: ['Staging', 'Production'], aliases: ['champion'] });
		const wsUrl = server.url.replace('http', 'ws') + '/sync';
		/** Makes `edit` from a fresh client (a refused update also refuses what builds on it) and returns its denials. */
		const fromClient = async (edit: (doc: Y.Doc) => void) => {
			const doc = new Y.Doc();
			const provider = new WebsocketProvider(wsUrl, 'registry', doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
			const denied: string[] = [];
			try {
				await waitFor(() => provider.synced && readRegisteredModel(doc, 'guarded')?.versions.length === 2, { what: 'synced', events: [[provider, 'sync']] });
				provider.ws!.addEventListener('message', (m: MessageEvent) => {
					const why = readPermissionDenied(new Uint8Array(m.data as ArrayBuffer));
					if (why) denied.push(why);
				});
				edit(doc);
				return { denied, provider };
			} catch (e) {
				provider.destroy();
				throw e;
			}
		};
		const model = (doc: Y.Doc) => readRegisteredModel(doc, 'guarded')!;
		const stage = await fromClient((doc) => moveStage(doc, { model: model(doc), version: model(doc).versions[1], stage: 'Staging', who: 'mallory', now: Date.now() }));
		const alias = await fromClient((doc) => moveAlias(doc, { model: model(doc), alias: 'champion', version: model(doc).versions[1], who: 'mallory', now: Date.now() }));
		const free = await fromClient((doc) => moveAlias(doc, { model: model(doc), alias: 'free', version: null, who: 'mallory', now: Date.now() }));
		try {
			await waitFor(() => stage.denied[0], { what: 'the stage write refused' });
			await waitFor(() => alias.denied[0], { what: 'the alias write refused' });
			expect(stage.denied[0]).toMatch(/stage Staging is protected: moving a version there needs a request/);
			expect(alias.denied[0]).toMatch(/alias champion is protected/);
			await waitFor(async () => (await aliasesOf()).length === 0, { what: 'the unprotected alias removal' });
			expect(free.denied).toEqual([]);
			expect(await stageOf('2')).toBe('Archived');
		} finally {
			for (const c of [stage, alias, free]) c.provider.destroy();
		}
	});

	it('validates protection, requests, decisions and the timeline time', async () => {
		expect(await gov('owner', 'PUT', 'protection', { stages: ['Live'] })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
		expect(await gov('owner', 'PUT', 'protection', { stages: ['None'] })).toMatchObject({ status: 400 });
		expect(await gov('owner', 'PUT', 'protection', { aliases: ['latest'] })).toMatchObject({ status: 400 });
		expect(await gov('owner', 'PUT', 'protection', { stage: [] })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/Unknown field 'stage'/) } });
		expect(await gov('a', 'POST', 'requests', { kind: 'rename' })).toMatchObject({ status: 400 });
		expect(await gov('a', 'POST', 'requests', { kind: 'stage', version: '1', stage: 'Archived' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_STATE', message: expect.stringMatching(/not protected: move it directly/) } });
		const made = await gov('a', 'POST', 'requests', { kind: 'stage', version: '2', stage: 'Staging' });
		expect(made).toMatchObject({ status: 200, body: { request: { status: 'pending', requestedBy: 'a' } } });
		expect(await gov('a', 'POST', 'requests', { kind: 'stage', version: '9', stage: 'Staging' })).toMatchObject({ status: 404 });
		expect(await gov('b', 'POST', `requests/${'f'.repeat(32)}/approve`)).toMatchObject({ status: 404 });
		expect(await gov('b', 'POST', `requests/${made.body.request.id}/approve`, { note: 'x'.repeat(1001) })).toMatchObject({ status: 400 });
		expect(await gov('x', 'GET', 'timeline?at=yesterday')).toMatchObject({ status: 400 });
		expect(await as('x', 'GET', '/api/registry/models/nope/timeline')).toMatchObject({ status: 404 });
	});
});
