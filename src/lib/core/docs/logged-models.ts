// Logged models (MLflow 3.x) in two kinds of document: `exp/<id>/models` holds one small header per model (name,
// status, source run, tags, metrics) so an experiment's thousands of models list and search from one document;
// `model/<modelId>` (server-written) holds the model's params and its artifact manifest, read when one is opened.
import * as Y from 'yjs';
import { KEYS, MODEL_FIELDS as F, LOGGED_MODEL_STATUSES, type Lifecycle, type LoggedModelStatus } from '../schema';
import { createMap, ensureMap, readNumber, readString, readStringMap, setIfChanged, type YRecord } from './ymap';

/** One metric value logged against a model (optionally for a dataset); `value` any float64, times in ms. */
export interface LoggedModelMetric {
	key: string;
	value: number;
	timestamp: number;
	step: number;
	datasetName?: string;
	datasetDigest?: string;
	runId?: string;
}

export interface LoggedModelRecord {
	modelId: string;
	experimentId: string;
	name: string;
	modelType: string;
	sourceRunId: string;
	status: LoggedModelStatus;
	statusMessage: string;
	/** ms since epoch */
	creationTime: number;
	/** ms since epoch */
	lastUpdateTime: number;
	artifactLocation: string;
	lifecycle: Lifecycle;
	/** how many params the model document holds */
	paramCount: number;
	tags: Record<string, string>;
	metrics: LoggedModelMetric[];
}

export interface NewLoggedModel {
	modelId: string;
	name: string;
	modelType: string;
	sourceRunId: string;
	/** ms since epoch */
	creationTime: number;
	artifactLocation: string;
	tags: Record<string, string>;
}

const modelsMap = (models: Y.Doc) => models.getMap<unknown>(KEYS.models.models);

function headerOf(models: Y.Doc, modelId: string): YRecord | null {
	const m = modelsMap(models).get(modelId);
	return m instanceof Y.Map ? (m as YRecord) : null;
}

/** Adds a PENDING model's header; the model document gets its experiment. Call inside one transaction over both. */
export function createLoggedModel(models: Y.Doc, model: Y.Doc, experimentId: string, input: NewLoggedModel): void {
	const tags = new Y.Map<string>();
	for (const [k, v] of Object.entries(input.tags)) tags.set(k, v);
	modelsMap(models).set(
		input.modelId,
		createMap({
			[F.name]: input.name,
			[F.modelType]: input.modelType,
			[F.sourceRunId]: input.sourceRunId,
			[F.status]: 'LOGGED_MODEL_PENDING',
			[F.statusMessage]: '',
			[F.creationTime]: input.creationTime,
			[F.lastUpdateTime]: input.creationTime,
			[F.artifactLocation]: input.artifactLocation,
			[F.lifecycle]: 'active',
			[F.paramCount]: 0,
			[F.tags]: tags
		})
	);
	model.getMap<unknown>(KEYS.model.meta).set('experimentId', experimentId);
}

/** The experiment a model document belongs to, or null for a model never created. */
export function readModelExperiment(model: Y.Doc): string | null {
	const v = model.getMap<unknown>(KEYS.model.meta).get('experimentId');
	return typeof v === 'string' ? v : null;
}

function readMetrics(v: unknown): LoggedModelMetric[] {
	if (!Array.isArray(v)) return [];
	return v.filter((m): m is LoggedModelMetric => !!m && typeof m.key === 'string' && typeof m.value === 'number' && typeof m.step === 'number' && typeof m.timestamp === 'number');
}

function readStatus(m: YRecord): LoggedModelStatus {
	const s = readString(m, F.status);
	return (LOGGED_MODEL_STATUSES as readonly string[]).includes(s) ? (s as LoggedModelStatus) : 'LOGGED_MODEL_PENDING';
}

