// The three backend URLs a server can be started with (DESIGN §6): `--store postgres://…`, `--blobs s3://…` and
// `--fanout redis://…`. One parser each, returning a typed value or a BackendUrlError that names the flag and the
// exact problem; and `maskUrl`, so no password ever reaches a log line.

/** Where a URL came from, quoted in every error: `--store`, `TANDEM_BLOBS`, `--to-store`, … */
export type UrlSource = string;

export class BackendUrlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BackendUrlError';
	}
}

export interface PostgresUrl {
	kind: 'postgres';
	/** The URL as given (with its password): what the driver is handed. */
	url: string;
	/** The same URL with the password replaced by `***`. */
	display: string;
	host: string;
	port: number;
	database: string;
}

export interface S3Url {
	kind: 's3';
	url: string;
	display: string;
	bucket: string;
	/** Key prefix without leading or trailing slash; '' for the bucket's root. */
	prefix: string;
	/** `http(s)://host[:port]` of an S3-compatible server; null for AWS's own endpoints. */
	endpoint: string | null;
	region: string | null;
	pathStyle: boolean;
}

export interface RedisUrl {
	kind: 'redis';
	url: string;
	display: string;
	host: string;
	port: number;
	/** Logical database, 0..15. */
	db: number;
	tls: boolean;
}

const fail = (source: UrlSource, problem: string): never => {
	throw new BackendUrlError(`${source}: ${problem}`);
};

/** `url` with its password (if any) replaced by `***`; text that is not a URL is returned as `<unparseable URL>`. */
export function maskUrl(url: string): string {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return '<unparseable URL>';
	}
	if (u.password) u.password = '***';
	return u.toString();
}

/** Parses with WHATWG URL; the error never quotes the text (it may hold a password). */
function parseUrl(text: string, source: UrlSource, example: string): URL {
	if (typeof text !== 'string' || text.trim() === '') fail(source, `needs a URL such as ${example}`);
	if (/\s/.test(text)) fail(source, 'the URL contains whitespace');
	try {
		return new URL(text);
	} catch {
		// Say which part is wrong without echoing the URL (it may hold a password).
		const noUser = text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');
		const port = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^:/?#]*):([^/?#]*)/i.exec(noUser)?.[1];
		if (port !== undefined && !/^\d{1,5}$/.test(port)) fail(source, `the port must be a number 1..65535, not '${port}'`);
		if (port !== undefined && Number(port) > 65535) fail(source, `the port must be 1..65535, not ${port}`);
		return fail(source, `not a valid URL (expected the form ${example})`);
	}
}

function readPort(u: URL, source: UrlSource, fallback: number): number {
	if (u.port === '') return fallback;
	const port = Number(u.port);
	if (port < 1) fail(source, `the port must be 1..65535, not ${u.port}`);
	return port;
}

function requireHost(u: URL, source: UrlSource, example: string): string {
	if (u.hostname === '') fail(source, `the URL names no host (expected the form ${example})`);
	return u.hostname;
}

/** Refuses query parameters outside `allowed`, and repeated ones. */
function checkParams(u: URL, source: UrlSource, allowed: readonly string[]): void {
	const seen = new Set<string>();
	for (const key of u.searchParams.keys()) {
		if (!allowed.includes(key)) {
			fail(source, allowed.length === 0 ? `takes no query parameters, got '${key}'` : `unknown query parameter '${key}' (allowed: ${allowed.join(', ')})`);
		}
		if (seen.has(key)) fail(source, `query parameter '${key}' is given twice`);
		seen.add(key);
	}
}

