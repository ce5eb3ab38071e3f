// The memo serves a cached value only while the very same documents are unchanged.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDocMemo } from './doc-memo';

describe('createDocMemo', () => {
	it('recomputes after an update or when a document was reloaded as a new Y.Doc', () => {
		const memo = createDocMemo<number>();
		let computed = 0;
		const size = (docs: Y.Doc[]) => (computed++, docs[0].getMap('m').size);
		const a = new Y.Doc();
		const b = new Y.Doc();
		expect(memo.read('k', [a, b], size)).toBe(0);
		expect(memo.read('k', [a, b], size)).toBe(0);
		expect(computed).toBe(1);
		a.getMap('m').set('x', 1);
		expect(memo.read('k', [a, b], size)).toBe(1);
		b.getMap('other').set('y', 2);
		expect(memo.read('k', [a, b], size)).toBe(1);
		expect(computed).toBe(3);
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(a));
		expect(memo.read('k', [reloaded, b], size)).toBe(1);
		expect(computed).toBe(4);
	});
});

describe('createDocMemo bounds', () => {
	it('recomputes when the same documents are joined by another one', () => {
		const memo = createDocMemo<number>();
		const a = new Y.Doc();
		const b = new Y.Doc();
		expect(memo.read('k', [a], (docs) => docs.length)).toBe(1);
		expect(memo.read('k', [a, b], (docs) => docs.length)).toBe(2);
	});

	it('keeps at most maxEntries keys, dropping the least recently read', () => {
		const memo = createDocMemo<string>({ maxEntries: 2 });
		const doc = new Y.Doc();
		let computed = 0;
		const read = (key: string) => memo.read(key, [doc], () => (computed++, key));
		read('a');
		read('b');
		read('a');
		read('c'); // drops b, the least recently read
		expect(computed).toBe(3);
		read('a');
		expect(computed).toBe(3);
		read('b');
		expect(computed).toBe(4);
	});
});
