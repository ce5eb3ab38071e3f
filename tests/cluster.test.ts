// Two and three Tandem instances on one PostgreSQL + Redis + S3 (issue 14, tests): real y-websocket clients on
// different instances sync both ways, share awareness and converge after offline edits and an instance restart;
// the native API, MLflow's REST API and the Python MLflow client writing through one instance show on another at
// once (live documents, runs/search and runs/get caches, batch ids, tokens, artifacts).
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import * as Y from 'yjs';
import { docNames } from '../src/lib/core/schema';
import { readNotes } from '../src/lib/core/docs/run';
import { readRun } from '../src/lib/core/docs/experiment';
import { readMetricSummaries } from '../src/lib/core/docs/live';
import {
	appendNote,
	createRun,
	getOk,
	logBody,
	notesHave,
	peerNames,
	postOk,
	range,
	readMetric,
	synced,
	useCluster,
	useClusterClients,
	useClusterServices,
	waitForSteps
} from './helpers/cluster-clients';
import { callJson } from './helpers/http';
import { runPython } from './helpers/python';
import { waitFor } from './helpers/wait';

const ROOT = path.resolve(import.meta.dirname, '..');

/** `npm run tandem -- <args>` (users and tokens); its stdout, trimmed. */
async function tandemCli(...args: string[]): Promise<string> {
	const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'sync-server', 'tandem.ts'), ...args]);
	return stdout.trim();
}

const clients = useClusterClients();
const services = useClusterServices();

