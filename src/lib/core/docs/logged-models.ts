// Logged models (MLflow 3.x) in two kinds of document: `exp/<id>/models` holds one small header per model (name,
// status, source run, metrics: one plain value, server-written) and its tags (a Y.Map users edit), so an
// experiment's thousands of models list and search from one document; `model/<modelId>` (server-written) holds
// the model's params and its artifact manifest, read when one is opened.
import * as Y from 'yjs';
import { KEYS, MODEL_FIELDS as F, LOGGED_MODEL_STATUSES, type Lifecycle, type LoggedModelStatus } from '../schema';
import { ensureMap, readStringMap, readStringRecord } from './ymap';

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
	/** params already on the model document (default 0) */
	paramCount?: number;
}

const modelsMap = (models: Y.Doc) => models.getMap<unknown>(KEYS.models.models);
const tagsMap = (models: Y.Doc) => models.getMap<unknown>(KEYS.models.tags);
const touchedMap = (models: Y.Doc) => models.getMap<unknown>(KEYS.models.touched);

/** A header as stored: one plain object (keys from MODEL_FIELDS), checked field by field when read. */
type StoredHeader = Record<string, unknown>;

function headerOf(models: Y.Doc, modelId: string): StoredHeader | null {
	const h = modelsMap(models).get(modelId);
	return h !== null && typeof h === 'object' && !Array.isArray(h) && !(h instanceof Y.AbstractType) && !(h instanceof Uint8Array) ? (h as StoredHeader) : null;
}

/** Adds a PENDING model's header; the model document gets its experiment. Call inside one transaction over both. */
export function createLoggedModel(models: Y.Doc, model: Y.Doc, experimentId: string, input: NewLoggedModel): void {
	models.transact(() => {
		modelsMap(models).set(input.modelId, {
			[F.name]: input.name,
			[F.modelType]: input.modelType,
			[F.sourceRunId]: input.sourceRunId,
			[F.status]: 'LOGGED_MODEL_PENDING',
			[F.statusMessage]: '',
			[F.creationTime]: input.creationTime,
			[F.lastUpdateTime]: input.creationTime,
			[F.artifactLocation]: input.artifactLocation,
			[F.lifecycle]: 'active',
			[F.paramCount]: input.paramCount ?? 0,
			[F.metrics]: []
		});
		const tags = new Y.Map<string>();
		for (const [k, v] of Object.entries(input.tags)) tags.set(k, v);
		tagsMap(models).set(input.modelId, tags);
	});
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

const str = (h: StoredHeader, key: string) => (typeof h[key] === 'string' ? (h[key] as string) : '');
const num = (h: StoredHeader, key: string) => (typeof h[key] === 'number' ? (h[key] as number) : 0);

function readStatus(h: StoredHeader): LoggedModelStatus {
	const s = str(h, F.status);
	return (LOGGED_MODEL_STATUSES as readonly string[]).includes(s) ? (s as LoggedModelStatus) : 'LOGGED_MODEL_PENDING';
}

function readRecord(models: Y.Doc, experimentId: string, modelId: string, h: StoredHeader): LoggedModelRecord {
	const touched = touchedMap(models).get(modelId);
	return {
		modelId,
		experimentId,
		name: str(h, F.name),
		modelType: str(h, F.modelType),
		sourceRunId: str(h, F.sourceRunId),
		status: readStatus(h),
		statusMessage: str(h, F.statusMessage),
		creationTime: num(h, F.creationTime),
		lastUpdateTime: Math.max(num(h, F.lastUpdateTime), typeof touched === 'number' ? touched : 0),
		artifactLocation: str(h, F.artifactLocation),
		lifecycle: str(h, F.lifecycle) === 'deleted' ? 'deleted' : 'active',
		paramCount: num(h, F.paramCount),
		tags: readStringRecord(tagsMap(models).get(modelId)),
		metrics: readMetrics(h[F.metrics])
	};
}

/** One model's header, or null if this experiment has no such model. */
export function readLoggedModel(models: Y.Doc, experimentId: string, modelId: string): LoggedModelRecord | null {
	const h = headerOf(models, modelId);
	return h ? readRecord(models, experimentId, modelId, h) : null;
}

/** Every model of the experiment (deleted ones included), newest first, ties by id. */
export function readLoggedModels(models: Y.Doc, experimentId: string): LoggedModelRecord[] {
	const out: LoggedModelRecord[] = [];
	for (const id of modelsMap(models).keys()) {
		const h = headerOf(models, id);
		if (h) out.push(readRecord(models, experimentId, id, h));
	}
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

/**
 * Applies `patch` and stamps the model's update time; false if there is no such model. Header fields (status,
 * lifecycle, metrics, param count) rewrite the header: only the server does that. A tags-only patch (what users
 * do, offline too) edits the model's tag map and `touched`, and leaves the header alone, so it merges with the
 * server's writes.
 */
export function updateLoggedModel(models: Y.Doc, modelId: string, patch: LoggedModelPatch, now: number): boolean {
	const h = headerOf(models, modelId);
	if (!h) return false;
	models.transact(() => {
		if (patch.setTags || patch.deleteTags) {
			let tags = tagsMap(models).get(modelId);
			if (!(tags instanceof Y.Map)) tagsMap(models).set(modelId, (tags = new Y.Map<string>()));
			const map = tags as Y.Map<string>;
			for (const [k, v] of Object.entries(patch.setTags ?? {})) if (map.get(k) !== v) map.set(k, v);
			for (const k of patch.deleteTags ?? []) if (map.has(k)) map.delete(k);
			touchedMap(models).set(modelId, now);
		}
		const next: StoredHeader = { ...h };
		let changed = false;
		const put = (key: string, value: unknown) => {
			if (value !== undefined && next[key] !== value) {
				next[key] = value;
				changed = true;
			}
		};
		put(F.status, patch.status);
		put(F.statusMessage, patch.statusMessage);
		put(F.lifecycle, patch.lifecycle);
		put(F.paramCount, patch.paramCount);
		if (patch.metrics && patch.metrics.length > 0) {
			const current = readMetrics(h[F.metrics]);
			const fresh = patch.metrics.filter((x, i) => !current.some((c) => sameMetric(c, x)) && patch.metrics!.findIndex((y) => sameMetric(x, y)) === i);
			if (fresh.length > 0) put(F.metrics, [...current, ...fresh]);
		}
		// A param write may keep the count (a key set again): it still marks the model updated.
		if (changed || patch.paramCount !== undefined) modelsMap(models).set(modelId, { ...next, [F.lastUpdateTime]: now });
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
