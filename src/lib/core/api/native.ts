// The native API's wire shapes (README "Native API"): every route's request body or query and its answer, as JSON
// carries them (snake_case, non-finite numbers as strings), and the paths clients ask for. Types and path
// formatters only: the server (sync-server/http/native-api.ts) and every client compile against this one module.
import type { Experiment } from '../docs/workspace';
import type { RunCounts } from '../docs/run-counts';
import type { RunRow } from '../run-row';
import type { RunStatus } from '../schema';
import type { EncodedSummary } from '../series/summary';

/** A key → value map of params or tags; the server also reads MLflow's `[{key, value}]` and number or boolean values. */
export type KeyValuesJson = Record<string, string>;

/** A float on the wire: a JSON number, or 'NaN' / 'Infinity' / '-Infinity' (JSON has none of them). */
export type NumberJson = number | string;

/** JSON read from the network as a `T` it may not be: every field is still to be checked where it is read. */
export type UncheckedJson<T> = { [K in keyof T]?: unknown };

/** A run as the API answers it: its row with each metric summary's non-finite numbers as strings. */
export type RunJson = Omit<RunRow, 'metrics'> & { metrics: Record<string, EncodedSummary> };

/** `GET /api/experiments`: an experiment with its run counts and last activity. */
export type ListedExperiment = Experiment & RunCounts;

export interface ListExperimentsAnswer {
	experiments: ListedExperiment[];
}

export interface CreateExperimentBody {
	name: string;
	tags?: KeyValuesJson;
	artifact_location?: string;
}

export interface CreateExperimentAnswer {
	experiment_id: string;
}

export interface GetExperimentAnswer {
	experiment: Experiment;
}

export interface ListRunsAnswer {
	runs: RunJson[];
}

/** The runs table page's own URL query (`q`, `sort`, `deleted=1`; never `group`) plus `limit` (1 … 500, default 60). */
export interface FirstScreenQuery {
	q?: string;
	sort?: string;
	deleted?: '1';
	limit?: string;
}

export interface FirstScreenAnswer {
	experiment_name: string;
	/** The view's first `limit` rows, in its order: top-level runs with their children folded (nested runs). */
	rows: RunJson[];
	/** Per row: the child runs its expander counts (0: no children in this view). */
	children: number[];
	/** Rows the view matches. */
	matched: number;
	/** Active runs in the experiment. */
	total: number;
}

/**
 * The tag the client SDK sends a run's random key in, which makes its run create idempotent: after a create that may
 * have landed it looks the run up by it, and with several instances the server's create checks for it too.
 */
export const CLIENT_KEY_TAG = 'tandem.client.runKey';

/** Give `experiment_id` or `experiment_name` (an unknown name creates the experiment), or neither (Default). */
export interface CreateRunBody {
	experiment_id?: string;
	experiment_name?: string;
	run_name?: string;
	/** ms since the epoch */
	start_time?: number;
	user?: string;
	tags?: KeyValuesJson;
	params?: KeyValuesJson;
}

export interface CreateRunAnswer {
	run_id: string;
	experiment_id: string;
	run_name: string;
}

export interface GetRunAnswer {
	run: RunJson;
}

/** One metric point, MLflow's row form. `step` defaults to 0, `timestamp` (ms since the epoch) to the server's now. */
export interface MetricPointJson {
	key: string;
	value: NumberJson;
	step?: number;
	timestamp?: number;
}

/** One metric's points in columns (cheaper to send and parse); `steps` and `timestamps`, if given, as long as `values`. */
export interface MetricColumnsJson {
	values: NumberJson[];
	steps?: number[];
	timestamps?: number[];
}

export interface LogBatchBody {
	/** Letters, digits and `_ . : -`; a batch id already applied to the run is not applied again. */
	batch_id?: string;
	params?: KeyValuesJson;
	tags?: KeyValuesJson;
	/** Rows, or columns by metric key. */
	metrics?: MetricPointJson[] | Record<string, MetricColumnsJson>;
}

export interface LogBatchAnswer {
	/** False when the batch id had been applied before (nothing was written again). */
	applied: boolean;
	/** Metric points written: the batch's count, or 0 when not applied. */
	points: number;
}

/** The statuses a run may end with. */
export type EndStatus = Extract<RunStatus, 'FINISHED' | 'FAILED' | 'KILLED'>;

