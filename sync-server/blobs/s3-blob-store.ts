// BlobStore on S3-compatible object storage: `<prefix><sha256[0:2]>/<sha256>`. A put streams the body to a temp
// object `<prefix>tmp/<ms>-<uuid>` (s3-upload.ts: multipart, 8 MiB parts, 4 in flight) while hashing, then copies it
// to its content address (or, if that content is stored already, refreshes the stored copy's age) and deletes it.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
	AbortMultipartUploadCommand,
	CompleteMultipartUploadCommand,
	CopyObjectCommand,
	CreateMultipartUploadCommand,
	DeleteObjectCommand,
	GetObjectCommand,
	HeadBucketCommand,
	HeadObjectCommand,
	ListMultipartUploadsCommand,
	ListObjectsV2Command,
	UploadPartCopyCommand,
	type HeadObjectCommandOutput,
	type S3Client
} from '@aws-sdk/client-s3';
import {
	BlobDigestMismatchError,
	BlobNotFoundError,
	BlobTooLargeError,
	checkByteRange,
	readBodyChunks,
	readPutOptions,
	readSha256,
	type BlobBody,
	type BlobStore
} from './blob-store';
import { callS3, createS3Client, isS3NotFound, readS3Url, s3Status, type S3Credentials, type S3Location } from './s3-location';
import { uploadStream } from './s3-upload';

export interface S3BlobStoreOptions {
	/** `s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&path_style=1` (see readS3Url) */
	url: string;
	/** Default: the AWS SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, config files, roles). */
	credentials?: S3Credentials;
	log?: (m: string) => void;
	/** Objects larger than this are copied in parts (UploadPartCopy). Default 5 GiB, the most one CopyObject takes. */
	maxSingleCopyBytes?: number;
}

export interface S3BlobStore extends BlobStore {
	/**
	 * Deletes temp objects under `<prefix>tmp/` and aborts multipart uploads under `<prefix>` older than `olderThanMs`
	 * (default one day) at `now`: what puts interrupted by a crash leave behind. For the GC to call; returns how many.
	 */
	sweepTemp(opts?: { olderThanMs?: number; now?: number }): Promise<number>;
	/** Closes the client's connections; the store must not be used after. */
	close(): Promise<void>;
}

