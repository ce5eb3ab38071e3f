// The relay's hardening against real y-websocket providers and raw `ws` sockets sending hostile frames: schema
// guard (a refused write never reaches another client or the store), read-only sockets, authorize refusals,
// closeTagged, sockets per tag, slow readers, updates with missing dependencies, awareness bounds and spoofing,
// frame size.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import type { Socket } from 'node:net';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { createMemoryStore } from '../sync-server/store/memory-store';
import type { Authorize } from '../sync-server/relay/relay';
import type { RelayServer } from './helpers/relay-server';
import { once, waitFor } from './helpers/wait';
import { createRelayKit, encodeSyncFrame, readPermissionDenied, readRelayDoc, readStored, type RawClient } from './helpers/relay-clients';
import { docNames } from '../src/lib/core/schema';
import { readNotes, readNotesText, readRunExperiment, setRunExperiment } from '../src/lib/core/docs/run';

const RUN_ID = '0123456789abcdef0123456789abcdef';
const ROOM = docNames.run(RUN_ID);
const LIVE = 'exp/1/live'; // server-only (§2)
const appendNote = (doc: Y.Doc, text: string) => readNotesText(doc).insert(readNotesText(doc).length, text);

const kit = createRelayKit(ROOM);
const { startServer, connect, rawClient, synced } = kit;
afterEach(() => kit.cleanup());

/** A local copy of the relay's `name` and the update `edit` makes on it (what a hostile client would send). */
async function editCopy(server: RelayServer, name: string, edit: (doc: Y.Doc) => void, doc = new Y.Doc()): Promise<{ doc: Y.Doc; update: Uint8Array }> {
	Y.applyUpdate(doc, await server.relay.encodeDiff(name, Y.encodeStateVector(doc)));
	const before = Y.encodeStateVector(doc);
	edit(doc);
	return { doc, update: Y.encodeStateAsUpdate(doc, before) };
}

/** Sends a sync step 1 and waits for the relay's step 2: every frame sent before it has been handled. */
async function roundTrip(raw: RawClient): Promise<Uint8Array> {
	const before = raw.received.length;
	raw.ws.send(encodeSyncFrame(0, Y.encodeStateVector(new Y.Doc())));
	const reply = await waitFor(() => raw.received.slice(before).find((m) => m[0] === 0 && m[1] === 1), { what: 'sync step 2', events: [[raw.ws, 'message']] });
	const d = decoding.createDecoder(reply.subarray(2));
	return decoding.readVarUint8Array(d);
}

function awarenessFrame(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, entries.length);
	for (const e of entries) {
		encoding.writeVarUint(inner, e.clientId);
		encoding.writeVarUint(inner, e.clock);
		encoding.writeVarString(inner, JSON.stringify(e.state));
	}
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	return encoding.toUint8Array(e);
}

/** authorize stub: token `write` (tag w), `read` (tag r, read-only), `write2` (tag w2); anything else is refused with 4401. */
const authorize: Authorize = async (req) => {
	const token = new URL(req.url ?? '', 'http://relay').searchParams.get('token');
	if (token === 'write' || token === 'write2') return { ok: true, canWrite: true, tag: token === 'write' ? 'w' : 'w2' };
	if (token === 'read') return { ok: true, canWrite: false, tag: 'r', readOnlyReason: "token 'read' may only read" };
	return { ok: false, code: 4401, reason: 'unknown token' };
};

