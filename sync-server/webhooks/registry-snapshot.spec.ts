import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { coversEncoded, coversSnapshot } from './registry-snapshot';

const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));

describe('coversSnapshot', () => {
	it('a view covers itself and earlier views, not later insertions or deletions', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const m = a.getMap('models');
		m.set('x', 1);
		m.set('y', 2);
		sync(a, b);
		const before = Y.snapshot(b);
		expect(coversSnapshot(Y.snapshot(a), before)).toBe(true);
		m.delete('x'); // a deletion alone leaves the state vector as it was
		expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b));
		expect(coversSnapshot(Y.snapshot(b), Y.snapshot(a))).toBe(false);
		expect(coversSnapshot(Y.snapshot(a), Y.snapshot(b))).toBe(true);
		m.set('z', 3);
		expect(coversSnapshot(Y.snapshot(b), Y.snapshot(a))).toBe(false);
		sync(a, b);
		expect(coversSnapshot(Y.snapshot(b), Y.snapshot(a))).toBe(true);
		expect(coversSnapshot(Y.snapshot(b), before)).toBe(true);
	});

	it('concurrent views cover neither way until both have everything', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		a.getMap('m').set('a', 1);
		b.getMap('m').set('b', 1);
		expect(coversSnapshot(Y.snapshot(a), Y.snapshot(b))).toBe(false);
		expect(coversSnapshot(Y.snapshot(b), Y.snapshot(a))).toBe(false);
		sync(a, b);
		sync(b, a);
		expect(coversEncoded(Y.encodeSnapshot(Y.snapshot(a)), Y.encodeSnapshot(Y.snapshot(b)))).toBe(true);
		expect(coversEncoded(Y.encodeSnapshot(Y.snapshot(a)), null)).toBe(true);
	});

	it('a deleted range must lie within one of mine', () => {
		const a = new Y.Doc();
		const t = a.getText('t');
		t.insert(0, 'abcdefgh');
		const b = new Y.Doc();
		sync(a, b);
		b.getText('t').delete(2, 2);
		t.delete(1, 5);
		expect(coversSnapshot(Y.snapshot(a), Y.snapshot(b))).toBe(true);
		expect(coversSnapshot(Y.snapshot(b), Y.snapshot(a))).toBe(false);
	});
});
