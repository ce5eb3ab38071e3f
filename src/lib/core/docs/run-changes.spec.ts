import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRun, updateRun } from './experiment';
import { setMetricSummaries } from './live';
import { observeRunChanges } from './run-changes';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

function newRun(exp: Y.Doc, runId: string): void {
	createRun(exp, { runId, experimentId: '1', name: runId.slice(0, 4), user: 'u', startTime: 1, status: 'RUNNING', artifactUri: '', params: { lr: '0.1' } });
}

describe('observeRunChanges', () => {
	it('names runs added, edited (header, tags) and given new metric summaries, once per transaction', () => {
		const exp = new Y.Doc();
		const live = new Y.Doc();
		const seen: string[][] = [];
		const stop = observeRunChanges(exp, live, (ids) => seen.push([...ids].sort()));
		newRun(exp, A);
		newRun(exp, B);
		updateRun(exp, A, { tags: { team: 'vision' } });
		updateRun(exp, B, { lifecycle: 'deleted' });
		setMetricSummaries(live, B, { loss: { last: 1, min: 1, max: 1, count: 1, step: 0, timestamp: 0 } });
		exp.transact(() => {
			updateRun(exp, A, { name: 'x' });
			updateRun(exp, B, { name: 'y' });
		});
		expect(seen).toEqual([[A], [B], [A], [B], [B], [A, B]]);
		stop();
		updateRun(exp, A, { name: 'z' });
		expect(seen).toHaveLength(6);
	});

	it('reports the runs of an update applied from another peer', () => {
		const source = new Y.Doc();
		newRun(source, A);
		newRun(source, B);
		const exp = new Y.Doc();
		const seen: string[][] = [];
		observeRunChanges(exp, new Y.Doc(), (ids) => seen.push([...ids].sort()));
		Y.applyUpdate(exp, Y.encodeStateAsUpdate(source));
		expect(seen).toEqual([[A, B]]);
	});
});
