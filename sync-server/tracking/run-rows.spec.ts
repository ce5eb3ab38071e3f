// The incremental run rows must always equal a full read, and keep the objects of the runs that did not change.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRun, readRuns, updateRun } from '../../src/lib/core/docs/experiment';
import { readMetricSummaries, setMetricSummaries } from '../../src/lib/core/docs/live';
import { createRunRowCache, type RoomEvents } from './run-rows';

/** Run ids (32 hex characters: the rows skip entries under any other key). */
const ID = { a: 'a'.repeat(32), b: 'b'.repeat(32), c: 'c'.repeat(32), d: 'd'.repeat(32) };
const summary = (last: number) => ({ last, min: last, max: last, count: 1, step: 0, timestamp: 0 });

function addRun(exp: Y.Doc, runId: string) {
	createRun(exp, { runId, experimentId: '1', name: runId, user: 'u', startTime: 0, status: 'RUNNING', artifactUri: 'uri', params: { p: '1' } });
}

describe('createRunRowCache', () => {
	it('re-reads only the runs a write touched, and equals a full read after each write', () => {
		const exp = new Y.Doc();
		const live = new Y.Doc();
		for (const id of [ID.a, ID.b, ID.c]) addRun(exp, id);
		const cache = createRunRowCache();
		const full = () => readRuns(exp, '1', (id) => readMetricSummaries(live, id));
		const first = cache.read('1', exp, live);
		expect(first).toEqual(full());
		expect(cache.read('1', exp, live)).toBe(first);

		setMetricSummaries(live, ID.b, { loss: summary(0.5) });
		updateRun(exp, ID.c, { tags: { t: 'x' } });
		addRun(exp, ID.d);
		const second = cache.read('1', exp, live);
		expect(second).not.toBe(first);
		expect(second).toEqual(full());
		expect(second[0]).toBe(first[0]);
		expect(second[1]).not.toBe(first[1]);
		expect(second[1].metrics.loss.last).toBe(0.5);
		expect(second[2].tags).toEqual({ t: 'x' });
		expect(second.map((r) => r.run_id)).toEqual([ID.a, ID.b, ID.c, ID.d]);
	});

	it('skips entries a peer wrote under keys that are not run ids', () => {
		const exp = new Y.Doc();
		const live = new Y.Doc();
		addRun(exp, ID.a);
		addRun(exp, 'not-a-run');
		const cache = createRunRowCache();
		expect(cache.read('1', exp, live).map((r) => r.run_id)).toEqual([ID.a]);
		addRun(exp, 'also-not');
		updateRun(exp, ID.a, { tags: { t: 'x' } });
		expect(cache.read('1', exp, live).map((r) => r.run_id)).toEqual([ID.a]);
	});

	it('reads everything again from a document reloaded as a new Y.Doc', () => {
		const exp = new Y.Doc();
		const live = new Y.Doc();
		addRun(exp, ID.a);
		const cache = createRunRowCache();
		const first = cache.read('1', exp, live);
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(exp));
		addRun(reloaded, ID.b);
		const second = cache.read('1', reloaded, live);
		expect(second.map((r) => r.run_id)).toEqual([ID.a, ID.b]);
		expect(second[0]).not.toBe(first[0]);
	});

	describe('frozen rows of unloaded documents', () => {
		/** Room events as the relay emits them, fired by hand. */
		function fakeRooms() {
			const handlers = new Map<string, ((name: unknown, doc?: unknown) => void)[]>();
			const rooms: RoomEvents = {
				on(event, fn) {
					handlers.set(event, [...(handlers.get(event) ?? []), fn]);
					return () => {};
				}
			};
			/** Names, or a {name, doc} for a room loaded as that document. */
			const emit = (event: 'room-loaded' | 'room-unloaded' | 'doc-changed', ...rooms: (string | { name: string; doc: Y.Doc })[]) =>
				rooms.forEach((r) => handlers.get(event)?.forEach((fn) => (typeof r === 'string' ? fn(r) : fn(r.name, r.doc))));
			return { rooms, emit };
		}
		function setup() {
			const { rooms, emit } = fakeRooms();
			const cache = createRunRowCache(rooms);
			const exp = new Y.Doc();
			const live = new Y.Doc();
			emit('room-loaded', 'exp/1', 'exp/1/live', 'workspace');
			addRun(exp, ID.a);
			return { cache, emit, exp, live, rows: cache.read('1', exp, live) };
		}

		it('keeps the rows once both documents have unloaded, until one loads again', () => {
			const { cache, emit, rows } = setup();
			expect(cache.readFrozen('1')).toBeNull();
			emit('room-unloaded', 'exp/1');
			expect(cache.readFrozen('1')).toBeNull(); // the live document may still change
			emit('room-unloaded', 'exp/1/live');
			expect(cache.readFrozen('1')).toBe(rows);
			expect(cache.readFrozen('2')).toBeNull();
			emit('room-loaded', 'exp/1/live');
			expect(cache.readFrozen('1')).toBeNull();
		});

		/** Copies of the documents, as the relay loads them again from the store, announced as loaded. */
		function reload(emit: ReturnType<typeof fakeRooms>['emit'], exp: Y.Doc, live: Y.Doc) {
			const copy = (doc: Y.Doc) => {
				const again = new Y.Doc();
				Y.applyUpdate(again, Y.encodeStateAsUpdate(doc));
				return again;
			};
			const docs = { exp: copy(exp), live: copy(live) };
			for (const [name, doc] of [['exp/1', docs.exp], ['exp/1/live', docs.live]] as const) emitLoaded(emit, name, doc);
			return docs;
		}
		const emitLoaded = (emit: ReturnType<typeof fakeRooms>['emit'], name: string, doc: Y.Doc) => emit('room-loaded', { name, doc });

		it('keeps the frozen rows for documents loaded again, until they change', () => {
			const { cache, emit, exp, live, rows } = setup();
			emit('room-unloaded', 'exp/1', 'exp/1/live');
			const again = reload(emit, exp, live);
			expect(cache.read('1', again.exp, again.live)).toBe(rows);
			// From then on they are observed: a tag deleted (no new items, the state vector stays) is read.
			updateRun(again.exp, ID.a, { tags: { t: 'x' } });
			expect(cache.read('1', again.exp, again.live)[0].tags).toEqual({ t: 'x' });
			updateRun(again.exp, ID.a, { deleteTags: ['t'] });
			expect(cache.read('1', again.exp, again.live)[0].tags).toEqual({});
		});

		it('reads documents that changed after loading again, even by a deletion only', () => {
			const { cache, emit, exp, live } = setup();
			updateRun(exp, ID.a, { tags: { t: 'x' } });
			const rows = cache.read('1', exp, live);
			emit('room-unloaded', 'exp/1', 'exp/1/live');
			const again = reload(emit, exp, live);
			updateRun(again.exp, ID.a, { deleteTags: ['t'] });
			const read = cache.read('1', again.exp, again.live);
			expect(read).not.toBe(rows);
			expect(read).toEqual(readRuns(again.exp, '1', (id) => readMetricSummaries(again.live, id)));
			expect(read[0].tags).toEqual({});
		});

		it('drops the frozen rows when another instance wrote a document of the experiment (doc-changed)', () => {
			const { cache, emit, rows } = setup();
			emit('room-unloaded', 'exp/1', 'exp/1/live');
			expect(cache.readFrozen('1')).toBe(rows);
			emit('doc-changed', 'exp/2/live', 'workspace', 'run/' + ID.a);
			expect(cache.readFrozen('1')).toBe(rows);
			emit('doc-changed', 'exp/1/live');
			expect(cache.readFrozen('1')).toBeNull();
		});

		it('drops every frozen row on a resync (writes may have been missed)', () => {
			const { rooms, emit } = fakeRooms();
			let resync = () => {};
			const withResync: RoomEvents = {
				on(event, fn) {
					if (event === 'resync') resync = () => fn(undefined);
					return rooms.on(event, fn);
				}
			};
			const cache = createRunRowCache(withResync);
			const [exp, live] = [new Y.Doc(), new Y.Doc()];
			addRun(exp, ID.a);
			emit('room-loaded', 'exp/1', 'exp/1/live');
			const rows = cache.read('1', exp, live);
			emit('room-unloaded', 'exp/1', 'exp/1/live');
			expect(cache.readFrozen('1')).toBe(rows);
			resync();
			expect(cache.readFrozen('1')).toBeNull();
		});

		it('freezes nothing when a change was observed and not read before the documents unloaded', () => {
			const { cache, emit, live } = setup();
			emit('room-unloaded', 'exp/1');
			setMetricSummaries(live, ID.a, { loss: summary(1) }); // the live document changed after exp unloaded
			emit('room-unloaded', 'exp/1/live');
			expect(cache.readFrozen('1')).toBeNull();
		});
	});
});
