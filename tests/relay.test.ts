// The relay against real y-websocket providers (and raw `ws` clients for misbehaviour) over 127.0.0.1: sync both ways,
// awareness, persistence across relay restarts, offline edits on both sides, server-only docs, malformed and
// oversized frames, invalid names, idle unload/reload, compaction, dead sockets. Clients write what the app writes
// (a run's notes, run tags), since the update guard refuses anything else; tests/relay-guard.test.ts tests it.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMemoryStore } from '../sync-server/store/memory-store';
import { createSqliteStore } from '../sync-server/store/sqlite-store';
import type { DocStore } from '../sync-server/store/doc-store';
import { once, waitFor } from './helpers/wait';
import { createRelayKit, encodeSyncFrame as syncFrame, readRelayDoc, readStored } from './helpers/relay-clients';
import { createRandom } from '../src/lib/core/seeded-random';
import { docNames } from '../src/lib/core/schema';
import { createRun, readRun, updateRun } from '../src/lib/core/docs/experiment';
import { readNotes, readNotesText } from '../src/lib/core/docs/run';

const RUN_ID = '0123456789abcdef0123456789abcdef';
const ROOM = docNames.run(RUN_ID);
const EXP = docNames.experiment('1');
const LIVE = 'exp/1/live'; // server-only (§2)
/** Appends to a doc's notes (a run document's one client-writable text). */
const appendNote = (doc: Y.Doc, text: string) => readNotesText(doc).insert(readNotesText(doc).length, text);

const kit = createRelayKit(ROOM);
const { startServer, connect, rawClient, synced } = kit;
afterEach(() => kit.cleanup());