const MiB = 1024 * 1024;
const PART_BYTES = 8 * MiB;
const QUEUE_SIZE = 4;
const COPY_LIMIT = 5 * 1024 * MiB;
/** Part size of a multipart copy: S3 allows 5 MiB…5 GiB per part and 10 000 parts (so 5 TiB objects fit). */
const COPY_PART_BYTES = 512 * MiB;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Object metadata holding when the content was last put, ms since the epoch (LastModified has 1 s resolution). */
const STORED_AT = 'stored-at';
const BLOB_KEY = /^([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** Opens the store at `opts.url`; the bucket must exist (checked here, with a clear error if it does not). */
export async function createS3BlobStore(opts: S3BlobStoreOptions): Promise<S3BlobStore> {
	const loc = readS3Url(opts.url);
	const singleCopyLimit = opts.maxSingleCopyBytes ?? COPY_LIMIT;
	if (!(Number.isSafeInteger(singleCopyLimit) && singleCopyLimit >= 5 * MiB && singleCopyLimit <= COPY_LIMIT)) {
		throw new RangeError(`maxSingleCopyBytes must be an integer from 5 MiB to 5 GiB, got ${singleCopyLimit}`);
	}
	const client = createS3Client(loc, opts.credentials);
	const where = `s3://${loc.bucket}/${loc.prefix}${loc.endpoint ? ` at ${loc.endpoint}` : ''}`;
	try {
		await checkBucket(client, loc, where);
	} catch (e) {
		client.destroy();
		throw e;
	}
	opts.log?.(`blob store: ${where}`);
	const { bucket, prefix } = loc;
	const tmpPrefix = `${prefix}tmp/`;
	const keyOf = (sha256: string) => `${prefix}${sha256.slice(0, 2)}/${sha256}`;

	const head = (key: string) =>
		callS3('HeadObject', async (): Promise<HeadObjectCommandOutput | null> => {
			try {
				return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
			} catch (e) {
				if (isS3NotFound(e)) return null;
				throw e;
			}
		});
	const remove = (key: string) => callS3('DeleteObject', () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));

	/** Copies `from` onto `to` (which may be `from` itself), stamping it as stored now. */
	async function copy(from: string, to: string, size: number): Promise<void> {
		const Metadata = { [STORED_AT]: String(Date.now()) };
		const CopySource = `${bucket}/${encodeKey(from)}`;
		if (size <= singleCopyLimit) {
			await callS3('CopyObject', () =>
				client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource, MetadataDirective: 'REPLACE', Metadata, ContentType: 'application/octet-stream' }))
			);
			return;
		}
		const partBytes = Math.max(Math.min(COPY_PART_BYTES, singleCopyLimit), Math.ceil(size / 10_000));
		const { UploadId } = await callS3('CreateMultipartUpload', () =>
			client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to, Metadata, ContentType: 'application/octet-stream' }))
		);
		try {
			const parts: { PartNumber: number; ETag: string }[] = [];
			for (let start = 0, n = 1; start < size; start += partBytes, n++) {
				const end = Math.min(start + partBytes, size) - 1;
				const out = await callS3('UploadPartCopy', () =>
					client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: to, UploadId, PartNumber: n, CopySource, CopySourceRange: `bytes=${start}-${end}` }))
				);
				const ETag = out.CopyPartResult?.ETag;
				if (!ETag) throw new Error(`S3 returned no ETag for copied part ${n} of ${to}`);
				parts.push({ PartNumber: n, ETag });
			}
			await callS3('CompleteMultipartUpload', () =>
				client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }))
			);
		} catch (e) {
			await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId })).catch(() => {});
			throw e;
		}
	}

	/** Moves a finished temp object to its content address, or refreshes the stored copy if there is one. */
	async function place(tmp: string, sha256: string, size: number): Promise<void> {
		const key = keyOf(sha256);
		let placed = false;
		if ((await head(key)) !== null) {
			try {
				// Already stored: refresh its age so a garbage collection running now spares it.
				await copy(key, key, size);
				placed = true;
			} catch (e) {
				// Collected between the HEAD and the copy: store this upload's bytes instead.
				if (!isS3NotFound(e)) throw e;
			}
		}
		// Concurrent puts of the same content may all copy here; the last write wins and the bytes are the same.
		if (!placed) await copy(tmp, key, size);
		await remove(tmp);
	}

	return {
		async put(body, putOpts) {
			const { maxBytes, expectedSha256 } = readPutOptions(putOpts);
			// The start time in the name dates it for sweepTemp by this process's clock, whatever the server reports.
			const tmp = `${tmpPrefix}${Date.now()}-${randomUUID()}`;
			const hash = createHash('sha256');
			let size = 0;
			let uploaded = false;
			try {
				await uploadStream(client, bucket, tmp, hashedChunks(body, maxBytes, hash, (n) => (size += n)), { partBytes: PART_BYTES, queueSize: QUEUE_SIZE });
				uploaded = true;
				const sha256 = hash.digest('hex');
				if (expectedSha256 !== null && sha256 !== expectedSha256) throw new BlobDigestMismatchError(expectedSha256, sha256);
				await place(tmp, sha256, size);
				return { sha256, size };
			} catch (e) {
				// A failed upload leaves no object (its parts are aborted); a finished one is deleted here.
				if (uploaded) await remove(tmp).catch((err) => opts.log?.(`blob store: could not delete ${tmp}: ${(err as Error).message}`));
				throw e;
			}
		},

		async stat(sha256) {
			const h = await head(keyOf(readSha256(sha256)));
			if (h === null) return null;
			const stamped = Number(h.Metadata?.[STORED_AT]);
			const storedAt = Number.isSafeInteger(stamped) && stamped > 0 ? stamped : (h.LastModified?.getTime() ?? 0);
			return { sha256, size: h.ContentLength ?? 0, storedAt };
		},

		async read(sha256, range) {
			const key = keyOf(readSha256(sha256));
			let Range: string | undefined;
			if (range !== undefined) {
				const h = await head(key);
				if (h === null) throw new BlobNotFoundError(sha256);
				checkByteRange(range, h.ContentLength ?? 0);
				Range = `bytes=${range.start}-${range.end}`;
			}
			const out = await callS3('GetObject', async () => {
				try {
					return await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range }));
				} catch (e) {
					if (isS3NotFound(e)) throw new BlobNotFoundError(sha256);
					throw e;
				}
			});
			// An empty object may come back without a body stream.
			if (!(out.Body instanceof Readable)) return Readable.from([]);
			return out.Body;
		},

		async delete(sha256) {
			await remove(keyOf(readSha256(sha256)));
		},

		async *list() {
			for await (const obj of listObjects(client, bucket, prefix)) {
				const m = BLOB_KEY.exec(obj.key.slice(prefix.length));
				if (m && m[2].startsWith(m[1])) yield m[2];
			}
		},

		async sweepTemp({ olderThanMs = DAY_MS, now = Date.now() } = {}) {
			if (!(Number.isFinite(olderThanMs) && olderThanMs >= 0 && Number.isFinite(now))) {
				throw new RangeError(`sweepTemp needs olderThanMs ≥ 0 and a finite now, got ${olderThanMs} and ${now}`);
			}
			let removed = 0;
			const cutoff = now - olderThanMs;
			for await (const obj of listObjects(client, bucket, tmpPrefix)) {
				if ((tempStartedAt(obj.key.slice(tmpPrefix.length)) ?? obj.lastModified) > cutoff) continue;
				await remove(obj.key);
				removed++;
			}
			// Multipart uploads a crash cut short: invisible to listings, but their parts take space until aborted.
			// (moto reports one fixed Initiated time for every upload, hence the temp key's own start time first.)
			for await (const up of listUploads(client, bucket, prefix)) {
				const tmpName = up.key.startsWith(tmpPrefix) ? up.key.slice(tmpPrefix.length) : null;
				if ((tempStartedAt(tmpName) ?? up.initiated) > cutoff) continue;
				await callS3('AbortMultipartUpload', () => client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: up.key, UploadId: up.uploadId })));
				removed++;
			}
			if (removed > 0) opts.log?.(`blob store: removed ${removed} leftover temp object(s) or unfinished upload(s) under ${prefix || '/'}`);
			return removed;
		},

		async close() {
			client.destroy();
		}
	};
}

