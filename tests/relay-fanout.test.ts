// Several relays on one shared store, joined by a Fanout (the in-process hub, then Redis streams on a real
// redis-server): real y-websocket providers on different relays sync both ways, awareness crosses and leaves,
// offline edits on both sides converge, a client moving to another relay catches up, server writes through
// `transact` reach the other relays (and their caches, through 'doc-changed'); with Redis, an outage rejects
// `transact` with FanoutUnavailableError and, once Redis is back, every relay resyncs from the store.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { createMemoryStore } from '../sync-server/store/memory-store';
import type { DocStore } from '../sync-server/store/doc-store';
import { createMemoryHub } from '../sync-server/fanout/memory-fanout';
import { createRedisFanout } from '../sync-server/fanout/redis-fanout';
import { FanoutUnavailableError, type Fanout } from '../sync-server/fanout/fanout';
import { waitFor } from './helpers/wait';
import { createRelayKit, readRelayDoc } from './helpers/relay-clients';
import type { RelayServer } from './helpers/relay-server';
import type { RelayOptions } from '../sync-server/relay/relay';
import { createRunRowCache } from '../sync-server/tracking/run-rows';
import { createRun } from '../src/lib/core/docs/experiment';
import { setMetricSummaries } from '../src/lib/core/docs/live';
import { appendSeriesChunk, readSeries } from '../src/lib/core/docs/series';
import { createOverviewStore } from '../sync-server/tracking/series-overviews';
import { readDocs } from '../sync-server/tracking/doc-access';
import { startRedis, type TestRedis } from './helpers/redis';
import { docNames } from '../src/lib/core/schema';
import { readNotes, readNotesText } from '../src/lib/core/docs/run';

const RUN_ID = '0123456789abcdef0123456789abcdef';
const ROOM = docNames.run(RUN_ID);
const OTHER_RUN = 'fedcba9876543210fedcba9876543210';
const appendNote = (doc: Y.Doc, text: string) => readNotesText(doc).insert(readNotesText(doc).length, text);
const userOf = (doc: Y.Doc, states: Map<number, unknown>) => (states.get(doc.clientID) as { user?: string } | undefined)?.user;

const kit = createRelayKit(ROOM);
const { connect, synced } = kit;
afterEach(() => kit.cleanup());

interface Bus {
	connect(): Promise<Fanout>;
	redis?: TestRedis;
}

const buses: Array<[string, () => Promise<Bus>]> = [
	[
		'in-process hub',
		async () => {
			const hub = createMemoryHub();
			return { connect: async () => hub.connect() };
		}
	],
	[
		'redis streams',
		async () => {
			const redis = await startRedis();
			kit.defer(() => redis.stop());
			return { redis, connect: () => createRedisFanout({ url: redis.url, blockMs: 300 }) };
		}
	]
];

/** `n` relays on one store, each with its own fanout on `bus`. */
async function startRelays(bus: Bus, n: number, opts: Partial<RelayOptions> = {}, store: DocStore = createMemoryStore()): Promise<RelayServer[]> {
	const servers: RelayServer[] = [];
	for (let i = 0; i < n; i++) {
		const fanout = await bus.connect();
		kit.defer(() => fanout.close());
		servers.push(await kit.startServer({ ...opts, store, fanout }));
	}
	return servers;
}

