// `npm run tandem -- migrate`: a real embedded server writes experiments, runs with metrics, registry entries, a
// webhook, a user and token, and artifacts; it stops; the data directory is migrated to real PostgreSQL + S3 (moto)
// and verified; a Tandem on the target serves the same runs, registry, artifacts and token; a second migrate into
// the same target is refused (exit 3) and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startServer } from '../sync-server/server';
import { createPgStore } from '../sync-server/store/pg-store';
import { spawnServer, type ChildServer } from './helpers/child-server';
import { createDatabase, startPostgres, type PostgresServer } from './helpers/postgres';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3, type S3Server } from './helpers/s3';
import { callJson } from './helpers/http';
import { runTandemCli } from './helpers/tandem-cli';

const S3_ENV = {
	AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
	AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
	AWS_REGION: S3_TEST_REGION,
	// The SDK warns on Node 20 that its releases after January 2027 need Node 22; stderr must hold only our messages.
	AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
};
const BUCKET = 'tandem-migrate';
const R = '/api/2.0/mlflow';

let pg: PostgresServer;
let s3: S3Server;
let source: string;
let storeUrl: string;
let blobsUrl: string;
let target: ChildServer | null = null;

const tandem = (args: string[], env: Record<string, string> = {}) => runTandemCli(args, { ...S3_ENV, ...env });

/** What the embedded server served before the move, to compare with the target's answers. */
interface Seen {
	token: string;
	expIds: string[];
	search: unknown;
	experiments: unknown;
	models: unknown;
	webhooks: unknown;
	history: unknown;
	artifacts: Array<{ at: string; bytes: Buffer }>;
}
const seen = {} as Seen;

/** Every answer the comparison covers, from the server at `url`. */
async function snapshot(url: string, token: string) {
	const auth = { authorization: `Bearer ${token}` };
	const search = await callJson(url, 'POST', `${R}/runs/search`, { headers: auth, body: { experiment_ids: seen.expIds, max_results: 1000, order_by: ['attributes.start_time ASC'] } });
	const experiments = await callJson(url, 'POST', `${R}/experiments/search`, { headers: auth, body: { max_results: 1000 } });
	const models = await callJson(url, 'GET', `${R}/registered-models/search?max_results=100`, { headers: auth });
	const webhooks = await callJson(url, 'GET', `${R}/webhooks`, { headers: auth });
	const firstRun = (search.body.runs as Array<{ info: { run_id: string } }>)[0].info.run_id;
	const history = await callJson(url, 'GET', `${R}/metrics/get-history?run_id=${firstRun}&metric_key=loss`, { headers: auth });
	for (const r of [search, experiments, models, webhooks, history]) expect(r.status).toBe(200);
	return { search: search.body, experiments: experiments.body, models: models.body, webhooks: webhooks.body, history: history.body };
}

async function targetState() {
	const store = await createPgStore({ url: storeUrl });
	try {
		const docs = (await store.list()).sort();
		const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET }));
		return { docs, objects: (listed.Contents ?? []).map((o) => `${o.Key}:${o.ETag}`).sort() };
	} finally {
		await store.close();
	}
}

beforeAll(async () => {
	[pg, s3] = await Promise.all([startPostgres(), startS3()]);
	await s3.createBucket(BUCKET);
	storeUrl = await createDatabase(pg.url, 'migrated');
	blobsUrl = s3.url(BUCKET, 'blobs');
	source = await mkdtemp(path.join(os.tmpdir(), 'tandem-migrate-'));
});

afterAll(async () => {
	if (target) {
		target.proc.kill('SIGTERM');
		await target.exited;
	}
	await Promise.all([pg?.stop(), s3?.stop()]);
	if (source) await rm(source, { recursive: true, force: true });
});

