// A run's notes are its mlflow.note.content tag, against the real server: MLflow's tag writes (runs/create, set-tag,
// log-batch, delete-tag) become the run document's notes live in a relay client; notes typed in a relay client are
// what runs/get and runs/search return, at once, as soon as the server holds the edit; a run whose tag was logged
// before its notes were the tag gets its notes from it when someone opens them; clients cannot write the tag itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { docNames } from '../src/lib/core/schema';
import { readNotes } from '../src/lib/core/docs/run';
import { NOTE_TAG, setNotes } from '../src/lib/core/docs/notes';
import { readRun, updateRun } from '../src/lib/core/docs/experiment';
import { createMemoryStore } from '../sync-server/store/memory-store';
import { startServer, type TandemServer } from '../sync-server/server';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';
import { encodeSyncFrame, readPermissionDenied } from './helpers/relay-clients';

const store = createMemoryStore();
let server: TandemServer;
const providers: WebsocketProvider[] = [];
beforeAll(async () => {
	server = await startServer({ port: 0, dataDir: await tempDir(), store, staticDir: null });
});
afterAll(async () => {
	for (const p of providers) p.destroy();
	await server?.close();
});

async function tempDir(): Promise<string> {
	const { mkdtemp } = await import('node:fs/promises');
	const os = await import('node:os');
	const path = await import('node:path');
	return mkdtemp(path.join(os.tmpdir(), 'tandem-notes-'));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function mlflow(path: string, body: unknown, method = 'POST'): Promise<any> {
	const res = await callJson(server.url, method, `/api/2.0/mlflow${path}`, method === 'GET' ? {} : { body });
	if (res.status !== 200) throw new Error(`${path} → ${res.status} ${JSON.stringify(res.body)}`);
	return res.body;
}

async function noteTagOf(runId: string): Promise<string | undefined> {
	const { run } = await mlflow(`/runs/get?run_id=${runId}`, null, 'GET');
	return (run.data.tags as { key: string; value: string }[] | undefined)?.find((t) => t.key === NOTE_TAG)?.value;
}

/** A relay client of `name`, synced. */
async function connect(name: string): Promise<{ doc: Y.Doc; provider: WebsocketProvider }> {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/sync', name, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
	providers.push(provider);
	await waitFor(() => provider.synced, { what: `${name} synced` });
	return { doc, provider };
}

/** The run document as the server holds it now. */
async function serverNotes(runId: string): Promise<string> {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, new Uint8Array(await (await fetch(`${server.url}/api/docs/${docNames.run(runId)}`)).arrayBuffer()));
	return readNotes(doc);
}

async function createRun(experimentId: string, tags: { key: string; value: string }[] = []): Promise<string> {
	return (await mlflow('/runs/create', { experiment_id: experimentId, tags })).run.info.run_id;
}

