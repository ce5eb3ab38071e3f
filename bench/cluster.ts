// Issue-14 figures, side by side in one run on this machine: two Tandem instances on PostgreSQL + Redis + S3 (moto)
// behind the test balancer (tests/helpers/cluster.ts) against the embedded store (SQLite + data dir): native
// ingest, ingest on A → client on B under load, runs/search over 10,000 runs, and a 100 MB artifact round trip on S3
// against `mlflow server` keeping its artifacts on the same S3 server.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { spawnServer } from '../tests/helpers/child-server';
import { S3_ENV, startCluster, type Cluster } from '../tests/helpers/cluster';
import { ingestThroughput, liveLatency } from './core';
import { artifactFigures, fmt, setUpMlflowVenv, startMlflow, step, stopMlflow, treeRssMiB, type Target } from './mlflow';
import type { Row } from './table';
import { median, waitForQuietServer } from './browser-bench';

const progress = (what: string) => process.stderr.write(`[bench] cluster: ${what}…\n`);

interface Timed {
	median_s: number;
	first_s: number;
}

/** Rounds of runs/search timings, alternating between the two servers so that the machine's drift hits both alike. */
const SEARCH_ROUNDS = 3;

/** Seeds `runs` runs through `seedVia`; returns the experiment. */
async function seedSearch(seedVia: Target, runs: number): Promise<string> {
	progress(`${seedVia.name}: seeding ${fmt(runs)} runs`);
	const { experiment_id } = await step<{ experiment_id: string }>(seedVia, ['seed', String(runs)]);
	return experiment_id;
}

/**
 * runs/search on each target's experiment (plain HTTP and the official client, 5 calls a step), in rounds that
 * alternate between the targets; the median over a target's rounds of each round's median, and its first round's
 * matches and cold call.
 */
async function searchFigures(targets: ReadonlyArray<{ target: Target; experiment: string }>) {
	const raw: Array<Array<Timed & { matches: number }>> = targets.map(() => []);
	const client: Array<Array<Timed & { matches: number }>> = targets.map(() => []);
	for (let round = 0; round < SEARCH_ROUNDS; round++) {
		for (const [i, { target, experiment }] of targets.entries()) {
			progress(`${target.name}: runs/search, round ${round + 1} of ${SEARCH_ROUNDS}`);
			raw[i].push(await step<Timed & { matches: number }>(target, ['search-raw', experiment, '5']));
			client[i].push(await step<Timed & { matches: number }>(target, ['search', experiment, '5']));
		}
	}
	const over = (rounds: Array<Timed & { matches: number }>) => ({ ...rounds[0], median_s: median(rounds.map((r) => r.median_s)) });
	return targets.map((_, i) => ({ raw: over(raw[i]), client: over(client[i]) }));
}

/** The 100 MB round trip through `target` (MLflow client), with the server's RSS before, at peak and after (MiB). */
async function artifactRoundTrip(target: Target, mb: number) {
	progress(`${target.name}: ${mb} MB artifact`);
	const a = await artifactFigures(target, mb);
	return { ...a, after: await treeRssMiB(await target.pids()) };
}

