// Batch ids across instances without relying on kill timing: two Tandem servers on one PostgreSQL database, each
// with its own store and fanout. Instance A commits a batch whose publish never reaches B (the in-process hub is
// unreachable for it, or A publishes on a bus B is not on: A "committed and died"); the client retries the same
// batch id through B, whose live document was loaded before and lacks A's batch. B must answer applied: false and
// count every point once (its relay refreshes the live document from the store before checking the batch id). The
// same for an SDK run create (its client key tag) retried on B.
// Also: the relay offers refresh only with a fanout and a store that has readSince (nothing on the embedded path),
// and a note edit made through one instance's socket is copied into the note tag by that instance alone.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { readNotesText } from '../src/lib/core/docs/run';
import { NOTE_TAG } from '../src/lib/core/docs/notes';
import { waitFor } from './helpers/wait';
import { CLIENT_KEY_TAG } from '../src/lib/client-sdk/remote-run';
import { docNames } from '../src/lib/core/schema';
import { startServer, type TandemServer } from '../sync-server/server';
import { createPgStore, type PgDocStore } from '../sync-server/store/pg-store';
import { createMemoryStore } from '../sync-server/store/memory-store';
import { createMemoryHub, type MemoryHub } from '../sync-server/fanout/memory-fanout';
import type { Fanout } from '../sync-server/fanout/fanout';
import { createRelay } from '../sync-server/relay/relay';
import { callJson } from './helpers/http';
import { createDatabase, startPostgres, type PostgresServer } from './helpers/postgres';

let pg: PostgresServer;
let databases = 0;

beforeAll(async () => {
	pg = await startPostgres();
});
afterAll(async () => {
	await pg?.stop();
});

interface Instance {
	server: TandemServer;
	dataDir: string;
	store: PgDocStore;
	fanout: Fanout;
	call(method: string, path: string, body?: unknown): ReturnType<typeof callJson>;
}

async function startInstance(url: string, hub: MemoryHub): Promise<Instance> {
	const store = await createPgStore({ url });
	const fanout = hub.connect();
	// The data dir holds what is not on PostgreSQL here (auth, webhooks, blobs): none of it matters to this test.
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-cluster-batch-'));
	const server = await startServer({ port: 0, store, fanout, staticDir: null, dataDir });
	return { server, dataDir, store, fanout, call: (method, path, body) => callJson(server.url, method, path, { body }) };
}

async function stopInstance(i: Instance): Promise<void> {
	await i.server.close();
	await i.fanout.close();
	await i.store.close();
	await rm(i.dataDir, { recursive: true, force: true });
}

const steps = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ key: 'loss', value: from + k, step: from + k, timestamp: 1000 + from + k }));

/** How A's commit fails to reach B: the shared hub refuses A's publish, or A is on a hub B never hears. */
const losses: Array<[string, (shared: MemoryHub) => { hubA: MemoryHub; lose(): void; restore(): void }]> = [
	['A\'s publish fails (the hub is unreachable)', (shared) => ({ hubA: shared, lose: () => shared.setReachable(false), restore: () => shared.setReachable(true) })],
	['A committed and died before publishing (its publish reaches no one)', () => ({ hubA: createMemoryHub(), lose: () => {}, restore: () => {} })]
];