/** The body may be absent: FINISHED, now. */
export interface EndRunBody {
	/** Default FINISHED. */
	status?: EndStatus;
	/** ms since the epoch; default the server's now. */
	end_time?: number;
}

export interface EndRunAnswer {
	run: RunJson;
}

export interface MetricHistoryAnswer {
	key: string;
	steps: number[];
	/** ms since the epoch */
	timestamps: number[];
	values: NumberJson[];
}

export interface DocDiffQuery {
	/** The client's Yjs state vector, base64; absent = it has nothing. */
	sv?: string;
}

export interface DocBatchEntry {
	name: string;
	/** As DocDiffQuery's `sv`. */
	sv?: string;
}

/** At most MAX_BATCH_DOCS (doc-batch.ts) documents. */
export interface DocBatchBody {
	docs: DocBatchEntry[];
}

export interface SeriesOverviewEntry {
	run_id: string;
	/** A metric key. */
	key: string;
}

/**
 * At most MAX_OVERVIEW_SERIES (series/overview-wire.ts) series, each answered with at most `points` points (2 to
 * MAX_OVERVIEW_POINTS; the server keeps 2 × OVERVIEW_BUCKETS a series): per bucket of steps, the actual points
 * holding its minimum and maximum value. The answer is binary: a varuint count, then per series in request order a
 * varuint length and one metric chunk (chunk.ts); a series never logged is an empty chunk.
 */
export interface SeriesOverviewBody {
	series: SeriesOverviewEntry[];
	points: number;
}

interface Route<Body, Answer, Query = undefined> {
	body: Body;
	query: Query;
	answer: Answer;
}

/**
 * Every native route by `METHOD /path`, `{name}` standing for a path segment (`{key}` for the rest of the path).
 * The two /api/docs routes answer binary: a Yjs update, or the batch encoding of doc-batch.ts; so does
 * /api/series/overview (series/overview-wire.ts).
 */
export interface NativeApi {
	'GET /api/experiments': Route<undefined, ListExperimentsAnswer>;
	'POST /api/experiments': Route<CreateExperimentBody, CreateExperimentAnswer>;
	'GET /api/experiments/{experiment_id}': Route<undefined, GetExperimentAnswer>;
	'GET /api/experiments/{experiment_id}/runs': Route<undefined, ListRunsAnswer>;
	'GET /api/experiments/{experiment_id}/first-screen': Route<undefined, FirstScreenAnswer, FirstScreenQuery>;
	'POST /api/runs': Route<CreateRunBody, CreateRunAnswer>;
	'GET /api/runs/{run_id}': Route<undefined, GetRunAnswer>;
	'POST /api/runs/{run_id}/log': Route<LogBatchBody, LogBatchAnswer>;
	'POST /api/runs/{run_id}/end': Route<EndRunBody | undefined, EndRunAnswer>;
	'GET /api/runs/{run_id}/metrics/{key}': Route<undefined, MetricHistoryAnswer>;
	'GET /api/docs/{name}': Route<undefined, Uint8Array, DocDiffQuery>;
	'POST /api/docs': Route<DocBatchBody, Uint8Array>;
	'POST /api/series/overview': Route<SeriesOverviewBody, Uint8Array>;
}

export type NativeRoute = keyof NativeApi;
export type NativeBody<R extends NativeRoute> = NativeApi[R]['body'];
export type NativeQuery<R extends NativeRoute> = NativeApi[R]['query'];
export type NativeAnswer<R extends NativeRoute> = NativeApi[R]['answer'];

const segment = encodeURIComponent;

/** The paths clients ask for, ids URI-encoded (the server's router decodes them). */
export const nativePaths = {
	experiments: () => '/api/experiments',
	experimentRuns: (experimentId: string) => `/api/experiments/${segment(experimentId)}/runs`,
	firstScreen: (experimentId: string, query: URLSearchParams) => `/api/experiments/${segment(experimentId)}/first-screen?${query}`,
	runs: () => '/api/runs',
	runLog: (runId: string) => `/api/runs/${segment(runId)}/log`,
	runEnd: (runId: string) => `/api/runs/${segment(runId)}/end`,
	docs: () => '/api/docs',
	seriesOverview: () => '/api/series/overview'
} as const;