const PG_EXAMPLE = 'postgres://user:password@host:5432/database';
const PG_PARAMS = ['sslmode', 'application_name', 'connect_timeout'] as const;
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** `postgres://` or `postgresql://` with a host, an optional port (5432) and a database name. */
export function parsePostgresUrl(text: string, source: UrlSource): PostgresUrl {
	const u = parseUrl(text, source, PG_EXAMPLE);
	if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
		fail(source, `expected a postgres:// URL (${PG_EXAMPLE}), not ${u.protocol}// (the embedded store is the default: leave the option out)`);
	}
	const host = requireHost(u, source, PG_EXAMPLE);
	const port = readPort(u, source, 5432);
	const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
	if (database === '') fail(source, `the URL names no database (expected the form ${PG_EXAMPLE})`);
	if (database.includes('/')) fail(source, `the database name must not contain '/'`);
	if (u.hash) fail(source, 'the URL must not have a #fragment');
	checkParams(u, source, PG_PARAMS);
	const sslmode = u.searchParams.get('sslmode');
	if (sslmode !== null && !SSL_MODES.includes(sslmode)) fail(source, `sslmode must be one of ${SSL_MODES.join(', ')}, not '${sslmode}'`);
	const timeout = u.searchParams.get('connect_timeout');
	if (timeout !== null && !/^\d{1,6}$/.test(timeout)) fail(source, `connect_timeout must be a whole number of seconds, not '${timeout}'`);
	return { kind: 'postgres', url: text, display: maskUrl(text), host, port, database };
}

const S3_EXAMPLE = 's3://bucket/prefix?endpoint=http://host:9000&region=us-east-1&path_style=1';
const S3_PARAMS = ['endpoint', 'region', 'path_style'] as const;

/** S3's bucket naming rules: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit, not an IPv4 address. */
export function bucketNameProblem(bucket: string): string | null {
	if (bucket.length < 3 || bucket.length > 63) return `the bucket name must be 3 to 63 characters, not ${bucket.length}`;
	if (!/^[a-z0-9.-]+$/.test(bucket)) return `the bucket name '${bucket}' may hold only lowercase letters, digits, '.' and '-'`;
	if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return `the bucket name '${bucket}' must start and end with a letter or digit`;
	if (bucket.includes('..')) return `the bucket name '${bucket}' must not contain '..'`;
	if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return `the bucket name '${bucket}' must not look like an IP address`;
	return null;
}

