// The S3 blob store against a real S3-compatible server (moto, tests/helpers/s3.ts): the BlobStore contract, plus
// what only it promises: bounded memory for a 100 MiB multipart upload, ranges across parts, one object per content,
// paginated listing that skips temp and stray keys, no leftovers after an aborted upload, temp sweeping,
// multipart copies, clear errors for a bad URL or a missing bucket, and BlobStoreUnavailableError when S3 is gone.
import { createHash } from 'node:crypto';
import { CopyObjectCommand, CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll, readAll, rejection, runBlobStoreContract, sha256Of } from '../sync-server/blobs/blob-contract';
import { BlobStoreUnavailableError, BlobTooLargeError } from '../sync-server/blobs/blob-store';
import { createS3BlobStore, type S3BlobStore } from '../sync-server/blobs/s3-blob-store';
import { readS3Url } from '../sync-server/blobs/s3-location';
import { S3_TEST_CREDENTIALS, startS3, type S3Server } from './helpers/s3';

const MiB = 1024 * 1024;
const DAY = 24 * 3600 * 1000;
const PREFIX = 'blobs/';
let s3: S3Server;
let client: S3Client;
let buckets = 0;
const opened: S3BlobStore[] = [];

beforeAll(async () => {
	s3 = await startS3();
	client = s3.client();
}, 60_000);
afterAll(async () => {
	await Promise.all(opened.map((s) => s.close()));
	client?.destroy();
	await s3?.stop();
});

async function freshStore(opts: { maxSingleCopyBytes?: number } = {}): Promise<{ store: S3BlobStore; bucket: string }> {
	const bucket = `tandem-${++buckets}-${process.pid}`;
	await s3.createBucket(bucket);
	const store = await createS3BlobStore({ url: s3.url(bucket, PREFIX), credentials: S3_TEST_CREDENTIALS, ...opts });
	opened.push(store);
	return { store, bucket };
}

async function keysIn(bucket: string, prefix = ''): Promise<string[]> {
	const keys: string[] = [];
	let ContinuationToken: string | undefined;
	do {
		const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
		for (const o of page.Contents ?? []) keys.push(o.Key!);
		ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
	} while (ContinuationToken);
	return keys.sort();
}

async function pendingIn(bucket: string): Promise<number> {
	const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
	return (await keysIn(bucket, `${PREFIX}tmp/`)).length + (uploads.Uploads?.length ?? 0);
}

runBlobStoreContract('s3 (moto)', async () => {
	const { store, bucket } = await freshStore();
	return { store, countPending: () => pendingIn(bucket), memoryBound: 64 * MiB };
});

async function* bytes(s: string | Uint8Array): AsyncGenerator<Uint8Array> {
	yield typeof s === 'string' ? new TextEncoder().encode(s) : s;
}

/** The patterned body the big-upload tests stream: chunk i is i&0xff repeated, its first 4 bytes i (LE). */
const CHUNK = 64 * 1024;
function byteAt(offset: number): number {
	const i = Math.floor(offset / CHUNK);
	const within = offset % CHUNK;
	return within < 4 ? (i >>> (8 * within)) & 0xff : i & 0xff;
}
function patterned(totalBytes: number, onChunk?: (i: number) => void): AsyncGenerator<Uint8Array> {
	return (async function* () {
		const buf = Buffer.alloc(CHUNK);
		for (let i = 0; i < totalBytes / CHUNK; i++) {
			buf.fill(i & 0xff);
			buf.writeUInt32LE(i, 0);
			onChunk?.(i);
			yield buf;
		}
	})();
}

