// Failure of a part of a two-instance cluster (issue 14, item 6): an instance SIGKILLed in the middle of ingest
// through the balancer loses nothing acknowledged and its clients reconnect to the other instance and converge;
// PostgreSQL or Redis going away answers writes 503 TEMPORARILY_UNAVAILABLE (never 200 for what could not be stored,
// never 500), reads of loaded data keep working, and service resumes when they come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRandom } from '../src/lib/core/seeded-random';
import { docNames } from '../src/lib/core/schema';
import { readNotes } from '../src/lib/core/docs/run';
import {
	appendNote,
	createRun,
	getOk,
	logBody,
	postOk,
	range,
	readMetric,
	synced,
	useCluster,
	useClusterClients,
	useClusterServices,
	waitForSteps
} from './helpers/cluster-clients';
import { createLedger, type CrashServer, type CrashWriter } from './helpers/crash-harness';
import { createFetchWriter, createSdkWriter } from './helpers/crash-native-writers';
import { verifyLedger } from './helpers/crash-verify';
import { startBalancer, type Balancer } from './helpers/balancer';
import { callJson } from './helpers/http';
import { waitFor } from './helpers/wait';

const SEED = Number(process.env.TANDEM_CRASH_SEED ?? 140_006);
/** Instance kills in the ingest test (alternating between the two), TANDEM_CLUSTER_KILLS to change. */
const KILLS = Number(process.env.TANDEM_CLUSTER_KILLS ?? 4);

const clients = useClusterClients();
const services = useClusterServices();

/** Writes answered while a backend is down: each must be a 503 TEMPORARILY_UNAVAILABLE with Retry-After. */
async function expectUnavailable(url: string, path: string, body: unknown): Promise<void> {
	const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await res.text();
	expect(res.status, text).toBe(503);
	expect(JSON.parse(text).error_code, text).toBe('TEMPORARILY_UNAVAILABLE');
	expect(res.headers.get('retry-after')).toBe('1');
}

/** POSTs until answered 200 (a refused connection or a 503 is retried), within `timeoutMs`. */
function postUntilOk(url: string, path: string, body: unknown, what: string, timeoutMs = 30_000) {
	return waitFor(
		async () => {
			const { status, body: answer } = await callJson(url, 'POST', path, { body });
			if (status === 200) return answer as Record<string, unknown>;
			if (status !== 503) throw new Error(`${status} ${JSON.stringify(answer)}`);
			return null;
		},
		{ what, timeoutMs, pollMs: 50 }
	);
}

describe('an instance killed in the middle of ingest', () => {
	const cluster = useCluster(services, { instances: 2 });

	it(`loses nothing acknowledged over ${KILLS} kills, and the dead instance's clients reconnect through the balancer and converge`, { timeout: 170_000 }, async () => {
		const via = cluster().balancer.url;
		const { runId: notesRun } = await createRun(via, 'cluster-kill', 'notes');
		// Four relay clients through the balancer, placed round robin: which instance each got is read off the balancer.
		const docs: Y.Doc[] = [];
		const providers: ReturnType<typeof clients.connect>[] = [];
		const onFirstVictim: boolean[] = [];
		for (let i = 0; i < 4; i++) {
			const before = cluster().balancer.counts()[cluster().url(0)] ?? 0;
			docs.push(new Y.Doc());
			providers.push(clients.connect(via, docNames.run(notesRun), docs[i]));
			await synced(providers[i]);
			onFirstVictim.push((cluster().balancer.counts()[cluster().url(0)] ?? 0) > before);
		}
		expect(onFirstVictim.filter(Boolean).length).toBe(2);
		// The writers see only the balancer: a request cut by a kill is resent there at once, same batch id, and
		// reaches the live instance. Kills alternate between the instances; each comes back before the next kill.
		const ledger = createLedger();
		let victim = 0;
		const server: CrashServer = {
			url: via,
			up: true,
			whenUp: () => Promise.resolve(),
			start: () => cluster().restartInstance(victim),
			async kill(onKilled) {
				const killed = cluster().killInstance(victim);
				onKilled();
				await killed;
			},
			stop: async () => null
		};
		const writers: CrashWriter[] = [
			...(await Promise.all([0, 1, 2].map((i) => createFetchWriter(`fetch${i}`, i, server, ledger, createRandom(SEED + i), 400)))),
			...[0, 1].map((i) => createSdkWriter(`sdk${i}`, 10 + i, server, ledger, createRandom(SEED + 10 + i), 300))
		];
		let acks = 0;
		ledger.events.on('ack', () => acks++);
		const acked = (n: number, what: string) => {
			const want = acks + n;
			return waitFor(() => acks >= want, { what: `${n} acknowledged writes ${what} (errors: ${ledger.errors.join('; ')})`, timeoutMs: 60_000 });
		};
		const expected: string[] = [];
		const edit = (label: string) =>
			docs.forEach((d, i) => {
				appendNote(d, `${label} ${i};`);
				expected.push(`${label} ${i};`);
			});
		try {
			edit('start');
			for (let k = 1; k <= KILLS; k++) {
				await acked(40, `before kill ${k}`);
				await server.kill(() => writers.forEach((w) => w.onServerKilled()));
				// Clients of the dead instance edit while they reconnect to the other; the others edit too.
				edit(`kill ${k}`);
				await acked(40, `after kill ${k}, served by the other instance`);
				// The two clients the dead instance had are connected again: the balancer had only the other to give.
				await waitFor(() => providers.every((p) => p.wsconnected), { what: `every relay client connected again after kill ${k}`, timeoutMs: 30_000 });
				await server.start();
				victim = 1 - victim;
			}
			for (const w of writers) await w.stop();
		} finally {
			for (const w of writers) w.close();
		}
		expect(ledger.errors).toEqual([]);
		await waitFor(() => docs.every((d) => expected.every((e) => readNotes(d).includes(e))), {
			what: 'every relay client converging',
			events: docs.map((d) => [d, 'update'] as [Y.Doc, string]),
			timeoutMs: 30_000
		});
		expect(new Set(docs.map(readNotes)).size).toBe(1);
		expect(providers.every((p) => p.wsconnected)).toBe(true);
		// Both instances read every acknowledged write exactly once from the shared store.
		const reports = [];
		for (const i of [0, 1]) {
			const r = await verifyLedger(cluster().url(i), ledger);
			reports.push(r);
			expect({ instance: i, lost: r.lost, duplicated: r.duplicated, wrongValue: r.wrongValue, unexpected: r.unexpected, inconsistent: r.inconsistent }).toEqual({
				instance: i,
				lost: [],
				duplicated: [],
				wrongValue: [],
				unexpected: [],
				inconsistent: []
			});
		}
		expect(reports[0].ackedByKind.points).toBeGreaterThan(0);
		expect(reports[1].acked).toBe(reports[0].acked);
		console.log(`cluster kill: ${KILLS} kills, ${reports[0].acked} acknowledged writes checked on both instances (${JSON.stringify(reports[0].ackedByKind)})`);
	});
});

