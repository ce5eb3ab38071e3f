// The incremental run rows must always equal a full read, and keep the objects of the runs that did not change.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRun, readRuns, updateRun } from '../../src/lib/core/docs/experiment';
import { readMetricSummaries, setMetricSummaries } from '../../src/lib/core/docs/live';
import { createRunRowCache, type RoomEvents } from './run-rows';

const summary = (last: number) => ({ last, min: last, max: last, count: 1, step: 0, timestamp: 0 });

function addRun(exp: Y.Doc, runId: string) {
	createRun(exp, { runId, experimentId: '1', name: runId, user: 'u', startTime: 0, status: 'RUNNING', artifactUri: 'a', params: { p: '1' } });
}

describe('createRunRowCache', () => {
	it('re-reads only the runs a write touched, and equals a full read after each write', () => {
		const exp = new Y.Doc();
		const live = new Y.Doc();
		for (const id of ['a', 'b', 'c']) addRun(exp, id);
		const cache = createRunRowCache();
		const full = () => readRuns(exp, '1', (id) => readMetricSummaries(live, id));
		const first = cache.read('1', exp, live);
		expect(first).toEqual(full());
		expect(cache.read('1', exp, live)).toBe(first);

		setMetricSummaries(live, 'b', { loss: summary(0.5) });
		updateRun(exp, 'c', { tags: { t: 'x' } });
		addRun(exp, 'd');
		const second = cache.read('1', exp, live);
		expect(second).not.toBe(first);
		expect(second).toEqual(full());
		expect(second[0]).toBe(first[0]);
		expect(second[1]).not.toBe(first[1]);
		expect(second[1].metrics.loss.last).toBe(0.5);
		expect(second[2].tags).toEqual({ t: 'x' });
		expect(second.map((r) => r.run_id)).toEqual(['a', 'b', 'c', 'd']);
	});

	it('reads everything again from a document reloaded as a new Y.Doc', () => {
		const exp = new Y.Doc();
		const live = new Y.Doc();
		addRun(exp, 'a');
		const cache = createRunRowCache();
		const first = cache.read('1', exp, live);
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(exp));
		addRun(reloaded, 'b');
		const second = cache.read('1', reloaded, live);
		expect(second.map((r) => r.run_id)).toEqual(['a', 'b']);
		expect(second[0]).not.toBe(first[0]);
	});

	describe('frozen rows of unloaded documents', () => {
		/** Room events as the relay emits them, fired by hand. */
		function fakeRooms() {
			const handlers = new Map<string, ((name: unknown) => void)[]>();
			const rooms: RoomEvents = {
				on(event, fn) {
					handlers.set(event, [...(handlers.get(event) ?? []), fn]);
					return () => {};
				}
			};
			const emit = (event: 'room-loaded' | 'room-unloaded', ...names: string[]) => names.forEach((n) => handlers.get(event)?.forEach((fn) => fn(n)));
			return { rooms, emit };
		}
		function setup() {
			const { rooms, emit } = fakeRooms();
			const cache = createRunRowCache(rooms);
			const exp = new Y.Doc();
			const live = new Y.Doc();
			emit('room-loaded', 'exp/1', 'exp/1/live', 'workspace');
			addRun(exp, 'a');
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

		it('freezes nothing when a change was observed and not read before the documents unloaded', () => {
			const { cache, emit, live } = setup();
			emit('room-unloaded', 'exp/1');
			setMetricSummaries(live, 'a', { loss: summary(1) }); // the live document changed after exp unloaded
			emit('room-unloaded', 'exp/1/live');
			expect(cache.readFrozen('1')).toBeNull();
		});
	});
});
