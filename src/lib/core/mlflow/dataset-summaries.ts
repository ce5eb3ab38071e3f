// MLflow's experiments/search-datasets (the UI's dataset list): the distinct (experiment, dataset name, digest,
// context) of the datasets logged to the runs of up to 20 experiments, context being the `mlflow.data.context` tag.
import { invalid } from '../errors';
import { readExperimentIdField } from './experiment-requests';
import type { MlflowMessage } from './message';
import type { RunInputs } from './run-inputs';

export const DATASET_CONTEXT_TAG = 'mlflow.data.context';
const MAX_EXPERIMENTS = 20;
/** MLflow's store answers at most this many summaries. */
const MAX_SUMMARIES = 1000;

export interface DatasetSummary {
	experiment_id: string;
	name: string;
	digest: string;
	/** absent when the input has no context tag */
	context?: string;
}

/** The request's experiment ids (1..20, strings or integers, duplicates dropped). */
export function parseSearchDatasetsRequest(m: MlflowMessage): { experimentIds: string[] } {
	const raw = m.experiment_ids === undefined || m.experiment_ids === null ? [] : m.experiment_ids;
	const list = Array.isArray(raw) ? raw : [raw];
	if (list.length === 0) throw invalid('SearchDatasets request must specify at least one experiment_id.');
	if (list.length > MAX_EXPERIMENTS) {
		throw invalid(`SearchDatasets request cannot specify more than ${MAX_EXPERIMENTS} experiment_ids. Received ${list.length} experiment_ids.`);
	}
	const ids = list.map((id, i) => readExperimentIdField({ [`experiment_ids[${i}]`]: id }, `experiment_ids[${i}]`));
	return { experimentIds: [...new Set(ids)] };
}

/**
 * Appends to `out` the summaries of one experiment's run inputs not already in it (first logged first), up to
 * MLflow's 1,000 in all.
 */
export function appendDatasetSummaries(out: DatasetSummary[], experimentId: string, inputs: Iterable<RunInputs>): void {
	const seen = new Set(out.map((s) => JSON.stringify([s.experiment_id, s.name, s.digest, s.context ?? null])));
	for (const run of inputs) {
		for (const { dataset, tags } of run.datasetInputs) {
			const context = tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value;
			const key = JSON.stringify([experimentId, dataset.name, dataset.digest, context ?? null]);
			if (seen.has(key)) continue;
			if (out.length >= MAX_SUMMARIES) return;
			seen.add(key);
			out.push({ experiment_id: experimentId, name: dataset.name, digest: dataset.digest, ...(context !== undefined ? { context } : {}) });
		}
	}
}
