// Parsers for MLflow's runs/* and metrics/* read and lifecycle requests (create, update, search, metric history):
// each returns a typed command or throws MLflow's INVALID_PARAMETER_VALUE error.
import { invalid } from '../errors';
import { RUN_STATUSES, type RunStatus } from '../schema';
import type { RunRow } from '../run-row';
import { compileMlflowFilter, parseMlflowFilter } from '../query/mlflow-filter';
import { parseMlflowOrderBy } from '../query/mlflow-order';
import { MLFLOW_LIMITS, RUN_NAME_TAG, checkLengthLimit, checkRunName } from './keys';
import { readPageRequest, readPageToken } from './paging';
import { VIEW_TYPES, isInView, readExperimentIdField, type ViewType } from './experiment-requests';
import { readRunTags } from './logging-requests';
import { createMissingValueError, readEnum, readInt, readRequiredString, readRunIdField, readString, readStringList, type MlflowMessage } from './message';
import { DEFAULT_EXPERIMENT_ID } from '../ids';

export { RUN_NAME_TAG } from './keys';

export interface CreateRunRequest {
	experimentId: string;
	userId?: string;
	runName?: string;
	/** ms since epoch */
	startTime?: number;
	tags: Record<string, string>;
}

export function parseCreateRunRequest(m: MlflowMessage): CreateRunRequest {
	const experimentId = m.experiment_id === undefined || m.experiment_id === null || m.experiment_id === '' ? DEFAULT_EXPERIMENT_ID : readExperimentIdField(m);
	const runName = readRunName(m);
	const tags = readRunTags(m, MLFLOW_LIMITS.tagsPerRequest);
	const tagName = tags[RUN_NAME_TAG];
	if (runName && tagName && runName !== tagName) {
		throw invalid(
			`Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${runName}', mlflow.runName='${tagName}').`
		);
	}
	const userId = readString(m, 'user_id') || undefined;
	if (userId) checkLengthLimit(userId, 'user_id', MLFLOW_LIMITS.userIdLength);
	return { experimentId, userId, runName, startTime: readInt(m, 'start_time'), tags };
}

/** `run_name`, at most MLFLOW_LIMITS.runNameLength characters; "" reads as absent. */
function readRunName(m: MlflowMessage): string | undefined {
	const name = readString(m, 'run_name') || undefined;
	return name === undefined ? undefined : checkRunName(name);
}

export interface UpdateRunRequest {
	runId: string;
	status?: RunStatus;
	/** ms since epoch */
	endTime?: number;
	runName?: string;
}

export function parseUpdateRunRequest(m: MlflowMessage): UpdateRunRequest {
	return {
		runId: readRunIdField(m),
		status: readEnum(m, 'status', RUN_STATUSES),
		endTime: readInt(m, 'end_time'),
		runName: readRunName(m)
	};
}

export function parseRunIdRequest(m: MlflowMessage): { runId: string } {
	return { runId: readRunIdField(m) };
}

export interface SearchRunsRequest {
	experimentIds: string[];
	view: ViewType;
	maxResults: number;
	offset: number;
	matches: (row: RunRow) => boolean;
	compare: (a: RunRow, b: RunRow) => number;
	/** Equal for requests that list the same runs in the same order (all but the page), e.g. to cache that list. */
	queryKey: string;
}

export function parseSearchRunsRequest(m: MlflowMessage): SearchRunsRequest {
	const filterText = readString(m, 'filter') ?? '';
	const filter = parseMlflowFilter(filterText);
	if (!filter.ok) throw invalid(filter.error);
	const order = parseMlflowOrderBy(readStringList(m, 'order_by'));
	if (!order.ok) throw invalid(order.error);
	const ids = m.experiment_ids;
	const experimentIds = [...new Set(Array.isArray(ids) && ids.every((x) => typeof x === 'number') ? ids.map(String) : readStringList(m, 'experiment_ids'))];
	const view = readEnum(m, 'run_view_type', VIEW_TYPES) ?? 'ACTIVE_ONLY';
	return {
		experimentIds,
		view,
		...readPageRequest(m, MLFLOW_LIMITS.searchDefaultResults, MLFLOW_LIMITS.searchMaxResults),
		matches: compileMlflowFilter(filter.clauses),
		compare: order.compare,
		queryKey: JSON.stringify([experimentIds, view, filterText, readStringList(m, 'order_by')])
	};
}

