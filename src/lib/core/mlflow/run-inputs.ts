// A run's inputs (MLflow `log-inputs`: datasets with their input tags, and 3.x logged-model inputs) and outputs
// (3.x `runs/outputs`: the logged models it produced, at a step), kept in the `inputs` Y.Map of the run's header in
// `exp/<id>`. Each input or output is written once, as MLflow keeps the first one.
import * as Y from 'yjs';
import { KEYS, RUN_FIELDS } from '../schema';
import type { MlflowKeyValue } from './entities';

export interface MlflowDataset {
	name: string;
	digest: string;
	source_type: string;
	source: string;
	schema?: string;
	profile?: string;
}

export interface DatasetInput {
	tags: MlflowKeyValue[];
	dataset: MlflowDataset;
}

export interface ModelInput {
	model_id: string;
}

export interface ModelOutput {
	model_id: string;
	step: number;
}

export interface RunInputs {
	datasetInputs: DatasetInput[];
	modelInputs: ModelInput[];
	/** absent in requests that carry no outputs */
	modelOutputs?: ModelOutput[];
}

const datasetEntryKey = (d: MlflowDataset) => `dataset:${JSON.stringify([d.name, d.digest])}`;
const modelEntryKey = (m: ModelInput) => `model:${m.model_id}`;
const outputEntryKey = (m: ModelOutput) => `output:${m.model_id}`;

function headerOf(exp: Y.Doc, runId: string): Y.Map<unknown> | null {
	const m = exp.getMap<unknown>(KEYS.experiment.runs).get(runId);
	return m instanceof Y.Map ? m : null;
}

/**
 * Adds inputs to a run; a dataset already logged (same name and digest) or a model already logged is kept as it
 * was. Returns false if the run has no header here. Call inside the caller's transaction or alone.
 */
export function appendRunInputs(exp: Y.Doc, runId: string, inputs: RunInputs): boolean {
	const header = headerOf(exp, runId);
	if (!header) return false;
	exp.transact(() => {
		let map = header.get(RUN_FIELDS.inputs);
		if (!(map instanceof Y.Map)) {
			map = new Y.Map<unknown>();
			header.set(RUN_FIELDS.inputs, map);
		}
		const entries = map as Y.Map<unknown>;
		for (const d of inputs.datasetInputs) {
			const key = datasetEntryKey(d.dataset);
			if (!entries.has(key)) entries.set(key, { tags: d.tags, dataset: d.dataset });
		}
		for (const m of inputs.modelInputs) {
			const key = modelEntryKey(m);
			if (!entries.has(key)) entries.set(key, { model_id: m.model_id });
		}
		for (const m of inputs.modelOutputs ?? []) {
			const key = outputEntryKey(m);
			if (!entries.has(key)) entries.set(key, { model_id: m.model_id, step: m.step });
		}
	});
	return true;
}

function isDatasetInput(v: unknown): v is DatasetInput {
	const d = (v as DatasetInput | null)?.dataset;
	return !!d && typeof d.name === 'string' && typeof d.digest === 'string' && Array.isArray((v as DatasetInput).tags);
}

/** A run's inputs and outputs, datasets ordered by (name, digest) and models by id; empty lists for an unknown run. */
export function readRunInputs(exp: Y.Doc, runId: string): RunInputs {
	const out: RunInputs = { datasetInputs: [], modelInputs: [], modelOutputs: [] };
	const map = headerOf(exp, runId)?.get(RUN_FIELDS.inputs);
	if (!(map instanceof Y.Map)) return out;
	for (const [key, v] of [...(map as Y.Map<unknown>).entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
		if (key.startsWith('dataset:') && isDatasetInput(v)) out.datasetInputs.push(v);
		else if (key.startsWith('model:') && typeof (v as ModelInput | null)?.model_id === 'string') out.modelInputs.push(v as ModelInput);
		else if (key.startsWith('output:') && typeof (v as ModelOutput | null)?.model_id === 'string' && typeof (v as ModelOutput).step === 'number') out.modelOutputs!.push(v as ModelOutput);
	}
	return out;
}
