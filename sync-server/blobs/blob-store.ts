// The BlobStore port: immutable, content-addressed (sha256) byte storage for artifacts, streamed in and out.
// Implementations: files (fs-blob-store.ts, the default), in-memory (memory-blob-store.ts) and S3-compatible object
// storage (s3-blob-store.ts); blob-contract.ts covers them all.
import { ApiError, invalid } from '../../src/lib/core/errors';

export interface BlobInfo {
	/** 64 lowercase hex characters */
	sha256: string;
	/** bytes */
	size: number;
}

export interface BlobStat extends BlobInfo {
	/** ms since the epoch when this content was last put (a put of content already stored refreshes it) */
	storedAt: number;
}

export interface PutBlobOptions {
	/** Largest accepted body in bytes; past it `put` rejects with BlobTooLargeError and stores nothing. */
	maxBytes?: number;
	/** If given, the body must hash to this (else BlobDigestMismatchError, nothing stored). Validated before reading. */
	expectedSha256?: string;
}

/** A byte range, both ends inclusive, as in HTTP: 0 ≤ start ≤ end < size. */
export interface ByteRange {
	start: number;
	end: number;
}

export type BlobBody = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

export interface BlobStore {
	/**
	 * Streams `body` into the store; returns its sha256 (lowercase hex) and size. Identical content is stored once,
	 * and concurrent puts of it all succeed. Never buffers the whole body in memory (the in-memory store excepted).
	 * Rejects with BlobTooLargeError past maxBytes (and leaves nothing behind). Chunks may be reused by the
	 * producer once the next one is requested.
	 */
	put(body: BlobBody, opts?: PutBlobOptions): Promise<BlobInfo>;
	/** Size and age of a stored blob, or null. */
	stat(sha256: string): Promise<BlobStat | null>;
	/**
	 * A readable stream of bytes [start, end] inclusive (the whole blob by default).
	 * Throws BlobNotFoundError if absent, RangeError if the range is not within the blob.
	 */
	read(sha256: string, range?: ByteRange): Promise<NodeJS.ReadableStream>;
	/** Removes a blob; deleting an absent blob is not an error. */
	delete(sha256: string): Promise<void>;
	/** Every stored sha256, in no particular order. */
	list(): AsyncIterable<string>;
	/**
	 * Removes what puts that never finished left behind (a crash mid-upload), older than `olderThanMs` (default a
	 * day); returns how many. The GC calls it on every pass; stores that leave nothing behind need not have it.
	 */
	sweepTemp?(opts?: { olderThanMs?: number; now?: number }): Promise<number>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** True if `s` is a sha256 digest as the store names blobs: exactly 64 lowercase hex characters. */
export function isSha256(s: unknown): s is string {
	return typeof s === 'string' && SHA256_HEX.test(s);
}

/** Returns `s` if it is a valid blob name, else throws ApiError(INVALID_PARAMETER_VALUE). Call before any I/O. */
export function readSha256(s: unknown): string {
	if (isSha256(s)) return s;
	const shown = typeof s === 'string' ? JSON.stringify(s.slice(0, 80)) : typeof s;
	throw invalid(`invalid sha256 ${shown}: expected 64 lowercase hex characters`);
}

/** Checks `range` against a blob of `size` bytes; throws RangeError naming the problem. */
export function checkByteRange(range: ByteRange, size: number): void {
	const { start, end } = range;
	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end >= size) {
		throw new RangeError(`byte range ${start}-${end} is not within a blob of ${size} bytes`);
	}
}

/** Reads a put option, throwing before any of the body is consumed if it is malformed. */
export function readPutOptions(opts: PutBlobOptions | undefined): { maxBytes: number; expectedSha256: string | null } {
	const maxBytes = opts?.maxBytes ?? Infinity;
	if (!(maxBytes === Infinity || (Number.isSafeInteger(maxBytes) && maxBytes >= 0))) {
		throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
	}
	const expectedSha256 = opts?.expectedSha256 === undefined ? null : readSha256(opts.expectedSha256);
	return { maxBytes, expectedSha256 };
}

/** Iterates a put body as byte chunks; a string chunk (a stream with an encoding set) is a caller bug. */
export async function* readBodyChunks(body: BlobBody): AsyncGenerator<Uint8Array> {
	for await (const chunk of body as AsyncIterable<unknown>) {
		if (!(chunk instanceof Uint8Array)) throw new TypeError(`blob body must yield Uint8Array chunks, got ${typeof chunk}`);
		yield chunk;
	}
}

export class BlobNotFoundError extends ApiError {
	readonly sha256: string;
	constructor(sha256: string) {
		super('RESOURCE_DOES_NOT_EXIST', `blob ${sha256} does not exist`);
		this.sha256 = sha256;
	}
}

export class BlobTooLargeError extends ApiError {
	readonly maxBytes: number;
	constructor(maxBytes: number) {
		super('REQUEST_LIMIT_EXCEEDED', `blob exceeds the limit of ${maxBytes} bytes`);
		this.maxBytes = maxBytes;
	}
}

export class BlobDigestMismatchError extends ApiError {
	readonly expected: string;
	readonly actual: string;
	constructor(expected: string, actual: string) {
		super('INVALID_PARAMETER_VALUE', `content has sha256 ${actual}, expected ${expected}`);
		this.expected = expected;
		this.actual = actual;
	}
}

/**
 * The store's backend (an object store) could not be reached or failed on its side (a 5xx): the HTTP edge answers
 * 503, since retrying later may work. `cause` holds the backend's own error.
 */
export class BlobStoreUnavailableError extends ApiError {
	constructor(message: string, cause?: unknown) {
		super('TEMPORARILY_UNAVAILABLE', message);
		if (cause !== undefined) this.cause = cause;
	}
}
