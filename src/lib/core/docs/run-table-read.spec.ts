import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { createRun, readRun, readRuns, updateRun } from './experiment';
import { readMetricSummaries, setMetricSummaries } from './live';
import { readRunTableRow, readRunTableRows } from './run-table-read';
import { KEYS } from '../schema';

/** A random experiment: runs with params, tags, edits, deletions, odd values a peer could write, and summaries. */
function createDocs(seed: number): { exp: Y.Doc; live: Y.Doc; ids: string[] } {
	const gen = prng.create(seed);
	const exp = new Y.Doc();
	const live = new Y.Doc();
	const ids: string[] = [];
	const values = [0.5, -2, NaN, Infinity, -Infinity, 0];
	for (let i = 0; i < 60; i++) {
		const runId = i.toString(16).padStart(32, '0');
		ids.push(runId);
		const params: Record<string, string> = {};
		for (let p = prng.uint32(gen, 0, 4); p > 0; p--) params[`p${p}`] = String(prng.uint32(gen, 0, 9));
		createRun(exp, { runId, experimentId: '7', name: `r${i}`, user: 'u', startTime: i, status: prng.oneOf(gen, ['RUNNING', 'FINISHED', 'FAILED'] as const), artifactUri: 'x', params, tags: { team: `t${i % 3}` } });
		if (prng.bool(gen)) updateRun(exp, runId, { tags: { extra: 'y' }, deleteTags: ['team'], endTime: i + 10 });
		if (prng.uint32(gen, 0, 5) === 0) updateRun(exp, runId, { lifecycle: 'deleted' });
		if (prng.uint32(gen, 0, 6) === 0) {
			// What an arbitrary peer could write: a non-string tag, a bogus status, a plain object as params.
			const header = exp.getMap(KEYS.experiment.runs).get(runId) as Y.Map<unknown>;
			(header.get('tags') as Y.Map<unknown>).set('n', 42);
			header.set('status', 'BOGUS');
			header.set('params', { a: 'b' });
		}
		const summaries: Record<string, { last: number; min: number; max: number; count: number; step: number; timestamp: number }> = {};
		for (let m = prng.uint32(gen, 0, 3); m > 0; m--) {
			summaries[`m${m}`] = { last: prng.oneOf(gen, values), min: prng.oneOf(gen, values), max: 1, count: m, step: m, timestamp: 5 };
		}
		if (Object.keys(summaries).length > 0) setMetricSummaries(live, runId, summaries);
	}
	return { exp, live, ids };
}

describe('readRunTableRows', () => {
	it('reads exactly what readRuns joined with readMetricSummaries reads (seeded)', () => {
		for (const seed of [1, 2, 3, 99]) {
			const { exp, live, ids } = createDocs(seed);
			const want = readRuns(exp, '7', (id) => readMetricSummaries(live, id));
			expect(readRunTableRows(exp, live, '7'), `seed ${seed}`).toEqual(want);
			for (const id of ids) expect(readRunTableRow(exp, live, '7', id), `seed ${seed}`).toEqual(readRun(exp, '7', id, readMetricSummaries(live, id)));
		}
		expect(readRunTableRow(new Y.Doc(), new Y.Doc(), '7', 'f'.repeat(32))).toBeNull();
	});
});