describe('S3 blob store on moto', () => {
	it('streams 100 MiB from a generator in bounded memory, reads ranges across its parts, and prints MB/s', async () => {
		const { store, bucket } = await freshStore();
		const total = 100 * MiB;
		const expected = createHash('sha256');
		const start = process.memoryUsage();
		let lowBuffers = start.arrayBuffers;
		let peakBuffers = 0;
		let peakRss = 0;
		const body = patterned(total, (i) => {
			if (i % 16 !== 0) return;
			const m = process.memoryUsage();
			lowBuffers = Math.min(lowBuffers, m.arrayBuffers);
			peakBuffers = Math.max(peakBuffers, m.arrayBuffers - lowBuffers);
			peakRss = Math.max(peakRss, m.rss - start.rss);
		});
		const hashing = (async function* () {
			for await (const c of body) {
				expected.update(c);
				yield c;
			}
		})();
		let t0 = performance.now();
		const info = await store.put(hashing);
		const upSeconds = (performance.now() - t0) / 1000;
		expect(info).toEqual({ sha256: expected.digest('hex'), size: total });
		console.log(
			`[s3] put 100 MiB: ${(total / MiB / upSeconds).toFixed(1)} MiB/s; Buffer memory growth ${(peakBuffers / MiB).toFixed(1)} MiB, rss growth ${(peakRss / MiB).toFixed(1)} MiB`
		);
		expect(peakBuffers).toBeLessThan(64 * MiB);
		expect(peakRss).toBeLessThan(64 * MiB);

		// Uploaded in 13 parts of 8 MiB to a temp object, copied to its content address, and nothing else left.
		const key = `${PREFIX}${info.sha256.slice(0, 2)}/${info.sha256}`;
		expect(await keysIn(bucket)).toEqual([key]);
		expect(await pendingIn(bucket)).toBe(0);

		t0 = performance.now();
		const readBack = createHash('sha256');
		let size = 0;
		for await (const c of (await store.read(info.sha256)) as AsyncIterable<Buffer>) {
			readBack.update(c);
			size += c.byteLength;
		}
		const downSeconds = (performance.now() - t0) / 1000;
		console.log(`[s3] read 100 MiB: ${(total / MiB / downSeconds).toFixed(1)} MiB/s`);
		expect({ sha256: readBack.digest('hex'), size }).toEqual(info);

		for (const [from, to] of [
			[0, 9],
			[8 * MiB - 5, 8 * MiB + 4],
			[50 * MiB - 3, 50 * MiB + CHUNK + 2],
			[total - 7, total - 1]
		]) {
			const got = await readAll(await store.read(info.sha256, { start: from, end: to }));
			const want = Buffer.from(Array.from({ length: to - from + 1 }, (_, k) => byteAt(from + k)));
			expect(got.equals(want), `${from}-${to}`).toBe(true);
		}
	}, 120_000);

	it('keeps one object per content: a second put adds nothing and refreshes its stored-at', async () => {
		const { store, bucket } = await freshStore();
		const a = await store.put(bytes('dedup me'));
		const key = `${PREFIX}${a.sha256.slice(0, 2)}/${a.sha256}`;
		// Age the stored copy as if it were put long ago.
		await client.send(
			new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/${key}`, MetadataDirective: 'REPLACE', Metadata: { 'stored-at': '1000' } })
		);
		expect((await store.stat(a.sha256))!.storedAt).toBe(1000);
		const before = Date.now();
		expect(await store.put(bytes('dedup me'))).toEqual(a);
		expect(await keysIn(bucket)).toEqual([key]);
		expect((await store.stat(a.sha256))!.storedAt).toBeGreaterThanOrEqual(before);
		expect((await readAll(await store.read(a.sha256))).toString()).toBe('dedup me');
	});

	it('lists past one page, skipping temp and stray keys, and deletes', async () => {
		const { store, bucket } = await freshStore();
		const real = await store.put(bytes('real'));
		const fake = Array.from({ length: 1050 }, (_, i) => sha256Of(new TextEncoder().encode(`fake ${i}`)));
		const put = (Key: string) => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
		for (let i = 0; i < fake.length; i += 50) await Promise.all(fake.slice(i, i + 50).map((s) => put(`${PREFIX}${s.slice(0, 2)}/${s}`)));
		const stray = sha256Of(new TextEncoder().encode('stray'));
		await Promise.all([
			put(`${PREFIX}tmp/${stray}`),
			put(`${PREFIX}README`),
			put(`${PREFIX}zz/${stray}`),
			put(`${PREFIX}${stray.slice(0, 2)}/${stray.slice(2)}`),
			put(`other/${stray.slice(0, 2)}/${stray}`)
		]);
		expect(await listAll(store)).toEqual([real.sha256, ...fake].sort());
		await store.delete(real.sha256);
		await store.delete(fake[0]);
		expect(await store.stat(real.sha256)).toBeNull();
		expect(await listAll(store)).toEqual(fake.slice(1).sort());
	}, 60_000);

	it('aborts a multipart upload past maxBytes, leaving neither a temp nor a final object', async () => {
		const { store, bucket } = await freshStore();
		let pulled = 0;
		const err = await rejection(store.put(patterned(40 * MiB, () => pulled++), { maxBytes: 20 * MiB }));
		expect(err).toBeInstanceOf(BlobTooLargeError);
		expect(pulled).toBe((20 * MiB) / CHUNK + 1);
		expect(await keysIn(bucket)).toEqual([]);
		expect(await pendingIn(bucket)).toBe(0);
	}, 60_000);

	it("passes a body's own errors through, even network-looking ones (a client hanging up is not S3 failing)", async () => {
		const { store, bucket } = await freshStore();
		const hangUp = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
		const body = (async function* () {
			yield* patterned(9 * MiB);
			throw hangUp;
		})();
		expect(await rejection(store.put(body))).toBe(hangUp);
		expect(await keysIn(bucket)).toEqual([]);
		expect(await pendingIn(bucket)).toBe(0);
	}, 60_000);

	it('copies objects past the single-copy limit in parts and reads ranges across those parts', async () => {
		const { store, bucket } = await freshStore({ maxSingleCopyBytes: 5 * MiB });
		const data = Buffer.alloc(12 * MiB + 3);
		for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
		const info = await store.put(bytes(data));
		expect(info).toEqual({ sha256: sha256Of(data), size: data.length });
		expect((await readAll(await store.read(info.sha256))).equals(data)).toBe(true);
		const key = `${PREFIX}${info.sha256.slice(0, 2)}/${info.sha256}`;
		// Copied from the temp object in three parts of 5, 5 and 2 MiB (a single copy would keep the upload's two parts).
		expect((await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag).toMatch(/-3"$/);
		for (const [from, to] of [
			[0, 4096],
			[5 * MiB - 4097, 5 * MiB + 4096],
			[data.length - 4099, data.length - 1]
		]) {
			const got = await readAll(await store.read(info.sha256, { start: from, end: to }));
			expect(got.equals(data.subarray(from, to + 1)), `${from}-${to}`).toBe(true);
		}
		expect(await store.put(bytes(data))).toEqual(info);
		expect((await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag).toMatch(/-3"$/);
		expect(await keysIn(bucket)).toEqual([key]);
		expect(await pendingIn(bucket)).toBe(0);
	}, 60_000);

	it('sweeps temp objects and unfinished uploads older than the cutoff, and nothing else', async () => {
		const { store, bucket } = await freshStore();
		const kept = await store.put(bytes('kept'));
		const started = Date.now();
		await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}tmp/${started}-crashed-put`, Body: 'half' }));
		await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${PREFIX}tmp/${started}-crashed-multipart` }));
		// Named by a put started three days ago: old by its name, though the server dates it now.
		await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}tmp/${started - 3 * DAY}-older-crash`, Body: 'half' }));
		expect(await store.sweepTemp()).toBe(1);
		expect(await pendingIn(bucket)).toBe(2);
		expect(await store.sweepTemp({ now: started + DAY - 1 })).toBe(0);
		expect(await store.sweepTemp({ now: started + DAY })).toBe(2);
		expect(await keysIn(bucket)).toEqual([`${PREFIX}${kept.sha256.slice(0, 2)}/${kept.sha256}`]);
		expect(await pendingIn(bucket)).toBe(0);
	});

	it('refuses a missing bucket and a bad URL with clear errors', async () => {
		const missing = await rejection(createS3BlobStore({ url: s3.url('no-such-bucket'), credentials: S3_TEST_CREDENTIALS }));
		expect((missing as Error).message).toMatch(/S3 bucket "no-such-bucket" does not exist/);
		const bad: Array<[string, RegExp]> = [
			['http://bucket/x', /expected an s3:\/\/ URL/],
			['s3://Bad_Bucket/x', /may hold only lowercase letters/],
			['s3://bucket/a//b', /has an empty segment/],
			['s3://bucket/../x', /must not contain '\.' or '\.\.' segments/],
			['s3://bucket/x?endpoint=ftp://h', /endpoint must be http:\/\/ or https:\/\//],
			['s3://bucket/x?path_style=maybe', /path_style must be 1 or 0/],
			['s3://bucket/x?regoin=eu-west-1', /unknown query parameter 'regoin'/],
			['s3://key:secret@bucket/x', /put no credentials in the URL/],
			['not a url', /the URL contains whitespace/],
			['s3:bucket', /names no bucket \(expected the form s3:\/\/bucket\/prefix/]
		];
		for (const [url, why] of bad) {
			expect(() => readS3Url(url), url).toThrow(why);
			expect(((await rejection(createS3BlobStore({ url }))) as Error).message, url).toMatch(why);
		}
		expect(readS3Url('s3://my.bucket/a/b/?endpoint=http://127.0.0.1:9000', {})).toEqual({
			bucket: 'my.bucket',
			prefix: 'a/b/',
			endpoint: 'http://127.0.0.1:9000',
			region: 'us-east-1',
			pathStyle: true
		});
		expect(readS3Url('s3://bucket', { AWS_REGION: 'eu-west-1' })).toEqual({ bucket: 'bucket', prefix: '', endpoint: undefined, region: 'eu-west-1', pathStyle: false });
	});

	it('reports S3 going away as BlobStoreUnavailableError (status 503)', async () => {
		const other = await startS3();
		await other.createBucket('going-away');
		const store = await createS3BlobStore({ url: other.url('going-away'), credentials: S3_TEST_CREDENTIALS });
		opened.push(store);
		const { sha256 } = await store.put(bytes('here while it lasts'));
		await other.kill();
		for (const op of [() => store.stat(sha256), () => store.read(sha256), () => store.put(bytes('x')), () => store.delete(sha256), () => listAll(store)]) {
			const err = await rejection(op());
			expect(err).toBeInstanceOf(BlobStoreUnavailableError);
			expect((err as BlobStoreUnavailableError).status).toBe(503);
		}
		expect(await rejection(createS3BlobStore({ url: other.url('going-away'), credentials: S3_TEST_CREDENTIALS }))).toBeInstanceOf(BlobStoreUnavailableError);
	}, 60_000);
});