export async function runClusterBench(opts: { quick: boolean }): Promise<Row[]> {
	setUpMlflowVenv();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-bench-cluster-'));
	const embedded = await spawnServer(path.join(dir, 'embedded'));
	let cluster: Cluster | undefined;
	let mlflow: { target: Target; proc: ChildProcess } | undefined;
	try {
		progress('starting PostgreSQL, Redis, moto and two instances');
		cluster = await startCluster({ instances: 2 });
		const A = { url: cluster.url(0) };
		const B = { url: cluster.url(1) };
		const balanced = { url: cluster.balancer.url };
		const rows: Row[] = [];

		const total = opts.quick ? 1_000_000 : 3_000_000;
		progress('native ingest, embedded');
		const ingestEmbedded = await ingestThroughput(embedded, 10_000, total, 4, true);
		progress('native ingest, two instances on PostgreSQL');
		const ingestCluster = await ingestThroughput(balanced, 10_000, total, 4, true);
		const share = ingestCluster.pps / ingestEmbedded.pps;
		rows.push({
			figure: 'native ingest, batch 10,000 columnar, 4 writers: 2 instances on PostgreSQL (balancer) vs embedded',
			value: `${fmt(ingestCluster.pps)} vs ${fmt(ingestEmbedded.pps)} points/s · ${fmt(share * 100)}%`,
			target: '≥ 50% of embedded',
			ok: share >= 0.5
		});

		const samples = opts.quick ? 100 : 300;
		progress('live latency, embedded');
		const latEmbedded = await liveLatency(embedded, 100_000, samples);
		progress('live latency, ingest on A → client on B');
		const lat = await liveLatency(A, 100_000, samples, B);
		rows.push({
			figure: `ingest on A → client on B, p50 (bg ${fmt(lat.achievedRate)} pts/s on A) · embedded`,
			value: `${fmt(lat.p50, 1)} ms · embedded ${fmt(latEmbedded.p50, 1)} ms`,
			target: ''
		});
		rows.push({
			figure: 'ingest on A → client on B, p99 under 100,000 points/s · embedded',
			value: `${fmt(lat.p99, 1)} ms · embedded ${fmt(latEmbedded.p99, 1)} ms`,
			target: '≤ 50 ms',
			ok: lat.p99 <= 50 && lat.achievedRate >= 95_000
		});

		const runs = opts.quick ? 2_000 : 10_000;
		const embeddedTarget: Target = { name: 'Tandem embedded', url: embedded.url, pids: async () => [embedded.proc.pid!] };
		const onA: Target = { name: 'Tandem A (PostgreSQL)', url: A.url, pids: async () => [cluster!.instances[0].child!.proc.pid!] };
		const onB: Target = { name: 'Tandem B (PostgreSQL)', url: B.url, pids: async () => [cluster!.instances[1].child!.proc.pid!] };
		const experimentE = await seedSearch(embeddedTarget, runs);
		// Seeded through the balancer (the client's threads' connections spread over both instances), searched on B.
		const experimentP = await seedSearch({ name: 'Tandem ×2 via the balancer', url: balanced.url, pids: async () => [] }, runs);
		for (const pid of [embedded.proc.pid!, ...cluster.instances.map((i) => i.child!.proc.pid!)]) await waitForQuietServer(pid);
		const [searchE, searchP] = await searchFigures([
			{ target: embeddedTarget, experiment: experimentE },
			{ target: onB, experiment: experimentP }
		]);
		const searchRow = (what: string, p: Timed, e: Timed): Row => {
			const ratio = p.median_s / e.median_s;
			return {
				figure: `runs/search, ${fmt(runs)} runs${opts.quick ? ' (quick)' : ''}, ${what}, median of ${SEARCH_ROUNDS} alternating rounds of 5: B on PostgreSQL (seeded via the balancer) vs embedded`,
				value: `${fmt(p.median_s * 1000, 1)} vs ${fmt(e.median_s * 1000, 1)} ms · ${fmt(ratio, 2)}×`,
				target: '≤ 1.20×',
				ok: ratio <= 1.2
			};
		};
		rows.push(searchRow('plain HTTP', searchP.raw, searchE.raw));
		rows.push(searchRow('official client', searchP.client, searchE.client));
		rows.push({
			figure: 'runs/search matches, first (cold) call, plain HTTP: B on PostgreSQL vs embedded',
			value: `${searchP.raw.matches} vs ${searchE.raw.matches} runs · ${fmt(searchP.raw.first_s * 1000, 1)} vs ${fmt(searchE.raw.first_s * 1000, 1)} ms`,
			target: 'same runs',
			ok: searchP.raw.matches === searchE.raw.matches
		});

		const mb = 100;
		const tandemArt = await artifactRoundTrip(onA, mb);
		const bucket = 'mlflow-bench';
		await cluster.services.s3.createBucket(bucket);
		mlflow = await startMlflow(dir, {
			artifactsDestination: `s3://${bucket}/artifacts`,
			env: { ...S3_ENV, AWS_DEFAULT_REGION: S3_ENV.AWS_REGION, MLFLOW_S3_ENDPOINT_URL: cluster.services.s3.endpoint }
		});
		const mlflowArt = await artifactRoundTrip({ ...mlflow.target, name: 'MLflow (S3)' }, mb);
		const rate = (what: 'upload' | 'download', t: number, m: number): Row => ({
			figure: `${mb} MB artifact ${what}, MLflow client: Tandem A on S3 vs mlflow server on S3 (same moto)`,
			value: `${fmt(t)} vs ${fmt(m)} MB/s · ${fmt(t / m, 2)}×`,
			target: '≥ 1× MLflow',
			ok: t >= m
		});
		rows.push(rate('upload', tandemArt.upload_mb_s, mlflowArt.upload_mb_s));
		rows.push(rate('download', tandemArt.download_mb_s, mlflowArt.download_mb_s));
		const mib = (x: number) => `${fmt(x)} MiB`;
		rows.push({
			figure: `Tandem A's RSS during the ${mb} MB round trip: before / peak / after (MLflow's growth)`,
			value: `${mib(tandemArt.before)} / ${mib(tandemArt.peak)} / ${mib(tandemArt.after)} (MLflow +${mib(mlflowArt.peak - mlflowArt.before)})`,
			target: 'flat (peak < before + 64 MiB)',
			ok: tandemArt.peak - tandemArt.before < 64
		});
		return rows;
	} finally {
		stopMlflow(mlflow?.proc);
		embedded.proc.kill('SIGTERM');
		await embedded.exited;
		await cluster?.stop();
		await rm(dir, { recursive: true, force: true });
	}
}