describe('relay: schema guard', () => {
	it('refuses a hostile write with a message; it never reaches another client or the store', async () => {
		const store = createMemoryStore();
		const first = await startServer({ store });
		await first.relay.transact([ROOM], ([d]) => setRunExperiment(d, '1'));
		const writer = connect(first);
		const watcher = connect(first);
		await Promise.all([synced(writer), synced(watcher)]);
		const hostile = await rawClient(first);
		const { doc, update } = await editCopy(first, ROOM, (d) => d.getMap('meta').set('experimentId', 'nope'));
		hostile.ws.send(encodeSyncFrame(2, update));
		const denied = await hostile.waitForMessage((m) => readPermissionDenied(m) !== null, 'permission denied');
		expect(readPermissionDenied(denied)).toBe(`update to ${ROOM} refused: meta: written by the server only`);
		// Its next write builds on the refused clocks, so it is refused at once too (not held for ever).
		const next = await editCopy(first, ROOM, (d) => appendNote(d, 'after'), doc);
		hostile.ws.send(encodeSyncFrame(2, next.update));
		await hostile.waitForMessage((m) => /builds on a refused update/.test(readPermissionDenied(m) ?? ''), 'second refusal');

		appendNote(writer.doc, 'legit');
		await waitFor(() => readNotes(watcher.doc) === 'legit', { what: 'a legit write after the hostile one' });
		expect(readRunExperiment(watcher.doc)).toBe('1');
		expect(hostile.ws.readyState).toBe(WebSocket.OPEN);
		await first.close();
		expect(readRunExperiment(await readStored(store, ROOM))).toBe('1');
		const second = await startServer({ store });
		expect(await readRelayDoc(second, ROOM, (d) => [readRunExperiment(d), readNotes(d)])).toEqual(['1', 'legit']);
	});
});

describe('relay: authorize hooks', () => {
	it('drops a read-only socket’s writes with a permission-denied message; it still receives updates and shows presence', async () => {
		const warnings: string[] = [];
		const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
		kit.defer(() => warn.mockRestore());
		const server = await startServer({ authorize });
		const writer = connect(server, ROOM, new Y.Doc(), { token: 'write' });
		const reader = connect(server, ROOM, new Y.Doc(), { token: 'read' });
		await Promise.all([synced(writer), synced(reader)]);
		appendNote(reader.doc, 'from the reader;');
		reader.awareness.setLocalState({ user: 'reader' });
		await waitFor(() => warnings.some((w) => w.includes('Permission denied') && w.includes(`${ROOM}: token 'read' may only read`)), { what: 'the denial at the reader' });
		appendNote(writer.doc, 'from the writer;');
		await waitFor(() => readNotes(reader.doc).includes('from the writer;'), { what: 'writer → reader' });
		await waitFor(() => (writer.awareness.getStates().get(reader.doc.clientID) as { user?: string } | undefined)?.user === 'reader', { what: 'reader presence at the writer', events: [[writer.awareness, 'change']] });
		expect(await readRelayDoc(server, ROOM, readNotes)).toBe('from the writer;');
		expect(readNotes(writer.doc)).toBe('from the writer;');
	});

	it('closes a refused socket with the code and reason authorize gives, before loading the room', async () => {
		const seen: string[] = [];
		const server = await startServer({ authorize: (req, name) => (seen.push(name), authorize(req, name)) });
		const p = connect(server, ROOM, new Y.Doc(), { token: 'stolen' });
		const [event] = (await once(p, 'closed')) as [{ code: number; reason: string }];
		expect(event).toEqual({ code: 4401, reason: 'unknown token' });
		expect(p.shouldConnect).toBe(false);
		expect(seen).toEqual([ROOM]);
		expect(server.relay.stats().rooms).toBe(0);
	});

	it('closeTagged closes every open socket of a tag and leaves the others', async () => {
		const server = await startServer({ authorize });
		const [a, b, other] = await Promise.all([rawClient(server, `${ROOM}?token=write`), rawClient(server, `${ROOM}?token=write`), rawClient(server, `${ROOM}?token=read`)]);
		await Promise.all([a, b, other].map(roundTrip));
		expect(server.relay.closeTagged('w', 4401, 'Token revoked')).toBe(2);
		expect(await a.closed).toEqual({ code: 4401, reason: 'Token revoked' });
		expect(await b.closed).toEqual({ code: 4401, reason: 'Token revoked' });
		expect(server.relay.closeTagged('nobody', 4401, 'x')).toBe(0);
		await roundTrip(other);
		expect(other.ws.readyState).toBe(WebSocket.OPEN);
	});

	it('closes a socket past maxConnectionsPerTag with 4429, and admits again once one closes', async () => {
		const server = await startServer({ authorize, maxConnectionsPerTag: 2 });
		const open = await Promise.all([rawClient(server, `${ROOM}?token=write`), rawClient(server, `${ROOM}?token=write`)]);
		await Promise.all(open.map(roundTrip));
		const third = await rawClient(server, `${ROOM}?token=write`);
		expect(await third.closed).toEqual({ code: 4429, reason: 'this token already has 2 open sockets (the limit)' });
		await roundTrip(await rawClient(server, `${ROOM}?token=write2`));
		open[0].ws.close();
		await open[0].closed;
		await waitFor(() => server.relay.stats().sockets === 2, { what: 'the closed socket gone' });
		await roundTrip(await rawClient(server, `${ROOM}?token=write`));
	});
});