/** `s3://bucket[/prefix][?endpoint=…&region=…&path_style=1]`; credentials come from the environment, never the URL. */
export function parseS3Url(text: string, source: UrlSource): S3Url {
	if (typeof text === 'string' && /^s3:\/\/[^/?#]*@/i.test(text)) {
		fail(source, 'put no credentials in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment');
	}
	const u = parseUrl(text, source, S3_EXAMPLE);
	if (u.protocol !== 's3:') fail(source, `expected an s3:// URL (${S3_EXAMPLE}), not ${u.protocol}//`);
	if (u.port !== '') fail(source, 'an s3:// URL names a bucket, not host:port (give the server as ?endpoint=http://host:port)');
	const bucket = u.hostname;
	if (bucket === '') fail(source, `the URL names no bucket (expected the form ${S3_EXAMPLE})`);
	const problem = bucketNameProblem(bucket);
	if (problem) fail(source, problem);
	if (u.hash) fail(source, 'the URL must not have a #fragment');
	// From the text, not u.pathname: URL parsing would resolve '..' segments away.
	const rawPath = /^s3:\/\/[^/?#]*([^?#]*)/i.exec(text)?.[1] ?? '';
	const rawPrefix = rawPath.replace(/^\/+/, '').replace(/\/+$/, '');
	const segments = rawPrefix === '' ? [] : rawPrefix.split('/');
	for (const s of segments) {
		if (s === '') fail(source, `the prefix '${rawPrefix}' has an empty segment ('//')`);
		if (s === '.' || s === '..') fail(source, `the prefix '${rawPrefix}' must not contain '.' or '..' segments`);
		if (!/^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/.test(s)) fail(source, `the prefix segment '${s}' holds characters S3 keys should not (use letters, digits, '-', '_', '.')`);
	}
	const prefix = decodeURIComponent(rawPrefix);
	if (prefix.length > 512) fail(source, 'the prefix must be at most 512 characters');
	checkParams(u, source, S3_PARAMS);
	let endpoint: string | null = null;
	const endpointText = u.searchParams.get('endpoint');
	if (endpointText !== null) {
		let e: URL;
		try {
			e = new URL(endpointText);
		} catch {
			return fail(source, `endpoint must be an http:// or https:// URL such as http://127.0.0.1:9000, not '${endpointText}'`);
		}
		if (e.protocol !== 'http:' && e.protocol !== 'https:') fail(source, `endpoint must be http:// or https://, not ${e.protocol}//`);
		if (e.username || e.password) fail(source, 'endpoint must not carry credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
		if (e.pathname !== '/' || e.search || e.hash) fail(source, `endpoint must be only scheme://host[:port], not '${endpointText}'`);
		endpoint = `${e.protocol}//${e.host}`;
	}
	const region = u.searchParams.get('region');
	if (region !== null && !/^[a-z0-9-]{1,32}$/.test(region)) fail(source, `region must be like us-east-1, not '${region}'`);
	const pathStyleText = u.searchParams.get('path_style');
	if (pathStyleText !== null && !['0', '1', 'true', 'false'].includes(pathStyleText)) fail(source, `path_style must be 1 or 0, not '${pathStyleText}'`);
	// An S3-compatible server on an address (MinIO, moto) has no per-bucket host names: path style unless told.
	const pathStyle = pathStyleText === null ? endpoint !== null : pathStyleText === '1' || pathStyleText === 'true';
	return { kind: 's3', url: text, display: maskUrl(text), bucket, prefix, endpoint, region, pathStyle };
}

const REDIS_EXAMPLE = 'redis://[:password@]host:6379[/db]';

/** `redis://` or `rediss://` (TLS) with a host, an optional port (6379) and an optional database number 0..15. */
export function parseRedisUrl(text: string, source: UrlSource): RedisUrl {
	const u = parseUrl(text, source, REDIS_EXAMPLE);
	if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') fail(source, `expected a redis:// or rediss:// URL (${REDIS_EXAMPLE}), not ${u.protocol}//`);
	const host = requireHost(u, source, REDIS_EXAMPLE);
	const port = readPort(u, source, 6379);
	const dbText = u.pathname.replace(/^\//, '');
	if (dbText !== '' && !/^(?:\d|1[0-5])$/.test(dbText)) fail(source, `the database must be a number 0..15, not '${dbText}'`);
	if (u.hash) fail(source, 'the URL must not have a #fragment');
	checkParams(u, source, []);
	return { kind: 'redis', url: text, display: maskUrl(text), host, port, db: dbText === '' ? 0 : Number(dbText), tls: u.protocol === 'rediss:' };
}

export interface BackendUrls {
	store: PostgresUrl | null;
	blobs: S3Url | null;
	fanout: RedisUrl | null;
}

/**
 * Parses the three options together and checks they make sense as a whole: a fanout needs a shared store, since
 * instances that each keep their own documents have nothing to fan out between them.
 */
export function parseBackendUrls(
	given: { store?: string; blobs?: string; fanout?: string },
	sources: { store: UrlSource; blobs: UrlSource; fanout: UrlSource } = { store: '--store', blobs: '--blobs', fanout: '--fanout' }
): BackendUrls {
	const urls: BackendUrls = {
		store: given.store === undefined ? null : parsePostgresUrl(given.store, sources.store),
		blobs: given.blobs === undefined ? null : parseS3Url(given.blobs, sources.blobs),
		fanout: given.fanout === undefined ? null : parseRedisUrl(given.fanout, sources.fanout)
	};
	if (urls.fanout && !urls.store) {
		throw new BackendUrlError(
			`${sources.fanout} needs a shared store: with the embedded store every instance keeps its own documents, so there is nothing to fan out between them (give ${sources.store} postgres://… too, or leave ${sources.fanout} out)`
		);
	}
	return urls;
}
