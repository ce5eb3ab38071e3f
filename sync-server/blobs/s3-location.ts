// Where an S3 blob store lives: reads its `s3://bucket/prefix?endpoint=…&region=…&path_style=1` URL with the parser every
// s3:// flag uses (core/backend-urls.ts), builds the S3 client for it, and turns errors reaching S3 (refused connections, timeouts, 5xx) into
// BlobStoreUnavailableError so the HTTP edge can answer 503.
import { S3Client } from '@aws-sdk/client-s3';
import { BlobStoreUnavailableError } from './blob-store';
import { parseS3Url } from '../../src/lib/core/backend-urls';

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

/**
 * Parses a blob store URL with the one parser every `s3://` flag uses (core/backend-urls.ts). The region defaults
 * to AWS_REGION / AWS_DEFAULT_REGION, else us-east-1; path-style addressing defaults to on when an endpoint is given
 * (what most S3-compatible servers need), off for AWS.
 */
export function readS3Url(url: string, env: NodeJS.ProcessEnv = process.env): S3Location {
	const parsed = parseS3Url(url, 'S3 blob store URL');
	return {
		bucket: parsed.bucket,
		prefix: parsed.prefix === '' ? '' : `${parsed.prefix}/`,
		endpoint: parsed.endpoint ?? undefined,
		region: parsed.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
		pathStyle: parsed.pathStyle
	};
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