async function checkBucket(client: S3Client, loc: S3Location, where: string): Promise<void> {
	await callS3(`HeadBucket ${where}`, async () => {
		try {
			await client.send(new HeadBucketCommand({ Bucket: loc.bucket }));
		} catch (e) {
			const status = s3Status(e);
			if (status === 404 || isS3NotFound(e)) throw new Error(`S3 bucket ${JSON.stringify(loc.bucket)} does not exist (${where}); create it first`);
			if (status === 403 || status === 401) throw new Error(`S3 bucket ${JSON.stringify(loc.bucket)}: access denied (${where}); check the credentials`);
			throw e;
		}
	});
}

/** Every object under `prefix`, page by page (ListObjectsV2 returns at most 1000 keys at a time). */
async function* listObjects(client: S3Client, bucket: string, prefix: string): AsyncGenerator<{ key: string; lastModified: number }> {
	let ContinuationToken: string | undefined;
	do {
		const page = await callS3('ListObjectsV2', () => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken })));
		for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, lastModified: o.LastModified?.getTime() ?? 0 };
		ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
	} while (ContinuationToken);
}

/** When a put started writing the temp object `name` (ms since the epoch, from its name), or null. */
function tempStartedAt(name: string | null): number | null {
	const m = name === null ? null : /^(\d{13})-/.exec(name);
	return m ? Number(m[1]) : null;
}

/** Every unfinished multipart upload under `prefix`, page by page. */
async function* listUploads(client: S3Client, bucket: string, prefix: string): AsyncGenerator<{ key: string; uploadId: string; initiated: number }> {
	let KeyMarker: string | undefined;
	let UploadIdMarker: string | undefined;
	for (;;) {
		const page = await callS3('ListMultipartUploads', () => client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, UploadIdMarker })));
		for (const u of page.Uploads ?? []) if (u.Key && u.UploadId) yield { key: u.Key, uploadId: u.UploadId, initiated: u.Initiated?.getTime() ?? 0 };
		if (!page.IsTruncated) return;
		KeyMarker = page.NextKeyMarker;
		UploadIdMarker = page.NextUploadIdMarker;
	}
}

/** The body's chunks, each hashed and counted against `maxBytes` (throwing before the next one is pulled). */
async function* hashedChunks(body: BlobBody, maxBytes: number, hash: Hash, count: (n: number) => number): AsyncGenerator<Uint8Array> {
	for await (const chunk of readBodyChunks(body)) {
		if (count(chunk.byteLength) > maxBytes) throw new BlobTooLargeError(maxBytes);
		hash.update(chunk);
		yield chunk;
	}
}

/** A key as CopySource wants it: URL-encoded, slashes kept. */
function encodeKey(key: string): string {
	return key.split('/').map(encodeURIComponent).join('/');
}
