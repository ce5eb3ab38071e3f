// MLflow's metric history endpoints: get-history (every point of one metric, in MLflow's order, paged),
// get-history-bulk (the legacy UI's histories of several runs) and get-history-bulk-interval (sampled steps, for charts).
import type { SeriesColumns } from '../../src/lib/core/chunk';
import { toMetricJson, writeMetricListJson } from '../../src/lib/core/mlflow/entities';
import { readHistoryOrder, selectIntervalSteps, selectPointsAtSteps } from '../../src/lib/core/mlflow/metric-history';
import { readPageBounds, writePageJson } from '../../src/lib/core/mlflow/paging';
import { parseBulkHistoryRequest, parseBulkIntervalRequest, parseGetMetricHistoryRequest } from '../../src/lib/core/mlflow/run-requests';
import type { Router } from '../http/router';
import { MLFLOW_LIMITS } from '../../src/lib/core/mlflow/keys';
import { ApiError } from '../../src/lib/core/errors';
import type { RunService } from '../tracking/runs';
import { addMlflowEndpoint, JsonText, readRunOr404, type MlflowTrackingDeps } from './endpoint';

/** A run's points of one metric; none for a run that does not exist (MLflow's store reads metric rows by run id). */
async function readHistoryIfAny(runs: RunService, runId: string, key: string): Promise<SeriesColumns | null> {
	try {
		return await runs.history(runId, key);
	} catch (e) {
		if (e instanceof ApiError && e.code === 'RESOURCE_DOES_NOT_EXIST') return null;
		throw e;
	}
}

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
		'metrics/get-history-bulk',
		async (m) => {
			const req = parseBulkHistoryRequest(m);
			let json = '';
			let left = req.maxResults;
			for (const runId of req.runIds) {
				const cols = left > 0 ? await readHistoryIfAny(runs, runId, req.key) : null;
				if (!cols || cols.values.length === 0) continue;
				const order = readOrder(cols);
				const end = Math.min(order.length, left);
				left -= end;
				const list = writeMetricListJson(req.key, cols, order, 0, end, runId);
				json += (json ? ',' : '') + list.slice(1, -1);
			}
			return new JsonText(`{"metrics":[${json}]}`);
		},
		['run_id']
	);

	addMlflowEndpoint(
		router,
		'metrics/get-history-bulk-interval',
		async (m) => {
			const req = parseBulkIntervalRequest(m);
			for (const runId of req.runIds) await readRunOr404(runs, runId);
			const histories = await Promise.all(req.runIds.map((runId) => runs.history(runId, req.key)));
			const steps = selectIntervalSteps(histories, req.maxResults, req.range);
			const metrics = [];
			for (const [n, runId] of req.runIds.entries()) {
				const cols = histories[n];
				for (const i of selectPointsAtSteps(cols, steps, MLFLOW_LIMITS.historyMaxResults)) {
					metrics.push(toMetricJson(req.key, cols.values[i], cols.timestamps[i], cols.steps[i], runId));
				}
			}
			return { metrics };
		},
		['run_ids']
	);
}