/** Whether a search lists `row` (its view and filter); the server sorts what it lists by `req.compare`. */
export function createRunSearchTest(req: SearchRunsRequest): (row: RunRow) => boolean {
	return (r) => isInView(r.lifecycle, req.view) && req.matches(r);
}

export interface GetMetricHistoryRequest {
	runId: string;
	key: string;
	/** absent: every point */
	maxResults?: number;
	offset: number;
}

export function parseGetMetricHistoryRequest(m: MlflowMessage): GetMetricHistoryRequest {
	const maxResults = readInt(m, 'max_results');
	if (maxResults !== undefined && maxResults <= 0) {
		throw invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer.`);
	}
	return {
		runId: readRunIdField(m),
		key: readRequiredString(m, 'metric_key'),
		maxResults,
		offset: readPageToken(readString(m, 'page_token'))
	};
}

export interface BulkIntervalRequest {
	runIds: string[];
	key: string;
	/** per run, 1..2500 */
	maxResults: number;
	range?: { startStep: number; endStep: number };
}

/** A bulk request's run ids, 1..100 of them; `tooMany` words MLflow's message past 100 (its count appended). */
function readBulkRunIds(m: MlflowMessage, field: string, none: () => Error, tooMany: string): string[] {
	const runIds = readStringList(m, field);
	if (runIds.length === 0) throw none();
	if (runIds.length > MLFLOW_LIMITS.bulkMaxRuns) throw invalid(`${tooMany} ${MLFLOW_LIMITS.bulkMaxRuns} run_ids. Received ${runIds.length} run_ids.`);
	return runIds;
}

export function parseBulkIntervalRequest(m: MlflowMessage): BulkIntervalRequest {
	const runIds = readBulkRunIds(m, 'run_ids', () => createMissingValueError('run_ids'), 'GetMetricHistoryBulkInterval request must specify at most');
	const key = readRequiredString(m, 'metric_key');
	const maxResults = readInt(m, 'max_results') ?? MLFLOW_LIMITS.bulkMaxResultsPerRun;
	if (maxResults < 1 || maxResults > MLFLOW_LIMITS.bulkMaxResultsPerRun) {
		throw invalid(`max_results must be between 1 and ${MLFLOW_LIMITS.bulkMaxResultsPerRun}.`);
	}
	const startStep = readInt(m, 'start_step');
	const endStep = readInt(m, 'end_step');
	if ((startStep === undefined) !== (endStep === undefined)) {
		throw invalid('If either start step or end step are specified, both must be specified.');
	}
	if (startStep !== undefined && endStep !== undefined && startStep > endStep) {
		throw invalid(`end_step must be greater than start_step. Found start_step=${startStep} and end_step=${endStep}.`);
	}
	return {
		runIds: [...new Set(runIds)],
		key,
		maxResults,
		range: startStep !== undefined && endStep !== undefined ? { startStep, endStep } : undefined
	};
}

export interface BulkHistoryRequest {
	/** distinct, ascending (MLflow answers run by run in id order) */
	runIds: string[];
	key: string;
	/** over all runs together, at most 25,000 */
	maxResults: number;
}

/** The UI's legacy get-history-bulk: `run_id` repeated (1..100), `metric_key` present (it may be ""), `max_results`. */
export function parseBulkHistoryRequest(m: MlflowMessage): BulkHistoryRequest {
	const none = () => invalid('GetMetricHistoryBulk request must specify at least one run_id.');
	const runIds = readBulkRunIds(m, 'run_id', none, 'GetMetricHistoryBulk request cannot specify more than');
	const key = readString(m, 'metric_key');
	if (key === undefined) throw invalid('GetMetricHistoryBulk request must specify a metric_key.');
	const maxResults = Math.min(readInt(m, 'max_results') ?? MLFLOW_LIMITS.historyMaxResults, MLFLOW_LIMITS.historyMaxResults);
	return { runIds: [...new Set(runIds)].sort(), key, maxResults };
}
