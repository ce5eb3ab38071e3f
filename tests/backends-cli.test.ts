// The real CLI on real PostgreSQL, Redis and an S3 server (moto): `--store/--blobs/--fanout` and TANDEM_STORE/
// TANDEM_BLOBS/TANDEM_FANOUT (as compose.yaml sets them) serve runs, artifacts and tokens made by
// `npm run tandem -- … --store`; bad URLs, a fanout without a shared store and an unreachable PostgreSQL are refused
// at startup with precise messages and a non-zero exit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawnServer, type ChildServer } from './helpers/child-server';
import { createDatabase, startPostgres, type PostgresServer } from './helpers/postgres';
import { startRedis, type TestRedis } from './helpers/redis';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3, type S3Server } from './helpers/s3';
import { callJson } from './helpers/http';
import { freePort } from './helpers/ports';
import { runTandemCli } from './helpers/tandem-cli';

const S3_ENV = { AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey, AWS_REGION: S3_TEST_REGION };
const BUCKET = 'tandem-cli';

let pg: PostgresServer;
let redis: TestRedis;
let s3: S3Server;
/** The test database's URL with a password in it (trust auth ignores it): it must never be printed. */
let storeUrl: string;
let blobsUrl: string;
const dirs: string[] = [];
const children: ChildServer[] = [];

const tempDir = async () => {
	const d = await mkdtemp(path.join(os.tmpdir(), 'tandem-backends-'));
	dirs.push(d);
	return d;
};

const tandem = runTandemCli;

/** Starts the CLI expecting it to exit before listening; resolves with its exit code and output. */
async function refusedStart(args: string[], env: Record<string, string> = {}): Promise<{ code: string; output: string }> {
	const dir = await tempDir();
	const err = await spawnServer(dir, args, 60_000, env).then(
		(child) => {
			children.push(child);
			throw new Error(`expected the server to refuse to start, it listens on ${child.url}`);
		},
		(e: Error) => e
	);
	const m = /server exited \((\S+)\) before listening:\n([\s\S]*)$/.exec(err.message);
	if (!m) throw err;
	return { code: m[1], output: m[2] };
}

/**
 * NODE_OPTIONS for a child that prints `LOADED <url>` for every module of a backend driver (or Tandem's modules
 * around them) it resolves: the embedded default must load none of them.
 */
async function driverWatch(): Promise<Record<string, string>> {
	const file = path.join(await tempDir(), 'watch-drivers.mjs');
	const hook = `export async function resolve(s, c, next) { const r = await next(s, c); if (/node_modules\\/(pg|redis|@redis|@aws-sdk)\\/|\\/(pg-store|pg-auth-store|pg-webhook-store|s3-blob-store|redis-fanout)\\.ts$/.test(r.url)) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }`;
	await writeFile(file, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));\n`);
	return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${file}`.trim() };
}

beforeAll(async () => {
	[pg, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3()]);
	await s3.createBucket(BUCKET);
	const u = new URL(await createDatabase(pg.url, 'cli'));
	u.password = 'sekrit-pw';
	storeUrl = u.toString();
	blobsUrl = s3.url(BUCKET, 'team/blobs');
});