describe('two instances', () => {
	const cluster = useCluster(services, { instances: 2 });
	let A: string;
	let B: string;
	beforeAll(() => {
		[A, B] = [cluster().url(0), cluster().url(1)];
	});

	it('syncs a document both ways between clients of different instances', async () => {
		const { runId } = await createRun(A, 'sync', 'r');
		const { docs: [a, b] } = await clients.openSynced([A, B], docNames.run(runId));
		appendNote(a, 'from A;');
		await waitFor(() => notesHave(b, ['from A;']), { what: 'A → B', events: [[b, 'update']] });
		appendNote(b, 'from B;');
		await waitFor(() => notesHave(a, ['from A;', 'from B;']), { what: 'B → A', events: [[a, 'update']] });
		expect(readNotes(a)).toBe(readNotes(b));
	});

	it('carries awareness across instances and drops it when the client closes', async () => {
		const { providers: [pa, pb] } = await clients.openSynced([A, B], 'workspace');
		pa.awareness.setLocalStateField('user', { name: 'alice' });
		await waitFor(() => peerNames(pb).includes('alice'), { what: "alice's presence on B", events: [[pb.awareness, 'change']] });
		pb.awareness.setLocalStateField('user', { name: 'bob' });
		await waitFor(() => peerNames(pa).includes('bob'), { what: "bob's presence on A", events: [[pa.awareness, 'change']] });
		clients.destroy(pa);
		await waitFor(() => !peerNames(pb).includes('alice'), { what: "alice's presence leaving B", events: [[pb.awareness, 'change']] });
	});

	it('merges offline edits made on both sides once both reconnect', async () => {
		const { runId } = await createRun(B, 'offline', 'r');
		const { docs: [a, b], providers: [pa, pb] } = await clients.openSynced([A, B], docNames.run(runId));
		pa.disconnect();
		pb.disconnect();
		appendNote(a, 'offline A;');
		appendNote(b, 'offline B;');
		pa.connect();
		pb.connect();
		const both = ['offline A;', 'offline B;'];
		await waitFor(() => notesHave(a, both) && notesHave(b, both), { what: 'both offline edits on both', events: [[a, 'update'], [b, 'update']] });
		expect(readNotes(a)).toBe(readNotes(b));
		// And the shared store holds both: a fresh client of either instance loads them.
		const c = new Y.Doc();
		await synced(clients.connect(A, docNames.run(runId), c));
		expect(notesHave(c, both)).toBe(true);
	});

	it('a restarted instance: its clients reconnect and converge with edits made meanwhile', async () => {
		const { runId } = await createRun(A, 'restart', 'r');
		const { docs: [a, b], providers: [pa] } = await clients.openSynced([A, B], docNames.run(runId));
		appendNote(a, 'before;');
		await waitFor(() => notesHave(b, ['before;']), { what: 'first edit on B', events: [[b, 'update']] });
		await cluster().killInstance(0);
		await waitFor(() => !pa.wsconnected, { what: "A's client noticing the kill", events: [[pa, 'status']] });
		appendNote(a, 'while A was down, on A;');
		appendNote(b, 'while A was down, on B;');
		await cluster().restartInstance(0);
		const all = ['before;', 'while A was down, on A;', 'while A was down, on B;'];
		await waitFor(() => notesHave(a, all) && notesHave(b, all), { what: 'convergence after the restart', events: [[a, 'update'], [b, 'update']], timeoutMs: 30_000 });
		expect(readNotes(a)).toBe(readNotes(b));
	});

	it('points logged through A with a batch id show live in a client of B; a retry of the batch on B is a no-op', async () => {
		const { runId, experimentId } = await createRun(A, 'native', 'r');
		await postOk(A, `/api/runs/${runId}/log`, logBody('loss', [0]));
		const series = new Y.Doc();
		const live = new Y.Doc();
		const ps = clients.connect(B, docNames.series(runId, 'loss'), series);
		const pl = clients.connect(B, docNames.live(experimentId), live);
		await Promise.all([synced(ps), synced(pl)]);
		const batch = logBody('loss', range(1, 500), 'batch-1');
		await postOk(A, `/api/runs/${runId}/log`, batch);
		await waitForSteps(series, range(0, 501), "A's points in B's series document");
		await waitFor(() => readMetricSummaries(live, runId).loss?.count === 501, { what: "the run's summary in B's live document", events: [[live, 'update']] });
		// The same batch again, through the other instance: acknowledged, applied nothing.
		await postOk(B, `/api/runs/${runId}/log`, batch);
		for (const url of [A, B]) {
			const h = await readMetric(url, runId, 'loss');
			expect(h.steps).toEqual(range(0, 501));
		}
		expect(readMetricSummaries(live, runId).loss?.count).toBe(501);
	});

	it('runs/search and the native list on A list a run created on B at once; runs/get on A shows a tag set on B at once', async () => {
		const { experiment_id: exp } = await postOk<{ experiment_id: string }>(A, '/api/2.0/mlflow/experiments/create', { name: 'search-across' });
		const search = async (url: string) =>
			(await postOk<{ runs?: Array<{ info: { run_id: string } }> }>(url, '/api/2.0/mlflow/runs/search', { experiment_ids: [exp], max_results: 100 })).runs?.map((r) => r.info.run_id) ?? [];
		const nativeList = async (url: string) => (await getOk<{ runs: Array<{ run_id: string }> }>(url, `/api/experiments/${exp}/runs`)).runs.map((r) => r.run_id);
		// Warm A's caches first: the answers must not be stale after B's writes.
		expect(await search(A)).toEqual([]);
		expect(await nativeList(A)).toEqual([]);
		// At once, no polling (several times, to catch a race): A catches up with the bus before answering, so its
		// cached answers already know what B acknowledged.
		const ids: string[] = [];
		for (let i = 0; i < 10; i++) {
			const { run } = await postOk<{ run: { info: { run_id: string } } }>(B, '/api/2.0/mlflow/runs/create', { experiment_id: exp, run_name: `made-on-B-${i}`, start_time: Date.now() });
			ids.push(run.info.run_id);
			expect((await search(A)).sort()).toEqual([...ids].sort());
			expect((await nativeList(A)).sort()).toEqual([...ids].sort());
		}
		const tagOnA = async (id: string) =>
			(await getOk<{ run: { data: { tags?: Array<{ key: string; value: string }> } } }>(A, `/api/2.0/mlflow/runs/get?run_id=${id}`)).run.data.tags?.find((t) => t.key === 'team')?.value;
		for (const [i, id] of ids.entries()) {
			expect(await tagOnA(id)).toBeUndefined();
			await postOk(B, '/api/2.0/mlflow/runs/set-tag', { run_id: id, key: 'team', value: `t${i}` });
			expect(await tagOnA(id)).toBe(`t${i}`);
		}
	});

	it('a run created on B takes writes on A at once (an MLflow client behind round robin: create_run, then log_batch)', async () => {
		const { experiment_id: exp } = await postOk<{ experiment_id: string }>(B, '/api/2.0/mlflow/experiments/create', { name: 'read-your-writes' });
		const refused: string[] = [];
		for (let i = 0; i < 20; i++) {
			const { run } = await postOk<{ run: { info: { run_id: string } } }>(B, '/api/2.0/mlflow/runs/create', { experiment_id: exp, run_name: `r${i}`, start_time: Date.now() });
			const logged = await callJson(A, 'POST', '/api/2.0/mlflow/runs/log-batch', { body: { run_id: run.info.run_id, metrics: [{ key: 'm', value: i, timestamp: Date.now(), step: 0 }] } });
			if (logged.status !== 200) refused.push(`r${i}: ${logged.status} ${JSON.stringify(logged.body)}`);
		}
		expect(refused).toEqual([]);
	});

	it('an artifact uploaded through A downloads through B, bytes equal', async () => {
		const { runId, experimentId } = await createRun(A, 'artifacts', 'r');
		// Past the S3 store's 8 MiB part size: a multipart upload, read back by the other instance.
		const bytes = randomBytes(9 * 1024 * 1024 + 17);
		const path = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/weights.bin`;
		const put = await fetch(A + path, { method: 'PUT', body: bytes });
		expect(put.status, await put.text()).toBe(200);
		const got = await fetch(B + path);
		expect(got.status).toBe(200);
		expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
		// A range across the first part boundary, through B.
		const [from, to] = [8 * 1024 * 1024 - 100, 8 * 1024 * 1024 + 100];
		const part = await fetch(B + path, { headers: { range: `bytes=${from}-${to}` } });
		expect(part.status).toBe(206);
		expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(from, to + 1))).toBe(true);
	});

	it('the Python MLflow client logging through A shows live in clients of B', { timeout: 120_000 }, async () => {
		const { runId, experimentId } = await createRun(A, 'python', 'py');
		const exp = new Y.Doc();
		const series = new Y.Doc();
		const pe = clients.connect(B, docNames.experiment(experimentId), exp);
		const ps = clients.connect(B, docNames.series(runId, 'py_loss'), series);
		await Promise.all([synced(pe), synced(ps)]);
		const py = runPython('cluster_client.py', A, { args: ['--run', runId, '--points', '20'] });
		await waitFor(() => readRun(exp, experimentId, runId)?.params.optimizer === 'adam', { what: "the Python client's params in B's experiment document", events: [[exp, 'update']], timeoutMs: 60_000 });
		await waitForSteps(series, range(0, 20), "the Python client's points in B's series document", 60_000);
		const r = await py;
		expect(r.code, r.stderr).toBe(0);
		expect(r.json).toMatchObject({ params: { optimizer: 'adam', lr: '0.001' }, metrics: { py_loss: 1 / 20 } });
	});

	// Last: once a user exists, every instance requires a token.
	it('a token created on A authenticates on B', async () => {
		// The first user and its admin token from the CLI, in PostgreSQL (as an operator would), then a token made on A.
		const store = cluster().backends.store;
		await tandemCli('user', 'add', 'alice', '--admin', '--store', store);
		const admin = (await tandemCli('token', 'create', '--user', 'alice', '--scope', 'admin', '--name', 'alice-admin', '--store', store)).split('\n').at(-1)!;
		const asAdmin = { authorization: `Bearer ${admin}` };
		const created = await callJson(A, 'POST', '/api/admin/tokens', { headers: asAdmin, body: { user: 'alice', scope: 'write', name: 'made-on-a' } });
		expect(created.status, JSON.stringify(created.body)).toBe(200);
		const bearer = { authorization: `Bearer ${created.body.token as string}` };
		await waitFor(async () => (await callJson(B, 'GET', '/api/experiments', { headers: bearer })).status === 200, { what: "B accepting A's token", timeoutMs: 5_000 });
		expect((await callJson(B, 'POST', '/api/runs', { headers: bearer, body: { experiment_name: 'token', run_name: 'r' } })).status).toBe(200);
		expect((await callJson(B, 'GET', '/api/experiments')).status).toBe(401);
		expect((await callJson(B, 'GET', '/api/experiments', { headers: { authorization: 'Bearer tdm_wrong' } })).status).toBe(401);
		// Revoked on A: refused on B within the revocation sweep.
		expect((await callJson(A, 'DELETE', '/api/admin/tokens/made-on-a', { headers: asAdmin })).status).toBe(200);
		await waitFor(async () => (await callJson(B, 'GET', '/api/experiments', { headers: bearer })).status === 401, { what: 'B refusing the token revoked on A', timeoutMs: 5_000 });
	});
});

describe('three instances', () => {
	const cluster = useCluster(services, { instances: 3 });

	it('clients of three instances converge on one document and see each other', async () => {
		const { runId } = await createRun(cluster().url(2), 'three', 'r');
		const { docs, providers: ps } = await clients.openSynced([0, 1, 2].map((i) => cluster().url(i)), docNames.run(runId));
		ps.forEach((p, i) => p.awareness.setLocalStateField('user', { name: `user${i}` }));
		docs.forEach((d, i) => appendNote(d, `edit ${i};`));
		const all = ['edit 0;', 'edit 1;', 'edit 2;'];
		await waitFor(() => docs.every((d) => notesHave(d, all)), { what: 'three-way convergence', events: docs.map((d) => [d, 'update'] as [Y.Doc, string]) });
		expect(new Set(docs.map(readNotes)).size).toBe(1);
		await waitFor(() => ps.every((p, i) => peerNames(p).join() === [0, 1, 2].filter((j) => j !== i).map((j) => `user${j}`).join()), {
			what: 'every presence on every instance',
			events: ps.map((p) => [p.awareness, 'change'] as [typeof p.awareness, string])
		});
	});

	it('a client through the balancer reaches the same documents from any instance', async () => {
		const { runId } = await createRun(cluster().url(0), 'balanced', 'r');
		const { docs } = await clients.openSynced([0, 1, 2].map(() => cluster().balancer.url), docNames.run(runId));
		// Round robin: three connections in a row went to three different instances.
		expect(Object.keys(cluster().balancer.counts()).length).toBe(3);
		appendNote(docs[0], 'x;');
		await waitFor(() => docs.every((d) => notesHave(d, ['x;'])), { what: 'the edit on every balanced client', events: docs.map((d) => [d, 'update'] as [Y.Doc, string]) });
	});
});
