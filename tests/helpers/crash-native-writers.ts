// The crash test's native-API writers: plain fetch with a batch id, retried unchanged after the server comes back
// (so a batch applied just before a kill must not be applied twice), and the TypeScript SDK (src/lib/client-sdk),
// whose own retries and idempotent run creation are under test; each SDK writer now and then starts a new run.
import { init, type Run } from '../../src/lib/client-sdk';
import type { CrashServer, CrashWriter, Ledger, RunLedger, Write } from './crash-harness';

/** Metric values are exact in binary, so a read-back compares with ===. */
const valueAt = (step: number, writer: number) => step / 8 + writer;

function pointsOf(key: string, from: number, count: number, writer: number): Write['metrics'] {
	return Array.from({ length: count }, (_, i) => [key, from + i, valueAt(from + i, writer)] as [string, number, number]);
}

async function postJson(url: string, body: string): Promise<{ status: number; text: string }> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	return { status: res.status, text: await res.text() };
}

/** A writer that is one loop, run until stop(); it needs no word of the server's deaths (its requests fail and retry). */
function createLoopWriter(name: string, loop: (stopping: () => boolean) => Promise<void>): CrashWriter {
	let stopping = false;
	const done = loop(() => stopping);
	return {
		name,
		onServerUp: () => {},
		onServerKilled: () => {},
		async stop() {
			stopping = true;
			await done;
		},
		close: () => void (stopping = true)
	};
}

/**
 * Logs batches of 1 … `maxPoints` points (with a param and a tag now and then) to its own run, one request at a time.
 * A request that fails at the network level is resent unchanged, same `batch_id`, once the server is back.
 */
export async function createFetchWriter(name: string, index: number, server: CrashServer, ledger: Ledger, random: () => number, maxPoints: number): Promise<CrashWriter> {
	const created = await postJson(`${server.url}/api/runs`, JSON.stringify({ experiment_name: 'crash-mixed', run_name: name }));
	if (created.status !== 200) throw new Error(`create run ${name}: ${created.status} ${created.text}`);
	const runId = (JSON.parse(created.text) as { run_id: string }).run_id;
	const run = ledger.addRun(name, () => runId);
	let seq = 0;
	let step = 0;
	return createLoopWriter(name, async (stopping) => {
		while (!stopping()) {
			seq++;
			const n = 1 + Math.floor(random() * maxPoints);
			const w: Write = { run, metrics: pointsOf(name, step, n, index) };
			step += n;
			if (random() < 0.2) w.params = { [`${name}.p${seq}`]: `v${seq}` };
			if (random() < 0.2) w.tags = { [`${name}.t${seq}`]: `t${seq}` };
			const body = JSON.stringify({
				batch_id: `${name}-${seq}`,
				metrics: w.metrics!.map(([key, s, value]) => ({ key, step: s, value, timestamp: 1_700_000_000_000 + s })),
				params: w.params,
				tags: w.tags
			});
			ledger.attempt(w);
			for (;;) {
				try {
					const res = await postJson(`${server.url}/api/runs/${runId}/log`, body);
					if (res.status === 200) ledger.ack(name, w);
					else ledger.errors.push(`${name} batch ${seq}: ${res.status} ${res.text.slice(0, 300)}`);
					break;
				} catch {
					await server.whenUp(); // killed mid-request: maybe applied, maybe not; the batch id decides
				}
			}
		}
	});
}

/** Logs through the SDK: queue 1 … `maxPoints` points (a param and a tag now and then), then flush() = acknowledged. */
export function createSdkWriter(name: string, index: number, server: CrashServer, ledger: Ledger, random: () => number, maxPoints: number): CrashWriter {
	let runs = 0;
	const startRun = (): { sdk: Run; run: RunLedger } => {
		runs++;
		const sdk = init({
			url: server.url,
			experiment: 'crash-mixed',
			runName: `${name}-${runs}`,
			handleExit: false,
			flushIntervalMs: 5,
			retry: { baseMs: 20, maxMs: 200 },
			onError: (e) => ledger.errors.push(`${name}: ${e.message}`),
			onWarning: (m) => ledger.errors.push(`${name} warning: ${m}`)
		});
		return { sdk, run: ledger.addRun(`${name}-${runs}`, () => sdk.info?.runId ?? null) };
	};
	return createLoopWriter(name, async (stopping) => {
		let { sdk, run } = startRun();
		let step = 0;
		let seq = 0;
		while (!stopping()) {
			seq++;
			const n = 1 + Math.floor(random() * maxPoints);
			const w: Write = { run, metrics: pointsOf(name, step, n, index) };
			for (const [key, s, value] of w.metrics!) sdk.log({ [key]: value }, { step: s });
			step += n;
			if (random() < 0.2) sdk.logParams((w.params = { [`${name}.p${seq}`]: `v${seq}` }));
			if (random() < 0.2) sdk.setTags((w.tags = { [`${name}.t${seq}`]: `t${seq}` }));
			ledger.attempt(w);
			try {
				await sdk.flush();
				ledger.ack(name, w);
			} catch (e) {
				ledger.errors.push(`${name} flush: ${(e as Error).message}`);
			}
			// A new run now and then: its creation (retried, looked up by client key) may straddle a kill.
			if (random() < 0.05) {
				({ sdk, run } = startRun());
				step = 0;
			}
		}
		await sdk.ready.catch(() => {});
	});
}