describe('relay: resource bounds', () => {
	it('terminates a socket that stops reading once it has more than maxBufferedBytes queued; the others stay fed', async () => {
		const server = await startServer({ maxBufferedBytes: 256 * 1024 });
		const live = connect(server, LIVE);
		await synced(live);
		const slow = await rawClient(server, LIVE);
		await roundTrip(slow);
		const slowSocket = (slow.ws as unknown as { _socket: Socket })._socket;
		slowSocket.pause();
		// Kernel buffers take a few MiB first; each chunk reaches the reading client before the next is written.
		let chunks = 0;
		while (server.relay.stats().sockets > 1 && chunks < 200) {
			await server.relay.transact([LIVE], ([d]) => d.getArray<Uint8Array>('chunks').push([new Uint8Array(512 * 1024)]));
			chunks++;
			await waitFor(() => live.doc.getArray('chunks').length === chunks, { what: `chunk ${chunks} at the reading client` });
		}
		expect(server.relay.stats().sockets, `still open after ${chunks / 2} MiB`).toBe(1);
		// Reading again, the client gets what was sent before the cut, then the cut itself (no close frame).
		slowSocket.resume();
		expect((await slow.closed).code).toBe(1006);
		expect(live.wsconnected).toBe(true);
	});

	it('holds an update whose dependencies are missing outside the document, applies it once they arrive, and bounds what waits', async () => {
		const server = await startServer({ pending: { maxUpdatesPerSocket: 3, maxBytesPerRoom: 64 * 1024 } });
		const watcher = connect(server);
		await synced(watcher);
		const a = new Y.Doc();
		appendNote(a, 'base');
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		const before = Y.encodeStateVector(b);
		appendNote(b, ' top');
		const raw = await rawClient(server);
		raw.ws.send(encodeSyncFrame(2, Y.encodeStateAsUpdate(b, before)));
		const served = new Y.Doc();
		Y.applyUpdate(served, await roundTrip(raw));
		expect(readNotes(served)).toBe('');
		expect(await readRelayDoc(server, ROOM, (d) => [readNotes(d), d.store.pendingStructs, d.store.pendingDs])).toEqual(['', null, null]);
		raw.ws.send(encodeSyncFrame(2, Y.encodeStateAsUpdate(a)));
		await waitFor(() => readNotes(watcher.doc) === 'base top', { what: 'both updates applied' });

		/** An edit on top of text the relay never gets: it can only wait. */
		const orphan = (text = 'x') => {
			const base = new Y.Doc();
			appendNote(base, 'never sent');
			const on = new Y.Doc();
			Y.applyUpdate(on, Y.encodeStateAsUpdate(base));
			const sv = Y.encodeStateVector(on);
			appendNote(on, text);
			return Y.encodeStateAsUpdate(on, sv);
		};
		const flooder = await rawClient(server);
		for (let i = 0; i < 4; i++) flooder.ws.send(encodeSyncFrame(2, orphan()));
		expect(await flooder.closed).toEqual({ code: 4413, reason: 'more than 3 updates wait for missing dependencies' });
		const big = await rawClient(server);
		big.ws.send(encodeSyncFrame(2, orphan()));
		await roundTrip(big);
		const second = await rawClient(server);
		second.ws.send(encodeSyncFrame(2, orphan('y'.repeat(70 * 1024))));
		expect(await second.closed).toMatchObject({ code: 4413, reason: expect.stringMatching(/^the room holds more than 65536 B/) });
		expect(await readRelayDoc(server, ROOM, readNotes)).toBe('base top');
	});

	it('lets a socket set only the awareness states it owns, at most 4 of them, each at most 64 KiB', async () => {
		const server = await startServer();
		const a = connect(server);
		const b = connect(server);
		await Promise.all([synced(a), synced(b)]);
		a.awareness.setLocalState({ user: 'alice' });
		const stateAt = (id: number) => b.awareness.getStates().get(id) as { user?: string } | undefined;
		await waitFor(() => stateAt(a.doc.clientID)?.user === 'alice', { what: 'alice at b', events: [[b.awareness, 'change']] });
		const x = await rawClient(server);
		x.ws.send(awarenessFrame([{ clientId: 7777, clock: 1, state: { user: 'x' } }, { clientId: a.doc.clientID, clock: 1000, state: { user: 'mallory' } }]));
		await waitFor(() => stateAt(7777)?.user === 'x', { what: "x's own state at b", events: [[b.awareness, 'change']] });
		expect(stateAt(a.doc.clientID)).toEqual({ user: 'alice' });
		x.ws.send(awarenessFrame([1, 2, 3, 4].map((clientId) => ({ clientId, clock: 1, state: { n: clientId } }))));
		expect(await x.closed).toEqual({ code: 4400, reason: 'a socket may announce at most 4 awareness clients' });
		await waitFor(() => !b.awareness.getStates().has(7777), { what: "x's states gone", events: [[b.awareness, 'change']] });
		const y = await rawClient(server);
		y.ws.send(awarenessFrame([{ clientId: 8888, clock: 1, state: { blob: 'x'.repeat(70_000) } }]));
		expect(await y.closed).toEqual({ code: 4400, reason: 'awareness state of client 8888 is 70011 B; the limit is 65536 B' });
		// A state nested deeper than request bodies may be is malformed too (y-protocols re-encodes it recursively).
		const z = await rawClient(server);
		let deep: unknown = 1;
		for (let i = 0; i < 500; i++) deep = [deep];
		z.ws.send(awarenessFrame([{ clientId: 9999, clock: 1, state: deep }]));
		expect(await z.closed).toEqual({ code: 4400, reason: 'malformed awareness update: state nests deeper than 400 levels' });
		expect(stateAt(a.doc.clientID)).toEqual({ user: 'alice' });
	});

	it('takes a step 2 up to the client update limit, refuses a larger one with a message, closes a frame past 16 MiB with 1009', async () => {
		const server = await startServer();
		const watcher = connect(server);
		await synced(watcher);
		const fits = await rawClient(server);
		const { update } = await editCopy(server, ROOM, (d) => appendNote(d, 'n'.repeat(200 * 1024)));
		fits.ws.send(encodeSyncFrame(1, update));
		await waitFor(() => readNotes(watcher.doc).length === 200 * 1024, { what: 'a 200 KiB step 2 at another client', timeoutMs: 30_000 });
		const big = await rawClient(server);
		const { update: tooMuch } = await editCopy(server, ROOM, (d) => appendNote(d, 'm'.repeat(8 * 1024 * 1024)));
		big.ws.send(encodeSyncFrame(1, tooMuch));
		const denied = await big.waitForMessage((m) => readPermissionDenied(m) !== null, 'size refusal');
		expect(readPermissionDenied(denied)).toMatch(/more than a client may send at once \(262144\)/);
		expect(readNotes(watcher.doc).length).toBe(200 * 1024);
		const tooBig = await rawClient(server);
		tooBig.ws.send(new Uint8Array(16 * 1024 * 1024 + 1));
		expect((await tooBig.closed).code).toBe(1009);
		expect(big.ws.readyState).toBe(WebSocket.OPEN);
	});
});
