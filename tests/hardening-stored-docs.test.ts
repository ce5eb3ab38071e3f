// The server trusts nothing it reads back from client-writable documents (issue 11, item 4, read side): hostile
// values written straight into the stored `run/<id>` and `exp/<id>` documents (as a client could have before the
// relay checked updates) — a series directory claiming 1e6, Infinity or 2.5 parts, an experiment id that names
// nothing or no valid document, run headers of the wrong types — and every HTTP read of them answers correctly
// (the right data, or a precise 4xx), never a 500 and never a huge allocation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { startServer, type TandemServer } from '../sync-server/server';
import { createMemoryStore } from '../sync-server/store/memory-store';
import type { DocStore } from '../sync-server/store/doc-store';
import { callJson } from './helpers/http';

const R = '/api/2.0/mlflow';
let store: DocStore;
let dataDir: string;
let server: TandemServer;
let experimentId: string;
const runs: Record<string, string> = {};

const call = (method: string, p: string, body?: unknown) => callJson(server.url, method, p, { body });
const post = async (p: string, body: unknown) => {
	const res = await call('POST', p, body);
	if (res.status !== 200) throw new Error(`${p} → ${res.status} ${JSON.stringify(res.body)}`);
	return res.body;
};
const start = async () => {
	server = await startServer({ port: 0, dataDir, store, staticDir: null });
};

/** Applies `edit` to the stored document `name` (loaded from the store as the server would) and stores the change. */
async function editStored(name: string, edit: (doc: Y.Doc) => void): Promise<void> {
	const stored = await store.load(name);
	const doc = new Y.Doc();
	if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
	for (const u of stored.updates) Y.applyUpdate(doc, u);
	const before = Y.encodeStateVector(doc);
	doc.transact(() => edit(doc));
	store.append(name, Y.encodeStateAsUpdate(doc, before));
	await store.flush();
}

const HOSTILE_PARTS: Record<string, unknown> = { huge: 1e6, inf: Infinity, frac: 2.5, neg: -3, nan: NaN, text: 'x', zero: 0, max: Number.MAX_SAFE_INTEGER };

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-hardening-'));
	store = createMemoryStore();
	await start();
	for (const name of ['good', 'nope', 'badexp', 'numexp', 'missingexp', 'headers', ...Object.keys(HOSTILE_PARTS)]) {
		const created = await post('/api/runs', { experiment_name: 'hostile', run_name: name, params: { p: '1' }, tags: { t: 'a' } });
		experimentId = created.experiment_id;
		runs[name] = created.run_id;
		await post(`/api/runs/${created.run_id}/log`, { metrics: [1, 2, 3].map((v) => ({ key: 'loss', value: v, step: v })) });
	}
	await server.close();
	for (const [name, parts] of Object.entries(HOSTILE_PARTS)) {
		await editStored(`run/${runs[name]}`, (doc) => doc.getMap('series').set('loss', parts));
	}
	await editStored(`run/${runs.nope}`, (doc) => doc.getMap('meta').set('experimentId', 'nope'));
	await editStored(`run/${runs.badexp}`, (doc) => doc.getMap('meta').set('experimentId', '../x'));
	await editStored(`run/${runs.numexp}`, (doc) => doc.getMap('meta').set('experimentId', 42));
	await editStored(`run/${runs.missingexp}`, (doc) => doc.getMap('meta').set('experimentId', '999999'));
	await editStored(`exp/${experimentId}`, (doc) => {
		const runsMap = doc.getMap<Y.Map<unknown>>('runs');
		const header = runsMap.get(runs.headers)!;
		header.set('name', 5);
		header.set('status', { no: 1 });
		header.set('startTime', 'yesterday');
		header.set('endTime', Infinity);
		header.set('lifecycle', 7);
		header.set('artifactUri', null);
		header.set('params', { p: 1, q: 'ok', r: { deep: true } });
		const tags = header.get('tags') as Y.Map<unknown>;
		tags.set('n', 12);
		tags.set('o', ['x']);
		runsMap.set('not-a-run-id', new Y.Map());
		runsMap.set('f'.repeat(32), 'not a header' as unknown as Y.Map<unknown>);
	});
	await editStored('workspace', (doc) => {
		const experiments = doc.getMap<Y.Map<unknown>>('experiments');
		const bad = new Y.Map<unknown>();
		bad.set('name', 'evil');
		experiments.set('../x', bad);
		const typed = new Y.Map<unknown>();
		typed.set('name', 5);
		typed.set('creationTime', 'yesterday');
		typed.set('lifecycle', ['x']);
		typed.set('tags', { a: 1, b: 'ok' });
		experiments.set('424242', typed);
	});
	await start();
});

afterAll(async () => {
	await server?.close();
	await rm(dataDir, { recursive: true, force: true });
});

