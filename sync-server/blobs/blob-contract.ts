// The BlobStore contract: one vitest suite that every BlobStore implementation must pass
// (run from blobs.spec.ts against the file and in-memory stores, and from tests/s3-blob-store.test.ts against S3), including
// garbage collection over it; its small readers (readAll, listAll, rejection, sha256Of) serve the stores' own tests too.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/core/errors';
import { BlobDigestMismatchError, BlobNotFoundError, BlobTooLargeError, type BlobStore } from './blob-store';
import { collectGarbage, GC_GRACE_MS } from './gc';

export interface BlobStoreFixture {
	store: BlobStore;
	/** Temp files (or the like) left by unfinished puts; must be 0 whenever no put is running. */
	countPending?: () => Promise<number>;
	/** Most bytes of Buffer memory a put may hold at once; omitted for stores that keep content in memory. */
	memoryBound?: number;
	dispose?: () => Promise<void>;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MiB = 1024 * 1024;

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);

async function* chunksOf(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
	for (const c of chunks) yield c;
}

/** A body that counts how many chunks were pulled from it. */
function countingBody(chunks: Uint8Array[]): { body: AsyncIterable<Uint8Array>; pulled: () => number } {
	let pulled = 0;
	const body = (async function* () {
		for (const c of chunks) {
			pulled++;
			yield c;
		}
	})();
	return { body, pulled: () => pulled };
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(Buffer.from(chunk));
	return Buffer.concat(parts);
}

export async function listAll(store: BlobStore): Promise<string[]> {
	const out: string[] = [];
	for await (const sha of store.list()) out.push(sha);
	return out.sort();
}

export async function rejection(p: Promise<unknown>): Promise<unknown> {
	try {
		await p;
	} catch (e) {
		return e;
	}
	throw new Error('expected the promise to reject');
}