describe('relay', () => {
	it('syncs notes edits both ways between two providers', async () => {
		const server = await startServer();
		const a = connect(server);
		const b = connect(server);
		await Promise.all([synced(a), synced(b)]);
		appendNote(a.doc, 'from a;');
		await waitFor(() => readNotes(b.doc) === 'from a;', { what: 'a → b' });
		appendNote(b.doc, 'from b;');
		await waitFor(() => readNotes(a.doc) === 'from a;from b;', { what: 'b → a' });
		expect(await readRelayDoc(server, ROOM, readNotes)).toBe('from a;from b;');
		expect(server.relay.stats()).toEqual({ rooms: 1, sockets: 2 });
	});

	it('relays awareness and removes a socket’s awareness when it closes', async () => {
		const server = await startServer();
		const a = connect(server);
		const b = connect(server);
		await Promise.all([synced(a), synced(b)]);
		a.awareness.setLocalState({ user: 'alice' });
		await waitFor(() => (b.awareness.getStates().get(a.doc.clientID) as { user?: string } | undefined)?.user === 'alice', {
			what: 'alice in b',
			events: [[b.awareness, 'change']]
		});
		// Cut a's socket without the goodbye message y-websocket sends on disconnect(): the relay must clean up by itself.
		a.shouldConnect = false;
		(a.ws as unknown as WebSocket).terminate();
		await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), { what: 'alice gone from b', events: [[b.awareness, 'change']] });
		expect(server.relay.stats().sockets).toBe(1);
	});

	it('keeps a joiner of a room with more people than one awareness message may carry (it echoes what it is sent)', async () => {
		const server = await startServer();
		const people = Array.from({ length: 40 }, () => connect(server));
		await Promise.all(people.map((p) => synced(p)));
		people.forEach((p, i) => p.awareness.setLocalState({ user: `p${i}` }));
		const last = connect(server);
		await synced(last);
		await waitFor(() => last.awareness.getStates().size === 41, { what: 'all 40 states at the joiner', events: [[last.awareness, 'change']] });
		await waitFor(() => people.every((p) => p.awareness.getStates().size === 40), { what: 'everyone sees the 40 states' });
		expect(server.relay.stats().sockets).toBe(41);
	});

	it('keeps documents across a relay restart on the same store', async () => {
		const store = createMemoryStore();
		const first = await startServer({ store });
		const writer = connect(first);
		await synced(writer);
		appendNote(writer.doc, 'hello');
		await waitFor(() => readRelayDoc(first, ROOM, (d) => readNotes(d) === 'hello'), { what: 'write at relay' });
		writer.destroy();
		await first.close();

		const second = await startServer({ store });
		const reader = connect(second);
		await synced(reader);
		expect(readNotes(reader.doc)).toBe('hello');
	});

	it('keeps documents, compacted or not, across a restart of relay and SQLite store from the file', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-relay-'));
		kit.defer(() => rm(dir, { recursive: true, force: true }));
		const file = path.join(dir, 'tandem.db');
		let store = createSqliteStore({ path: file });
		const first = await startServer({ store, compactAfterBytes: 4_000 });
		const writer = connect(first);
		await synced(writer);
		const text = writer.doc.getText('notes');
		for (let i = 0; i < 60; i++) text.insert(text.length, `note ${i} ${'y'.repeat(100)}\n`);
		appendNote(writer.doc, 'last');
		await waitFor(() => readRelayDoc(first, ROOM, (d) => readNotes(d).endsWith('last')), { what: 'writes at relay' });
		await first.relay.transact([LIVE], ([d]) => d.getArray<Uint8Array>('chunks').push([new Uint8Array([1, 2, 3])]));
		writer.destroy();
		await first.close();
		const stored = await store.load(ROOM);
		expect(stored.snapshot).not.toBeNull(); // compacted at least once (60 × ~110 B > 4 000 B)
		await store.close();

		store = createSqliteStore({ path: file });
		kit.defer(() => store.close());
		const second = await startServer({ store });
		const reader = connect(second);
		await synced(reader);
		expect(readNotes(reader.doc)).toBe(text.toString());
		expect(await readRelayDoc(second, LIVE, (d) => d.getArray<Uint8Array>('chunks').toArray())).toEqual([new Uint8Array([1, 2, 3])]);
	});

	it('converges to the union of offline edits made on both sides while the relay was down', async () => {
		const store = createMemoryStore();
		const first = await startServer({ store });
		await first.relay.transact([EXP], ([d]) => createRun(d, { runId: RUN_ID, experimentId: '1', name: 'r', user: 'u', startTime: 1, status: 'RUNNING', artifactUri: 'a' }));
		const a = connect(first, EXP);
		const b = connect(first, EXP);
		await Promise.all([synced(a), synced(b)]);
		updateRun(a.doc, RUN_ID, { tags: { before: '0' } });
		await waitFor(() => readRun(b.doc, '1', RUN_ID)?.tags.before === '0', { what: 'initial sync' });

		await first.close();
		await waitFor(() => !a.wsconnected && !b.wsconnected, { what: 'providers to notice the relay is down', events: [[a, 'status'], [b, 'status']] });
		updateRun(a.doc, RUN_ID, { name: 'renamed by a', tags: { 'a-offline': '1' } });
		updateRun(b.doc, RUN_ID, { name: 'renamed by b', tags: { 'b-offline': '2' }, deleteTags: ['before'] });

		const second = await startServer({ store, port: first.port });
		const read = (d: Y.Doc) => readRun(d, '1', RUN_ID);
		const expected = (d: Y.Doc) => {
			const run = read(d);
			return run?.tags['a-offline'] === '1' && run.tags['b-offline'] === '2' && !('before' in run.tags);
		};
		await waitFor(() => expected(a.doc) && expected(b.doc) && read(a.doc)!.name === read(b.doc)!.name, { what: 'both providers to converge', timeoutMs: 20_000 });
		expect(['renamed by a', 'renamed by b']).toContain(read(a.doc)!.name);
		expect(await readRelayDoc(second, EXP, expected)).toBe(true);
		await waitFor(async () => expected(await readStored(store, EXP)), { what: 'union in the store' });
	});

	it('ignores client writes to a server-only doc but syncs server writes made with transact', async () => {
		const store = createMemoryStore();
		const server = await startServer({ store });
		const a = connect(server, LIVE);
		const b = connect(server, LIVE);
		await Promise.all([synced(a), synced(b)]);
		a.doc.getMap('m').set('from-client', 1);
		// Frames on one socket are handled in order: once b sees a's awareness, the relay has handled (and dropped) the write.
		a.awareness.setLocalState({ user: 'a' });
		await waitFor(() => b.awareness.getStates().has(a.doc.clientID), { what: 'a awareness at b', events: [[b.awareness, 'change']] });

		const result = await server.relay.transact([LIVE], ([d]) => {
			d.getMap('m').set('from-server', 2);
			return 'done';
		});
		expect(result).toBe('done');
		// transact resolves after the store flushed: the write is there already.
		expect((await readStored(store, LIVE)).getMap('m').toJSON()).toEqual({ 'from-server': 2 });
		await waitFor(() => a.doc.getMap('m').get('from-server') === 2 && b.doc.getMap('m').get('from-server') === 2, { what: 'server write at clients' });
		expect(b.doc.getMap('m').has('from-client')).toBe(false);
		expect(await readRelayDoc(server, LIVE, (d) => d.getMap('m').toJSON())).toEqual({ 'from-server': 2 });
	});

	it('sends a server write to clients only once it is committed, and answers a sync after the commit', async () => {
		// A store whose commits wait for the test: nothing the server wrote may reach a client before flush resolves.
		const inner = createMemoryStore();
		const held: Array<() => void> = [];
		let holding = false;
		const store: DocStore = {
			...inner,
			flush: () => (holding ? new Promise<void>((resolve) => held.push(() => void inner.flush().then(resolve))) : inner.flush())
		};
		const server = await startServer({ store });
		const a = connect(server, LIVE);
		await synced(a);
		holding = true;
		const write = server.relay.transact([LIVE], ([d]) => void d.getMap('m').set('from-server', 1));
		await waitFor(() => held.length > 0, { what: 'commit requested' });
		// A second client syncing meanwhile gets its answer only after the commit as well.
		const b = connect(server, LIVE);
		await waitFor(() => held.length > 1 || b.wsconnected, { what: 'b connected', events: [[b, 'status']] });
		expect(a.doc.getMap('m').has('from-server')).toBe(false);
		expect(b.synced).toBe(false);
		holding = false;
		for (const release of held.splice(0)) release();
		await write;
		await waitFor(() => a.doc.getMap('m').get('from-server') === 1, { what: 'server write at a after commit' });
		await synced(b);
		expect(b.doc.getMap('m').get('from-server')).toBe(1);
	});

	it('writes several docs in one transact and serves diffs against a state vector', async () => {
		const store = createMemoryStore();
		const server = await startServer({ store });
		const origins: unknown[] = [];
		const handle = await server.relay.open('workspace');
		handle.doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
		await server.relay.transact(['workspace', EXP], ([ws, exp]) => {
			ws.getMap('experiments').set('1', 'one');
			exp.getMap('runs').set('r', 'run');
		}, { kind: 'api' });
		handle.release();
		expect(origins).toEqual([{ kind: 'api' }]);
		expect((await readStored(store, 'workspace')).getMap('experiments').get('1')).toBe('one');
		expect((await readStored(store, EXP)).getMap('runs').get('r')).toBe('run');

		const client = new Y.Doc();
		Y.applyUpdate(client, await server.relay.encodeDiff(EXP));
		expect(client.getMap('runs').get('r')).toBe('run');
		await server.relay.transact([EXP], ([d]) => d.getMap('runs').set('s', 'second'));
		const diff = await server.relay.encodeDiff(EXP, Y.encodeStateVector(client));
		expect(diff.byteLength).toBeLessThan(Y.encodeStateAsUpdate((await readStored(store, EXP))).byteLength);
		Y.applyUpdate(client, diff);
		expect(client.getMap('runs').toJSON()).toEqual({ r: 'run', s: 'second' });
		expect((await server.relay.encodeDiff(EXP, new Uint8Array())).byteLength).toBe(Y.encodeStateAsUpdate(client).byteLength);
		await expect(server.relay.encodeDiff(EXP, new Uint8Array([5, 1]))).rejects.toThrow(/state vector/);
		await expect(server.relay.open('no/such/doc')).rejects.toThrow(/invalid document name/);
	});

	it('shares one load between concurrent opens', async () => {
		const inner = createMemoryStore();
		let loads = 0;
		const store: DocStore = { ...inner, load: (name) => (loads++, inner.load(name)) };
		const server = await startServer({ store });
		const [h1, h2] = await Promise.all([server.relay.open(ROOM), server.relay.open(ROOM)]);
		expect(h1.doc).toBe(h2.doc);
		expect(loads).toBe(1);
		h1.release();
		h2.release();
	});

	it('closes only the socket that sends a malformed frame, with 4400 and the reason', async () => {
		const server = await startServer();
		const a = connect(server);
		const b = connect(server);
		await Promise.all([synced(a), synced(b)]);

		const unknown = await rawClient(server);
		unknown.ws.send(new Uint8Array([7, 1, 2]));
		expect(await unknown.closed).toEqual({ code: 4400, reason: 'unknown message type 7' });

		const garbage = await rawClient(server);
		garbage.ws.send(syncFrame(2, new Uint8Array([200, 1, 2, 3, 4])));
		const closed = await garbage.closed;
		expect(closed.code).toBe(4400);
		expect(closed.reason).toMatch(/^malformed Yjs update/);

		const text = await rawClient(server);
		text.ws.send('hello');
		expect((await text.closed).code).toBe(4400);

		const seed = Date.now();
		const random = createRandom(seed);
		for (let i = 0; i < 5; i++) {
			const frame = Uint8Array.from({ length: 16 + Math.floor(random() * 48) }, () => Math.floor(random() * 256));
			const c = await rawClient(server);
			c.ws.send(frame);
			expect((await c.closed).code, `seed ${seed}, frame ${i}: ${Buffer.from(frame).toString('hex')}`).toBe(4400);
		}

		await waitFor(() => server.relay.stats().sockets === 2, { what: 'bad sockets gone' });
		appendNote(a.doc, 'still syncing');
		await waitFor(() => readNotes(b.doc) === 'still syncing', { what: 'a → b after the bad frames' });
		expect(a.wsconnected && b.wsconnected).toBe(true);
	});

	it('closes a socket that sends a frame over maxFrameBytes with 1009', async () => {
		const server = await startServer({ maxFrameBytes: 64 * 1024 });
		const a = connect(server);
		await synced(a);
		const big = await rawClient(server);
		big.ws.send(syncFrame(2, new Uint8Array(100 * 1024)));
		expect((await big.closed).code).toBe(1009);
		appendNote(a.doc, 'small');
		await waitFor(() => readRelayDoc(server, ROOM, (d) => readNotes(d) === 'small'), { what: 'small write after the big frame' });
		expect(a.wsconnected).toBe(true);
	});

	it('refuses an invalid doc name with 4400 so the provider stops reconnecting', async () => {
		const server = await startServer();
		const p = connect(server, 'no/such/doc');
		const [event] = (await once(p, 'closed')) as [{ code: number; reason: string }];
		expect(event).toEqual({ code: 4400, reason: "invalid document name 'no/such/doc'" });
		expect(p.shouldConnect).toBe(false);
		const badEscape = await rawClient(server, 'exp%2');
		expect((await badEscape.closed).code).toBe(4400);
		expect(server.relay.stats()).toEqual({ rooms: 0, sockets: 0 });
	});

	it('unloads an idle room, keeps a held one, and reloads from the store', async () => {
		const server = await startServer({ idleUnloadMs: 50 });
		const p = connect(server);
		await synced(p);
		appendNote(p.doc, 'kv');
		await waitFor(() => readRelayDoc(server, ROOM, (d) => readNotes(d) === 'kv'), { what: 'write at relay' });

		const held = await server.relay.open('workspace');
		const unloaded = once(server.relay, 'room-unloaded');
		p.destroy();
		expect(await unloaded).toEqual([ROOM]);
		expect(server.relay.stats()).toEqual({ rooms: 1, sockets: 0 }); // 'workspace', held since before ROOM went idle

		const loaded = once(server.relay, 'room-loaded');
		const fresh = connect(server);
		await synced(fresh);
		const [loadedName, loadedDoc] = await loaded;
		expect(loadedName).toBe(ROOM);
		expect(loadedDoc).toBeInstanceOf(Y.Doc);
		expect(readNotes(fresh.doc)).toBe('kv');

		const workspaceGone = once(server.relay, 'room-unloaded');
		held.release();
		expect(await workspaceGone).toEqual(['workspace']);
	});

	it('answers encodeDiff for an unloaded room from the store, without loading it', async () => {
		const store = createMemoryStore();
		const server = await startServer({ store, idleUnloadMs: 50 });
		const p = connect(server);
		await synced(p);
		appendNote(p.doc, 'a');
		appendNote(p.doc, 'b');
		await waitFor(() => readRelayDoc(server, ROOM, (d) => readNotes(d) === 'ab'), { what: 'writes at relay' });
		const unloaded = once(server.relay, 'room-unloaded');
		p.destroy();
		await unloaded;
		// An update appended after the unload's compaction: the answer merges the snapshot and the log.
		const extra = new Y.Doc();
		Y.applyUpdate(extra, Y.encodeStateAsUpdate(p.doc));
		appendNote(extra, 'c');
		await store.append(ROOM, Y.encodeStateAsUpdate(extra, Y.encodeStateVector(p.doc)));

		const whole = new Y.Doc();
		Y.applyUpdate(whole, await server.relay.encodeDiff(ROOM));
		expect(readNotes(whole)).toBe('abc');
		const diff = await server.relay.encodeDiff(ROOM, Y.encodeStateVector(p.doc));
		const caughtUp = new Y.Doc();
		Y.applyUpdate(caughtUp, Y.encodeStateAsUpdate(p.doc));
		Y.applyUpdate(caughtUp, diff);
		expect(readNotes(caughtUp)).toBe('abc');
		expect(diff.byteLength).toBeLessThan(Y.encodeStateAsUpdate(whole).byteLength);
		const never = new Y.Doc();
		Y.applyUpdate(never, await server.relay.encodeDiff('exp/2'));
		expect(readNotes(never)).toBe('');
		expect(server.relay.stats().rooms).toBe(0);
		await expect(server.relay.encodeDiff('no/such/doc')).rejects.toThrow(/invalid document name/);
	});

	it('compacts a document whose log grows past compactAfterBytes, without losing anything', async () => {
		const store = createMemoryStore();
		const server = await startServer({ store, compactAfterBytes: 2_000 });
		const p = connect(server);
		await synced(p);
		const text = readNotesText(p.doc);
		for (let i = 0; i < 40; i++) text.insert(text.length, `line ${i} ${'x'.repeat(80)}\n`);
		await waitFor(() => readRelayDoc(server, ROOM, (d) => readNotes(d).length === text.length), { what: 'edits at relay' });
		const stored = await waitFor(async () => {
			const s = await store.load(ROOM);
			return s.snapshot && s;
		}, { what: 'a compaction' });
		expect(stored.updates.length).toBeLessThan(40);
		expect(readNotes(await readStored(store, ROOM))).toBe(text.toString());
	});

	it('terminates a socket that stops answering pings and keeps a live one fed', async () => {
		const server = await startServer({ pingIntervalMs: 50 });
		const live = await rawClient(server);
		const dead = await rawClient(server, ROOM, { autoPong: false });
		let keepalives = 0;
		live.ws.on('message', (data: Buffer) => {
			if (data.equals(Buffer.from([1, 1, 0]))) keepalives++;
		});
		const socketClosed = once(server.relay, 'socket-close');
		expect((await dead.closed).code).toBe(1006);
		expect((await socketClosed)[0]).toBe(ROOM);
		await waitFor(() => keepalives >= 3, { what: 'keepalive messages on the live socket' });
		expect(live.ws.readyState).toBe(WebSocket.OPEN);
		expect(server.relay.stats().sockets).toBe(1);
	});
});