function readRecord(experimentId: string, modelId: string, m: YRecord): LoggedModelRecord {
	return {
		modelId,
		experimentId,
		name: readString(m, F.name),
		modelType: readString(m, F.modelType),
		sourceRunId: readString(m, F.sourceRunId),
		status: readStatus(m),
		statusMessage: readString(m, F.statusMessage),
		creationTime: readNumber(m, F.creationTime),
		lastUpdateTime: readNumber(m, F.lastUpdateTime),
		artifactLocation: readString(m, F.artifactLocation),
		lifecycle: readString(m, F.lifecycle) === 'deleted' ? 'deleted' : 'active',
		paramCount: readNumber(m, F.paramCount),
		tags: readStringMap(m, F.tags),
		metrics: readMetrics(m.get(F.metrics))
	};
}

/** One model's header, or null if this experiment has no such model. */
export function readLoggedModel(models: Y.Doc, experimentId: string, modelId: string): LoggedModelRecord | null {
	const m = headerOf(models, modelId);
	return m ? readRecord(experimentId, modelId, m) : null;
}

/** Every model of the experiment (deleted ones included), newest first, ties by id. */
export function readLoggedModels(models: Y.Doc, experimentId: string): LoggedModelRecord[] {
	const out: LoggedModelRecord[] = [];
	for (const [id, m] of modelsMap(models).entries()) if (m instanceof Y.Map) out.push(readRecord(experimentId, id, m as YRecord));
	return out.sort((a, b) => b.creationTime - a.creationTime || (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
}

export interface LoggedModelPatch {
	status?: LoggedModelStatus;
	statusMessage?: string;
	lifecycle?: Lifecycle;
	setTags?: Record<string, string>;
	deleteTags?: string[];
	/** appended, except points identical to one already logged */
	metrics?: LoggedModelMetric[];
	paramCount?: number;
}

const sameMetric = (a: LoggedModelMetric, b: LoggedModelMetric) =>
	a.key === b.key &&
	Object.is(a.value, b.value) &&
	a.timestamp === b.timestamp &&
	a.step === b.step &&
	(a.datasetName ?? '') === (b.datasetName ?? '') &&
	(a.datasetDigest ?? '') === (b.datasetDigest ?? '');

/** Applies `patch` to a model's header and stamps its update time; false if there is no such model. */
export function updateLoggedModel(models: Y.Doc, modelId: string, patch: LoggedModelPatch, now: number): boolean {
	const m = headerOf(models, modelId);
	if (!m) return false;
	models.transact(() => {
		if (patch.status !== undefined) setIfChanged(m, F.status, patch.status);
		if (patch.statusMessage !== undefined) setIfChanged(m, F.statusMessage, patch.statusMessage);
		if (patch.lifecycle !== undefined) setIfChanged(m, F.lifecycle, patch.lifecycle);
		if (patch.paramCount !== undefined) setIfChanged(m, F.paramCount, patch.paramCount);
		if (patch.setTags || patch.deleteTags) {
			const tags = ensureMap<string>(m, F.tags);
			for (const [k, v] of Object.entries(patch.setTags ?? {})) if (tags.get(k) !== v) tags.set(k, v);
			for (const k of patch.deleteTags ?? []) if (tags.has(k)) tags.delete(k);
		}
		if (patch.metrics && patch.metrics.length > 0) {
			const current = readMetrics(m.get(F.metrics));
			const fresh = patch.metrics.filter((x, i) => !current.some((c) => sameMetric(c, x)) && patch.metrics!.findIndex((y) => sameMetric(x, y)) === i);
			if (fresh.length > 0) m.set(F.metrics, [...current, ...fresh]);
		}
		m.set(F.lastUpdateTime, now);
	});
	return true;
}

/** The model's params (key -> value). */
export function readModelParams(model: Y.Doc): Record<string, string> {
	return readStringMap(model.getMap<unknown>(KEYS.model.meta), KEYS.model.params);
}

/** Sets params on a model document (a key given again takes the new value, as MLflow's stores do); returns the count. */
export function setModelParams(model: Y.Doc, params: Record<string, string>): number {
	const meta = model.getMap<unknown>(KEYS.model.meta);
	let count = 0;
	model.transact(() => {
		const map = ensureMap<string>(meta, KEYS.model.params);
		for (const [k, v] of Object.entries(params)) if (map.get(k) !== v) map.set(k, v);
		count = map.size;
	});
	return count;
}