describe.each(buses)('relays joined by a fanout: %s', (_name, makeBus) => {
	it('syncs providers on two relays both ways', async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const a = connect(r1);
		const b = connect(r2);
		await Promise.all([synced(a), synced(b)]);
		appendNote(a.doc, 'from a;');
		await waitFor(() => readNotes(b.doc) === 'from a;', { what: 'a → b' });
		appendNote(b.doc, 'from b;');
		await waitFor(() => readNotes(a.doc) === 'from a;from b;', { what: 'b → a' });
		expect(await readRelayDoc(r1, ROOM, readNotes)).toBe('from a;from b;');
		expect(await readRelayDoc(r2, ROOM, readNotes)).toBe('from a;from b;');
	});

	it('syncs three relays, each update once', async () => {
		const relays = await startRelays(await makeBus(), 3);
		const providers = relays.map((r) => connect(r));
		await Promise.all(providers.map((p) => synced(p)));
		providers.forEach((p, i) => appendNote(p.doc, `${i};`));
		await waitFor(() => providers.every((p) => readNotes(p.doc).length === 6 && readNotes(p.doc) === readNotes(providers[0].doc)), {
			what: 'three providers converge'
		});
		expect([...readNotes(providers[0].doc)].filter((c) => c === ';').length).toBe(3);
	});

	it('carries awareness across relays and removes it when the tab closes', async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const a = connect(r1);
		const b = connect(r2);
		await Promise.all([synced(a), synced(b)]);
		a.awareness.setLocalState({ user: 'alice' });
		await waitFor(() => userOf(a.doc, b.awareness.getStates()) === 'alice', { what: 'alice on the other relay', events: [[b.awareness, 'change']] });
		b.awareness.setLocalState({ user: 'bob' });
		await waitFor(() => userOf(b.doc, a.awareness.getStates()) === 'bob', { what: 'bob on the other relay', events: [[a.awareness, 'change']] });
		// Cut a's socket without y-websocket's goodbye: relay 1 removes alice, and relay 2 hears of it.
		a.shouldConnect = false;
		(a.ws as unknown as WebSocket).terminate();
		await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), { what: 'alice gone on the other relay', events: [[b.awareness, 'change']] });
		// A newcomer on relay 2 sees bob and not alice.
		const c = connect(r2);
		await synced(c);
		await waitFor(() => userOf(b.doc, c.awareness.getStates()) === 'bob', { what: 'bob at the newcomer', events: [[c.awareness, 'change']] });
		expect(c.awareness.getStates().has(a.doc.clientID)).toBe(false);
	});

	it('carries the awareness of a busy room across relays in messages the other side accepts', async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const people = Array.from({ length: 24 }, () => connect(r1));
		const watcher = connect(r2);
		await Promise.all([...people, watcher].map((p) => synced(p)));
		const closes: number[] = [];
		r2.relay.on('socket-close', (_name, code) => closes.push(Number(code)));
		// All in one tick: relay 1 publishes them together, in messages of at most 16 entries.
		people.forEach((p, i) => p.awareness.setLocalState({ user: `p${i}` }));
		await waitFor(() => people.every((p, i) => userOf(p.doc, watcher.awareness.getStates()) === `p${i}`), {
			what: 'all 24 states on the other relay',
			events: [[watcher.awareness, 'change']]
		});
		// The watcher echoes what it applies: one message of 24 entries would have been refused (4400).
		expect(closes).toEqual([]);
	});

	it('converges offline edits made on both sides', async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const a = connect(r1);
		const b = connect(r2);
		await Promise.all([synced(a), synced(b)]);
		appendNote(a.doc, 'base;');
		await waitFor(() => readNotes(b.doc) === 'base;', { what: 'base on b' });
		a.disconnect();
		b.disconnect();
		appendNote(a.doc, 'a offline;');
		appendNote(b.doc, 'b offline;');
		a.connect();
		b.connect();
		await waitFor(() => readNotes(a.doc) === readNotes(b.doc) && readNotes(a.doc).length === 'base;a offline;b offline;'.length, {
			what: 'offline edits converge'
		});
		expect(readNotes(a.doc)).toContain('a offline;');
		expect(readNotes(a.doc)).toContain('b offline;');
	});

	it('catches up a client that reconnects to the other relay', async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const a = connect(r1);
		await synced(a);
		appendNote(a.doc, 'seen by a;');
		const b = connect(r2);
		await synced(b);
		await waitFor(() => readNotes(b.doc) === 'seen by a;', { what: 'b loads what a wrote' });
		// a leaves; b writes on relay 2; a comes back through relay 2 with its doc.
		a.destroy();
		appendNote(b.doc, 'while a was away;');
		const doc = a.doc;
		appendNote(doc, 'a offline;');
		const again = connect(r2, ROOM, doc);
		await synced(again);
		await waitFor(() => readNotes(doc).includes('while a was away;') && readNotes(b.doc).includes('a offline;'), { what: 'catch up on relay 2' });
		// Relay 1 still holds the room (open handles aside, until idle): it hears what relay 2 stored.
		await waitFor(async () => (await readRelayDoc(r1, ROOM, readNotes)) === readNotes(doc), { what: 'relay 1 has it all' });
	});

	it('sends server writes through transact to the other relay, and tells it of writes to documents it has not loaded', async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const b = connect(r2);
		await synced(b);
		const changed: string[] = [];
		r2.relay.on('doc-changed', (name) => changed.push(String(name)));
		await r1.relay.transact([ROOM], ([doc]) => appendNote(doc, 'server;'));
		await waitFor(() => readNotes(b.doc) === 'server;', { what: 'a server write on the other relay' });
		expect(changed).toContain(ROOM);
		const other = docNames.run(OTHER_RUN);
		await r1.relay.transact([other], ([doc]) => appendNote(doc, 'unloaded elsewhere;'));
		await waitFor(() => changed.includes(other), { what: "doc-changed for a document relay 2 has not loaded" });
		expect(r2.relay.stats().rooms).toBe(1);
		expect(await readRelayDoc(r2, other, readNotes)).toBe('unloaded elsewhere;');
	});

	it("drops the other relay's frozen run rows when one relay writes the experiment", async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2, { idleUnloadMs: 20 });
		const names = [docNames.experiment('1'), docNames.live('1')];
		await r1.relay.transact(names, ([exp]) =>
			createRun(exp, { runId: RUN_ID, experimentId: '1', name: 'r', user: 'u', startTime: 0, status: 'RUNNING', artifactUri: 'uri', params: {} })
		);
		// Relay 2 reads the rows, then its documents go idle: the rows stay, frozen.
		const rows = createRunRowCache(r2.relay);
		const read = await r2.relay.transact(names, ([exp, live]) => rows.read('1', exp, live));
		expect(read.map((r) => r.run_id)).toEqual([RUN_ID]);
		await waitFor(() => rows.readFrozen('1') === read, { what: 'frozen rows on relay 2' });
		await r1.relay.transact(names, ([, live]) => setMetricSummaries(live, RUN_ID, { loss: { last: 1, min: 1, max: 1, count: 1, step: 0, timestamp: 0 } }));
		await waitFor(() => rows.readFrozen('1') === null, { what: "relay 1's write thaws relay 2's rows" });
		const again = await r2.relay.transact(names, ([exp, live]) => rows.read('1', exp, live));
		expect(again[0].metrics.loss.last).toBe(1);
	});

	it("drops the other relay's series overview when one relay logs points to the series", async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const name = docNames.series(RUN_ID, 'loss');
		const points = (from: number, n: number) => {
			const steps = Float64Array.from({ length: n }, (_, i) => from + i);
			return { steps, timestamps: steps.slice(), values: steps.slice() };
		};
		const maxOf = async () => Math.max(...(await overviews.read(RUN_ID, 'loss', 100)).values);
		await r1.relay.transact([name], ([doc]) => appendSeriesChunk(doc, points(0, 10)));
		const overviews = createOverviewStore({ readHistory: () => readDocs(r2.relay, [name], ([doc]) => readSeries(doc)), events: r2.relay });
		expect(await maxOf()).toBe(9);
		await r1.relay.transact([name], ([doc]) => appendSeriesChunk(doc, points(10, 10)));
		await waitFor(async () => (await maxOf()) === 19, { what: "relay 1's points in relay 2's overview" });
	});

	it('reads its writes across relays: what one relay acknowledged, the other reads at once', async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const held = await r2.relay.open(ROOM); // loaded on relay 2, so it must hear of relay 1's writes
		try {
			for (let i = 0; i < 30; i++) {
				await r1.relay.transact([ROOM], ([doc]) => appendNote(doc, `${i};`));
				expect(await readRelayDoc(r2, ROOM, (doc) => readNotes(doc).endsWith(`${i};`))).toBe(true);
			}
		} finally {
			held.release();
		}
	});

	it('applies what was published while a room was loading', async () => {
		const [r1, r2] = await startRelays(await makeBus(), 2);
		const a = connect(r1);
		await synced(a);
		// Writes on relay 1 while relay 2 loads the room: each is either in what the load read or applied after it.
		const loading = r2.relay.open(ROOM);
		for (let i = 0; i < 20; i++) appendNote(a.doc, `${i};`);
		const handle = await loading;
		try {
			const want = Array.from({ length: 20 }, (_, i) => `${i};`).join('');
			await waitFor(() => readNotes(handle.doc) === want, { what: 'every write on the loading relay' });
		} finally {
			handle.release();
		}
	});
});

