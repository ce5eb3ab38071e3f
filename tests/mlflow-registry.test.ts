// The MLflow model registry REST API against the real server: the official Python client (tests/python/registry_*.py)
// for the whole flow, search and error codes; raw requests for both prefixes, GET fallbacks and DELETE bodies; and
// the registry document over a real y-websocket client: audit entries arrive live, and client edits reach the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { docNames } from '../src/lib/core/schema';
import { readAuditLog, readRegisteredModel, type AuditEntry } from '../src/lib/core/docs/registry';
import { createModelVersion, createRegisteredModel, moveStage } from '../src/lib/core/docs/registry-edit';
import { runPython, type PythonResult } from './helpers/python';
import { once, waitFor } from './helpers/wait';
import { startTestServer, type TestServer } from './helpers/server';
import { callJson } from './helpers/http';

let server: TestServer;
const R = '/api/2.0/mlflow';

const call = (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => callJson(server.url, method, p, { body, headers });

function assertPythonOk(r: PythonResult) {
	expect(r.code, `python failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
	expect(r.json, `no JSON line:\n${r.stdout}`).not.toBeNull();
}

/** A y-websocket client of the `registry` document, synced. */
async function openRegistry(): Promise<{ doc: Y.Doc; provider: WebsocketProvider }> {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', docNames.registry, doc, { WebSocketPolyfill: WebSocket as never });
	if (!provider.synced) await once(provider, 'sync');
	return { doc, provider };
}

const moves = (entries: AuditEntry[], model: string) =>
	entries.filter((e) => e.model === model).map((e) => [e.who, e.kind, e.alias ?? '', e.version, e.from, e.to]);

beforeAll(async () => {
	server = await startTestServer({ staticDir: null });
});
afterAll(async () => {
	await server?.close();
});

describe('MLflow model registry with the official Python client', () => {
	it('runs the registry flow; every stage and alias move reaches a live relay client as an audit entry', async () => {
		const { doc, provider } = await openRegistry();
		try {
			const seen: number[] = [];
			doc.on('update', () => seen.push(readAuditLog(doc).length));
			const r = await runPython('registry_flow.py', server.url, {
				args: ['fraud'],
				env: { MLFLOW_TRACKING_USERNAME: 'alice', MLFLOW_TRACKING_PASSWORD: 'secret' }
			});
			assertPythonOk(r);
			expect(r.json).toEqual({
				run_id: expect.stringMatching(/^[0-9a-f]{32}$/),
				versions: ['1', '2', '3', '4'],
				archived_stage: 'Archived',
				latest: { Production: '2', Staging: '3' },
				latest_all: { Archived: '1', Production: '2', Staging: '3' },
				model: {
					tags: { owner: 'ada' },
					description: 'fraud scoring',
					aliases: { champion: '3' },
					latest: [['1', 'Archived'], ['2', 'Production'], ['3', 'Staging']]
				},
				version_tags: { '1': {}, '2': { validated: 'yes' } },
				download_uri: 's3://models/fraud/3',
				renamed: 'fraud-v2',
				aliases_after_delete: {},
				errors: {
					old_name: 'RESOURCE_DOES_NOT_EXIST',
					deleted_version: 'RESOURCE_DOES_NOT_EXIST',
					duplicate: 'RESOURCE_ALREADY_EXISTS',
					deleted_model: 'RESOURCE_DOES_NOT_EXIST'
				}
			});
			const expected = [
				['alice', 'stage', '', '1', 'None', 'Production'],
				['alice', 'stage', '', '1', 'Production', 'Archived'],
				['alice', 'stage', '', '2', 'None', 'Production'],
				['alice', 'stage', '', '3', 'None', 'Staging'],
				['alice', 'alias', 'champion', '2', null, '2'],
				['alice', 'alias', 'champion', '3', '2', '3'],
				['alice', 'alias', 'challenger', '1', null, '1'],
				['alice', 'alias', 'challenger', '1', '1', null]
			];
			await waitFor(() => readAuditLog(doc).length === expected.length + 1, { what: 'audit entries in the relay client' });
			const log = readAuditLog(doc);
			expect(moves(log, 'fraud')).toEqual(expected);
			expect(moves(log, 'fraud-v2')).toEqual([['alice', 'alias', 'champion', '3', '3', null]]);
			expect(log.every((e) => e.at >= log[0].at && e.at <= Date.now())).toBe(true);
			// Live: the client saw the log grow step by step over its open socket, not in one catch-up.
			expect(new Set(seen).size).toBeGreaterThan(3);
			expect(readRegisteredModel(doc, 'fraud-v2')).toBeNull();
		} finally {
			provider.destroy();
		}
	});

	it('searches models and versions (filters, order_by, pages) and returns the error codes clients branch on', async () => {
		const r = await runPython('registry_search.py', server.url, { args: ['srch'] });
		assertPythonOk(r);
		expect(r.json).toEqual({
			searches: {
				by_name: ['srch-alpha'],
				like: ['srch-Delta', 'srch-alpha', 'srch-beta', 'srch-gamma'],
				ilike: ['srch-Delta'],
				tags: ['srch-alpha', 'srch-gamma'],
				desc: ['srch-gamma', 'srch-beta', 'srch-alpha', 'srch-Delta'],
				pages: [['srch-Delta', 'srch-alpha', 'srch-beta'], ['srch-gamma']],
				versions_by_name: ['srch-alpha/1', 'srch-alpha/2'],
				versions_by_run: ['srch-alpha/1'],
				versions_by_source: ['srch-beta/1'],
				versions_by_number: ['srch-alpha/2'],
				versions_by_tag: ['srch-alpha/2'],
				latest_alias: '2'
			},
			errors: {
				bad_filter: 'INVALID_PARAMETER_VALUE',
				bad_order: 'INVALID_PARAMETER_VALUE',
				unknown_version: 'RESOURCE_DOES_NOT_EXIST',
				unknown_model: 'RESOURCE_DOES_NOT_EXIST',
				version_for_unknown_model: 'RESOURCE_DOES_NOT_EXIST',
				local_source: 'INVALID_PARAMETER_VALUE',
				reserved_alias: 'INVALID_PARAMETER_VALUE',
				unknown_alias: 'INVALID_PARAMETER_VALUE',
				alias_to_missing_version: 'RESOURCE_DOES_NOT_EXIST',
				archive_into_archived: 'INVALID_PARAMETER_VALUE',
				bad_stage: 'INVALID_PARAMETER_VALUE',
				duplicate: 'RESOURCE_ALREADY_EXISTS'
			}
		});
	});
});

describe('MLflow model registry over raw REST', () => {
	it('serves both prefixes, GET with repeated keys, DELETE with a JSON body, and READY versions', async () => {
		const A = '/ajax-api/2.0/mlflow';
		const created = await call('POST', `${A}/registered-models/create`, { name: 'raw', tags: [{ key: 'k', value: 'v' }] });
		expect(created).toMatchObject({ status: 200, body: { registered_model: { name: 'raw', tags: [{ key: 'k', value: 'v' }], aliases: [], latest_versions: [] } } });
		for (const source of ['s3://b/1', 's3://b/2']) {
			const v = await call('POST', `${R}/model-versions/create`, { name: 'raw', source });
			expect(v.body.model_version).toMatchObject({ name: 'raw', status: 'READY', current_stage: 'None', source });
		}
		await call('POST', `${R}/model-versions/transition-stage`, { name: 'raw', version: '1', stage: 'staging', archive_existing_versions: false }, { 'x-tandem-user': 'bob' });
		await call('POST', `${R}/model-versions/transition-stage`, { name: 'raw', version: '2', stage: 'Production' });
		const viaGet = await call('GET', `${R}/registered-models/get-latest-versions?name=raw&stages=Staging&stages=Production`);
		expect(viaGet.body.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage])).toEqual([
			['1', 'Staging'],
			['2', 'Production']
		]);
		const got = await call('GET', `${A}/model-versions/get?name=raw&version=1`);
		expect(got.body.model_version).toMatchObject({ version: '1', current_stage: 'Staging' });
		expect((await call('GET', `${R}/model-versions/get-download-uri?name=raw&version=2`)).body).toEqual({ artifact_uri: 's3://b/2' });
		expect((await call('DELETE', `${R}/model-versions/delete`, { name: 'raw', version: '1' })).body).toEqual({});
		expect((await call('GET', `${R}/model-versions/get?name=raw&version=1`)).status).toBe(404);
		expect((await call('DELETE', `${R}/registered-models/delete`, { name: 'raw' })).body).toEqual({});
		expect((await call('GET', `${R}/registered-models/get?name=raw`)).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
		const audit = await openRegistry();
		try {
			expect(moves(readAuditLog(audit.doc), 'raw').slice(0, 1)).toEqual([['bob', 'stage', '', '1', 'None', 'Staging']]);
			expect(moves(readAuditLog(audit.doc), 'raw')[1][0]).toBe('unknown');
		} finally {
			audit.provider.destroy();
		}
	});

	it('answers bad requests with MLflow error codes, statuses and messages', async () => {
		await call('POST', `${R}/registered-models/create`, { name: 'errs' });
		const cases: [string, string, unknown, number, string, string][] = [
			['POST', '/registered-models/create', { name: 'errs' }, 400, 'RESOURCE_ALREADY_EXISTS', 'Registered Model (name=errs) already exists.'],
			['POST', '/registered-models/create', {}, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'"],
			['POST', '/registered-models/create', { name: 'a/b' }, 400, 'INVALID_PARAMETER_VALUE', "Names cannot contain '/' or ':'"],
			['GET', '/registered-models/get?name=nope', undefined, 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found'],
			['GET', '/model-versions/get?name=errs&version=7', undefined, 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=errs, version=7) not found'],
			['GET', '/model-versions/get?name=errs&version=x', undefined, 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'x'."],
			['POST', '/model-versions/create', { name: 'errs', source: 'runs:/abc/model' }, 400, 'INVALID_PARAMETER_VALUE', 'The run_id request parameter must identify'],
			['POST', '/model-versions/create', { name: 'errs', source: 's3://b/../etc' }, 400, 'INVALID_PARAMETER_VALUE', 'without relative path references'],
			['POST', '/model-versions/transition-stage', { name: 'errs', version: '1', stage: 'Gone' }, 400, 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage: Gone'],
			['POST', '/registered-models/alias', { name: 'errs', alias: 'latest', version: '1' }, 400, 'INVALID_PARAMETER_VALUE', "'latest' alias name (case insensitive) is reserved."],
			['GET', '/registered-models/search?filter=name%20%3D%20%27x%27%20OR%20name%20%3D%20%27y%27', undefined, 400, 'INVALID_PARAMETER_VALUE', 'Invalid clause(s) in filter string'],
			['GET', '/registered-models/search?max_results=1001', undefined, 400, 'INVALID_PARAMETER_VALUE', 'It must be at most 1000'],
			['GET', '/registered-models/search?page_token=%25%25', undefined, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token'],
			['PUT', '/registered-models/update', { name: 'errs' }, 405, 'METHOD_NOT_ALLOWED', 'not allowed']
		];
		for (const [method, p, body, status, code, text] of cases) {
			const res = await call(method, R + p, body);
			expect({ p, status: res.status, code: res.body?.error_code }).toEqual({ p, status, code });
			expect(res.body.message).toContain(text);
		}
	});
});

describe('the registry document as a collaborative peer', () => {
	it('shows a relay client edit (create, version, stage move) through the MLflow API, audit entry included', async () => {
		const { doc, provider } = await openRegistry();
		try {
			createRegisteredModel(doc, { id: 'c'.repeat(32), name: 'from-browser', description: 'made offline', now: 1_700_000_000_000 });
			createModelVersion(doc, { id: 'd'.repeat(32), modelId: 'c'.repeat(32), number: 1, source: 's3://browser/1', now: 1_700_000_000_001 });
			const model = readRegisteredModel(doc, 'from-browser')!;
			moveStage(doc, { model, version: model.versions[0], stage: 'Production', who: 'carol', now: 1_700_000_000_002 });
			const got = await waitFor(
				async () => {
					const res = await call('GET', `${R}/registered-models/get?name=from-browser`);
					return res.status === 200 && res.body.registered_model.latest_versions.length === 1 ? res.body.registered_model : null;
				},
				{ what: 'client-created model via the API' }
			);
			expect(got).toMatchObject({ description: 'made offline', latest_versions: [{ version: '1', current_stage: 'Production', source: 's3://browser/1' }] });
			const next = await call('POST', `${R}/model-versions/create`, { name: 'from-browser', source: 's3://server/2' });
			expect(next.body.model_version.version).toBe('2');
			await waitFor(() => readRegisteredModel(doc, 'from-browser')?.versions.length === 2, { what: 'server version in the client' });
			expect(moves(readAuditLog(doc), 'from-browser')).toEqual([['carol', 'stage', '', '1', 'None', 'Production']]);
		} finally {
			provider.destroy();
		}
	});
});