afterAll(async () => {
	for (const c of children) {
		if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
		await c.exited;
	}
	await Promise.all([pg?.stop(), redis?.stop(), s3?.stop()]);
	for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('tandem on PostgreSQL, S3 and Redis', () => {
	let a: ChildServer;
	let b: ChildServer;
	let dataA: string;
	let token: string;

	it('starts with the flags, and with the environment variables, printing every URL with its password masked', async () => {
		dataA = await tempDir();
		a = await spawnServer(dataA, ['--store', storeUrl, '--blobs', blobsUrl, '--fanout', redis.url], 60_000, S3_ENV);
		children.push(a);
		// The second instance is configured as compose.yaml configures both.
		b = await spawnServer(await tempDir(), [], 60_000, { ...S3_ENV, TANDEM_STORE: storeUrl, TANDEM_BLOBS: blobsUrl, TANDEM_FANOUT: redis.url });
		children.push(b);
		for (const c of [a, b]) {
			expect(c.output()).not.toContain('sekrit-pw');
			expect(c.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(store postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/cli, blobs s3:\/\/tandem-cli\/team\/blobs\?endpoint=.*, fanout redis:\/\/127\.0\.0\.1:\d+\)/);
		}
	});

	it('logs a run on one instance that the other serves, and keeps nothing in the data directory', async () => {
		const exp = await callJson(a.url, 'POST', '/api/2.0/mlflow/experiments/create', { body: { name: 'on-postgres' } });
		expect(exp.status).toBe(200);
		const run = await callJson(a.url, 'POST', '/api/2.0/mlflow/runs/create', { body: { experiment_id: exp.body.experiment_id, run_name: 'pg-run' } });
		expect(run.status).toBe(200);
		const runId = run.body.run.info.run_id as string;
		const metrics = Array.from({ length: 50 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), timestamp: 1_700_000_000_000 + i, step: i }));
		expect((await callJson(a.url, 'POST', '/api/2.0/mlflow/runs/log-batch', { body: { run_id: runId, metrics, params: [{ key: 'lr', value: '0.01' }] } })).status).toBe(200);
		const fromB = await callJson(b.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`);
		expect(fromB.status).toBe(200);
		expect(fromB.body.run.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
		const history = await callJson(b.url, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
		expect(history.body.metrics).toHaveLength(50);
		// Documents went to PostgreSQL: no SQLite file, no blob directory, no auth.db in the data directory.
		expect((await readdir(dataA)).filter((f) => /tandem\.db|auth\.db|webhooks\.db|blobs/.test(f))).toEqual([]);
	});

	it('stores an uploaded artifact in the bucket under the prefix and serves it from the other instance', async () => {
		const exp = await callJson(a.url, 'POST', '/api/2.0/mlflow/experiments/create', { body: { name: 'artifacts-on-s3' } });
		const run = await callJson(a.url, 'POST', '/api/2.0/mlflow/runs/create', { body: { experiment_id: exp.body.experiment_id } });
		const runId = run.body.run.info.run_id as string;
		const bytes = randomBytes(3 * 1024 * 1024 + 17);
		const sha = createHash('sha256').update(bytes).digest('hex');
		const at = `/api/2.0/mlflow-artifacts/artifacts/${exp.body.experiment_id}/${runId}/artifacts/model/weights.bin`;
		const put = await fetch(a.url + at, { method: 'PUT', body: bytes });
		expect(put.status).toBe(200);
		const got = Buffer.from(await (await fetch(b.url + at)).arrayBuffer());
		expect(got.equals(bytes)).toBe(true);
		const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'team/blobs/' }));
		expect((listed.Contents ?? []).map((o) => o.Key)).toContain(`team/blobs/${sha.slice(0, 2)}/${sha}`);
	});

	it('a token made with `npm run tandem -- user add/token create --store` authenticates on both instances', async () => {
		const add = await tandem(['user', 'add', 'alice', '--admin', '--store', storeUrl]);
		expect(add.stderr).toBe('');
		expect(add.stdout).toContain('added user alice (admin)');
		const made = await tandem(['token', 'create', '--user', 'alice', '--scope', 'admin', '--name', 'ci'], { TANDEM_STORE: storeUrl });
		expect(made.code).toBe(0);
		token = made.stdout.trim().split('\n').at(-1)!;
		expect(token).toMatch(/^tdm_/);
		for (const [which, c] of [['A', a], ['B', b]] as const) {
			const ok = await callJson(c.url, 'POST', '/api/2.0/mlflow/experiments/search', { body: { max_results: 10 }, headers: { authorization: `Bearer ${token}` } });
			expect(ok.status).toBe(200);
			expect(ok.body.experiments.map((e: { name: string }) => e.name), `experiments on ${which}`).toEqual(expect.arrayContaining(['on-postgres', 'artifacts-on-s3']));
			const bad = await callJson(c.url, 'POST', '/api/2.0/mlflow/experiments/search', { body: { max_results: 10 }, headers: { authorization: `Bearer tdm_${'x'.repeat(43)}` } });
			expect(bad.status).toBe(401);
		}
	});

	it('shuts down on SIGTERM, closing its backends, with exit code 0', async () => {
		b.proc.kill('SIGTERM');
		expect(await b.exited).toEqual({ code: 0, signal: null });
		expect(b.output()).toContain('SIGTERM: flushing and shutting down');
	});
});

describe('refusals at startup', () => {
	it('refuses malformed backend URLs with exit code 2, naming the flag or variable and the problem', async () => {
		const cases: Array<[string[], Record<string, string>, string]> = [
			[['--store', 'mysql://h/db'], {}, 'tandem: --store: expected a postgres:// URL (postgres://user:password@host:5432/database), not mysql:// (the embedded store is the default: leave the option out)'],
			[['--store', 'postgres://u:hunter2@h:70000/db'], {}, 'tandem: --store: the port must be 1..65535, not 70000'],
			[[], { TANDEM_STORE: 'postgres://h:5432' }, 'tandem: TANDEM_STORE: the URL names no database (expected the form postgres://user:password@host:5432/database)'],
			[['--blobs', 's3://Team_Bucket/x'], {}, "tandem: --blobs: the bucket name 'Team_Bucket' may hold only lowercase letters, digits, '.' and '-'"],
			[['--blobs', 's3://bucket/x?acl=private'], {}, "tandem: --blobs: unknown query parameter 'acl' (allowed: endpoint, region, path_style)"],
			[[], { TANDEM_BLOBS: 's3://KEY:SECRET@bucket' }, 'tandem: TANDEM_BLOBS: put no credentials in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment'],
			[['--store', 'postgres://h/db', '--fanout', 'redis://h/42'], {}, "tandem: --fanout: the database must be a number 0..15, not '42'"]
		];
		for (const [args, env, message] of cases) {
			const { code, output } = await refusedStart(args, env);
			expect(code, message).toBe('2');
			expect(output.trim()).toBe(message);
			expect(output).not.toContain('hunter2');
		}
	});

	it('refuses a fanout without a shared store (instances sharing nothing cannot fan out)', async () => {
		const { code, output } = await refusedStart(['--fanout', redis.url, '--blobs', blobsUrl], S3_ENV);
		expect(code).toBe('2');
		expect(output.trim()).toBe(
			'tandem: --fanout needs a shared store: with the embedded store every instance keeps its own documents, so there is nothing to fan out between them (give --store postgres://… too, or leave --fanout out)'
		);
	});

	it('gives up on a PostgreSQL that cannot be reached after the connect timeout, exit code 1, password masked', async () => {
		const port = await freePort();
		const started = Date.now();
		const { code, output } = await refusedStart(['--store', `postgres://postgres:hunter2@127.0.0.1:${port}/tandem`, '--connect-timeout', '2s'], await driverWatch());
		expect(code).toBe('1');
		expect(output).toMatch(/LOADED file:.*\/node_modules\/pg\//); // the watch sees a driver when one loads
		expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
		expect(output).toContain(`[tandem] PostgreSQL at postgres://postgres:***@127.0.0.1:${port}/tandem is not reachable yet`);
		expect(output).toContain(`tandem: failed to start: cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:${port}/tandem (gave up after 2 s, `);
		expect(output).toMatch(/attempts\): connect ECONNREFUSED 127\.0\.0\.1:\d+\n/);
		expect(output).not.toContain('hunter2');
		expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
	});

	it('gives up on an unreachable Redis or S3 the same way, and at once on a bucket that does not exist', async () => {
		const port = await freePort();
		// As compose.yaml sets it: TANDEM_CONNECT_TIMEOUT.
		const redisDown = await refusedStart(['--store', storeUrl, '--fanout', `redis://127.0.0.1:${port}`], { ...S3_ENV, TANDEM_CONNECT_TIMEOUT: '2s' });
		expect(redisDown.code).toBe('1');
		expect(redisDown.output).toContain(`tandem: failed to start: cannot reach Redis at redis://127.0.0.1:${port} (gave up after 2 s, `);
		const s3Down = await refusedStart(['--blobs', `s3://bucket/p?endpoint=http://127.0.0.1:${port}`, '--connect-timeout', '2s'], S3_ENV);
		expect(s3Down.code).toBe('1');
		expect(s3Down.output).toContain(`tandem: failed to start: cannot reach S3 at s3://bucket/p?endpoint=http://127.0.0.1:${port} (gave up after 2 s, `);
		const started = Date.now();
		const noBucket = await refusedStart(['--blobs', s3.url('no-such-bucket'), '--connect-timeout', '30s'], S3_ENV);
		expect(noBucket.code).toBe('1');
		expect(noBucket.output).toContain('tandem: failed to start: cannot open S3 at s3://no-such-bucket/');
		expect(noBucket.output).not.toContain('retrying');
		expect(Date.now() - started).toBeLessThan(30_000);
	});

	it('with no backend option, starts the embedded store in the data directory as before, loading no driver', async () => {
		const dir = await tempDir();
		const c = await spawnServer(dir, [], 30_000, await driverWatch());
		children.push(c);
		expect(c.output()).toContain(`(data in ${dir})`);
		expect((await callJson(c.url, 'POST', '/api/runs', { body: { experiment_name: 'embedded' } })).status).toBe(200);
		expect(c.output()).not.toContain('LOADED');
		expect(c.output()).not.toContain('backends:');
		expect(existsSync(path.join(dir, 'tandem.db'))).toBe(true);
		expect((await fetch(`${c.url}/health`)).status).toBe(200);
		c.proc.kill('SIGTERM');
		expect((await c.exited).code).toBe(0);
	});
});
