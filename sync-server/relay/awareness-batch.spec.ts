import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { createAwarenessBatch } from './awareness-batch';
import { parseClientMessage } from './protocol';

/** One awareness per simulated person, and the room's own that the batch reads states from. */
function setup(people: number) {
	const room = new Awareness(new Y.Doc());
	room.setLocalState(null);
	const persons = Array.from({ length: people }, () => new Awareness(new Y.Doc()));
	const sent: { entries: { clientId: number; state: string }[]; except: string | null }[] = [];
	const batch = createAwarenessBatch<string>({
		awareness: room,
		windowMs: 30,
		send: (message, except) => {
			const parsed = parseClientMessage(message);
			if (!parsed.ok || parsed.value.type !== 'awareness') throw new Error('not an awareness message');
			sent.push({ entries: parsed.value.entries.map((e) => ({ clientId: e.clientId, state: e.state })), except });
		}
	});
	/** Person i moves to x: its state reaches the room from socket `s<i>`, as the relay's gate applies it. */
	const move = (i: number, x: number) => {
		persons[i].setLocalState({ x });
		applyAwarenessUpdate(room, encodeAwarenessUpdate(persons[i], [persons[i].clientID]), `s${i}`);
		batch.note([persons[i].clientID], `s${i}`);
	};
	return { room, persons, sent, batch, move };
}

describe('awareness batch', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('sends a change after a quiet window at once, to everyone but the socket it came from', () => {
		const { sent, move } = setup(1);
		move(0, 1);
		expect(sent).toHaveLength(1);
		expect(sent[0].except).toBe('s0');
		expect(JSON.parse(sent[0].entries[0].state)).toEqual({ x: 1 });
	});

	it('coalesces the changes of one window into one message to all, each person at their latest state', () => {
		const { sent, move, persons } = setup(3);
		move(0, 1); // sent at once
		move(1, 2);
		move(2, 3);
		move(1, 4);
		expect(sent).toHaveLength(1);
		vi.advanceTimersByTime(29);
		expect(sent).toHaveLength(1);
		vi.advanceTimersByTime(1);
		expect(sent).toHaveLength(2);
		const second = sent[1];
		expect(second.except).toBeNull(); // two sockets' changes: nobody may be left out
		const states = new Map(second.entries.map((e) => [e.clientId, JSON.parse(e.state)]));
		expect(states).toEqual(new Map([[persons[1].clientID, { x: 4 }], [persons[2].clientID, { x: 3 }]]));
	});

	it('keeps the sole origin out when every change of the window came from one socket', () => {
		const { sent, move } = setup(1);
		move(0, 1);
		move(0, 2);
		move(0, 3);
		vi.advanceTimersByTime(30);
		expect(sent.map((s) => s.except)).toEqual(['s0', 's0']);
		expect(JSON.parse(sent[1].entries[0].state)).toEqual({ x: 3 });
	});

	it('splits a busy window into messages of at most 16 states', () => {
		const { sent, move } = setup(40);
		move(0, 0);
		for (let i = 1; i < 40; i++) move(i, i);
		vi.advanceTimersByTime(30);
		const later = sent.slice(1);
		expect(later.map((s) => s.entries.length)).toEqual([16, 16, 7]);
		expect(new Set(later.flatMap((s) => s.entries.map((e) => e.clientId))).size).toBe(39);
	});

	it('carries removals (a closed tab) as null states', () => {
		const { sent, move, room, persons, batch } = setup(1);
		move(0, 1);
		vi.advanceTimersByTime(30);
		removeAwarenessStates(room, [persons[0].clientID], null);
		batch.note([persons[0].clientID], null);
		expect(sent).toHaveLength(2);
		expect(sent[1]).toEqual({ entries: [{ clientId: persons[0].clientID, state: 'null' }], except: null });
	});

	it('sends nothing after destroy', () => {
		const { sent, move, batch } = setup(2);
		move(0, 1);
		move(1, 1);
		batch.destroy();
		vi.advanceTimersByTime(100);
		expect(sent).toHaveLength(1);
	});
});
