// MLflow's experiments/* endpoints over the experiment service (the `workspace` document): create, get,
// get-by-name, search, rename, delete / restore (with their runs), set / delete tag, and the UI's search-datasets.
import { ApiError, alreadyExists, invalid, notFound } from '../../src/lib/core/errors';
import type { Experiment } from '../../src/lib/core/docs/workspace';
import { toExperimentJson } from '../../src/lib/core/mlflow/entities';
import { readPage } from '../../src/lib/core/mlflow/paging';
import {
	parseCreateExperimentRequest,
	parseDeleteExperimentTagRequest,
	parseExperimentIdRequest,
	parseGetExperimentByNameRequest,
	parseSearchExperimentsRequest,
	parseSetExperimentTagRequest,
	parseUpdateExperimentRequest,
	searchExperiments
} from '../../src/lib/core/mlflow/experiment-requests';
import { resolveArtifactLocation } from '../../src/lib/core/mlflow/artifact-location';
import { appendDatasetSummaries, parseSearchDatasetsRequest, type DatasetSummary } from '../../src/lib/core/mlflow/dataset-summaries';
import type { Router } from '../http/router';
import { addMlflowEndpoint, readRunsOf, type MlflowTrackingDeps } from './endpoint';
import { onlyReadable, readableBy } from '../auth/http-gate';

/** Rewords the service's duplicate-name error the way MLflow words it. */
async function withMlflowNameConflict<T>(name: string, write: () => Promise<T>): Promise<T> {
	try {
		return await write();
	} catch (e) {
		if (e instanceof ApiError && e.code === 'RESOURCE_ALREADY_EXISTS') throw alreadyExists(`Experiment(name=${name}) already exists.`);
		throw e;
	}
}

function assertExperimentActive(e: Experiment): Experiment {
	if (e.lifecycle !== 'active') {
		throw invalid(`The experiment ${e.experiment_id} must be in the 'active' state. Current state is ${e.lifecycle}.`);
	}
	return e;
}

export function addExperimentEndpoints(router: Router, { experiments, runs }: MlflowTrackingDeps): void {
	addMlflowEndpoint(router, 'experiments/create', async (m) => {
		const req = parseCreateExperimentRequest(m);
		// A relative local path is resolved against the server's working directory, as MLflow's server does.
		const location = req.artifactLocation === undefined ? undefined : resolveArtifactLocation(req.artifactLocation, process.cwd());
		const experimentId = await withMlflowNameConflict(req.name, () => experiments.create(req.name, req.tags, location));
		return { experiment_id: experimentId };
	});

	addMlflowEndpoint(router, 'experiments/get', async (m) => {
		const { experimentId } = parseExperimentIdRequest(m);
		return { experiment: toExperimentJson(await experiments.get(experimentId)) };
	});

	// A 404 RESOURCE_DOES_NOT_EXIST here is how the client learns the name is free (set_experiment creates it then).
	addMlflowEndpoint(router, 'experiments/get-by-name', async (m, ctx) => {
		const { name } = parseGetExperimentByNameRequest(m);
		const experiment = await experiments.getByName(name);
		const readable = readableBy(ctx.req, 'experiment');
		if (readable && !readable(experiment.experiment_id)) throw new ApiError('PERMISSION_DENIED', `Permission denied: you may not read experiment '${name}'`);
		return { experiment: toExperimentJson(experiment) };
	});

	addMlflowEndpoint(
		router,
		'experiments/search',
		async (m, ctx) => {
			const req = parseSearchExperimentsRequest(m);
			const readable = readableBy(ctx.req, 'experiment');
			const all = await experiments.list();
			const page = readPage(searchExperiments(readable ? all.filter((e) => readable(e.experiment_id)) : all, req), req.offset, req.maxResults);
			return {
				experiments: page.items.map(toExperimentJson),
				...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
			};
		},
		['order_by']
	);

	// The UI's dataset dropdown; experiments that do not exist contribute nothing (MLflow's store filters by id).
	addMlflowEndpoint(
		router,
		'experiments/search-datasets',
		async (m, ctx) => {
			const { experimentIds } = parseSearchDatasetsRequest(m);
			const summaries: DatasetSummary[] = [];
			for (const rows of await readRunsOf(runs, onlyReadable(ctx.req, experimentIds))) {
				if (rows.length === 0) continue;
				const experimentId = rows[0].experiment_id;
				const inputs = await runs.readInputs(experimentId, rows.map((r) => r.run_id));
				appendDatasetSummaries(summaries, experimentId, inputs.values());
			}
			return { dataset_summaries: summaries };
		},
		['experiment_ids']
	);

	addMlflowEndpoint(router, 'experiments/update', async (m) => {
		const { experimentId, newName } = parseUpdateExperimentRequest(m);
		const current = await experiments.get(experimentId);
		if (current.lifecycle !== 'active') throw new ApiError('INVALID_STATE', 'Cannot rename a non-active experiment.');
		await withMlflowNameConflict(newName, () => experiments.update(experimentId, { name: newName }));
		return {};
	});

	addMlflowEndpoint(router, 'experiments/delete', async (m) => {
		await runs.setExperimentLifecycle(parseExperimentIdRequest(m).experimentId, 'deleted');
		return {};
	});

	addMlflowEndpoint(router, 'experiments/restore', async (m) => {
		await runs.setExperimentLifecycle(parseExperimentIdRequest(m).experimentId, 'active');
		return {};
	});

	addMlflowEndpoint(router, 'experiments/set-experiment-tag', async (m) => {
		const { experimentId, key, value } = parseSetExperimentTagRequest(m);
		assertExperimentActive(await experiments.get(experimentId));
		await experiments.update(experimentId, { tags: { [key]: value } });
		return {};
	});

	addMlflowEndpoint(router, 'experiments/delete-experiment-tag', async (m) => {
		const { experimentId, key } = parseDeleteExperimentTagRequest(m);
		const e = assertExperimentActive(await experiments.get(experimentId));
		if (!Object.hasOwn(e.tags, key)) throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
		await experiments.update(experimentId, { deleteTags: [key] });
		return {};
	});
}
