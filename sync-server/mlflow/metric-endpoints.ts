// MLflow's metric history endpoints: get-history (every point of one metric, in MLflow's order, paged) and
// get-history-bulk-interval (a bounded sample per run, for the UI's charts).
import { toMetricJson } from '../../src/lib/core/mlflow/entities';
import { readHistoryOrder, sampleHistory } from '../../src/lib/core/mlflow/metric-history';
import { readPage } from '../../src/lib/core/mlflow/paging';
import { parseBulkIntervalRequest, parseGetMetricHistoryRequest } from '../../src/lib/core/mlflow/run-requests';
import type { Router } from '../http/router';
import { addMlflowEndpoint, readRunOr404, type MlflowTrackingDeps } from './endpoint';

export function addMetricEndpoints(router: Router, { runs }: MlflowTrackingDeps): void {
	addMlflowEndpoint(router, 'metrics/get-history', async (m) => {
		const req = parseGetMetricHistoryRequest(m);
		await readRunOr404(runs, req.runId);
		const cols = await runs.history(req.runId, req.key);
		const page = readPage(readHistoryOrder(cols), req.offset, req.maxResults ?? Number.POSITIVE_INFINITY);
		return {
			metrics: page.items.map((i) => toMetricJson(req.key, cols.values[i], cols.timestamps[i], cols.steps[i])),
			...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
		};
	});

	addMlflowEndpoint(
		router,
		'metrics/get-history-bulk-interval',
		async (m) => {
			const req = parseBulkIntervalRequest(m);
			for (const runId of req.runIds) await readRunOr404(runs, runId);
			const metrics = [];
			for (const runId of req.runIds) {
				const cols = await runs.history(runId, req.key);
				for (const i of sampleHistory(cols, req.maxResults, req.range)) {
					metrics.push(toMetricJson(req.key, cols.values[i], cols.timestamps[i], cols.steps[i], runId));
				}
			}
			return { metrics };
		},
		['run_ids']
	);
}
