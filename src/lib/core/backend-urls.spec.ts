// Unit tests of the backend URL parsers: what each accepts, each refusal's exact message, and password masking.
import { describe, expect, it } from 'vitest';
import { maskUrl, parseBackendUrls, parsePostgresUrl, parseRedisUrl, parseS3Url } from './backend-urls';

const refusal = (f: () => unknown): string => {
	try {
		f();
	} catch (e) {
		expect((e as Error).name).toBe('BackendUrlError');
		return (e as Error).message;
	}
	throw new Error('expected a BackendUrlError');
};

describe('parsePostgresUrl', () => {
	it('reads host, port (5432 by default) and database, and masks the password', () => {
		const p = parsePostgresUrl('postgres://tandem:s3cret@db.internal:6543/tandem?sslmode=require', '--store');
		expect(p).toMatchObject({ kind: 'postgres', host: 'db.internal', port: 6543, database: 'tandem' });
		expect(p.url).toContain('s3cret');
		expect(p.display).toBe('postgres://tandem:***@db.internal:6543/tandem?sslmode=require');
		expect(parsePostgresUrl('postgresql://127.0.0.1/x', '--store').port).toBe(5432);
	});

	it('refuses other schemes, no host, no database, bad ports and unknown parameters, naming the source', () => {
		expect(refusal(() => parsePostgresUrl('mysql://h/db', '--store'))).toMatch(/^--store: expected a postgres:\/\/ URL .* not mysql:\/\//);
		expect(refusal(() => parsePostgresUrl('postgres:///db', 'TANDEM_STORE'))).toMatch(/^TANDEM_STORE: the URL names no host/);
		expect(refusal(() => parsePostgresUrl('postgres://h:5432', '--store'))).toMatch(/names no database/);
		expect(refusal(() => parsePostgresUrl('postgres://h:5432/', '--store'))).toMatch(/names no database/);
		expect(refusal(() => parsePostgresUrl('postgres://u:pw@h:99999/db', '--store'))).toBe('--store: the port must be 1..65535, not 99999');
		expect(refusal(() => parsePostgresUrl('postgres://u:pw@h:abc/db', '--store'))).toBe("--store: the port must be a number 1..65535, not 'abc'");
		expect(refusal(() => parsePostgresUrl('postgres://h/db?pool=3', '--store'))).toBe("--store: unknown query parameter 'pool' (allowed: sslmode, application_name, connect_timeout)");
		expect(refusal(() => parsePostgresUrl('postgres://h/db?sslmode=always', '--store'))).toMatch(/sslmode must be one of disable, .*, not 'always'/);
		expect(refusal(() => parsePostgresUrl('postgres://h/db?connect_timeout=soon', '--store'))).toMatch(/connect_timeout must be a whole number/);
		expect(refusal(() => parsePostgresUrl('', '--store'))).toMatch(/needs a URL such as postgres:\/\//);
	});

	it('never quotes a password in an error', () => {
		for (const bad of ['postgres://u:hunter2@h:1x/db', 'postgres://u:hunter2@/db', 'postgres://u:hunter2@h/db?x=1', 'postgres://u:hunter2@h:70000/db']) {
			expect(refusal(() => parsePostgresUrl(bad, '--store'))).not.toContain('hunter2');
		}
	});
});

describe('parseS3Url', () => {
	it('reads bucket, prefix, endpoint, region; path style is the default with an endpoint', () => {
		const s = parseS3Url('s3://tandem-blobs/team/a/?endpoint=http://127.0.0.1:9000&region=eu-west-1', '--blobs');
		expect(s).toMatchObject({ bucket: 'tandem-blobs', prefix: 'team/a', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', pathStyle: true });
		expect(parseS3Url('s3://bucket', '--blobs')).toMatchObject({ prefix: '', endpoint: null, region: null, pathStyle: false });
		expect(parseS3Url('s3://bucket/p?endpoint=https://s3.example&path_style=0', '--blobs').pathStyle).toBe(false);
	});

	it('applies S3 bucket naming rules', () => {
		expect(refusal(() => parseS3Url('s3://ab', '--blobs'))).toBe('--blobs: the bucket name must be 3 to 63 characters, not 2');
		expect(refusal(() => parseS3Url('s3://My_Bucket/x', '--blobs'))).toBe("--blobs: the bucket name 'My_Bucket' may hold only lowercase letters, digits, '.' and '-'");
		expect(refusal(() => parseS3Url('s3://-bucket', '--blobs'))).toMatch(/must start and end with a letter or digit/);
		expect(refusal(() => parseS3Url('s3://a..b', '--blobs'))).toMatch(/must not contain '\.\.'/);
		expect(refusal(() => parseS3Url('s3://192.168.1.1', '--blobs'))).toMatch(/must not look like an IP address/);
		expect(refusal(() => parseS3Url('s3:///prefix', '--blobs'))).toMatch(/names no bucket/);
	});

	it('refuses bad prefixes, ports, credentials and parameters', () => {
		expect(refusal(() => parseS3Url('s3://bucket/a//b', '--blobs'))).toBe("--blobs: the prefix 'a//b' has an empty segment ('//')");
		expect(refusal(() => parseS3Url('s3://bucket/a/../b', '--blobs'))).toBe("--blobs: the prefix 'a/../b' must not contain '.' or '..' segments");
		expect(refusal(() => parseS3Url('s3://bucket:9000/x', '--blobs'))).toMatch(/names a bucket, not host:port/);
		expect(refusal(() => parseS3Url('s3://KEY:SECRET@bucket/x', '--blobs'))).toMatch(/put no credentials in the URL: set AWS_ACCESS_KEY_ID/);
		expect(refusal(() => parseS3Url('s3://bucket/x?endpoint=ftp://h', '--blobs'))).toBe('--blobs: endpoint must be http:// or https://, not ftp://');
		expect(refusal(() => parseS3Url('s3://bucket/x?endpoint=nothing', '--blobs'))).toMatch(/endpoint must be an http:\/\/ or https:\/\/ URL/);
		expect(refusal(() => parseS3Url('s3://bucket/x?endpoint=http://h:9000/path', '--blobs'))).toMatch(/endpoint must be only scheme:\/\/host\[:port\]/);
		expect(refusal(() => parseS3Url('s3://bucket/x?endpoint=http://k:s@h:9000', '--blobs'))).toMatch(/endpoint must not carry credentials/);
		expect(refusal(() => parseS3Url('s3://bucket/x?acl=public', '--blobs'))).toBe("--blobs: unknown query parameter 'acl' (allowed: endpoint, region, path_style)");
		expect(refusal(() => parseS3Url('s3://bucket/x?region=a&region=b', '--blobs'))).toBe("--blobs: query parameter 'region' is given twice");
		expect(refusal(() => parseS3Url('s3://bucket/x?path_style=yes', '--blobs'))).toBe("--blobs: path_style must be 1 or 0, not 'yes'");
		expect(refusal(() => parseS3Url('http://bucket/x', '--blobs'))).toMatch(/expected an s3:\/\/ URL .* not http:\/\//);
	});
});

describe('parseRedisUrl', () => {
	it('reads host, port, database and TLS', () => {
		expect(parseRedisUrl('redis://127.0.0.1:6380/3', '--fanout')).toMatchObject({ host: '127.0.0.1', port: 6380, db: 3, tls: false });
		expect(parseRedisUrl('rediss://:pw@cache', '--fanout')).toMatchObject({ port: 6379, db: 0, tls: true, display: 'rediss://:***@cache' });
	});

	it('refuses other schemes, bad databases and any parameter', () => {
		expect(refusal(() => parseRedisUrl('http://h', '--fanout'))).toMatch(/^--fanout: expected a redis:\/\/ or rediss:\/\/ URL/);
		expect(refusal(() => parseRedisUrl('redis://h/16', '--fanout'))).toBe("--fanout: the database must be a number 0..15, not '16'");
		expect(refusal(() => parseRedisUrl('redis://h?x=1', '--fanout'))).toBe("--fanout: takes no query parameters, got 'x'");
		expect(refusal(() => parseRedisUrl('redis://:6379', '--fanout'))).toMatch(/not a valid URL|names no host/);
	});
});

describe('parseBackendUrls', () => {
	it('is all null by default (the embedded store)', () => {
		expect(parseBackendUrls({})).toEqual({ store: null, blobs: null, fanout: null });
	});

	it('takes any combination with a shared store, and blobs alone', () => {
		const all = parseBackendUrls({ store: 'postgres://h/db', blobs: 's3://bucket', fanout: 'redis://h' });
		expect([all.store?.kind, all.blobs?.kind, all.fanout?.kind]).toEqual(['postgres', 's3', 'redis']);
		expect(parseBackendUrls({ blobs: 's3://bucket' }).store).toBeNull();
	});

	it('refuses a fanout without a shared store', () => {
		expect(refusal(() => parseBackendUrls({ fanout: 'redis://h' }))).toMatch(/^--fanout needs a shared store: with the embedded store every instance keeps its own documents/);
		expect(refusal(() => parseBackendUrls({ fanout: 'redis://h', blobs: 's3://bucket' }, { store: 'TANDEM_STORE', blobs: 'TANDEM_BLOBS', fanout: 'TANDEM_FANOUT' }))).toMatch(
			/^TANDEM_FANOUT needs a shared store.*give TANDEM_STORE postgres/
		);
	});
});

describe('maskUrl', () => {
	it('hides passwords and leaves URLs without one unchanged', () => {
		expect(maskUrl('postgres://u:p%40ss@h/db')).toBe('postgres://u:***@h/db');
		expect(maskUrl('redis://h:6379')).toBe('redis://h:6379');
		expect(maskUrl('not a url')).toBe('<unparseable URL>');
	});
});
