// Runs one batch of HTTP fuzz cases and checks the invariants around it: every answer (checkAnswer), /healthz
// still answering, the event loop's delay over the batch, and the sentinel snapshots unchanged unless an accepted
// request of the batch named them.
import { checkAnswer, sendRaw, type FuzzAnswer, type FuzzRequest, type Findings } from './fuzz-http';
import { mentions, readSnapshots, type SnapshotRead } from './fuzz-sentinels';
import type { LoopDelay, LoopMonitor } from './fuzz-loop';

export interface FuzzCase extends FuzzRequest {
	/**
	 * Snapshot tokens an accepted answer may change; by default every token the request's target or body mentions.
	 * Artifact cases set it: a write to the victim that names the sentinel inside a `../` must not change it.
	 */
	touches?: string[];
}

export interface BatchResult {
	answers: FuzzAnswer[];
	delay: LoopDelay;
	/** The slowest answer, ms. */
	slowestMs: number;
}

export interface BatchRunnerOptions {
	url: string;
	findings: Findings;
	loop: LoopMonitor;
	reads: readonly SnapshotRead[];
	/** Requests in flight at once (default 4). */
	concurrency?: number;
	/** A batch whose loop p99 passes this (ms) is replayed case by case to find the stalling ones (default 50). */
	stallLimitMs?: number;
}

export async function createBatchRunner(opts: BatchRunnerOptions) {
	const { url, findings, loop, reads } = opts;
	let snapshots = await readSnapshots(url, reads);
	const tokens = [...new Set(reads.flatMap((r) => r.tokens))];
	const stallLimitMs = opts.stallLimitMs ?? 50;

	/** The snapshot tokens an accepted `c` may have changed. */
	const touchedBy = (c: FuzzCase): string[] => {
		if (c.touches) return c.touches;
		const text = c.target + (c.body ? Buffer.from(c.body).toString('utf8') : '');
		return tokens.filter((t) => mentions(decodeSafely(text), t) || mentions(text, t));
	};

	/** Sends `cases` (`concurrency` at a time), checking each answer; returns the answers and the tokens accepted ones touched. */
	async function send(cases: readonly FuzzCase[], touches: readonly string[][], concurrency: number) {
		const answers: FuzzAnswer[] = new Array(cases.length);
		const touched = new Set<string>();
		let next = 0;
		const worker = async () => {
			while (next < cases.length) {
				const i = next++;
				const answer = await sendRaw(url, cases[i]);
				answers[i] = answer;
				const problem = checkAnswer(cases[i], answer);
				if (problem) findings.add(problem, cases[i], answer);
				if (answer.status < 400 || problem) for (const t of touches[i]) touched.add(t);
			}
		};
		await Promise.all(Array.from({ length: concurrency }, worker));
		return { answers, touched };
	}

	/**
	 * Runs one batch under the loop monitor (touched tokens are found before it starts: scanning 1 MB bodies is
	 * the test's work, not the server's). A batch whose p99 passes `stallLimitMs` may have met a busy machine, not a
	 * stalling case: it is replayed one case at a time, and a case that stalls the loop in 2 of 3 runs is a finding;
	 * if none does, the whole batch is replayed up to twice, and a p99 over the limit in all three runs is a finding.
	 */
	async function run(label: string, cases: readonly FuzzCase[]): Promise<BatchResult> {
		const touches = cases.map(touchedBy);
		const { value, delay } = await loop.measure(label, () => send(cases, touches, opts.concurrency ?? 4));
		const { answers, touched } = value;
		const replay = async (i: number, tag: string) => {
			const alone = await loop.measure(`${label} case ${i} ${tag}`, () => send([cases[i]], [touches[i]], 1));
			for (const t of alone.value.touched) touched.add(t);
			return alone;
		};
		if (delay.p99Ms > stallLimitMs) {
			let attributed = false;
			for (let i = 0; i < cases.length; i++) {
				const first = await replay(i, 'alone');
				if (first.delay.maxMs <= stallLimitMs) continue;
				const again = [first, await replay(i, 'again'), await replay(i, 'once more')].filter((r) => r.delay.maxMs > stallLimitMs);
				if (again.length < 2) continue;
				attributed = true;
				findings.add(`stalls the event loop (${again.map((r) => r.delay.maxMs.toFixed(0)).join(', ')} ms)`, cases[i], first.value.answers[0]);
			}
			if (!attributed) {
				// The p99 that counts is the lowest of three runs: the others may have shared the CPU with another process.
				const runs = [delay.p99Ms];
				while (runs.length < 3 && Math.min(...runs) > stallLimitMs) {
					const again = await loop.measure(`${label} replayed`, () => send(cases, touches, opts.concurrency ?? 4));
					for (const t of again.value.touched) touched.add(t);
					runs.push(again.delay.p99Ms);
				}
				const text = runs.map((p) => p.toFixed(0)).join(', ');
				if (Math.min(...runs) > stallLimitMs) {
					findings.add(`event-loop p99 over ${stallLimitMs} ms over a batch in 3 runs, no case stalling alone`, { method: '-', target: label, label: `p99 ${text} ms` });
				} else console.log(`${label}: event-loop p99 ${text} ms over its runs: a busy machine, not counted`);
			}
		}
		const health = await sendRaw(url, { method: 'GET', target: '/healthz', label: 'healthz' }, 5_000);
		if (health.status !== 200) findings.add(`/healthz answered ${health.status || 'nothing'} after batch ${label}`, { method: 'GET', target: '/healthz', label });
		const after = await readSnapshots(url, reads);
		for (const r of reads) {
			if (after.get(r.key) === snapshots.get(r.key) || r.tokens.some((t) => touched.has(t))) continue;
			const body = Buffer.from(`before: ${snapshots.get(r.key)?.slice(0, 400)}\nafter: ${after.get(r.key)?.slice(0, 400)}`);
			findings.add(`rejected input changed the sentinel ${r.key}`, { method: 'GET', target: r.target, label }, { status: 0, headers: {}, body, ms: 0, timedOut: false });
		}
		snapshots = after;
		return { answers, delay, slowestMs: Math.max(0, ...answers.map((a) => a.ms)) };
	}

	return { run };
}

function decodeSafely(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}
