// The DocStore contract suite: one set of vitest cases every DocStore implementation must pass. Rules:
// [DS1] a never-written name loads empty  [DS2] one doc's updates load in append order, byte for byte
// [DS3] docs interleaved in one log keep their own order  [DS4] flush: after it, earlier appends load; with nothing pending it resolves at once
// [DS5] appends of one tick share one commit  [DS6] compact replaces the history; later appends load after the snapshot
// [DS7] snapshot + log rebuild a Y.Doc equal to the original  [DS8] everything flushed or closed survives reopen
// [DS9] list names every stored doc  [DS10] names are opaque strings ('/', unicode)  [DS11] load sees unflushed appends
// [DS12] the store keeps its own copy of appended bytes  [DS13] a closed store refuses work
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocStore, StoredDoc } from './doc-store';

export interface DocStoreFixture {
	store: DocStore;
	/** Opens the same storage again; the suite closes the previous store first. */
	reopen?: () => Promise<DocStore>;
	/** Group commits made so far by `store`, for implementations that count them. */
	readCommits?: (store: DocStore) => number;
	/** Closes whatever is still open and deletes the storage. */
	cleanup: () => Promise<void>;
}

const bytes = (...values: number[]) => new Uint8Array(values);

/** Applies a stored history to a fresh Y.Doc. */
export function readStoredDoc(stored: StoredDoc): Y.Doc {
	const doc = new Y.Doc();
	if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
	for (const u of stored.updates) Y.applyUpdate(doc, u);
	return doc;
}

/** Makes `count` edits of several kinds (map, array, text insert and delete), one Yjs update each. */
function applyEdits(doc: Y.Doc, from: number, count: number): void {
	for (let i = from; i < from + count; i++) {
		if (i % 4 === 0) doc.getMap('params').set(`p${i % 13}`, i);
		else if (i % 4 === 1) doc.getArray<number>('steps').push([i]);
		else if (i % 4 === 2) doc.getText('notes').insert(0, `n${i} `);
		else doc.getText('notes').delete(0, Math.min(2, doc.getText('notes').length));
	}
}

/** The JSON of the types `applyEdits` writes (a Y.Doc's toJSON only lists types it has been asked for). */
function readEditedJson(doc: Y.Doc): Record<string, unknown> {
	doc.getMap('params');
	doc.getArray('steps');
	doc.getText('notes');
	return doc.toJSON();
}

