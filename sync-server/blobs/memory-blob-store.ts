// In-memory BlobStore: the same contract as the file store, except that content is held in memory (it has
// nowhere else to go) and nothing survives the process. Used by tests and benches.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
	BlobDigestMismatchError,
	BlobNotFoundError,
	BlobTooLargeError,
	checkByteRange,
	readBodyChunks,
	readPutOptions,
	readSha256,
	type BlobStore
} from './blob-store';

export interface MemoryBlobStoreOptions {
	/** Clock for `storedAt`, ms since the epoch. Default Date.now. */
	now?: () => number;
}

/** Size of the chunks `read` streams out, in bytes. */
const READ_CHUNK_BYTES = 64 * 1024;

export function createMemoryBlobStore(opts: MemoryBlobStoreOptions = {}): BlobStore {
	const now = opts.now ?? Date.now;
	const blobs = new Map<string, { bytes: Buffer; storedAt: number }>();

	return {
		async put(body, putOpts) {
			const { maxBytes, expectedSha256 } = readPutOptions(putOpts);
			const hash = createHash('sha256');
			const chunks: Buffer[] = [];
			let size = 0;
			for await (const chunk of readBodyChunks(body)) {
				size += chunk.byteLength;
				if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
				hash.update(chunk);
				chunks.push(Buffer.from(chunk)); // a copy: the producer may reuse its buffer
			}
			const sha256 = hash.digest('hex');
			if (expectedSha256 !== null && sha256 !== expectedSha256) throw new BlobDigestMismatchError(expectedSha256, sha256);
			const stored = blobs.get(sha256);
			if (stored) stored.storedAt = now();
			else blobs.set(sha256, { bytes: Buffer.concat(chunks, size), storedAt: now() });
			return { sha256, size };
		},

		async stat(sha256) {
			const stored = blobs.get(readSha256(sha256));
			return stored ? { sha256, size: stored.bytes.byteLength, storedAt: stored.storedAt } : null;
		},

		async read(sha256, range) {
			const stored = blobs.get(readSha256(sha256));
			if (!stored) throw new BlobNotFoundError(sha256);
			let bytes = stored.bytes;
			if (range !== undefined) {
				checkByteRange(range, bytes.byteLength);
				bytes = bytes.subarray(range.start, range.end + 1);
			}
			return Readable.from(sliceChunks(bytes), { objectMode: false });
		},

		async delete(sha256) {
			blobs.delete(readSha256(sha256));
		},

		async *list() {
			yield* [...blobs.keys()];
		}
	};
}

function* sliceChunks(bytes: Buffer): Generator<Buffer> {
	for (let i = 0; i < bytes.byteLength; i += READ_CHUNK_BYTES) yield bytes.subarray(i, i + READ_CHUNK_BYTES);
}