describe('a run’s notes are its mlflow.note.content tag', () => {
	let exp: string;
	beforeAll(async () => {
		exp = (await mlflow('/experiments/create', { name: 'notes-as-tag' })).experiment_id;
	});

	it('makes MLflow’s note tag writes the run’s notes, live in a relay client', async () => {
		const runId = await createRun(exp, [{ key: NOTE_TAG, value: 'first description' }]);
		const { doc } = await connect(docNames.run(runId));
		expect(readNotes(doc)).toBe('first description');

		await mlflow('/runs/set-tag', { run_id: runId, key: NOTE_TAG, value: '# Sweep\n\n| lr | loss |\n| - | - |\n| 0.1 | 0.3 |' });
		await waitFor(() => readNotes(doc).startsWith('# Sweep'), { what: 'set-tag in the notes' });
		expect(await noteTagOf(runId)).toBe('# Sweep\n\n| lr | loss |\n| - | - |\n| 0.1 | 0.3 |');

		await mlflow('/runs/log-batch', { run_id: runId, tags: [{ key: NOTE_TAG, value: 'from log-batch' }] });
		await waitFor(() => readNotes(doc) === 'from log-batch', { what: 'log-batch in the notes' });

		await mlflow('/runs/delete-tag', { run_id: runId, key: NOTE_TAG });
		await waitFor(() => readNotes(doc) === '', { what: 'delete-tag in the notes' });
		expect(await noteTagOf(runId)).toBeUndefined();
	});

	it('returns notes typed in a relay client from runs/get and runs/search as soon as the server holds them', async () => {
		const runId = await createRun(exp);
		const other = await createRun(exp);
		const { doc } = await connect(docNames.run(runId));
		setNotes(doc, 'Diverged at lr=1e-2; try warmup.', 'test');
		await waitFor(async () => (await serverNotes(runId)) === 'Diverged at lr=1e-2; try warmup.', { what: 'the edit on the server' });
		// No waiting for the copy into the tag: the read settles it.
		expect(await noteTagOf(runId)).toBe('Diverged at lr=1e-2; try warmup.');

		setNotes(doc, 'Diverged at lr=1e-2; warmup fixed it.', 'test');
		await waitFor(async () => (await serverNotes(runId)).endsWith('fixed it.'), { what: 'the second edit on the server' });
		const found = await mlflow('/runs/search', { experiment_ids: [exp], filter: `tags.\`${NOTE_TAG}\` LIKE '%warmup fixed%'` });
		expect(found.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId]);
		expect(await noteTagOf(other)).toBeUndefined();

		// Emptied notes: no tag, as MLflow has none for no description.
		setNotes(doc, '', 'test');
		await waitFor(async () => (await serverNotes(runId)) === '', { what: 'the emptied notes on the server' });
		expect(await noteTagOf(runId)).toBeUndefined();
	});

	it('merges an MLflow write with notes typed in a relay client at the same time', async () => {
		const runId = await createRun(exp, [{ key: NOTE_TAG, value: 'baseline\n' }]);
		const { doc, provider } = await connect(docNames.run(runId));
		provider.disconnect();
		setNotes(doc, 'Summary\nbaseline\n', 'test');
		await mlflow('/runs/set-tag', { run_id: runId, key: NOTE_TAG, value: 'baseline\nlr 3e-4 best\n' });
		provider.connect();
		await waitFor(() => readNotes(doc) === 'Summary\nbaseline\nlr 3e-4 best\n', { what: 'both edits in the client' });
		await waitFor(async () => (await serverNotes(runId)) === readNotes(doc), { what: 'both edits on the server' });
		expect(await noteTagOf(runId)).toBe('Summary\nbaseline\nlr 3e-4 best\n');
	});

	it('refuses a relay client’s write of the tag itself, leaving it as it was', async () => {
		const runId = await createRun(exp, [{ key: NOTE_TAG, value: 'kept' }]);
		const { doc, provider } = await connect(docNames.experiment(exp));
		await waitFor(() => readRun(doc, exp, runId) !== null, { what: 'the run in the client' });
		provider.disconnect();
		let update: Uint8Array | null = null;
		doc.once('update', (u: Uint8Array) => (update = u));
		updateRun(doc, runId, { tags: { [NOTE_TAG]: 'overwritten' } });
		const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${docNames.experiment(exp)}`);
		const denied = new Promise<string>((resolve) => {
			ws.on('message', (data: Buffer) => {
				const reason = readPermissionDenied(new Uint8Array(data));
				if (reason !== null) resolve(reason);
			});
		});
		await new Promise((resolve) => ws.once('open', resolve));
		ws.send(encodeSyncFrame(2, update!));
		expect(await denied).toMatch(/"mlflow\.note\.content": kept by the server from the run notes/);
		ws.close();
		expect(await noteTagOf(runId)).toBe('kept');
	});
});

describe('a run logged before its notes were its tag', () => {
	it('gets its notes from the tag when someone opens them, and edits go on from there', async () => {
		const exp = (await mlflow('/experiments/create', { name: 'notes-legacy' })).experiment_id;
		const runId = await createRun(exp);
		// The tag as an older server wrote it: in the header only, the notes never written.
		await server.close();
		const stored = await store.load(docNames.experiment(exp));
		const old = new Y.Doc();
		if (stored.snapshot) Y.applyUpdate(old, stored.snapshot);
		for (const u of stored.updates) Y.applyUpdate(old, u);
		const before = Y.encodeStateVector(old);
		updateRun(old, runId, { tags: { [NOTE_TAG]: 'written by mlflow 2.x' } });
		store.append(docNames.experiment(exp), Y.encodeStateAsUpdate(old, before));
		await store.flush();
		server = await startServer({ port: 0, dataDir: await tempDir(), store, staticDir: null });

		expect(await serverNotes(runId)).toBe('');
		const { doc } = await connect(docNames.run(runId));
		await waitFor(() => readNotes(doc) === 'written by mlflow 2.x', { what: 'the notes taken from the tag' });
		setNotes(doc, 'written by mlflow 2.x, then in Tandem', 'test');
		await waitFor(async () => (await serverNotes(runId)).endsWith('in Tandem'), { what: 'the edit on the server' });
		expect(await noteTagOf(runId)).toBe('written by mlflow 2.x, then in Tandem');
	});
});