export function runDocStoreContract(name: string, make: () => Promise<DocStoreFixture>): void {
	describe(`DocStore contract: ${name}`, () => {
		let fx: DocStoreFixture | null = null;
		const open = async () => (fx = await make());
		afterEach(async () => {
			await fx?.cleanup();
			fx = null;
		});

		it('[DS1] a never-written name loads empty', async () => {
			const { store } = await open();
			expect(await store.load('nothing-here')).toMatchObject({ snapshot: null, updates: [], bytes: 0 });
			expect(await store.list()).toEqual([]);
		});

		it('[DS2] updates load in append order, byte for byte, with their byte count', async () => {
			const { store } = await open();
			const updates = Array.from({ length: 20 }, (_, i) => bytes(i, i * 3, 255 - i, ...Array(i).fill(7)));
			for (const u of updates) store.append('doc', u);
			await store.flush();
			const loaded = await store.load('doc');
			expect(loaded.snapshot).toBeNull();
			expect(loaded.updates).toEqual(updates);
			expect(loaded.bytes).toBe(updates.reduce((n, u) => n + u.byteLength, 0));
		});

		it('[DS3] interleaved docs keep their own order across several commits', async () => {
			const { store } = await open();
			const expected: Record<string, Uint8Array[]> = { a: [], b: [], c: [] };
			for (let round = 0; round < 5; round++) {
				for (let i = 0; i < 9; i++) {
					const docName = 'abc'[(i + round) % 3];
					const u = bytes(round, i);
					expected[docName].push(u);
					store.append(docName, u);
				}
				await store.flush();
			}
			for (const docName of ['a', 'b', 'c']) expect((await store.load(docName)).updates).toEqual(expected[docName]);
		});

		it('[DS4] flush with nothing pending resolves at once, and after a flush every earlier append loads', async () => {
			const { store } = await open();
			await store.flush();
			store.append('doc', bytes(1));
			const first = store.flush();
			store.append('doc', bytes(2));
			await first;
			await store.flush();
			await store.flush();
			expect((await store.load('doc')).updates).toEqual([bytes(1), bytes(2)]);
		});

		it('[DS5] many appends in one tick become one commit, across documents', async () => {
			const f = await open();
			const before = f.readCommits?.(f.store);
			for (let i = 0; i < 500; i++) f.store.append(`doc${i % 3}`, bytes(i & 0xff, i >> 8));
			await Promise.all([f.store.flush(), f.store.flush()]);
			if (f.readCommits) expect(f.readCommits(f.store) - before!).toBe(1);
			const total = (await Promise.all(['doc0', 'doc1', 'doc2'].map((n) => f.store.load(n)))).map((d) => d.updates.length);
			expect(total).toEqual([167, 167, 166]);
		});

		it('[DS6] compact replaces the history; later appends load after the snapshot', async () => {
			const { store } = await open();
			store.append('doc', bytes(1));
			store.append('doc', bytes(2));
			store.append('other', bytes(9));
			await store.compact('doc', bytes(1, 2));
			store.append('doc', bytes(3));
			await store.flush();
			expect(await store.load('doc')).toMatchObject({ snapshot: bytes(1, 2), updates: [bytes(3)], bytes: 3 });
			await store.compact('doc', bytes(1, 2, 3));
			expect(await store.load('doc')).toMatchObject({ snapshot: bytes(1, 2, 3), updates: [], bytes: 3 });
			expect((await store.load('other')).updates).toEqual([bytes(9)]);
		});

		it('[DS7] a Y.Doc observed into the store, compacted midway, reloads equal to the original', async () => {
			const { store } = await open();
			const doc = new Y.Doc();
			doc.on('update', (u: Uint8Array) => store.append('runs/r1', u));
			applyEdits(doc, 0, 200);
			await store.flush();
			expect(readEditedJson(readStoredDoc(await store.load('runs/r1')))).toEqual(readEditedJson(doc));

			await store.compact('runs/r1', Y.encodeStateAsUpdate(doc));
			applyEdits(doc, 200, 120);
			await store.flush();
			const stored = await store.load('runs/r1');
			expect(stored.snapshot).not.toBeNull();
			expect(stored.updates).toHaveLength(120);
			const reloaded = readStoredDoc(stored);
			expect(readEditedJson(reloaded)).toEqual(readEditedJson(doc));
			expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(doc));
		});

		it('[DS8] flushed, compacted and closed-with-pending updates survive reopen', async () => {
			const f = await open();
			const doc = new Y.Doc();
			doc.on('update', (u: Uint8Array) => f.store.append('exp/0', u));
			applyEdits(doc, 0, 50);
			await f.store.compact('exp/0', Y.encodeStateAsUpdate(doc));
			applyEdits(doc, 50, 30);
			await f.store.flush();
			applyEdits(doc, 80, 10); // not flushed: close must write them
			f.store.append('log-only', bytes(4, 2));
			// A store without persistence is checked before it closes; nothing is expected to outlive it.
			if (f.reopen) {
				await f.store.close();
				f.store = await f.reopen();
			}
			expect(readEditedJson(readStoredDoc(await f.store.load('exp/0')))).toEqual(readEditedJson(doc));
			expect((await f.store.load('exp/0')).updates).toHaveLength(40);
			expect((await f.store.load('log-only')).updates).toEqual([bytes(4, 2)]);
			expect((await f.store.list()).sort()).toEqual(['exp/0', 'log-only']);
		});

		it('[DS9] list names every stored doc: log only, snapshot only, both', async () => {
			const { store } = await open();
			store.append('log', bytes(1));
			await store.compact('snap', bytes(2));
			store.append('both', bytes(3));
			await store.compact('both', bytes(3));
			store.append('both', bytes(4));
			await store.flush();
			expect((await store.list()).sort()).toEqual(['both', 'log', 'snap']);
		});

		it("[DS10] names are opaque strings: '/', unicode, spaces, dots", async () => {
			const { store } = await open();
			const names = ['exp/1/runs/a', '实验/モデル', 'emoji 🚀 run', '..', 'a'.repeat(512)];
			names.forEach((n, i) => store.append(n, bytes(i)));
			await store.flush();
			for (const [i, n] of names.entries()) expect((await store.load(n)).updates).toEqual([bytes(i)]);
			expect((await store.list()).sort()).toEqual([...names].sort());
		});

		it('[DS11] load and list see appends that are not flushed yet', async () => {
			const { store } = await open();
			store.append('doc', bytes(1));
			await store.flush();
			store.append('doc', bytes(2));
			store.append('fresh', bytes(3));
			expect((await store.load('doc')).updates).toEqual([bytes(1), bytes(2)]);
			expect((await store.list()).sort()).toEqual(['doc', 'fresh']);
		});

		it('[DS12] the store keeps its own copy of appended and compacted bytes', async () => {
			const { store } = await open();
			const u = bytes(1, 2, 3);
			store.append('doc', u);
			u[0] = 99;
			await store.flush();
			const snap = bytes(5, 6);
			await store.compact('snap', snap);
			snap[0] = 99;
			expect((await store.load('doc')).updates).toEqual([bytes(1, 2, 3)]);
			expect((await store.load('snap')).snapshot).toEqual(bytes(5, 6));
		});

		it('[DS13] a closed store refuses appends and loads', async () => {
			const { store } = await open();
			await store.close();
			expect(() => store.append('doc', bytes(1))).toThrow(/closed/);
			await expect(store.load('doc')).rejects.toThrow(/closed/);
		});
	});
}
