// Durability: a server child process is killed with SIGKILL while ingests are in flight; after a restart every
// acknowledged point is there exactly once. Also: SIGTERM flushes and exits cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnServer } from './helpers/child-server';

let dataDir: string;
beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'tandem-crash-'));
});
afterAll(async () => {
	await rm(dataDir, { recursive: true, force: true });
});

async function post(url: string, body: unknown) {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
	return res.json();
}

describe('crash safety', () => {
	it('keeps every acknowledged point exactly once across kill -9', async () => {
		const first = await spawnServer(dataDir);
		const { run_id } = await post(`${first.url}/api/runs`, { experiment_name: 'crash', run_name: 'victim' });
		const acked = new Set<number>();
		const POINTS_PER_BATCH = 50;
		let next = 0;
		let killed = false;
		// Four concurrent writers keep requests in flight at the moment of the kill.
		const writer = async () => {
			while (!killed) {
				const base = next;
				next += POINTS_PER_BATCH;
				const metrics = Array.from({ length: POINTS_PER_BATCH }, (_, i) => ({ key: 'loss', value: (base + i) / 7, step: base + i }));
				try {
					await post(`${first.url}/api/runs/${run_id}/log`, { batch_id: `b${base}`, metrics, tags: { [`t${base % 500}`]: String(base) } });
					for (let i = 0; i < POINTS_PER_BATCH; i++) acked.add(base + i);
					if (acked.size >= 20_000 && !killed) {
						killed = true;
						first.proc.kill('SIGKILL');
					}
				} catch {
					return; // the server is gone: this batch was never acknowledged
				}
			}
		};
		await Promise.all([writer(), writer(), writer(), writer()]);
		expect((await first.exited).signal).toBe('SIGKILL');

		const second = await spawnServer(dataDir);
		try {
			const res = await fetch(`${second.url}/api/runs/${run_id}/metrics/loss`);
			const { steps, values } = (await res.json()) as { steps: number[]; values: number[] };
			const seen = new Map<number, number>();
			steps.forEach((s, i) => {
				seen.set(s, (seen.get(s) ?? 0) + 1);
				expect(values[i]).toBe(s / 7);
			});
			const missing = [...acked].filter((s) => seen.get(s) !== 1);
			expect(missing).toEqual([]);
			expect([...seen.values()].every((n) => n === 1)).toBe(true);
			const run = (await (await fetch(`${second.url}/api/runs/${run_id}`)).json()).run;
			expect(run.metrics.loss.count).toBe(steps.length);
		} finally {
			second.proc.kill('SIGTERM');
			const exit = await second.exited;
			expect(exit.code).toBe(0);
		}
	});
});
