// Logged models in the app, live from the local documents: an experiment's models with their source runs' names
// and registered versions (`exp/<id>/models` + `exp/<id>` + `registry`), one model's page (plus its server-written
// `model/<id>` document: params, artifact manifest), and the models and datasets of one run. Tag edits go to the
// local models document (offline too) and merge.
import type * as Y from 'yjs';
import { docNames } from '$lib/core/schema';
import { readLoggedModel, readLoggedModels, readModelParams, updateLoggedModel, type LoggedModelRecord } from '$lib/core/docs/logged-models';
import { readArtifacts, type ArtifactEntry } from '$lib/core/docs/run';
import { readRegisteredModels, type ModelVersionRecord, type RegisteredModelRecord } from '$lib/core/docs/registry';
import { readModelsOfRun, readRunNames, readRunsOfModel, type ModelRunLink } from '$lib/core/docs/model-links';
import { readRunInputs, type DatasetInput } from '$lib/core/mlflow/run-inputs';
import { readVersionsOfModel, readVersionsOfRun } from '$lib/core/logged-model-view';
import { createDocsView, type DocsView } from './doc-view.svelte';
import { openDocument } from './documents';

export interface ExperimentModels {
	records: LoggedModelRecord[];
	runNames: Map<string, string>;
	registry: RegisteredModelRecord[];
}

/** The experiment's logged models (deleted ones too), run names and the registry. Call while a component initialises. */
export function createExperimentModelsView(experimentId: () => string | null): DocsView<ExperimentModels> {
	return createDocsView(
		experimentId,
		(id) => [docNames.models(id), docNames.experiment(id), docNames.registry],
		([models, exp, registry], id) => ({ records: readLoggedModels(models, id), runNames: readRunNames(exp), registry: readRegisteredModels(registry) }),
		{ records: [], runNames: new Map(), registry: [] }
	);
}

export interface LoggedModelPage {
	/** null while absent (not synced yet, or no such model in this experiment) */
	record: LoggedModelRecord | null;
	params: Record<string, string>;
	/** path -> entry */
	artifacts: Map<string, ArtifactEntry>;
	/** the source run's name, or null when it is not in this experiment */
	sourceRunName: string | null;
	/** every run of the experiment by id (metrics name the run that logged them) */
	runNames: Map<string, string>;
	/** runs whose inputs or outputs list the model */
	runs: ModelRunLink[];
	versions: ModelVersionRecord[];
}

const EMPTY_PAGE: LoggedModelPage = { record: null, params: {}, artifacts: new Map(), sourceRunName: null, runNames: new Map(), runs: [], versions: [] };

/** One logged model. `key` gives the experiment and model ids. Call while a component initialises. */
export function createLoggedModelView(key: () => { experimentId: string; modelId: string } | null): DocsView<LoggedModelPage> {
	return createDocsView(
		() => {
			const k = key();
			return k ? `${k.experimentId}/${k.modelId}` : null;
		},
		(k) => {
			const [experimentId, modelId] = k.split('/');
			return [docNames.models(experimentId), docNames.model(modelId), docNames.experiment(experimentId), docNames.registry];
		},
		([models, model, exp, registry], k) => {
			const [experimentId, modelId] = k.split('/');
			const record = readLoggedModel(models, experimentId, modelId);
			const names = readRunNames(exp);
			return {
				record,
				params: readModelParams(model),
				artifacts: readArtifacts(model),
				sourceRunName: record?.sourceRunId ? (names.get(record.sourceRunId) ?? null) : null,
				runNames: names,
				runs: readRunsOfModel(exp, modelId),
				versions: readVersionsOfModel(readRegisteredModels(registry), modelId)
			};
		},
		EMPTY_PAGE
	);
}

export interface RunModels {
	models: LoggedModelRecord[];
	/** output model ids without a header in this experiment */
	unknown: string[];
	/** registered versions made from the run or from its models */
	versions: ModelVersionRecord[];
	datasets: DatasetInput[];
}

/** The models a run logged, their registered versions and the datasets it used. Call while a component initialises. */
export function createRunModelsView(run: () => { experimentId: string; runId: string } | null): DocsView<RunModels> {
	return createDocsView(
		() => {
			const r = run();
			return r ? `${r.experimentId}/${r.runId}` : null;
		},
		(k) => {
			const experimentId = k.slice(0, k.indexOf('/'));
			return [docNames.models(experimentId), docNames.experiment(experimentId), docNames.registry];
		},
		([models, exp, registry], k) => {
			const [experimentId, runId] = k.split('/');
			const found = readModelsOfRun(exp, readLoggedModels(models, experimentId), runId);
			const versions = readVersionsOfRun(readRegisteredModels(registry), runId, new Set(found.models.map((m) => m.modelId)));
			return { ...found, versions, datasets: readRunInputs(exp, runId).datasetInputs };
		},
		{ models: [], unknown: [], versions: [], datasets: [] }
	);
}

function withDoc<T>(name: string, fn: (doc: Y.Doc) => T): T {
	const handle = openDocument(name);
	try {
		return fn(handle.doc);
	} finally {
		handle.release();
	}
}

/** Sets and removes a logged model's tags on the local models document (works offline; merges). */
export function editModelTags(experimentId: string, modelId: string, set: Record<string, string>, remove: string[]): boolean {
	return withDoc(docNames.models(experimentId), (doc) => updateLoggedModel(doc, modelId, { setTags: set, deleteTags: remove }, Date.now()));
}