describe('reads of a hostile series directory', () => {
	it.each(Object.keys(HOSTILE_PARTS))('series.loss = %s: the metric reads as stored, by native and MLflow routes', async (name) => {
		const id = runs[name];
		const native = await call('GET', `/api/runs/${id}/metrics/loss`);
		expect(native.status).toBe(200);
		expect(native.body.values).toEqual([1, 2, 3]);
		const history = await call('GET', `${R}/metrics/get-history?run_id=${id}&metric_key=loss`);
		expect(history.status).toBe(200);
		expect(history.body.metrics.map((m: { value: number }) => m.value)).toEqual([1, 2, 3]);
		const bulk = await call('GET', `${R}/metrics/get-history-bulk-interval?run_ids=${id}&metric_key=loss`);
		expect(bulk.status).toBe(200);
		expect(bulk.body.metrics).toHaveLength(3);
	});

	it.each(Object.keys(HOSTILE_PARTS))('series.loss = %s: logging goes on and the new points read back', async (name) => {
		const id = runs[name];
		expect((await call('POST', `/api/runs/${id}/log`, { metrics: [{ key: 'loss', value: 4, step: 4 }] })).status).toBe(200);
		expect((await call('POST', `${R}/runs/log-metric`, { run_id: id, key: 'loss', value: 5, timestamp: 1, step: 5 })).status).toBe(200);
		const native = await call('GET', `/api/runs/${id}/metrics/loss`);
		expect(native.body.values).toEqual([1, 2, 3, 4, 5]);
	});
});

describe("reads of a run whose meta names a bad experiment", () => {
	it.each(['nope', 'badexp', 'numexp', 'missingexp'])('%s: a 404, never a 500, on every run route', async (name) => {
		const id = runs[name];
		for (const [method, p, body] of [
			['GET', `/api/runs/${id}`],
			['GET', `/api/runs/${id}/metrics/loss`],
			['POST', `/api/runs/${id}/log`, { metrics: [{ key: 'loss', value: 1 }] }],
			['GET', `${R}/runs/get?run_id=${id}`],
			['GET', `${R}/metrics/get-history?run_id=${id}&metric_key=loss`],
			['POST', `${R}/runs/set-tag`, { run_id: id, key: 'k', value: 'v' }],
			['GET', `${R}/artifacts/list?run_id=${id}`],
			['GET', `/api/runs/${id}/artifacts`]
		] as const) {
			const res = await call(method, p, body);
			expect({ p, status: res.status }).toEqual({ p, status: 404 });
			expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
		}
	});
});

describe('reads of run headers of the wrong types', () => {
	it('reads the run with defaults for what is unreadable, and only string params and tags', async () => {
		const res = await call('GET', `${R}/runs/get?run_id=${runs.headers}`);
		expect(res.status).toBe(200);
		const { info, data } = res.body.run;
		expect(info).toMatchObject({ run_id: runs.headers, status: 'RUNNING', lifecycle_stage: 'active' });
		expect(data.params).toEqual([{ key: 'q', value: 'ok' }]);
		expect(data.tags.map((t: { key: string }) => t.key)).not.toContain('n');
		const native = await call('GET', `/api/runs/${runs.headers}`);
		expect(native.status).toBe(200);
		expect(native.body.run.params).toEqual({ q: 'ok' });
	});

	it('lists and searches the experiment without the entries that are not runs', async () => {
		const search = await call('POST', `${R}/runs/search`, { experiment_ids: [experimentId], max_results: 100 });
		expect(search.status).toBe(200);
		const ids = search.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id);
		expect(ids).toContain(runs.good);
		expect(ids).not.toContain('not-a-run-id');
		const filtered = await call('POST', `${R}/runs/search`, { experiment_ids: [experimentId], filter: "params.p = '1' and tags.t = 'a'" });
		expect(filtered.status).toBe(200);
		const list = await call('GET', `/api/experiments/${experimentId}/runs`);
		expect(list.status).toBe(200);
		expect(list.body.runs.map((r: { run_id: string }) => r.run_id)).not.toContain('not-a-run-id');
		const first = await call('GET', `/api/experiments/${experimentId}/first-screen?q=${encodeURIComponent("tags.t ~ '^a'")}`);
		expect(first.status).toBe(200);
		expect(first.body.rows.length).toBeGreaterThan(0);
		expect((await call('GET', `${R}/experiments/get?experiment_id=${experimentId}`)).status).toBe(200);
		expect((await call('GET', `/api/experiments`)).status).toBe(200);
	});
});

describe('reads of hostile workspace entries', () => {
	it('lists experiments without entries under keys that are not experiment ids, and reads wrong types as defaults', async () => {
		const native = await call('GET', '/api/experiments');
		expect(native.status).toBe(200);
		const ids = native.body.experiments.map((e: { experiment_id: string }) => e.experiment_id);
		expect(ids).not.toContain('../x');
		expect(ids).toContain('424242');
		const search = await call('POST', `${R}/experiments/search`, { max_results: 100 });
		expect(search.status).toBe(200);
		expect(search.body.experiments.map((e: { name: string }) => e.name)).not.toContain('evil');
		expect((await call('GET', `${R}/experiments/get-by-name?experiment_name=evil`)).status).toBe(404);
		const typed = await call('GET', `${R}/experiments/get?experiment_id=424242`);
		expect(typed.status).toBe(200);
		expect(typed.body.experiment).toMatchObject({ name: '424242', lifecycle_stage: 'active', tags: [{ key: 'b', value: 'ok' }] });
		expect((await call('GET', `/api/experiments/424242/first-screen`)).status).toBe(200);
		// The name is held by the hostile entry: creating a run in it is refused, precisely, not a 500.
		const run = await call('POST', '/api/runs', { experiment_name: 'evil' });
		expect({ status: run.status, code: run.body.error_code }).toEqual({ status: 400, code: 'INVALID_PARAMETER_VALUE' });
	});
});
