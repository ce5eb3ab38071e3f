// MLflow's runs/* lifecycle and read endpoints over the run service: create, get, update, delete, restore and
// search (MLflow's filter grammar, order_by, view type and page tokens over the experiments' run rows).
import type { RunRow } from '../../src/lib/core/run-row';
import { toRunInfoJson, toRunJson } from '../../src/lib/core/mlflow/entities';
import { readPage, writePageJson } from '../../src/lib/core/mlflow/paging';
import {
	createRunSearchTest,
	parseCreateRunRequest,
	parseRunIdRequest,
	parseSearchRunsRequest,
	parseUpdateRunRequest,
	type SearchRunsRequest
} from '../../src/lib/core/mlflow/run-requests';
import type { RunService } from '../tracking/runs';
import type { Router } from '../http/router';
import { createMemo } from '../tracking/doc-memo';
import { createSliceClock, filterInSlices } from '../tracking/yield-loop';
import { addMlflowEndpoint, assertRunActive, JsonPieces, JsonText, readRunOr404, readRunsOf, type MlflowTrackingDeps } from './endpoint';
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
		const clock = createSliceClock();
		for (const [expId, list] of missing) {
			const inputs = await runs.readInputs(expId, list.map((r) => r.run_id));
			for (const r of list) {
				texts.set(r, JSON.stringify(toRunJson(r, inputs.get(r.run_id))));
				if (clock.due()) await clock.pause();
			}
		}
		return rows.map((r) => texts.get(r)!);
	};
}

/** Runs per piece of a large runs/search answer. */
const RUNS_PER_PIECE = 500;

/** A runs/search page's JSON as pieces of RUNS_PER_PIECE runs (the Run texts, already written). */
function* writeRunPage(texts: readonly string[], nextPageToken?: string) {
	const open = '{"runs":';
	for (let i = 0; i < texts.length; i += RUNS_PER_PIECE) {
		yield (i === 0 ? `${open}[` : ',') + texts.slice(i, i + RUNS_PER_PIECE).join(',');
	}
	yield `]${writePageJson('runs', '', nextPageToken).slice(open.length)}`;
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
	const searches = createMemo<Promise<RunRow[]>>({ maxEntries: 32 });
	/** The runs a search lists, in order: filtered in slices that give the loop back (hostile LIKEs over 10,000 runs). */
	const searchInSlices = (key: string, rows: readonly RunRow[], req: SearchRunsRequest) => {
		const found = filterInSlices(rows, createRunSearchTest(req)).then((kept) => kept.sort(req.compare));
		found.catch(() => searches.forget(key));
		return found;
	};
	const writeRunTexts = createRunTextWriter(runs);
	addMlflowEndpoint(
		router,
		'runs/search',
		async (m, ctx) => {
			const req = parseSearchRunsRequest(m);
			const sources = await readRunsOf(runs, onlyReadable(ctx.req, req.experimentIds));
			const found = await searches.read(req.queryKey, sources, () => searchInSlices(req.queryKey, sources.flat(), req));
			const page = readPage(found, req.offset, req.maxResults);
			const texts = await writeRunTexts(page.items);
			// A small page is one string; a large one (10,000 runs of long params) goes out in pieces.
			if (texts.length <= RUNS_PER_PIECE) return new JsonText(writePageJson('runs', `[${texts.join(',')}]`, page.nextPageToken));
			return new JsonPieces(writeRunPage(texts, page.nextPageToken));
		},
		['experiment_ids', 'order_by']
	);
}
