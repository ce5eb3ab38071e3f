// Runs the BlobStore contract against the file and in-memory stores, plus what only the file store promises:
// its on-disk layout, temp-file cleanup on open, and refreshing a blob's age when its content is put again.
import { mkdtemp, readdir, rm, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBlobStoreContract } from './blob-contract';
import { createFsBlobStore } from './fs-blob-store';
import { createMemoryBlobStore } from './memory-blob-store';

async function* bytesOf(s: string): AsyncGenerator<Uint8Array> {
	yield new TextEncoder().encode(s);
}

runBlobStoreContract('fs', async () => {
	const dir = await mkdtemp(join(tmpdir(), 'tandem-blobs-'));
	return {
		store: await createFsBlobStore(dir),
		countPending: async () => (await readdir(join(dir, 'tmp'))).length,
		memoryBound: 8 * 1024 * 1024,
		dispose: () => rm(dir, { recursive: true, force: true })
	};
});

runBlobStoreContract('memory', async () => ({ store: createMemoryBlobStore() }));

describe('fs blob store', () => {
	let dir: string;
	beforeEach(async () => {
		dir = await mkdtemp(join(tmpdir(), 'tandem-blobs-'));
	});
	afterEach(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it('stores a blob at sha256/<first two hex>/<other 62>', async () => {
		const store = await createFsBlobStore(dir);
		const { sha256 } = await store.put(bytesOf('layout'));
		const st = await stat(join(dir, 'sha256', sha256.slice(0, 2), sha256.slice(2)));
		expect(st.size).toBe(6);
		expect(await readdir(join(dir, 'sha256'))).toEqual([sha256.slice(0, 2)]);
	});

	it('removes stale temp files on open and keeps stored blobs', async () => {
		const first = await createFsBlobStore(dir);
		const { sha256 } = await first.put(bytesOf('kept'));
		await writeFile(join(dir, 'tmp', 'crashed-upload.part'), 'half of something');
		await mkdir(join(dir, 'tmp', 'odd-dir'));
		const reopened = await createFsBlobStore(dir);
		expect(await readdir(join(dir, 'tmp'))).toEqual([]);
		const listed: string[] = [];
		for await (const s of reopened.list()) listed.push(s);
		expect(listed).toEqual([sha256]);
		expect(await reopened.stat(sha256)).toMatchObject({ size: 4 });
	});

	it('lists only well-formed blob names, ignoring stray files', async () => {
		const store = await createFsBlobStore(dir);
		const { sha256 } = await store.put(bytesOf('real'));
		await writeFile(join(dir, 'sha256', 'README'), 'not a blob');
		await mkdir(join(dir, 'sha256', 'zz'));
		await writeFile(join(dir, 'sha256', 'zz', 'a'.repeat(62)), 'bad prefix');
		await writeFile(join(dir, 'sha256', sha256.slice(0, 2), 'short'), 'bad name');
		const listed: string[] = [];
		for await (const s of store.list()) listed.push(s);
		expect(listed).toEqual([sha256]);
	});

	it('refreshes storedAt when content already stored is put again', async () => {
		const store = await createFsBlobStore(dir);
		const { sha256 } = await store.put(bytesOf('old content'));
		const past = new Date('2001-02-03T04:05:06Z');
		await utimes(join(dir, 'sha256', sha256.slice(0, 2), sha256.slice(2)), past, past);
		expect((await store.stat(sha256))!.storedAt).toBe(past.getTime());
		const before = Date.now();
		await store.put(bytesOf('old content'));
		expect((await store.stat(sha256))!.storedAt).toBeGreaterThanOrEqual(before - 1000);
		expect(await readdir(join(dir, 'tmp'))).toEqual([]);
	});
});

describe('memory blob store', () => {
	it('refreshes storedAt from its clock when content already stored is put again', async () => {
		let clock = 1000;
		const store = createMemoryBlobStore({ now: () => clock });
		const { sha256 } = await store.put(bytesOf('content'));
		expect((await store.stat(sha256))!.storedAt).toBe(1000);
		clock = 5000;
		await store.put(bytesOf('content'));
		expect((await store.stat(sha256))!.storedAt).toBe(5000);
	});
});
