// A run's children in its experiment document: the runs whose `mlflow.parentRunId` tag names it (MLflow's nested
// runs). Read without building whole rows, so it stays cheap on large experiments.
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