describe('an instance killed after its commit, before its publish', () => {
	// Instance A reaches Redis through a link the test can make hang, so A is killed with a batch committed in
	// PostgreSQL but never published to the other instance: the deterministic case of a kill mid-ingest.
	let redisLink: Balancer;
	beforeAll(async () => {
		redisLink = await startBalancer([services().redis.url]);
	});
	afterAll(async () => {
		await redisLink?.close();
	});
	const cluster = useCluster(services, { instances: 2, instanceArgs: (i, b) => (i === 0 ? ['--fanout', b.fanout.replace(/:\d+\//, `:${redisLink.port}/`)] : []) });

	it('applies the batch once when the client retries it on the other instance', async () => {
		const [A, B] = [cluster().url(0), cluster().url(1)];
		const { runId, experimentId } = await createRun(A, 'unpublished', 'r');
		// B has the run's documents loaded (and a client keeps them so): its copy, not the store, answers the retry.
		await postOk(B, `/api/runs/${runId}/log`, logBody('loss', [0], 'first'));
		await Promise.all([docNames.live(experimentId), docNames.series(runId, 'loss')].map((name) => synced(clients.connect(B, name))));
		const publishing = redisLink.hold((chunk) => chunk.includes('XADD'));
		const batch = logBody('loss', range(1, 100), 'committed-unpublished');
		const onA = callJson(A, 'POST', `/api/runs/${runId}/log`, { body: batch }).catch((e: Error) => e);
		await publishing; // A publishes only what is committed: the batch is durable, and B has not heard of it
		await cluster().killInstance(0);
		expect(await onA).toBeInstanceOf(Error); // never acknowledged: the client retries, through the balancer, on B
		await postOk(B, `/api/runs/${runId}/log`, batch);
		expect((await readMetric(B, runId, 'loss')).steps).toEqual(range(0, 101));
		await cluster().restartInstance(0);
		expect((await readMetric(A, runId, 'loss')).steps).toEqual(range(0, 101));
	});
});

describe('PostgreSQL going away', () => {
	const cluster = useCluster(services, { instances: 2 });

	it('answers writes 503 while it is down, keeps serving loaded reads, and resumes with everything acknowledged', { timeout: 120_000 }, async () => {
		const [A, B] = [cluster().url(0), cluster().url(1)];
		const { runId, experimentId } = await createRun(A, 'pg-outage', 'r');
		await postOk(A, `/api/runs/${runId}/log`, logBody('loss', range(0, 100), 'before'));
		// Load the run's documents on both instances (what "loaded data" means for each).
		for (const url of [A, B]) {
			expect((await getOk<{ run: { run_id: string } }>(url, `/api/runs/${runId}`)).run.run_id).toBe(runId);
			expect((await readMetric(url, runId, 'loss')).steps).toEqual(range(0, 100));
		}
		await services().postgres.kill();
		const outage = [logBody('loss', range(100, 50), 'during-1'), logBody('loss', range(150, 50), 'during-2')];
		await expectUnavailable(A, `/api/runs/${runId}/log`, outage[0]);
		await expectUnavailable(B, `/api/runs/${runId}/log`, outage[1]);
		await expectUnavailable(B, '/api/runs', { experiment_name: 'pg-outage', run_name: 'new' });
		for (const url of [A, B]) {
			expect((await getOk<{ run: { run_id: string } }>(url, `/api/runs/${runId}`)).run.run_id).toBe(runId);
			expect((await readMetric(url, runId, 'loss')).steps.slice(0, 100)).toEqual(range(0, 100));
		}
		await services().postgres.restart();
		// The writers retry what was refused, unchanged (same batch ids), then write on.
		await postUntilOk(A, `/api/runs/${runId}/log`, outage[0], 'the first refused batch accepted after the restart');
		await postUntilOk(B, `/api/runs/${runId}/log`, outage[1], 'the second refused batch accepted after the restart');
		await postUntilOk(B, `/api/runs/${runId}/log`, logBody('loss', range(200, 50), 'after'), 'a new batch after the restart');
		const series = new Y.Doc();
		await synced(clients.connect(A, docNames.series(runId, 'loss'), series));
		await waitForSteps(series, range(0, 250), 'every point on a client of A');
		for (const url of [A, B]) {
			await waitFor(async () => (await readMetric(url, runId, 'loss')).steps.length === 250, { what: `all 250 points on ${url}` });
			// Each point exactly once with its value (batches appended on two instances at once may interleave).
			const h = await readMetric(url, runId, 'loss');
			const points = h.steps.map((step, i) => [step, h.values[i]]).sort((x, y) => x[0] - y[0]);
			expect(points).toEqual(range(0, 250).map((s) => [s, s / 4]));
		}
		const { runs } = await getOk<{ runs: Array<{ run_id: string }> }>(B, `/api/experiments/${experimentId}/runs`);
		expect(runs.map((r) => r.run_id)).toContain(runId);
	});
});

describe('Redis going away', () => {
	const cluster = useCluster(services, { instances: 2 });

	it('answers writes 503 while it is down; once back, writes succeed and both instances converge', { timeout: 120_000 }, async () => {
		const [A, B] = [cluster().url(0), cluster().url(1)];
		const { runId } = await createRun(A, 'redis-outage', 'r');
		await postOk(A, `/api/runs/${runId}/log`, logBody('a', [0]));
		await postOk(B, `/api/runs/${runId}/log`, logBody('b', [0]));
		// A client on each instance watches what the other instance writes.
		const seenOnB = new Y.Doc();
		const seenOnA = new Y.Doc();
		const notesA = new Y.Doc();
		const notesB = new Y.Doc();
		await Promise.all([
			synced(clients.connect(B, docNames.series(runId, 'a'), seenOnB)),
			synced(clients.connect(A, docNames.series(runId, 'b'), seenOnA)),
			synced(clients.connect(A, docNames.run(runId), notesA)),
			synced(clients.connect(B, docNames.run(runId), notesB))
		]);
		await services().redis.kill();
		await expectUnavailable(A, `/api/runs/${runId}/log`, logBody('a', range(1, 10), 'a-during'));
		await expectUnavailable(B, `/api/runs/${runId}/log`, logBody('b', range(1, 10), 'b-during'));
		appendNote(notesA, 'A while Redis was down;');
		appendNote(notesB, 'B while Redis was down;');
		await services().redis.restart();
		await postUntilOk(A, `/api/runs/${runId}/log`, logBody('a', range(1, 10), 'a-during'), 'A accepting writes after Redis is back');
		await postUntilOk(B, `/api/runs/${runId}/log`, logBody('b', range(1, 10), 'b-during'), 'B accepting writes after Redis is back');
		// New writes too: until each instance's fanout has reconnected, a 503 is the right answer; then 200.
		await postUntilOk(A, `/api/runs/${runId}/log`, logBody('a', range(11, 10), 'a-after'), 'a new write on A after Redis is back');
		await postUntilOk(B, `/api/runs/${runId}/log`, logBody('b', range(11, 10), 'b-after'), 'a new write on B after Redis is back');
		await waitForSteps(seenOnB, range(0, 21), "A's points on a client of B", 30_000);
		await waitForSteps(seenOnA, range(0, 21), "B's points on a client of A", 30_000);
		const both = ['A while Redis was down;', 'B while Redis was down;'];
		await waitFor(() => both.every((t) => readNotes(notesA).includes(t) && readNotes(notesB).includes(t)), {
			what: "each relay client seeing the other's outage edit",
			events: [[notesA, 'update'], [notesB, 'update']],
			timeoutMs: 30_000
		});
		for (const key of ['a', 'b']) for (const url of [A, B]) expect((await readMetric(url, runId, key)).steps).toEqual(range(0, 21));
	});
});
