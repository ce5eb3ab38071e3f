import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { createRun, readRuns, updateRun } from './experiment';
import { readMetricSummaries, setMetricSummaries } from './live';
import { NO_RUNS, readRunCounts } from './run-counts';
import { KEYS, RUN_STATUSES } from '../schema';
import type { RunRow } from '../run-row';

const runId = (i: number) => i.toString(16).padStart(32, '0');

/** The figures as the experiments page used to compute them: from full rows. */
function countRows(rows: RunRow[]) {
	const active = rows.filter((r) => r.lifecycle === 'active');
	const times = active.flatMap((r) => [r.start_time, r.end_time ?? 0, ...Object.values(r.metrics).map((m) => m.timestamp)]);
	return {
		run_count: active.length,
		running_count: active.filter((r) => r.status === 'RUNNING').length,
		last_activity: Math.max(0, ...times.filter(Number.isFinite))
	};
}

describe('readRunCounts', () => {
	it('counts active and running runs and finds the latest start, end or metric time', () => {
		const exp = new Y.Doc();
		const live = new Y.Doc();
		expect(readRunCounts(exp, live)).toEqual(NO_RUNS);
		const base = { experimentId: '7', user: 'u', artifactUri: 'x' };
		createRun(exp, { ...base, runId: runId(1), name: 'a', startTime: 100, status: 'RUNNING' });
		createRun(exp, { ...base, runId: runId(2), name: 'b', startTime: 200, status: 'RUNNING' });
		createRun(exp, { ...base, runId: runId(3), name: 'c', startTime: 300, status: 'RUNNING' });
		updateRun(exp, runId(2), { status: 'FINISHED', endTime: 700 });
		setMetricSummaries(live, runId(1), { loss: { last: 1, min: 1, max: 1, count: 1, step: 0, timestamp: 650 } });
		expect(readRunCounts(exp, live)).toEqual({ run_count: 3, running_count: 2, last_activity: 700 });
		setMetricSummaries(live, runId(1), { acc: { last: 1, min: 1, max: 1, count: 1, step: 0, timestamp: 900 } });
		expect(readRunCounts(exp, live).last_activity).toBe(900);
		// A deleted run counts for nothing, its times included.
		updateRun(exp, runId(1), { lifecycle: 'deleted' });
		expect(readRunCounts(exp, live)).toEqual({ run_count: 2, running_count: 1, last_activity: 700 });
	});

	it('agrees with counting full rows (seeded, with odd values a peer could write)', () => {
		for (const seed of [1, 2, 3, 42]) {
			const gen = prng.create(seed);
			const exp = new Y.Doc();
			const live = new Y.Doc();
			for (let i = 0; i < 80; i++) {
				const id = runId(i);
				createRun(exp, { runId: id, experimentId: '7', name: `r${i}`, user: 'u', artifactUri: 'x', startTime: prng.uint32(gen, 0, 1000), status: prng.oneOf(gen, [...RUN_STATUSES]) });
				if (prng.bool(gen)) updateRun(exp, id, { endTime: prng.uint32(gen, 0, 2000) });
				if (prng.uint32(gen, 0, 4) === 0) updateRun(exp, id, { lifecycle: 'deleted' });
				if (prng.uint32(gen, 0, 8) === 0) (exp.getMap(KEYS.experiment.runs).get(id) as Y.Map<unknown>).set('status', 'BOGUS');
				const ts = prng.oneOf(gen, [prng.uint32(gen, 0, 3000), NaN, Infinity]);
				if (prng.bool(gen)) setMetricSummaries(live, id, { m: { last: 0, min: 0, max: 0, count: 1, step: 1, timestamp: ts } });
			}
			const rows = readRuns(exp, '7', (id) => readMetricSummaries(live, id));
			expect(readRunCounts(exp, live), `seed ${seed}`).toEqual(countRows(rows));
		}
	});
});
