// MLflow's runs/* lifecycle and read endpoints over the run service: create, get, update, delete, restore and
// search (MLflow's filter grammar, order_by, view type and page tokens over the experiments' run rows).
import type { RunRow } from '../../src/lib/core/run-row';
import { toRunInfoJson, toRunJson } from '../../src/lib/core/mlflow/entities';
import { readPage, writePageJson } from '../../src/lib/core/mlflow/paging';
import {
	parseCreateRunRequest,
	parseRunIdRequest,
	parseSearchRunsRequest,
	parseUpdateRunRequest,
	searchRuns
} from '../../src/lib/core/mlflow/run-requests';
import type { RunService } from '../tracking/runs';
import type { Router } from '../http/router';
import { createMemo } from '../tracking/doc-memo';
import { addMlflowEndpoint, assertRunActive, JsonText, readRunOr404, readRunsOf, type MlflowTrackingDeps } from './endpoint';
import { identityOf, onlyReadable } from '../auth/http-gate';

/**
 * The JSON text of each row's Run. Rows from `runs.list` are snapshots of one state of their experiment's
 * documents (inputs included), replaced when those change, so a row's text is memoised by its identity.
 */
function createRunTextWriter(runs: RunService) {
	const texts = new WeakMap<RunRow, string>();
	return async function writeRunTexts(rows: readonly RunRow[]): Promise<string[]> {
		const missing = new Map<string, RunRow[]>();
		for (const r of rows) {
			if (texts.has(r)) continue;
			const list = missing.get(r.experiment_id);
			if (list) list.push(r);
			else missing.set(r.experiment_id, [r]);
		}
		for (const [expId, list] of missing) {
			const inputs = await runs.readInputs(expId, list.map((r) => r.run_id));
			for (const r of list) texts.set(r, JSON.stringify(toRunJson(r, inputs.get(r.run_id))));
		}
		return rows.map((r) => texts.get(r)!);
	};
}

export function addRunEndpoints(router: Router, { runs }: MlflowTrackingDeps): void {
	addMlflowEndpoint(router, 'runs/create', async (m, ctx) => {
		const req = parseCreateRunRequest(m);
		// Signed in, the run is the token's user's, whatever the client claims (MLflow fills in the OS user).
		const signedIn = identityOf(ctx.req);
		const tags = signedIn && req.tags['mlflow.user'] !== undefined ? { ...req.tags, 'mlflow.user': signedIn } : req.tags;
		const row = await runs.create({ experimentId: req.experimentId, runName: req.runName, user: signedIn ?? req.userId, startTime: req.startTime, tags });
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

	// Paging through a search (or repeating it) filters and sorts once per state of the experiments' documents:
	// `runs.list` returns the same row arrays until those change.
	const searches = createMemo<RunRow[]>({ maxEntries: 32 });
	const writeRunTexts = createRunTextWriter(runs);
	addMlflowEndpoint(
		router,
		'runs/search',
		async (m, ctx) => {
			const req = parseSearchRunsRequest(m);
			const sources = await readRunsOf(runs, onlyReadable(ctx.req, req.experimentIds));
			const found = searches.read(req.queryKey, sources, () => searchRuns(sources.flat(), req));
			const page = readPage(found, req.offset, req.maxResults);
			return new JsonText(writePageJson('runs', `[${(await writeRunTexts(page.items)).join(',')}]`, page.nextPageToken));
		},
		['experiment_ids', 'order_by']
	);
}
