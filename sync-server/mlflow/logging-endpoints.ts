// MLflow's run logging endpoints (log-metric, log-parameter, set-tag, delete-tag, log-batch, log-inputs, 3.x
// outputs) over the run service. Writes to one run are queued, so identical re-logged metric points and param
// conflicts are found against every earlier write; a point identical to a logged one (key, value, timestamp, step)
// is dropped. Metrics logged with a model_id are also recorded on that logged model.
import { invalid, notFound } from '../../src/lib/core/errors';
import type { SeriesColumns } from '../../src/lib/core/chunk';
import type { RunRow } from '../../src/lib/core/run-row';
import { dropLoggedPoints, dropRepeatedPoints, isPastLatest } from '../../src/lib/core/mlflow/metric-history';
import {
	parseDeleteTagRequest,
	parseLogBatchRequest,
	parseLogInputsRequest,
	parseLogMetricRequest,
	parseLogOutputsRequest,
	parseLogParamRequest,
	type ModelMetricPoint,
	parseSetTagRequest
} from '../../src/lib/core/mlflow/logging-requests';
import { RUN_NAME_TAG } from '../../src/lib/core/mlflow/run-requests';
import type { RunService } from '../tracking/runs';
import type { LoggedModelService } from '../tracking/logged-models';
import type { Router } from '../http/router';
import { addMlflowEndpoint, assertRunActive, createKeyedQueue, readRunOr404, type MlflowTrackingDeps } from './endpoint';

/** The points of `metrics` that are not already logged (nor repeated within the request); keys left empty go. */
async function selectNewPoints(runs: RunService, row: RunRow, metrics: Map<string, SeriesColumns>): Promise<Map<string, SeriesColumns>> {
	const out = new Map<string, SeriesColumns>();
	for (const [key, given] of metrics) {
		let cols = dropRepeatedPoints(given);
		const latest = Object.hasOwn(row.metrics, key) ? row.metrics[key] : undefined;
		// Points past the latest logged (step, timestamp), the usual case, need no history read.
		if (!isPastLatest(cols, latest)) cols = dropLoggedPoints(cols, await runs.history(row.run_id, key));
		if (cols.values.length > 0) out.set(key, cols);
	}
	return out;
}

/** MLflow's log-batch message for params that were logged before with other values (a Python list of dicts). */
function findBatchParamConflicts(row: RunRow, params: Record<string, string>): string | null {
	const conflicts = Object.entries(params).filter(([k, v]) => Object.hasOwn(row.params, k) && row.params[k] !== v);
	if (conflicts.length === 0) return null;
	const items = conflicts.map(([k, v]) => `{'key': '${k}', 'old_value': '${row.params[k]}', 'new_value': '${v}'}`);
	return `Changing param values is not allowed. Params were already logged='[${items.join(', ')}]' for run ID='${row.run_id}'.`;
}

/** Checks that every model named by `points` exists (404 otherwise); returns the points grouped by model. */
async function groupModelPoints(models: LoggedModelService, points: readonly ModelMetricPoint[]) {
	const byModel = new Map<string, ModelMetricPoint['metric'][]>();
	for (const p of points) {
		const list = byModel.get(p.modelId);
		if (list) list.push(p.metric);
		else byModel.set(p.modelId, [p.metric]);
	}
	for (const id of byModel.keys()) await models.readHeader(id);
	return byModel;
}

/** log-inputs carries whole dataset profiles (MLflow allows 16,777,215 characters) and schemas (1,048,575): 40 MiB. */
const LOG_INPUTS_BODY_LIMIT = 40 * 1024 * 1024;

export function addLoggingEndpoints(router: Router, { runs, models }: MlflowTrackingDeps): void {
	const queue = createKeyedQueue();
	const activeRun = async (runId: string) => assertRunActive(await readRunOr404(runs, runId));
	/** Records the model metrics of a request (after its run metrics): identical values are kept once per model. */
	const logModelMetrics = async (byModel: Map<string, ModelMetricPoint['metric'][]>) => {
		for (const [id, metrics] of byModel) await models.logMetrics(id, metrics);
	};

	addMlflowEndpoint(router, 'runs/log-metric', async (m) => {
		const req = parseLogMetricRequest(m);
		await queue.run(req.runId, async () => {
			const row = await activeRun(req.runId);
			const byModel = await groupModelPoints(models, req.modelMetrics);
			const metrics = await selectNewPoints(runs, row, req.metrics);
			if (metrics.size > 0) await runs.log(req.runId, { metrics });
			await logModelMetrics(byModel);
		});
		return {};
	});

	addMlflowEndpoint(router, 'runs/log-parameter', async (m) => {
		const req = parseLogParamRequest(m);
		await queue.run(req.runId, async () => {
			await activeRun(req.runId);
			await runs.log(req.runId, { params: { [req.key]: req.value } });
		});
		return {};
	});

	addMlflowEndpoint(router, 'runs/set-tag', async (m) => {
		const req = parseSetTagRequest(m);
		await queue.run(req.runId, async () => {
			await activeRun(req.runId);
			// The run name lives in the header and in this tag; the service keeps both in step.
			if (req.key === RUN_NAME_TAG) await runs.update(req.runId, { name: req.value });
			else await runs.log(req.runId, { tags: { [req.key]: req.value } });
		});
		return {};
	});

	addMlflowEndpoint(router, 'runs/delete-tag', async (m) => {
		const req = parseDeleteTagRequest(m);
		await queue.run(req.runId, async () => {
			const row = await activeRun(req.runId);
			if (!Object.hasOwn(row.tags, req.key)) throw notFound(`No tag with name: ${req.key} in run with id ${req.runId}`);
			await runs.log(req.runId, { deleteTags: [req.key] });
		});
		return {};
	});

	addMlflowEndpoint(router, 'runs/log-batch', async (m) => {
		const req = parseLogBatchRequest(m);
		await queue.run(req.runId, async () => {
			const row = await activeRun(req.runId);
			const conflict = findBatchParamConflicts(row, req.params);
			if (conflict) throw invalid(conflict);
			const byModel = await groupModelPoints(models, req.modelMetrics);
			const { [RUN_NAME_TAG]: runName, ...tags } = req.tags;
			const metrics = await selectNewPoints(runs, row, req.metrics);
			const nonEmpty = <T extends object>(o: T) => (Object.keys(o).length > 0 ? o : undefined);
			if (metrics.size > 0 || nonEmpty(req.params) || nonEmpty(tags)) {
				await runs.log(req.runId, { params: nonEmpty(req.params), tags: nonEmpty(tags), metrics });
			}
			if (runName !== undefined) await runs.update(req.runId, { name: runName });
			await logModelMetrics(byModel);
		});
		return {};
	});

	addMlflowEndpoint(router, 'runs/outputs', async (m) => {
		const req = parseLogOutputsRequest(m);
		await queue.run(req.runId, async () => {
			await activeRun(req.runId);
			for (const o of req.inputs.modelOutputs ?? []) await models.readHeader(o.model_id);
			await runs.appendInputs(req.runId, req.inputs);
		});
		return {};
	});

	addMlflowEndpoint(
		router,
		'runs/log-inputs',
		async (m) => {
			const req = parseLogInputsRequest(m);
			await queue.run(req.runId, async () => {
				await activeRun(req.runId);
				await runs.appendInputs(req.runId, req.inputs);
			});
			return {};
		},
		[],
		{ bodyLimit: LOG_INPUTS_BODY_LIMIT }
	);
}
