// How logged models and runs point at each other inside one experiment's documents: run names by id (to show a
// source run by name), the runs whose inputs or outputs list a model, and the models a run produced (its outputs
// and the models whose source run it is). Read without building whole run rows.
import * as Y from 'yjs';
import { KEYS, RUN_FIELDS as F } from '../schema';
import { readRunInputs } from '../mlflow/run-inputs';
import type { LoggedModelRecord } from './logged-models';
import type { RunLink } from './run-family';

const runsOf = (exp: Y.Doc) => exp.getMap<unknown>(KEYS.experiment.runs);

/** Every run's name by id (a run without a name maps to ''). */
export function readRunNames(exp: Y.Doc): Map<string, string> {
	const out = new Map<string, string>();
	runsOf(exp).forEach((header, runId) => {
		if (!(header instanceof Y.Map)) return;
		const name = header.get(F.name);
		out.set(runId, typeof name === 'string' ? name : '');
	});
	return out;
}

export interface ModelRunLink extends RunLink {
	/** 'output': the run logged the model (runs/outputs); 'input': the run used it (log-inputs). */
	relation: 'input' | 'output';
}

/** The runs whose inputs or outputs list `modelId`, by name then id. */
export function readRunsOfModel(exp: Y.Doc, modelId: string): ModelRunLink[] {
	const out: ModelRunLink[] = [];
	runsOf(exp).forEach((header, runId) => {
		if (!(header instanceof Y.Map) || !(header.get(F.inputs) instanceof Y.Map)) return;
		const inputs = readRunInputs(exp, runId);
		const name = header.get(F.name);
		const link = { runId, name: typeof name === 'string' ? name : '' };
		if (inputs.modelOutputs?.some((m) => m.model_id === modelId)) out.push({ ...link, relation: 'output' });
		if (inputs.modelInputs.some((m) => m.model_id === modelId)) out.push({ ...link, relation: 'input' });
	});
	return out.sort((a, b) => a.name.localeCompare(b.name) || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

/**
 * The models run `runId` produced: those its outputs list and those whose source run it is, newest first. Output
 * ids with no header in `models` (another experiment's, or not synced yet) come back in `unknown`.
 */
export function readModelsOfRun(exp: Y.Doc, models: readonly LoggedModelRecord[], runId: string): { models: LoggedModelRecord[]; unknown: string[] } {
	const outputs = new Set((readRunInputs(exp, runId).modelOutputs ?? []).map((m) => m.model_id));
	const found = models.filter((m) => m.lifecycle === 'active' && (m.sourceRunId === runId || outputs.has(m.modelId)));
	const known = new Set(models.map((m) => m.modelId));
	return { models: found, unknown: [...outputs].filter((id) => !known.has(id)).sort() };
}
