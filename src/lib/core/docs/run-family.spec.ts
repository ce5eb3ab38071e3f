// Unit tests of finding a run's nested (child) runs in its experiment document.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRun, updateRun } from './experiment';
import { PARENT_RUN_TAG, readChildRuns, readParentRun } from './run-family';

const run = (runId: string, name: string, tags: Record<string, string> = {}) => ({
	runId,
	experimentId: '1',
	name,
	user: 'u',
	startTime: 1,
	status: 'RUNNING' as const,
	artifactUri: '',
	tags
});

describe('readChildRuns', () => {
	it('lists the runs tagged with the parent, by name, and follows tag edits', () => {
		const exp = new Y.Doc();
		const parent = 'a'.repeat(32);
		createRun(exp, run(parent, 'parent'));
		createRun(exp, run('b'.repeat(32), 'trial-2', { [PARENT_RUN_TAG]: parent }));
		createRun(exp, run('c'.repeat(32), 'trial-1', { [PARENT_RUN_TAG]: parent }));
		createRun(exp, run('d'.repeat(32), 'other', { [PARENT_RUN_TAG]: 'e'.repeat(32) }));
		expect(readChildRuns(exp, parent)).toEqual([
			{ runId: 'c'.repeat(32), name: 'trial-1' },
			{ runId: 'b'.repeat(32), name: 'trial-2' }
		]);
		updateRun(exp, 'c'.repeat(32), { deleteTags: [PARENT_RUN_TAG] });
		expect(readChildRuns(exp, parent).map((r) => r.name)).toEqual(['trial-2']);
		expect(readChildRuns(exp, 'f'.repeat(32))).toEqual([]);
	});
});

describe('readParentRun', () => {
	it('names the parent when it is a run of the experiment, and gives its id alone otherwise', () => {
		const exp = new Y.Doc();
		const parent = 'a'.repeat(32);
		createRun(exp, run(parent, 'sweep'));
		createRun(exp, run('b'.repeat(32), 'trial', { [PARENT_RUN_TAG]: parent }));
		createRun(exp, run('c'.repeat(32), 'stray', { [PARENT_RUN_TAG]: 'e'.repeat(32) }));
		expect(readParentRun(exp, 'b'.repeat(32))).toEqual({ runId: parent, name: 'sweep' });
		expect(readParentRun(exp, 'c'.repeat(32))).toEqual({ runId: 'e'.repeat(32), name: '' });
		expect(readParentRun(exp, parent)).toBeNull();
	});
});
