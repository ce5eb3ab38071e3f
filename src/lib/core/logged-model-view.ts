// What the app shows of an experiment's logged models: one row per model (source run by name, flavors, latest
// metrics, registered versions), the list's filter (text, or MLflow's logged-model search grammar) and sort, the
// view in the URL (`mq`, `msort`), and a model's metrics grouped by dataset.
import type { LoggedModelMetric, LoggedModelRecord } from './docs/logged-models';
import type { ModelVersionRecord, RegisteredModelRecord } from './docs/registry';
import { compileLoggedModelFilter } from './mlflow/logged-model-search';
import type { LoggedModelStatus } from './schema';

export interface VersionLink {
	name: string;
	version: number;
}

export interface LoggedModelRow {
	modelId: string;
	name: string;
	status: LoggedModelStatus;
	sourceRunId: string;
	/** the source run's name; null when the run is not in this experiment's document (or there is none) */
	sourceRunName: string | null;
	/** null until the model's MLmodel file has been read */
	flavors: string[] | null;
	/** latest value per metric key (by timestamp, then step), any dataset */
	metrics: Record<string, number>;
	versions: VersionLink[];
	/** ms since epoch */
	creationTime: number;
	record: LoggedModelRecord;
}

export const STATUS_LABELS: Record<LoggedModelStatus, string> = {
	LOGGED_MODEL_PENDING: 'Pending',
	LOGGED_MODEL_READY: 'Ready',
	LOGGED_MODEL_UPLOAD_FAILED: 'Upload failed'
};

const later = (a: LoggedModelMetric, b: LoggedModelMetric) => a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.step > b.step);