describe('tandem migrate', () => {
	it('an embedded server writes experiments, runs, metrics, registry entries, a webhook and artifacts, then stops', async () => {
		const server = await startServer({ port: 0, dataDir: source, staticDir: null, gcIntervalMs: 0, webhooks: { allowedSchemes: ['http'], allowPrivateIps: true } });
		const url = server.url;
		seen.expIds = [];
		let firstRun = '';
		for (const name of ['vision', 'nlp', 'tabular']) {
			const exp = await callJson(url, 'POST', `${R}/experiments/create`, { body: { name, tags: [{ key: 'team', value: name }] } });
			seen.expIds.push(exp.body.experiment_id);
			for (let r = 0; r < 3; r++) {
				const run = await callJson(url, 'POST', `${R}/runs/create`, { body: { experiment_id: exp.body.experiment_id, run_name: `${name}-${r}`, start_time: 1_700_000_000_000 + seen.expIds.length * 10 + r } });
				const runId = run.body.run.info.run_id as string;
				firstRun ||= runId;
				const metrics = Array.from({ length: 200 }, (_, i) => ({ key: 'loss', value: Math.exp(-i / 50) + r, timestamp: 1_700_000_000_000 + i * 1000, step: i }));
				const logged = await callJson(url, 'POST', `${R}/runs/log-batch`, {
					body: { run_id: runId, metrics, params: [{ key: 'lr', value: String(0.1 / (r + 1)) }], tags: [{ key: 'stage', value: 'migrated' }] }
				});
				expect(logged.status).toBe(200);
				const bytes = randomBytes(r === 0 ? 2 * 1024 * 1024 + 3 : 1000 + r);
				const at = `/api/2.0/mlflow-artifacts/artifacts/${exp.body.experiment_id}/${runId}/artifacts/out/r${r}.bin`;
				expect((await fetch(url + at, { method: 'PUT', body: bytes })).status).toBe(200);
				seen.artifacts = [...(seen.artifacts ?? []), { at, bytes }];
				if (r === 2) expect((await callJson(url, 'POST', `${R}/runs/update`, { body: { run_id: runId, status: 'FINISHED', end_time: 1_700_000_999_000 } })).status).toBe(200);
			}
		}
		expect((await callJson(url, 'POST', `${R}/registered-models/create`, { body: { name: 'churn', description: 'moves up' } })).status).toBe(200);
		expect((await callJson(url, 'POST', `${R}/model-versions/create`, { body: { name: 'churn', source: 's3://models/churn/1' } })).status).toBe(200);
		const hook = await callJson(url, 'POST', `${R}/webhooks`, { body: { name: 'notify', url: 'http://127.0.0.1:9/tandem', events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }] } });
		expect(hook.status).toBe(200);
		// A user and token last: from then on every request needs the token.
		expect((await tandem(['user', 'add', 'alice', '--admin', '--data', source])).code).toBe(0);
		const made = await tandem(['token', 'create', '--user', 'alice', '--scope', 'admin', '--name', 'laptop', '--data', source]);
		seen.token = made.stdout.trim().split('\n').at(-1)!;
		Object.assign(seen, await snapshot(url, seen.token));
		expect((seen.search as { runs: unknown[] }).runs).toHaveLength(9);
		expect((seen.history as { metrics: unknown[] }).metrics).toHaveLength(200);
		await server.close();
	});

	it('copies documents, blobs, users, tokens, grants and webhooks into PostgreSQL and S3, and verifies the copy', async () => {
		const r = await tandem(['migrate', '--from', source, '--to-store', storeUrl, '--to-blobs', blobsUrl]);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain(`migrating ${source} → ${storeUrl} and ${blobsUrl}`);
		expect(r.stdout).toContain('verifying documents…');
		expect(r.stdout).toContain('verifying blobs…');
		expect(r.stdout).toMatch(/documents: (\d+)\/\1\n/);
		expect(r.stdout).toMatch(/blobs: 9\/9, /);
		const summary = /migrated and verified (\d+) documents \((\d+) bytes\), (\d+) blobs \((\d+) bytes\), 1 users, 1 tokens, (\d+) grants, 1 webhooks in [\d.]+ s/.exec(r.stdout);
		expect(summary, r.stdout).not.toBeNull();
		const [, docs, , blobs, blobBytes, grants] = summary!.map(Number);
		expect(docs).toBeGreaterThanOrEqual(3 + 9 + 9); // experiments, runs, a series per run, and the shared ones
		expect(blobs).toBe(9);
		expect(blobBytes).toBe(seen.artifacts.reduce((n, a) => n + a.bytes.length, 0));
		expect(grants).toBeGreaterThanOrEqual(0);
		expect((await targetState()).docs).toHaveLength(docs);
	});

	it('a Tandem on the target serves the same runs, registry, webhooks, metrics, artifacts and token', async () => {
		target = await spawnServer(await mkdtemp(path.join(source, 'empty-')), ['--store', storeUrl, '--blobs', blobsUrl], 60_000, S3_ENV);
		expect(await snapshot(target.url, seen.token)).toEqual({ search: seen.search, experiments: seen.experiments, models: seen.models, webhooks: seen.webhooks, history: seen.history });
		for (const { at, bytes } of seen.artifacts) {
			const res = await fetch(target.url + at, { headers: { authorization: `Bearer ${seen.token}` } });
			expect(res.status).toBe(200);
			expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
		}
		expect((await fetch(`${target.url}${R}/experiments/search`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
	});

	it('refuses a second migrate into the same target (exit 3) and changes nothing', async () => {
		const before = await targetState();
		const again = await tandem(['migrate', '--from', source, '--to-store', storeUrl, '--to-blobs', blobsUrl]);
		expect(again.code).toBe(3);
		expect(again.stderr).toMatch(new RegExp(`^tandem: refusing to migrate into a target that is not empty: ${storeUrl.replace(/[.?*+^$()[\]{}|\\]/g, '\\$&')} holds \\d+ documents \\(e\\.g\\. .+\\); .* holds 1 users, 1 tokens, .*1 webhooks; .* holds blobs \\(e\\.g\\. [0-9a-f]{64}\\)\\. Nothing was written\\.`));
		expect(await targetState()).toEqual(before);
		// Blobs alone into the same bucket: refused as well.
		const blobsOnly = await tandem(['migrate', '--from', source, '--to-blobs', blobsUrl]);
		expect(blobsOnly.code).toBe(3);
		expect(await targetState()).toEqual(before);
	});

	it('refuses bad arguments with exit code 2 and the usage', async () => {
		const none = await tandem(['migrate', '--from', source]);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain('tandem: migrate: give --to-store postgres://…, --to-blobs s3://… or both');
		const bad = await tandem(['migrate', '--from', source, '--to-store', 'postgres://u:hunter2@h/']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('tandem: --to-store: the URL names no database');
		expect(bad.stderr).not.toContain('hunter2');
		const missing = await tandem(['migrate', '--from', path.join(source, 'nope'), '--to-blobs', blobsUrl]);
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain(`tandem: --from ${path.join(source, 'nope')}: no such data directory`);
	});
});
