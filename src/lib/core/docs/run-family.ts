// A run's family in its experiment document: its parent (the run its `mlflow.parentRunId` tag names) and its
// children (the runs whose tag names it), MLflow's nested runs. Read without building whole rows, so it stays cheap
// on large experiments.
import * as Y from 'yjs';
import { KEYS, RUN_FIELDS as F } from '../schema';

/** MLflow's tag naming a nested run's parent. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';

export interface RunLink {
	runId: string;
	name: string;
}

/** The runs of `exp` whose parent tag is `parentRunId`, by name then id. */
export function readChildRuns(exp: Y.Doc, parentRunId: string): RunLink[] {
	const out: RunLink[] = [];
	exp.getMap(KEYS.experiment.runs).forEach((header, runId) => {
		if (!(header instanceof Y.Map)) return;
		const tags = header.get(F.tags);
		if (!(tags instanceof Y.Map) || tags.get(PARENT_RUN_TAG) !== parentRunId) return;
		const name = header.get(F.name);
		out.push({ runId, name: typeof name === 'string' ? name : '' });
	});
	return out.sort((a, b) => a.name.localeCompare(b.name) || (a.runId < b.runId ? -1 : 1));
}

/** The parent that `runId`'s tag names, with its name when it is a run of `exp` (else its name is ''); null for none. */
export function readParentRun(exp: Y.Doc, runId: string): RunLink | null {
	const runs = exp.getMap(KEYS.experiment.runs);
	const header = runs.get(runId);
	const tags = header instanceof Y.Map ? header.get(F.tags) : null;
	const parentId = tags instanceof Y.Map ? tags.get(PARENT_RUN_TAG) : undefined;
	if (typeof parentId !== 'string' || parentId === '') return null;
	const parent = runs.get(parentId);
	const name = parent instanceof Y.Map ? parent.get(F.name) : undefined;
	return { runId: parentId, name: typeof name === 'string' ? name : '' };
}