/** The latest point of each metric key among `metrics` (by timestamp, then step), keys sorted. */
export function readLatestMetrics(metrics: readonly LoggedModelMetric[]): LoggedModelMetric[] {
	const latest = new Map<string, LoggedModelMetric>();
	for (const m of metrics) {
		const seen = latest.get(m.key);
		if (!seen || later(m, seen)) latest.set(m.key, m);
	}
	return [...latest.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The live registered versions made from logged model `modelId`, by model name then version. */
export function readVersionsOfModel(registry: readonly RegisteredModelRecord[], modelId: string): ModelVersionRecord[] {
	return registry.flatMap((m) => m.versions.filter((v) => v.loggedModelId === modelId));
}

/** The live registered versions made from run `runId` (its runId, or a logged model it produced). */
export function readVersionsOfRun(registry: readonly RegisteredModelRecord[], runId: string, modelIds: ReadonlySet<string>): ModelVersionRecord[] {
	return registry.flatMap((m) => m.versions.filter((v) => v.runId === runId || (v.loggedModelId !== null && modelIds.has(v.loggedModelId))));
}

/** One row per active model (deleted ones left out), newest first. */
export function readLoggedModelRows(
	records: readonly LoggedModelRecord[],
	runNames: ReadonlyMap<string, string>,
	registry: readonly RegisteredModelRecord[],
	flavorsOf: (modelId: string) => string[] | null
): LoggedModelRow[] {
	const versions = new Map<string, VersionLink[]>();
	for (const m of registry) for (const v of m.versions) if (v.loggedModelId) versions.set(v.loggedModelId, [...(versions.get(v.loggedModelId) ?? []), { name: m.name, version: v.version }]);
	return records
		.filter((r) => r.lifecycle === 'active')
		.map((r) => ({
			modelId: r.modelId,
			name: r.name,
			status: r.status,
			sourceRunId: r.sourceRunId,
			sourceRunName: r.sourceRunId ? (runNames.get(r.sourceRunId) ?? null) : null,
			flavors: flavorsOf(r.modelId),
			metrics: Object.fromEntries(readLatestMetrics(r.metrics).map((m) => [m.key, m.value])),
			versions: versions.get(r.modelId) ?? [],
			creationTime: r.creationTime,
			record: r
		}));
}

/** The metric keys the list shows as columns: the `max` most common among `rows`, ties by name. */
export function readKeyMetrics(rows: readonly LoggedModelRow[], max = 4): string[] {
	const counts = new Map<string, number>();
	for (const r of rows) for (const k of Object.keys(r.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([k]) => k);
}

export type ModelsFilter = { ok: true; test: (row: LoggedModelRow) => boolean } | { ok: false; error: string };

/** A filter that reads as a comparison (`metrics.acc > 0.9`, `name = 'x'`, `tags.t LIKE '%a'`) rather than text. */
const QUERY_LIKE = /[<>=]|\s(like|ilike|in)\s/i;

/**
 * Text matches name, source run (name or id), flavor or model id, case-insensitively. A comparison is MLflow's
 * logged-model search grammar over attributes, metrics and tags (AND-ed); params are not in the list's documents.
 */
export function compileModelsFilter(text: string): ModelsFilter {
	const q = text.trim();
	if (q === '') return { ok: true, test: () => true };
	if (!QUERY_LIKE.test(q)) {
		const needle = q.toLowerCase();
		const has = (s: string | null) => !!s && s.toLowerCase().includes(needle);
		return { ok: true, test: (r) => has(r.name) || has(r.sourceRunName) || has(r.sourceRunId) || has(r.modelId) || (r.flavors ?? []).some(has) };
	}
	try {
		const filter = compileLoggedModelFilter(q, []);
		if (filter.readsParams) return { ok: false, error: 'params.* cannot be filtered here: filter on metrics, tags, name or status' };
		return { ok: true, test: (r) => filter.test(r.record, () => ({})) };
	} catch (e) {
		return { ok: false, error: (e as Error).message };
	}
}

/** `name`, `status`, `run`, `created`, or `metrics.<key>`. */
export interface ModelsSort {
	column: string;
	desc: boolean;
}
export const DEFAULT_MODELS_SORT: ModelsSort = { column: 'created', desc: true };

type SortKey = string | number | null;
function readSortKey(r: LoggedModelRow, column: string): SortKey {
	if (column.startsWith('metrics.')) {
		const v = r.metrics[column.slice('metrics.'.length)];
		return v === undefined || Number.isNaN(v) ? null : v;
	}
	if (column === 'name') return r.name.toLowerCase();
	if (column === 'status') return STATUS_LABELS[r.status];
	if (column === 'run') return r.sourceRunName?.toLowerCase() ?? (r.sourceRunId || null);
	return r.creationTime;
}

/** `rows` sorted by `sort` (a missing value last either way), then newest first, then id. */
export function sortModelRows(rows: readonly LoggedModelRow[], sort: ModelsSort): LoggedModelRow[] {
	const sign = sort.desc ? -1 : 1;
	return [...rows].sort((a, b) => {
		const x = readSortKey(a, sort.column);
		const y = readSortKey(b, sort.column);
		if (x !== y) {
			if (x === null) return 1;
			if (y === null) return -1;
			return (x < y ? -1 : 1) * sign;
		}
		return b.creationTime - a.creationTime || (a.modelId < b.modelId ? -1 : 1);
	});
}

export interface ModelsUrlState {
	filter: string;
	sort: ModelsSort;
}

const SORT_COLUMN = /^(name|status|run|created|metrics\..+)$/;

/** Reads `mq` and `msort` (`-` prefix = descending); invalid parts fall back to the defaults. */
export function readModelsUrlState(params: URLSearchParams): ModelsUrlState {
	const raw = params.get('msort') ?? '';
	const desc = raw.startsWith('-');
	const column = desc ? raw.slice(1) : raw;
	return { filter: params.get('mq') ?? '', sort: SORT_COLUMN.test(column) ? { column, desc } : DEFAULT_MODELS_SORT };
}

/** Writes the state into a copy of `base`, defaults left out. */
export function writeModelsUrlState(state: ModelsUrlState, base: URLSearchParams): URLSearchParams {
	const out = new URLSearchParams(base);
	out.delete('mq');
	out.delete('msort');
	if (state.filter.trim() !== '') out.set('mq', state.filter);
	const { column, desc } = state.sort;
	if (column !== DEFAULT_MODELS_SORT.column || desc !== DEFAULT_MODELS_SORT.desc) out.set('msort', `${desc ? '-' : ''}${column}`);
	return out;
}

export interface DatasetMetrics {
	/** null for metrics logged without a dataset */
	datasetName: string | null;
	datasetDigest: string | null;
	/** the latest point per key, keys sorted */
	metrics: LoggedModelMetric[];
}

/** A model's metrics grouped by dataset (name, digest): those without a dataset first, then by name and digest. */
export function groupMetricsByDataset(metrics: readonly LoggedModelMetric[]): DatasetMetrics[] {
	const groups = new Map<string, LoggedModelMetric[]>();
	for (const m of metrics) {
		const key = JSON.stringify([m.datasetName ?? null, m.datasetName ? (m.datasetDigest ?? null) : null]);
		groups.set(key, [...(groups.get(key) ?? []), m]);
	}
	return [...groups]
		.map(([key, list]) => {
			const [datasetName, datasetDigest] = JSON.parse(key) as [string | null, string | null];
			return { datasetName, datasetDigest, metrics: readLatestMetrics(list) };
		})
		.sort((a, b) => {
			if (a.datasetName === null || b.datasetName === null) return a.datasetName === null ? (b.datasetName === null ? 0 : -1) : 1;
			return a.datasetName.localeCompare(b.datasetName) || (a.datasetDigest ?? '').localeCompare(b.datasetDigest ?? '');
		});
}