describe.each(losses)('a batch id retried on instance B after %s', (_what, makeLoss) => {
	it('is applied once: B answers applied: false and every point is counted once', async () => {
		const url = await createDatabase(pg.url, `batch_${++databases}`);
		const shared = createMemoryHub();
		const loss = makeLoss(shared);
		const b = await startInstance(url, shared);
		const a = await startInstance(url, loss.hubA);
		try {
			const created = await a.call('POST', '/api/runs', { experiment_name: 'cluster-batch', run_name: 'r' });
			expect(created.status).toBe(200);
			const runId = created.body.run_id as string;
			// B loads the run's documents (its live document among them) with a first batch.
			const first = await b.call('POST', `/api/runs/${runId}/log`, { batch_id: 'b-1', metrics: steps(0, 5) });
			expect(first.body).toMatchObject({ applied: true });

			loss.lose();
			const lost = await a.call('POST', `/api/runs/${runId}/log`, { batch_id: 'b-2', metrics: steps(5, 5), params: { lr: '0.1' } });
			// Either way the batch is committed on A (answered 503 when its publish failed: the client retries).
			expect([200, 503]).toContain(lost.status);
			expect((await a.store.load(docNames.live(created.body.experiment_id))).updates.length).toBeGreaterThan(0);

			const retry = await b.call('POST', `/api/runs/${runId}/log`, { batch_id: 'b-2', metrics: steps(5, 5), params: { lr: '0.1' } });
			expect(retry.status).toBe(200);
			expect(retry.body).toMatchObject({ applied: false });
			// Read on B at once (before any resync): every step once, and the retried batch's param.
			const history = await b.call('GET', `/api/runs/${runId}/metrics/loss`);
			expect(history.body.steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
			const run = await b.call('GET', `/api/runs/${runId}`);
			expect(run.body.run.params).toEqual({ lr: '0.1' });
			loss.restore();
			// A new batch on B still applies.
			expect((await b.call('POST', `/api/runs/${runId}/log`, { batch_id: 'b-3', metrics: steps(10, 1) })).body).toMatchObject({ applied: true });
		} finally {
			shared.setReachable(true);
			await stopInstance(a);
			await stopInstance(b);
		}
	});
});

describe.each(losses)('an SDK run create retried on instance B after %s', (_what, makeLoss) => {
	it('creates the run once: B finds the run its client key names and returns it', async () => {
		const url = await createDatabase(pg.url, `batch_${++databases}`);
		const shared = createMemoryHub();
		const loss = makeLoss(shared);
		const b = await startInstance(url, shared);
		// B holds the experiment document loaded (a first run created through it); A starts after and reads it.
		const first = await b.call('POST', '/api/runs', { experiment_name: 'cluster-create', tags: { [CLIENT_KEY_TAG]: 'k0' } });
		const experimentId = first.body.experiment_id as string;
		const a = await startInstance(url, loss.hubA);
		try {
			loss.lose();
			const body = { experiment_id: experimentId, run_name: 'keyed', tags: { [CLIENT_KEY_TAG]: 'k1' } };
			const lost = await a.call('POST', '/api/runs', body);
			expect([200, 503]).toContain(lost.status);
			loss.restore();
			const retry = await b.call('POST', '/api/runs', body);
			expect(retry.status).toBe(200);
			const runs = (await b.call('GET', `/api/experiments/${experimentId}/runs`)).body.runs as { run_id: string; tags: Record<string, string> }[];
			const keyed = runs.filter((r) => r.tags[CLIENT_KEY_TAG] === 'k1');
			expect(keyed.map((r) => r.run_id)).toEqual([retry.body.run_id]);
			if (lost.status === 200) expect(retry.body.run_id).toBe(lost.body.run_id);
		} finally {
			shared.setReachable(true);
			await stopInstance(a);
			await stopInstance(b);
		}
	});
});

describe('relay.refresh is offered only where it can matter', () => {
	const relayOptions = { isValidDocName: () => true, isServerOnly: () => false };
	it('absent without a fanout (the embedded default) and on a store without readSince; present on PostgreSQL with a fanout', async () => {
		const memory = createMemoryStore();
		const hub = createMemoryHub();
		const fanout = hub.connect();
		const store = await createPgStore({ url: await createDatabase(pg.url, `batch_${++databases}`) });
		const relays = [
			createRelay({ ...relayOptions, store: memory }),
			createRelay({ ...relayOptions, store: memory, fanout }),
			createRelay({ ...relayOptions, store }),
			createRelay({ ...relayOptions, store, fanout: hub.connect() })
		];
		try {
			expect(relays.map((r) => typeof r.refresh)).toEqual(['undefined', 'undefined', 'undefined', 'function']);
		} finally {
			for (const r of relays) await r.close();
			await fanout.close();
			await store.close();
		}
	});
});

describe('note edits with several instances', () => {
	it('only the instance whose socket made the edit copies it into the note tag', async () => {
		const url = await createDatabase(pg.url, `batch_${++databases}`);
		const hub = createMemoryHub();
		const a = await startInstance(url, hub);
		const b = await startInstance(url, hub);
		const doc = new Y.Doc();
		let provider: WebsocketProvider | null = null;
		try {
			const runId = (await a.call('POST', '/api/runs', { experiment_name: 'cluster-notes' })).body.run_id as string;
			// B holds the run document loaded (a batch through B), so it hears the edit A's socket makes.
			await b.call('POST', `/api/runs/${runId}/log`, { metrics: steps(0, 1) });
			provider = new WebsocketProvider(a.server.url.replace(/^http/, 'ws') + '/sync', docNames.run(runId), doc, { WebSocketPolyfill: WebSocket as never });
			await waitFor(() => provider!.synced, { what: 'client synced with A' });
			const stored = a.store.readStats().updates;
			readNotesText(doc).insert(0, 'written on A');
			await waitFor(() => a.store.readStats().updates > stored, { what: 'the edit committed on A' });
			// A read on B settles every copy due on B first: it must have none to make.
			const onB = b.store.readStats().updates;
			expect((await b.call('GET', `/api/runs/${runId}`)).status).toBe(200);
			expect(b.store.readStats().updates).toBe(onB);
			// A copies it (a read on A settles its due copy at once), and B reads the tag A wrote.
			expect((await a.call('GET', `/api/runs/${runId}`)).body.run.tags[NOTE_TAG]).toBe('written on A');
			expect((await b.call('GET', `/api/runs/${runId}`)).body.run.tags[NOTE_TAG]).toBe('written on A');
			expect(b.store.readStats().updates).toBe(onB);
		} finally {
			provider?.destroy();
			await stopInstance(a);
			await stopInstance(b);
		}
	});
});