describe('relays joined by redis: outages', () => {
	it('rejects transact while redis is down; once it is back, every relay resyncs and clients converge', async () => {
		const bus = await buses[1][1]();
		const redis = bus.redis!;
		const [r1, r2] = await startRelays(bus, 2);
		const a = connect(r1);
		const b = connect(r2);
		await Promise.all([synced(a), synced(b)]);
		appendNote(a.doc, 'before;');
		await waitFor(() => readNotes(b.doc) === 'before;', { what: 'before the outage' });
		const resyncs = [0, 0];
		r1.relay.on('resync', () => resyncs[0]++);
		r2.relay.on('resync', () => resyncs[1]++);

		await redis.kill();
		// Stored on relay 1, but not published: the writer hears 503 (FanoutUnavailableError) and may retry.
		await expect(r1.relay.transact([ROOM], ([doc]) => appendNote(doc, 'during;'))).rejects.toBeInstanceOf(FanoutUnavailableError);
		appendNote(b.doc, 'b during;');
		await redis.restart();
		await waitFor(() => resyncs[0] > 0 && resyncs[1] > 0, { what: 'both relays resync' });
		await waitFor(() => readNotes(a.doc) === readNotes(b.doc) && readNotes(a.doc).includes('during;') && readNotes(a.doc).includes('b during;'), {
			what: 'both sides converge after the outage',
			timeoutMs: 20_000
		});
		// And the fanout carries new writes again.
		await waitFor(
			() => r1.relay.transact([ROOM], ([doc]) => appendNote(doc, 'after;')).then(() => true, () => false),
			{ what: 'a transact that publishes' }
		);
		await waitFor(() => readNotes(b.doc).includes('after;'), { what: 'after the outage' });
	});
});
