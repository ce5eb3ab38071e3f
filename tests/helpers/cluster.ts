// Several Tandem instances on one PostgreSQL + Redis + S3, as the multi-instance tests and bench run them: the three
// services started once (tests/helpers/postgres.ts, redis.ts, s3.ts), N real CLI child processes with
// `--store/--blobs/--fanout` and an empty data dir each, the test balancer (balancer.ts) in front. An instance can be
// SIGKILLed and restarted on its port, so the balancer's backend list and clients' URLs stay valid.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnServer, type ChildServer } from './child-server';
import { createDatabase, startPostgres, type PostgresServer } from './postgres';
import { startRedis, type TestRedis } from './redis';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3, type S3Server } from './s3';
import { startBalancer, type Balancer } from './balancer';

/** The moto S3 server's dummy credentials, given to every instance through the AWS SDK's environment chain. */
export const S3_ENV: Record<string, string> = {
	AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
	AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
	AWS_REGION: S3_TEST_REGION
};

export interface ClusterServices {
	postgres: PostgresServer;
	redis: TestRedis;
	s3: S3Server;
	/** The bucket every cluster on these services uses (each cluster under its own prefix). */
	bucket: string;
	stop(): Promise<void>;
}

export interface ClusterInstance {
	/** `http://127.0.0.1:<port>`, the same across restarts. */
	readonly url: string;
	readonly port: number;
	readonly dataDir: string;
	/** The running child, or null while killed. */
	readonly child: ChildServer | null;
}

export interface Cluster {
	services: ClusterServices;
	instances: ClusterInstance[];
	balancer: Balancer;
	/** The instances' backend URLs (PostgreSQL database, S3 bucket/prefix, Redis db). */
	backends: { store: string; blobs: string; fanout: string };
	/** The URL of instance `i` (not through the balancer). */
	url(i: number): string;
	/** SIGKILLs instance `i`; resolves once it has exited. */
	killInstance(i: number): Promise<void>;
	/** Starts instance `i` again on its port (after killInstance or stopInstance). */
	restartInstance(i: number): Promise<void>;
	/** SIGTERMs every instance, closes the balancer, and stops the services if the cluster started them. */
	stop(): Promise<void>;
}

/** Starts PostgreSQL, Redis and the S3 server (with a bucket) for one test file. */
export async function startClusterServices(): Promise<ClusterServices> {
	const started: Array<{ stop(): Promise<void> }> = [];
	const stopAll = async () => {
		for (const s of started.splice(0).reverse()) await s.stop().catch(() => {});
	};
	try {
		const [postgres, redis, s3] = await Promise.all([
			startPostgres().then((s) => (started.push(s), s)),
			startRedis().then((s) => (started.push(s), s)),
			startS3().then((s) => (started.push(s), s))
		]);
		const bucket = 'tandem-cluster';
		await s3.createBucket(bucket);
		return { postgres, redis, s3, bucket, stop: stopAll };
	} catch (e) {
		await stopAll();
		throw e;
	}
}

let clusterSeq = 0;

export interface ClusterOptions {
	/** How many Tandem instances (default 2). */
	instances?: number;
	/** Shared services (several clusters in one file); started (and stopped with the cluster) when absent. */
	services?: ClusterServices;
	/** More CLI flags for every instance. */
	args?: string[];
	/** More environment variables for every instance. */
	env?: Record<string, string>;
	/** More CLI flags for instance `i` alone, after the others (a later flag wins: e.g. its own `--fanout`). */
	instanceArgs?: (i: number, backends: Cluster['backends']) => string[];
}

/**
 * Starts a cluster. Each cluster on shared services gets its own PostgreSQL database, Redis logical database and S3
 * prefix, so two clusters in one file never see each other's documents, updates or blobs.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
	const n = opts.instances ?? 2;
	if (!Number.isInteger(n) || n < 1) throw new Error(`a cluster needs at least one instance, not ${n}`);
	const owned = !opts.services;
	const services = opts.services ?? (await startClusterServices());
	const seq = clusterSeq++;
	const root = await mkdtemp(path.join(os.tmpdir(), 'tandem-cluster-'));
	const children: Array<ChildServer | null> = [];
	let balancer: Balancer | null = null;
	const stopped = async () => {
		await Promise.all(
			children.map(async (c) => {
				if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) return;
				c.proc.kill('SIGTERM');
				await c.exited;
			})
		);
		await balancer?.close();
		if (owned) await services.stop();
		await rm(root, { recursive: true, force: true });
	};
	try {
		const name = `cluster_${process.pid}_${seq}`;
		const store = seq === 0 && owned ? services.postgres.url : await createDatabase(services.postgres.url, name);
		const redisDb = seq % 16;
		const backends = {
			store,
			blobs: `${services.s3.url(services.bucket, name)}`,
			fanout: `${services.redis.url}/${redisDb}`
		};
		const flags = ['--store', backends.store, '--blobs', backends.blobs, '--fanout', backends.fanout, ...(opts.args ?? [])];
		const env = { ...S3_ENV, ...opts.env };
		const dirs = Array.from({ length: n }, (_, i) => path.join(root, `instance-${i}`));
		const flagsOf = (i: number) => [...flags, ...(opts.instanceArgs?.(i, backends) ?? [])];
		// The first alone (it creates the tables), then the others at once.
		children.push(await spawnServer(dirs[0], flagsOf(0), 60_000, env));
		const rest = await Promise.allSettled(dirs.slice(1).map((dir, j) => spawnServer(dir, flagsOf(j + 1), 60_000, env)));
		for (const r of rest) if (r.status === 'fulfilled') children.push(r.value);
		const failed = rest.find((r) => r.status === 'rejected');
		if (failed) throw failed.reason;
		const ports = children.map((c) => Number(new URL(c!.url).port));
		balancer = await startBalancer(children.map((c) => c!.url));
		const instances: ClusterInstance[] = dirs.map((dataDir, i) => ({
			url: `http://127.0.0.1:${ports[i]}`,
			port: ports[i],
			dataDir,
			get child() {
				return children[i];
			}
		}));
		const at = (i: number) => {
			if (!instances[i]) throw new Error(`no instance ${i} (the cluster has ${n})`);
			return i;
		};
		return {
			services,
			instances,
			balancer,
			backends,
			url: (i) => instances[at(i)].url,
			async killInstance(i) {
				const c = children[at(i)];
				if (!c) return;
				children[i] = null;
				c.proc.kill('SIGKILL');
				await c.exited;
			},
			async restartInstance(i) {
				const c = children[at(i)];
				if (c) {
					children[i] = null;
					c.proc.kill('SIGTERM');
					await c.exited;
				}
				// The last --port wins (sync-server/cli.ts): the instance comes back on its own port.
				const child = await spawnServer(dirs[i], [...flagsOf(i), '--port', String(ports[i])], 60_000, env);
				if (child.url !== instances[i].url) {
					child.proc.kill('SIGKILL');
					throw new Error(`instance ${i} restarted on ${child.url}, not ${instances[i].url}`);
				}
				children[i] = child;
			},
			stop: stopped
		};
	} catch (e) {
		await stopped();
		throw e;
	}
}