export function runBlobStoreContract(name: string, make: () => Promise<BlobStoreFixture>): void {
	describe(`BlobStore contract: ${name}`, () => {
		let fx: BlobStoreFixture;
		let store: BlobStore;
		beforeEach(async () => {
			fx = await make();
			store = fx.store;
		});
		afterEach(async () => {
			await fx.dispose?.();
		});
		const expectNothingPending = async () => {
			if (fx.countPending) expect(await fx.countPending()).toBe(0);
		};

		it('round-trips bytes streamed in several chunks', async () => {
			const whole = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
			const info = await store.put(chunksOf(whole.subarray(0, 1), whole.subarray(1, 600), whole.subarray(600)));
			expect(info).toEqual({ sha256: sha256Of(whole), size: 1000 });
			expect(await store.stat(info.sha256)).toMatchObject({ sha256: info.sha256, size: 1000 });
			expect((await readAll(await store.read(info.sha256))).equals(whole)).toBe(true);
			await expectNothingPending();
		});

		it('accepts a Node Readable and an empty body', async () => {
			const info = await store.put(Readable.from([Buffer.from('hello '), Buffer.from('world')]));
			expect(info).toEqual({ sha256: sha256Of(text('hello world')), size: 11 });
			const empty = await store.put(chunksOf());
			expect(empty).toEqual({ sha256: EMPTY_SHA256, size: 0 });
			expect((await readAll(await store.read(EMPTY_SHA256))).byteLength).toBe(0);
			expect(await listAll(store)).toEqual([info.sha256, EMPTY_SHA256].sort());
		});

		it('stores identical content once', async () => {
			const a = await store.put(chunksOf(text('same bytes')));
			const b = await store.put(chunksOf(text('same '), text('bytes')));
			expect(b).toEqual(a);
			expect(await listAll(store)).toEqual([a.sha256]);
			await expectNothingPending();
		});

		it('lets five concurrent puts of the same content all succeed and keep one blob', async () => {
			const bytes = Buffer.alloc(300_000, 0x5a);
			const puts = Array.from({ length: 5 }, () => store.put(chunksOf(bytes.subarray(0, 100_000), bytes.subarray(100_000))));
			const infos = await Promise.all(puts);
			for (const info of infos) expect(info).toEqual({ sha256: sha256Of(bytes), size: 300_000 });
			expect(await listAll(store)).toEqual([sha256Of(bytes)]);
			expect((await readAll(await store.read(sha256Of(bytes)))).equals(bytes)).toBe(true);
			await expectNothingPending();
		});

		it('reads inclusive byte ranges: first byte, middle, last byte, whole', async () => {
			const bytes = Buffer.from('0123456789abcdef');
			const { sha256 } = await store.put(chunksOf(bytes));
			const range = async (start: number, end: number) => (await readAll(await store.read(sha256, { start, end }))).toString();
			expect(await range(0, 0)).toBe('0');
			expect(await range(5, 9)).toBe('56789');
			expect(await range(15, 15)).toBe('f');
			expect(await range(0, 15)).toBe('0123456789abcdef');
		});

		it('rejects ranges outside the blob with RangeError', async () => {
			const { sha256 } = await store.put(chunksOf(text('0123456789')));
			for (const r of [{ start: 5, end: 4 }, { start: 0, end: 10 }, { start: -1, end: 3 }, { start: 0.5, end: 3 }]) {
				expect(await rejection(store.read(sha256, r)), JSON.stringify(r)).toBeInstanceOf(RangeError);
			}
			const empty = await store.put(chunksOf());
			expect(await rejection(store.read(empty.sha256, { start: 0, end: 0 }))).toBeInstanceOf(RangeError);
		});

		it('reports a missing blob: stat null, read NotFound, delete a no-op', async () => {
			const missing = sha256Of(text('never stored'));
			expect(await store.stat(missing)).toBeNull();
			const err = await rejection(store.read(missing));
			expect(err).toBeInstanceOf(BlobNotFoundError);
			expect((err as ApiError).code).toBe('RESOURCE_DOES_NOT_EXIST');
			await store.delete(missing);
			expect(await listAll(store)).toEqual([]);
		});

		it('rejects invalid sha256 strings before any I/O', async () => {
			const { sha256 } = await store.put(chunksOf(text('x')));
			const bad = ['../../etc/passwd', '', sha256.toUpperCase(), sha256.slice(1), `${sha256}0`, `${sha256.slice(0, 2)}/${sha256.slice(3)}`, `${sha256.slice(0, 63)}g`, `../${sha256.slice(3)}`];
			for (const s of bad) {
				for (const op of [() => store.stat(s), () => store.read(s), () => store.delete(s)]) {
					const err = await rejection(op());
					expect(err, s).toBeInstanceOf(ApiError);
					expect((err as ApiError).code, s).toBe('INVALID_PARAMETER_VALUE');
				}
				const { body, pulled } = countingBody([text('x')]);
				expect(((await rejection(store.put(body, { expectedSha256: s }))) as ApiError).code).toBe('INVALID_PARAMETER_VALUE');
				expect(pulled()).toBe(0);
			}
			expect(await listAll(store)).toEqual([sha256]);
		});

		it('rejects a body past maxBytes, stops reading it and stores nothing', async () => {
			const { body, pulled } = countingBody(Array.from({ length: 10 }, () => new Uint8Array(100)));
			const err = await rejection(store.put(body, { maxBytes: 250 }));
			expect(err).toBeInstanceOf(BlobTooLargeError);
			expect((err as ApiError).code).toBe('REQUEST_LIMIT_EXCEEDED');
			expect(pulled()).toBe(3);
			expect(await listAll(store)).toEqual([]);
			await expectNothingPending();
			expect(await store.put(chunksOf(new Uint8Array(250)), { maxBytes: 250 })).toMatchObject({ size: 250 });
		});

		it('checks expectedSha256 and stores nothing on a mismatch', async () => {
			const wrong = sha256Of(text('other'));
			const err = await rejection(store.put(chunksOf(text('content')), { expectedSha256: wrong }));
			expect(err).toBeInstanceOf(BlobDigestMismatchError);
			expect(err).toMatchObject({ expected: wrong, actual: sha256Of(text('content')), code: 'INVALID_PARAMETER_VALUE' });
			expect(await listAll(store)).toEqual([]);
			await expectNothingPending();
			const ok = await store.put(chunksOf(text('content')), { expectedSha256: sha256Of(text('content')) });
			expect(ok.sha256).toBe(sha256Of(text('content')));
		});

		it('stores nothing when the body fails midway or yields strings', async () => {
			const failing = (async function* () {
				yield text('partial');
				throw new Error('client went away');
			})();
			expect(((await rejection(store.put(failing))) as Error).message).toBe('client went away');
			expect(await rejection(store.put(Readable.from(['a string chunk'])))).toBeInstanceOf(TypeError);
			expect(await listAll(store)).toEqual([]);
			await expectNothingPending();
		});

		it('streams a 20 MB body produced lazily into one reused buffer', async () => {
			const chunkBytes = 64 * 1024;
			const chunkCount = (20 * MiB) / chunkBytes;
			const expected = createHash('sha256');
			// Growth of Buffer memory over its lowest point so far, so garbage collected midway cannot hide buffering.
			let low = process.memoryUsage().arrayBuffers;
			let peak = 0;
			const body = (async function* () {
				const buf = Buffer.alloc(chunkBytes);
				for (let i = 0; i < chunkCount; i++) {
					buf.fill(i & 0xff);
					buf.writeUInt32LE(i, 0);
					expected.update(buf);
					if (i % 16 === 0) {
						const used = process.memoryUsage().arrayBuffers;
						low = Math.min(low, used);
						peak = Math.max(peak, used - low);
					}
					yield buf;
				}
			})();
			const info = await store.put(body);
			expect(info).toEqual({ sha256: expected.digest('hex'), size: 20 * MiB });
			if (fx.memoryBound !== undefined) expect(peak).toBeLessThan(fx.memoryBound);
			const readBack = createHash('sha256');
			let size = 0;
			for await (const chunk of (await store.read(info.sha256)) as AsyncIterable<Buffer>) {
				readBack.update(chunk);
				size += chunk.byteLength;
			}
			expect({ sha256: readBack.digest('hex'), size }).toEqual(info);
			const tail = await readAll(await store.read(info.sha256, { start: 20 * MiB - chunkBytes, end: 20 * MiB - 1 }));
			expect(tail.readUInt32LE(0)).toBe(chunkCount - 1);
			expect(tail[chunkBytes - 1]).toBe((chunkCount - 1) & 0xff);
		});

		it('deletes a blob and can store it again', async () => {
			const a = await store.put(chunksOf(text('a')));
			const b = await store.put(chunksOf(text('b')));
			await store.delete(a.sha256);
			expect(await listAll(store)).toEqual([b.sha256]);
			expect(await store.stat(a.sha256)).toBeNull();
			expect(await rejection(store.read(a.sha256))).toBeInstanceOf(BlobNotFoundError);
			expect(await store.put(chunksOf(text('a')))).toEqual(a);
			expect((await readAll(await store.read(a.sha256))).toString()).toBe('a');
		});

		it('finishes a read stream opened before the blob was deleted', async () => {
			const bytes = Buffer.alloc(200_000, 7);
			const { sha256 } = await store.put(chunksOf(bytes));
			const stream = await store.read(sha256);
			await store.delete(sha256);
			expect((await readAll(stream)).equals(bytes)).toBe(true);
		});

		it('lists every stored blob once', async () => {
			const shas = await Promise.all(['x', 'y', 'z', 'x'].map(async (s) => (await store.put(chunksOf(text(s)))).sha256));
			expect(await listAll(store)).toEqual([...new Set(shas)].sort());
		});

		it('collects unreferenced blobs and keeps referenced ones', async () => {
			const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((s) => store.put(chunksOf(text(s)))));
			expect(await collectGarbage(store, new Set([a.sha256, sha256Of(text('not stored'))]), { graceMs: 0 })).toEqual({ deleted: 2, tooYoung: 0 });
			expect(await listAll(store)).toEqual([a.sha256]);
			expect(await store.stat(b.sha256)).toBeNull();
			expect(await store.stat(c.sha256)).toBeNull();
			expect(await collectGarbage(store, new Set([a.sha256]), { graceMs: 0 })).toEqual({ deleted: 0, tooYoung: 0 });
		});

		it('spares unreferenced blobs younger than the grace period', async () => {
			const { sha256 } = await store.put(chunksOf(text('just uploaded')));
			const storedAt = (await store.stat(sha256))!.storedAt;
			expect(Math.abs(storedAt - Date.now())).toBeLessThan(60_000);
			expect(await collectGarbage(store, new Set(), { now: storedAt + GC_GRACE_MS - 1 })).toEqual({ deleted: 0, tooYoung: 1 });
			expect(await listAll(store)).toEqual([sha256]);
			expect(await collectGarbage(store, new Set(), { now: storedAt + GC_GRACE_MS })).toEqual({ deleted: 1, tooYoung: 0 });
			expect(await listAll(store)).toEqual([]);
		});
	});
}
