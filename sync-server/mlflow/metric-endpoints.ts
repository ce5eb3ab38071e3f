// MLflow's metric history endpoints: get-history (every point of one metric, in MLflow's order, paged) and
// get-history-bulk-interval (a bounded sample per run, for the UI's charts).
import type { SeriesColumns } from '../../src/lib/core/chunk';
import { toMetricJson, writeMetricListJson } from '../../src/lib/core/mlflow/entities';
import { readHistoryOrder, sampleHistory } from '../../src/lib/core/mlflow/metric-history';
import { readPageBounds, writePageJson } from '../../src/lib/core/mlflow/paging';
import { parseBulkIntervalRequest, parseGetMetricHistoryRequest } from '../../src/lib/core/mlflow/run-requests';
import type { Router } from '../http/router';
import { addMlflowEndpoint, JsonText, readRunOr404, type MlflowTrackingDeps } from './endpoint';

export function addMetricEndpoints(router: Router, { runs }: MlflowTrackingDeps): void {
	// runs.history hands back the same columns until the series changes, so a paged read sorts them once.
	const historyOrders = new WeakMap<SeriesColumns, number[]>();
	const readOrder = (cols: SeriesColumns) => {
		let order = historyOrders.get(cols);
		if (!order) historyOrders.set(cols, (order = readHistoryOrder(cols)));
		return order;
	};

	addMlflowEndpoint(router, 'metrics/get-history', async (m) => {
		const req = parseGetMetricHistoryRequest(m);
		await readRunOr404(runs, req.runId);
		const cols = await runs.history(req.runId, req.key);
		const page = readPageBounds(cols.values.length, req.offset, req.maxResults ?? Number.POSITIVE_INFINITY);
		const metrics = writeMetricListJson(req.key, cols, readOrder(cols), page.start, page.end);
		return new JsonText(writePageJson('metrics', metrics, page.nextPageToken));
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
