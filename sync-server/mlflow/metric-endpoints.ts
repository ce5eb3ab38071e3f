// MLflow's metric history endpoints: get-history (every point of one metric, in MLflow's order, paged),
// get-history-bulk (the legacy UI's histories of several runs) and get-history-bulk-interval (sampled steps, for charts).
import type { SeriesColumns } from '../../src/lib/core/chunk';
import { toMetricJson, writeMetricListJson } from '../../src/lib/core/mlflow/entities';
import {
	createHistoryCompare,
	findPointsAtSteps,
	isInHistoryOrder,
	orderPickedPoints,
	readHistoryOrder,
	selectIntervalSteps
} from '../../src/lib/core/mlflow/metric-history';
import { readPageBounds, writePageJson } from '../../src/lib/core/mlflow/paging';
import { parseBulkHistoryRequest, parseBulkIntervalRequest, parseGetMetricHistoryRequest } from '../../src/lib/core/mlflow/run-requests';
import type { Router } from '../http/router';
import { MLFLOW_LIMITS } from '../../src/lib/core/mlflow/keys';
import { ApiError } from '../../src/lib/core/errors';
import type { RunService } from '../tracking/runs';
import { createSliceClock, sortIndexesInSlices, writeInSlices } from '../tracking/yield-loop';
import { addMlflowEndpoint, JsonPieces, JsonText, readRunOr404, type MlflowTrackingDeps } from './endpoint';

/** Points written per slice of a history's JSON (~5 ms of work), between which the loop is given back. */
const HISTORY_SLICE = 5_000;

/** writeMetricListJson over [start, end) of `order`, written a slice at a time so 1,000,000 points do not block the loop. */
async function writeMetricListInSlices(key: string, cols: SeriesColumns, order: ArrayLike<number>, start: number, end: number, runId?: string): Promise<string> {
	const pieces = await writeInSlices(end - start, HISTORY_SLICE, (from, to) => writeMetricListJson(key, cols, order, start + from, start + to, runId).slice(1, -1));
	return `[${pieces.join(',')}]`;
}

/** A get-history page as JSON pieces of HISTORY_SLICE points each, made as the answer is sent. */
async function* writeHistoryPage(key: string, cols: SeriesColumns, order: ArrayLike<number>, page: { start: number; end: number; nextPageToken?: string }) {
	const open = '{"metrics":';
	yield `${open}[`;
	for (let from = page.start; from < page.end; from += HISTORY_SLICE) {
		const list = writeMetricListJson(key, cols, order, from, Math.min(page.end, from + HISTORY_SLICE));
		yield (from === page.start ? '' : ',') + list.slice(1, -1);
	}
	yield `]${writePageJson('metrics', '', page.nextPageToken).slice(open.length)}`;
}

/** Points scanned per slice when picking a sampled history's points. */
const SCAN_SLICE = 100_000;

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
	// runs.history hands back the same columns until the series changes, so a paged read sorts them once; points
	// out of order (any timestamps may be logged) are sorted in slices.
	const historyOrders = new WeakMap<SeriesColumns, Promise<ArrayLike<number>>>();
	const readOrder = (cols: SeriesColumns) => {
		let order = historyOrders.get(cols);
		if (!order) {
			order = isInHistoryOrder(cols) ? Promise.resolve(readHistoryOrder(cols)) : sortIndexesInSlices(cols.values.length, createHistoryCompare(cols));
			historyOrders.set(cols, order);
		}
		return order;
	};

	addMlflowEndpoint(router, 'metrics/get-history', async (m) => {
		const req = parseGetMetricHistoryRequest(m);
		await readRunOr404(runs, req.runId);
		const cols = await runs.history(req.runId, req.key);
		const page = readPageBounds(cols.values.length, req.offset, req.maxResults ?? Number.POSITIVE_INFINITY);
		return new JsonPieces(writeHistoryPage(req.key, cols, await readOrder(cols), page));
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
				const order = await readOrder(cols);
				const end = Math.min(order.length, left);
				left -= end;
				const list = await writeMetricListInSlices(req.key, cols, order, 0, end, runId);
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
			const clock = createSliceClock();
			await clock.pause();
			const steps = selectIntervalSteps(histories, req.maxResults, req.range);
			const metrics = [];
			for (const [n, runId] of req.runIds.entries()) {
				const cols = histories[n];
				const picked: number[] = [];
				for (let from = 0; from < cols.values.length; from += SCAN_SLICE) {
					findPointsAtSteps(cols, steps, from, Math.min(cols.values.length, from + SCAN_SLICE), picked);
					await clock.pause();
				}
				for (const i of orderPickedPoints(cols, picked, MLFLOW_LIMITS.historyMaxResults)) {
					metrics.push(toMetricJson(req.key, cols.values[i], cols.timestamps[i], cols.steps[i], runId));
				}
			}
			return { metrics };
		},
		['run_ids']
	);
}
