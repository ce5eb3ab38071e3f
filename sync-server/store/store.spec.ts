// Runs the DocStore contract against the in-memory and SQLite stores, plus what only the SQLite store promises:
// name validation, recovery from a failed commit, refusing a file it cannot read.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DocStore } from './doc-store';
import { createMemoryStore } from './memory-store';
import { createSqliteStore, MAX_DOC_NAME_LENGTH, type SqliteDocStore } from './sqlite-store';
import { runDocStoreContract, type DocStoreFixture } from './store-contract';

async function createTempDir(): Promise<string> {
	return mkdtemp(path.join(os.tmpdir(), 'tandem-store-'));
}

function createSqliteFixture(synchronous: 'FULL' | 'NORMAL') {
	return async (): Promise<DocStoreFixture> => {
		const dir = await createTempDir();
		const file = path.join(dir, 'nested', 'data', 'tandem.db'); // open creates the parent directories
		let current: DocStore = createSqliteStore({ path: file, synchronous });
		return {
			store: current,
			reopen: async () => (current = createSqliteStore({ path: file, synchronous })),
			readCommits: (store) => (store as SqliteDocStore).readStats().commits,
			cleanup: async () => {
				await current.close();
				await rm(dir, { recursive: true, force: true });
			}
		};
	};
}

runDocStoreContract('memory', async () => {
	const store = createMemoryStore();
	return { store, cleanup: () => store.close() };
});
runDocStoreContract('sqlite (synchronous=NORMAL)', createSqliteFixture('NORMAL'));
runDocStoreContract('sqlite (synchronous=FULL)', createSqliteFixture('FULL'));

describe('sqlite store', () => {
	const withStore = async (fn: (store: SqliteDocStore, file: string) => Promise<void>) => {
		const dir = await createTempDir();
		const file = path.join(dir, 'tandem.db');
		const store = createSqliteStore({ path: file });
		try {
			await fn(store, file);
		} finally {
			await store.close().catch(() => {});
			await rm(dir, { recursive: true, force: true });
		}
	};

	it('rejects names that are empty, longer than 512 characters or contain NUL', () =>
		withStore(async (store) => {
			for (const bad of ['', 'x'.repeat(MAX_DOC_NAME_LENGTH + 1), 'a\0b']) {
				expect(() => store.append(bad, new Uint8Array([1]))).toThrow(/document name/);
				await expect(store.load(bad)).rejects.toThrow(/document name/);
				await expect(store.compact(bad, new Uint8Array([1]))).rejects.toThrow(/document name/);
			}
			expect(await store.list()).toEqual([]);
		}));

	it('uses WAL mode on disk', () =>
		withStore(async (_store, file) => {
			const other = new Database(file, { readonly: true });
			try {
				expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
			} finally {
				other.close();
			}
		}));

	it('a failed commit rejects its flushes, keeps the updates queued and commits them on the next flush', () =>
		withStore(async (store, file) => {
			// A second connection installs a switchable failure: every insert into the log aborts while it is on.
			const other = new Database(file);
			try {
				other.exec(`
					CREATE TABLE fail_switch (on_ INTEGER);
					CREATE TRIGGER fail_insert BEFORE INSERT ON updates WHEN EXISTS (SELECT 1 FROM fail_switch)
					BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
				`);
				store.append('doc', new Uint8Array([1]));
				await store.flush();
				other.exec('INSERT INTO fail_switch VALUES (1)');
				store.append('doc', new Uint8Array([2]));
				store.append('other', new Uint8Array([3]));
				await expect(store.flush()).rejects.toThrow('injected failure');
				expect(store.readStats()).toEqual({ commits: 1, updates: 1 });
				await expect(store.compact('doc', new Uint8Array([9]))).rejects.toThrow('injected failure');

				store.append('doc', new Uint8Array([4]));
				other.exec('DELETE FROM fail_switch');
				await store.flush();
				expect(store.readStats()).toEqual({ commits: 2, updates: 4 });
				const persisted = other.prepare("SELECT name, hex(data) AS hex FROM updates ORDER BY seq").all();
				expect(persisted).toEqual([
					{ name: 'doc', hex: '01' },
					{ name: 'doc', hex: '02' },
					{ name: 'other', hex: '03' },
					{ name: 'doc', hex: '04' }
				]);
			} finally {
				other.close();
			}
		}));

	it('flush after close rejects; close twice is harmless', () =>
		withStore(async (store) => {
			await store.close();
			await store.close();
			await expect(store.flush()).rejects.toThrow(/closed/);
		}));

	it('refuses a file that is not a database, and a schema newer than it knows', async () => {
		const dir = await createTempDir();
		try {
			const junk = path.join(dir, 'junk.db');
			await writeFile(junk, Buffer.alloc(8192, 0x5a));
			expect(() => createSqliteStore({ path: junk })).toThrow(/not a database/);

			const newer = path.join(dir, 'newer.db');
			const db = new Database(newer);
			db.pragma('user_version = 99');
			db.close();
			expect(() => createSqliteStore({ path: newer })).toThrow(/schema version 99/);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
