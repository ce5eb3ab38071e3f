// Where an S3 blob store lives: parses and validates its `s3://bucket/prefix?endpoint=…&region=…&path_style=1` URL,
// builds the S3 client for it, and turns errors reaching S3 (refused connections, timeouts, 5xx) into
// BlobStoreUnavailableError so the HTTP edge can answer 503.
import { S3Client } from '@aws-sdk/client-s3';
import { BlobStoreUnavailableError } from './blob-store';

export interface S3Location {
	bucket: string;
	/** '' or a key prefix ending in '/': every key the store writes starts with it */
	prefix: string;
	/** http(s) origin of an S3-compatible server, or undefined for AWS itself */
	endpoint?: string;
	region: string;
	pathStyle: boolean;
}

export interface S3Credentials {
	accessKeyId: string;
	secretAccessKey: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX_SEGMENT = /^[A-Za-z0-9._-]+$/;
const REGION = /^[a-z0-9-]{1,64}$/;
const QUERY_KEYS = new Set(['endpoint', 'region', 'path_style']);

/**
 * Parses a blob store URL. The region defaults to AWS_REGION / AWS_DEFAULT_REGION, else us-east-1; path-style
 * addressing defaults to on when an endpoint is given (what most S3-compatible servers need), off for AWS.
 */
export function readS3Url(url: string, env: NodeJS.ProcessEnv = process.env): S3Location {
	const bad = (why: string) => new Error(`invalid S3 blob store URL ${JSON.stringify(url.slice(0, 200))}: ${why}`);
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		throw bad('expected s3://bucket/prefix?endpoint=http://host:port&region=…&path_style=1');
	}
	if (u.protocol !== 's3:') throw bad(`the scheme must be s3:, not ${u.protocol}`);
	if (u.username || u.password) throw bad('credentials do not belong in the URL (use AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)');
	if (u.port) throw bad('a port belongs in the endpoint parameter, not after the bucket');
	if (u.hash) throw bad('unexpected #fragment');
	const bucket = u.hostname;
	if (!BUCKET.test(bucket) || bucket.includes('..')) {
		throw bad(`bucket ${JSON.stringify(bucket)} is not a valid bucket name (3-63 characters: a-z, 0-9, '.', '-')`);
	}
	// From the raw text: URL parsing would resolve `..` segments away instead of refusing them.
	const rawPath = url.replace(/^s3:\/\/[^/?#]*/i, '').split(/[?#]/)[0];
	const segments = rawPath.replace(/^\//, '').replace(/\/$/, '');
	const parts = segments === '' ? [] : segments.split('/').map(decodeSegment);
	for (const s of parts) {
		if (!PREFIX_SEGMENT.test(s) || s === '.' || s === '..') {
			throw bad(`prefix segment ${JSON.stringify(s)} must be non-empty and use only A-Z a-z 0-9 . _ - (not . or ..)`);
		}
	}
	for (const key of u.searchParams.keys()) {
		if (!QUERY_KEYS.has(key)) throw bad(`unknown parameter ${JSON.stringify(key)} (known: ${[...QUERY_KEYS].join(', ')})`);
	}
	const single = (key: string): string | undefined => {
		const all = u.searchParams.getAll(key);
		if (all.length > 1) throw bad(`parameter ${key} given ${all.length} times`);
		return all[0];
	};
	const endpointParam = single('endpoint');
	let endpoint: string | undefined;
	if (endpointParam !== undefined) {
		let e: URL;
		try {
			e = new URL(endpointParam);
		} catch {
			throw bad(`endpoint ${JSON.stringify(endpointParam)} is not a URL`);
		}
		if ((e.protocol !== 'http:' && e.protocol !== 'https:') || e.pathname !== '/' || e.search || e.hash || e.username) {
			throw bad(`endpoint must be an http(s) origin such as http://127.0.0.1:9000, got ${JSON.stringify(endpointParam)}`);
		}
		endpoint = e.origin;
	}
	const region = single('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
	if (!REGION.test(region)) throw bad(`region ${JSON.stringify(region)} is not a region name`);
	const pathStyleParam = single('path_style');
	let pathStyle = endpoint !== undefined;
	if (pathStyleParam !== undefined) {
		if (pathStyleParam === '1' || pathStyleParam === 'true') pathStyle = true;
		else if (pathStyleParam === '0' || pathStyleParam === 'false') pathStyle = false;
		else throw bad(`path_style must be 1, 0, true or false, got ${JSON.stringify(pathStyleParam)}`);
	}
	return { bucket, prefix: parts.length ? `${parts.join('/')}/` : '', endpoint, region, pathStyle };
}

function decodeSegment(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

/** Without credentials the SDK's default chain applies (env vars, shared config files, instance roles). */
export function createS3Client(loc: S3Location, credentials?: S3Credentials): S3Client {
	return new S3Client({
		region: loc.region,
		endpoint: loc.endpoint,
		forcePathStyle: loc.pathStyle,
		credentials,
		// The store checks content by its own sha256; the SDK's newer default checksums (aws-chunked trailers)
		// are refused by several S3-compatible servers.
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED'
	});
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface SdkError {
	name?: string;
	code?: string;
	message?: string;
	$metadata?: { httpStatusCode?: number };
}

/** HTTP status of an S3 error response, or undefined if none came back. */
export function s3Status(e: unknown): number | undefined {
	return (e as SdkError | null)?.$metadata?.httpStatusCode;
}

/** True for "the object or bucket is not there" answers. */
export function isS3NotFound(e: unknown): boolean {
	const name = (e as SdkError | null)?.name;
	return s3Status(e) === 404 || name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchBucket';
}

/** True if `e` says S3 could not be reached or failed on its side, as opposed to refusing the request. */
export function isS3Unavailable(e: unknown): boolean {
	if (e instanceof BlobStoreUnavailableError) return true;
	const err = e as SdkError | null;
	const status = s3Status(e);
	if (status !== undefined && status >= 500) return true;
	if (err?.name === 'TimeoutError' || err?.name === 'RequestTimeout') return true;
	return status === undefined && (NETWORK_CODES.has(err?.code ?? '') || NETWORK_CODES.has(err?.name ?? ''));
}

/** Runs one S3 call; unavailability becomes BlobStoreUnavailableError naming `what`, anything else is rethrown. */
export async function callS3<T>(what: string, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (e) {
		if (e instanceof BlobStoreUnavailableError || !isS3Unavailable(e)) throw e;
		const detail = (e as SdkError).code ?? (e as SdkError).name ?? 'error';
		throw new BlobStoreUnavailableError(`object storage unavailable (${what}: ${detail} ${(e as Error).message ?? ''})`.trim(), e);
	}
}
