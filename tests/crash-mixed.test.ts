// Crash safety under mixed load (issue 11 item 8): the server child is SIGKILLed at a random moment while native fetch
// clients, TypeScript SDK clients, the official Python MLflow client and a relay client (tags and notes) write, and is
// restarted on the same data dir, over and over. At the end every acknowledged write is there exactly once, nothing
// unacknowledged is doubled, and every stored document loads over HTTP and the relay.
// Seeded (the seed decides sizes, kinds and kill points; process timing still varies): TANDEM_CRASH_SEED replays one;
// TANDEM_CRASH_ITERATIONS sets the exact number of kills, else up to MAX_KILLS within KILL_BUDGET_MS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRandom } from '../src/lib/core/seeded-random';
import { createCrashServer, createLedger, type CrashServer, type CrashWriter, type Ledger } from './helpers/crash-harness';
import { createFetchWriter, createSdkWriter } from './helpers/crash-native-writers';
import { createPythonWriter } from './helpers/crash-python-writer';
import { createRelayWriter } from './helpers/crash-relay-writer';
import { checkDocumentsLoad, readStoredDocNames, verifyLedger } from './helpers/crash-verify';
import { waitFor } from './helpers/wait';

const SEED = Number(process.env.TANDEM_CRASH_SEED ?? 110_008);
const ITERATIONS = process.env.TANDEM_CRASH_ITERATIONS ? Number(process.env.TANDEM_CRASH_ITERATIONS) : null;
/** Without TANDEM_CRASH_ITERATIONS: kill up to this many times, stopping early once the kill loop ran this long, so the
 * file stays well under 90 s on two busy cores (a kill and restart take ~1.5 s there, ~4 s when others build). */
const MAX_KILLS = 20;
const KILL_BUDGET_MS = 35_000;
const MIN_KILLS = 5;

let dataDir: string;
beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-crash-mixed-'));
});
afterAll(async () => {
	await rm(dataDir, { recursive: true, force: true });
});

/** Calls `fn` synchronously at the `n`-th acknowledgement (n ≥ 1) by `writer`, in the ledger's own event. */
function atAck(ledger: Ledger, writer: string, n: number, fn: () => void): void {
	let left = n;
	const on = (name: string) => {
		if (name !== writer || --left > 0) return;
		ledger.events.off('ack', on);
		fn();
	};
	ledger.events.on('ack', on);
}

async function createRun(server: CrashServer, name: string): Promise<{ run_id: string; experiment_id: string }> {
	const res = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_name: 'crash-mixed', run_name: name }) });
	if (res.status !== 200) throw new Error(`create run: ${res.status} ${await res.text()}`);
	return (await res.json()) as { run_id: string; experiment_id: string };
}

describe('crash safety under mixed load', () => {
	it(`keeps every acknowledged write exactly once across ${ITERATIONS ?? `${MIN_KILLS}–${MAX_KILLS}`} SIGKILLs (seed ${SEED})`, { timeout: 240_000 }, async () => {
		console.log(`crash-mixed: seed ${SEED}, ${ITERATIONS ?? `up to ${MAX_KILLS}`} kills (TANDEM_CRASH_SEED / TANDEM_CRASH_ITERATIONS)`);
		const rand = createRandom(SEED);
		const ledger = createLedger();
		const server = await createCrashServer(dataDir);
		const writers: CrashWriter[] = [];
		try {
			const py = await createRun(server, 'python');
			const pyRun = ledger.addRun('python', () => py.run_id);
			writers.push(
				...(await Promise.all([0, 1].map((i) => createFetchWriter(`fetch${i}`, i, server, ledger, createRandom(SEED + 1 + i), 400)))),
				...[0, 1].map((i) => createSdkWriter(`sdk${i}`, 10 + i, server, ledger, createRandom(SEED + 11 + i), 300)),
				await createPythonWriter(server, ledger, pyRun, SEED),
				createRelayWriter(server, ledger, pyRun, py.experiment_id)
			);
			const acksSinceUp = new Map<string, number>();
			ledger.events.on('ack', (name: string) => acksSinceUp.set(name, (acksSinceUp.get(name) ?? 0) + 1));
			let settled: Promise<void>[] = [];
			const loopStart = performance.now();
			/** Whether kill `k` is the last: the writers stop at it. */
			const isLast = (k: number) => (ITERATIONS !== null ? k === ITERATIONS : k === MAX_KILLS || (k >= MIN_KILLS && performance.now() - loopStart > KILL_BUDGET_MS));
			let kills = 0;
			for (let last = false; !last; ) {
				const k = ++kills;
				last = isLast(k);
				// Every writer has written to this server life: all of them have something in flight at the kill.
				await waitFor(() => writers.every((w) => (acksSinceUp.get(w.name) ?? 0) > 0), {
					what: `every writer acknowledged after restart ${k - 1} (${JSON.stringify(Object.fromEntries(acksSinceUp))}; errors ${ledger.errors.join('; ')})`,
					events: [[ledger.events, 'ack']],
					timeoutMs: 30_000
				});
				const trigger = writers[Math.floor(rand() * writers.length)].name;
				let killed!: Promise<void>;
				await new Promise<void>((resolve) =>
					atAck(ledger, trigger, 1 + Math.floor(rand() * 10), () => {
						killed = server.kill(() => {
							for (const w of writers) w.onServerKilled();
							if (last) settled = writers.map((w) => w.stop());
						});
						resolve();
					})
				);
				await killed;
				await server.start();
				acksSinceUp.clear();
				for (const w of writers) w.onServerUp();
			}
			await Promise.all(settled);
			const loopMs = performance.now() - loopStart;

			const report = await verifyLedger(server.url, ledger);
			const docs = readStoredDocNames(dataDir);
			const docFailures = await checkDocumentsLoad(server.url, docs);
			console.log(
				`crash-mixed: ${kills} kills in ${(loopMs / 1000).toFixed(1)} s, ${report.acked} acknowledged writes ` +
					`(${Object.entries(report.ackedByKind).map(([kind, n]) => `${n} ${kind}`).join(', ')}), ${report.lost.length} lost, ${report.duplicated.length} duplicated, ${report.wrongValue.length} with a wrong value, ` +
					`${report.unexpected.length} unexpected; unacknowledged: ${report.unackedPresent} landed, ${report.unackedAbsent} did not; ` +
					`${docs.length} documents load (${docFailures.length} failed); seed ${SEED}`
			);
			expect(ledger.errors.slice(0, 20)).toEqual([]);
			expect(report.lost.slice(0, 20)).toEqual([]);
			expect(report.duplicated.slice(0, 20)).toEqual([]);
			expect(report.wrongValue.slice(0, 20)).toEqual([]);
			expect(report.unexpected.slice(0, 20)).toEqual([]);
			expect(report.inconsistent.slice(0, 20)).toEqual([]);
			expect(docFailures).toEqual([]);
			expect(await server.stop()).toBe(0);
		} finally {
			for (const w of writers) w.close();
			if (server.up) await server.kill(() => {});
		}
	});
});
