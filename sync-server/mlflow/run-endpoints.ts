// MLflow's runs/* lifecycle and read endpoints over the run service: create, get, update, delete, restore and
// search (MLflow's filter grammar, order_by, view type and page tokens over the experiments' run rows).
import { ApiError } from '../../src/lib/core/errors';
import type { RunRow } from '../../src/lib/core/run-row';
import { toRunInfoJson, toRunJson } from '../../src/lib/core/mlflow/entities';
import { readPage } from '../../src/lib/core/mlflow/paging';
import type { RunInputs } from '../../src/lib/core/mlflow/run-inputs';
import {
	parseCreateRunRequest,
	parseRunIdRequest,
	parseSearchRunsRequest,
	parseUpdateRunRequest,
	searchRuns
} from '../../src/lib/core/mlflow/run-requests';
import type { RunService } from '../tracking/runs';
import type { Router } from '../http/router';
import { addMlflowEndpoint, assertRunActive, readRunOr404, type MlflowTrackingDeps } from './endpoint';

/** Run JSON for rows of any experiments, with their inputs read once per experiment. */
async function toRunJsonList(runs: RunService, rows: readonly RunRow[]) {
	const byExperiment = new Map<string, string[]>();
	for (const r of rows) {
		const ids = byExperiment.get(r.experiment_id);
		if (ids) ids.push(r.run_id);
		else byExperiment.set(r.experiment_id, [r.run_id]);
	}
	const inputs = new Map<string, RunInputs>();
	for (const [expId, ids] of byExperiment) for (const [id, v] of await runs.readInputs(expId, ids)) inputs.set(id, v);
	return rows.map((r) => toRunJson(r, inputs.get(r.run_id)));
}

/** Every run of the listed experiments; ids of experiments that do not exist are skipped, as MLflow does. */
async function readRunsOf(runs: RunService, experimentIds: readonly string[]): Promise<RunRow[]> {
	const out: RunRow[] = [];
	for (const id of experimentIds) {
		try {
			out.push(...(await runs.list(id)));
		} catch (e) {
			if (!(e instanceof ApiError && e.code === 'RESOURCE_DOES_NOT_EXIST')) throw e;
		}
	}
	return out;
}

export function addRunEndpoints(router: Router, { runs }: MlflowTrackingDeps): void {
	addMlflowEndpoint(router, 'runs/create', async (m) => {
		const req = parseCreateRunRequest(m);
		const row = await runs.create({ experimentId: req.experimentId, runName: req.runName, user: req.userId, startTime: req.startTime, tags: req.tags });
		return { run: toRunJson(row) };
	});

	// The 3.x client calls this twice per log_metric: one header read and one read of the experiment doc's inputs.
	addMlflowEndpoint(router, 'runs/get', async (m) => {
		const row = await readRunOr404(runs, parseRunIdRequest(m).runId);
		const inputs = await runs.readInputs(row.experiment_id, [row.run_id]);
		return { run: toRunJson(row, inputs.get(row.run_id)) };
	});

	addMlflowEndpoint(router, 'runs/update', async (m) => {
		const req = parseUpdateRunRequest(m);
		assertRunActive(await readRunOr404(runs, req.runId));
		const row = await runs.update(req.runId, { status: req.status, endTime: req.endTime, name: req.runName });
		return { run_info: toRunInfoJson(row) };
	});

	addMlflowEndpoint(router, 'runs/delete', async (m) => {
		const { runId } = parseRunIdRequest(m);
		await readRunOr404(runs, runId);
		await runs.update(runId, { lifecycle: 'deleted' });
		return {};
	});

	addMlflowEndpoint(router, 'runs/restore', async (m) => {
		const { runId } = parseRunIdRequest(m);
		await readRunOr404(runs, runId);
		await runs.update(runId, { lifecycle: 'active' });
		return {};
	});

	addMlflowEndpoint(
		router,
		'runs/search',
		async (m) => {
			const req = parseSearchRunsRequest(m);
			const page = readPage(searchRuns(await readRunsOf(runs, req.experimentIds), req), req.offset, req.maxResults);
			return {
				runs: await toRunJsonList(runs, page.items),
				...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
			};
		},
		['experiment_ids', 'order_by']
	);
}
