// BlobStore on the local file system: `<dir>/sha256/ab/cdef…` (two-character fan-out), each blob written to
// `<dir>/tmp/` while hashing, fsynced, then renamed into place; the directory belongs to one server process.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
	BlobDigestMismatchError,
	BlobNotFoundError,
	BlobTooLargeError,
	checkByteRange,
	readBodyChunks,
	readPutOptions,
	readSha256,
	type BlobStat,
	type BlobStore
} from './blob-store';

/** Read streams hand out 1 MiB chunks: clients that read in large chunks (MLflow's downloader asks for 1 MiB) get them whole. */
const READ_CHUNK_BYTES = 1 << 20;

export interface FsBlobStoreOptions {
	/** fsync each blob and its directory before `put` resolves, so an acknowledged blob survives power loss. Default true. */
	durable?: boolean;
}

/** Bytes gathered from small body chunks before one write; larger chunks are written straight through. */
const STAGING_BYTES = 1 << 20;
const FANOUT_DIR = /^[0-9a-f]{2}$/;
const FANOUT_FILE = /^[0-9a-f]{62}$/;

/**
 * Opens (creating if needed) a blob store in `dir`. Temp files left by a previous process (a crash mid-upload)
 * are removed, so no other process may be writing to the same `dir`.
 */
export async function createFsBlobStore(dir: string, opts: FsBlobStoreOptions = {}): Promise<BlobStore> {
	const durable = opts.durable ?? true;
	const tmpDir = join(dir, 'tmp');
	const blobDir = join(dir, 'sha256');
	await rm(tmpDir, { recursive: true, force: true });
	await mkdir(tmpDir, { recursive: true });
	await mkdir(blobDir, { recursive: true });

	const pathOf = (sha256: string) => join(blobDir, sha256.slice(0, 2), sha256.slice(2));

	/** Moves a finished temp file to its content address, or drops it if that content is stored already. */
	async function place(tmp: string, sha256: string): Promise<void> {
		const target = pathOf(sha256);
		try {
			// Already stored: refresh its age so a garbage collection running now spares it, and drop the copy.
			const now = new Date();
			await utimes(target, now, now);
			await rm(tmp, { force: true });
			return;
		} catch (e) {
			if (errorCode(e) !== 'ENOENT') throw e;
		}
		const fanout = dirname(target);
		const created = await mkdir(fanout, { recursive: true });
		// Concurrent puts of the same content may both get here; rename replaces atomically, leaving one file.
		await rename(tmp, target);
		if (durable) {
			if (created !== undefined) await syncDir(blobDir);
			await syncDir(fanout);
		}
	}

	return {
		async put(body, putOpts) {
			const { maxBytes, expectedSha256 } = readPutOptions(putOpts);
			const tmp = join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
			const fh = await open(tmp, 'wx', 0o644);
			let handleOpen = true;
			try {
				const hash = createHash('sha256');
				const staging = Buffer.allocUnsafe(STAGING_BYTES);
				let staged = 0;
				let size = 0;
				for await (const chunk of readBodyChunks(body)) {
					size += chunk.byteLength;
					if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
					hash.update(chunk);
					if (staged + chunk.byteLength <= STAGING_BYTES) {
						staging.set(chunk, staged);
						staged += chunk.byteLength;
						continue;
					}
					if (staged > 0) await writeAll(fh, staging.subarray(0, staged));
					staged = 0;
					// Written before the next chunk is pulled, so the producer may reuse its buffer.
					if (chunk.byteLength >= STAGING_BYTES) await writeAll(fh, chunk);
					else {
						staging.set(chunk, 0);
						staged = chunk.byteLength;
					}
				}
				if (staged > 0) await writeAll(fh, staging.subarray(0, staged));
				if (durable) await fh.sync();
				handleOpen = false;
				await fh.close();
				const sha256 = hash.digest('hex');
				if (expectedSha256 !== null && sha256 !== expectedSha256) throw new BlobDigestMismatchError(expectedSha256, sha256);
				await place(tmp, sha256);
				return { sha256, size };
			} catch (e) {
				if (handleOpen) await fh.close().catch(() => {});
				await rm(tmp, { force: true });
				throw e;
			}
		},

		async stat(sha256) {
			const path = pathOf(readSha256(sha256));
			try {
				const st = await stat(path);
				return st.isFile() ? ({ sha256, size: st.size, storedAt: st.mtimeMs } satisfies BlobStat) : null;
			} catch (e) {
				if (errorCode(e) === 'ENOENT') return null;
				throw e;
			}
		},

		async read(sha256, range) {
			const path = pathOf(readSha256(sha256));
			let fh: FileHandle;
			try {
				fh = await open(path, 'r');
			} catch (e) {
				if (errorCode(e) === 'ENOENT') throw new BlobNotFoundError(sha256);
				throw e;
			}
			// Reading through the open handle: a delete after this point cannot cut the stream short.
			try {
				if (range === undefined) return fh.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
				checkByteRange(range, (await fh.stat()).size);
				return fh.createReadStream({ start: range.start, end: range.end, highWaterMark: READ_CHUNK_BYTES });
			} catch (e) {
				await fh.close().catch(() => {});
				throw e;
			}
		},

		async delete(sha256) {
			await rm(pathOf(readSha256(sha256)), { force: true });
		},

		async *list() {
			for (const prefix of (await readdir(blobDir)).sort()) {
				if (!FANOUT_DIR.test(prefix)) continue;
				let names: string[];
				try {
					names = await readdir(join(blobDir, prefix));
				} catch (e) {
					if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') continue;
					throw e;
				}
				for (const name of names) if (FANOUT_FILE.test(name)) yield prefix + name;
			}
		}
	};
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
	let offset = 0;
	while (offset < bytes.byteLength) {
		const { bytesWritten } = await fh.write(bytes, offset, bytes.byteLength - offset);
		offset += bytesWritten;
	}
}

/** fsyncs a directory so a rename or creation inside it is durable. */
async function syncDir(path: string): Promise<void> {
	const fh = await open(path, 'r');
	try {
		await fh.sync();
	} finally {
		await fh.close();
	}
}

function errorCode(e: unknown): string | undefined {
	return (e as NodeJS.ErrnoException | null)?.code;
}
