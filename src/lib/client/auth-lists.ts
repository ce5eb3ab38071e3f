// The experiments and models lists of an identity the relay refuses the shared `workspace` or `registry` document:
// read over HTTP instead (`GET /api/experiments`, `registered-models/search`), which the server filters to what
// the caller may read. Readers of the answers are pure; the fetchers report a 401 like every API call.
import { nativePaths, type ListExperimentsAnswer, type ListedExperiment, type UncheckedJson } from '../core/api/native';
import type { Experiment } from '../core/docs/workspace';
import { MODEL_STAGES, type ModelStage } from '../core/docs/registry';
import type { RegisteredModelJson } from '../core/mlflow/registry-json';
import { readSnippet, type ModelRow } from '../core/registry-view';
import { fetchApi } from './auth-events';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown) => (typeof v === 'string' ? v : null);

function readStringRecord(v: unknown): Record<string, string> {
	if (!isObject(v)) return {};
	return Object.fromEntries(Object.entries(v).filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
}

/** Experiments of a `GET /api/experiments` answer, newest first (as the workspace view sorts them); bad entries skipped. */
export function readListedExperiments(body: unknown): Experiment[] {
	const list = isObject(body) ? (body as UncheckedJson<ListExperimentsAnswer>).experiments : undefined;
	if (!Array.isArray(list)) return [];
	const out: Experiment[] = [];
	for (const e of list as UncheckedJson<ListedExperiment>[]) {
		const id = str(e?.experiment_id);
		const name = str(e?.name);
		if (id === null || name === null) continue;
		const creation = num(e.creation_time);
		out.push({
			experiment_id: id,
			name,
			lifecycle: e.lifecycle === 'deleted' ? 'deleted' : 'active',
			creation_time: creation,
			last_update_time: num(e.last_update_time, creation),
			artifact_location: str(e.artifact_location) ?? '',
			tags: readStringRecord(e.tags)
		});
	}
	return out.sort((a, b) => b.creation_time - a.creation_time || (a.experiment_id < b.experiment_id ? -1 : 1));
}

const isStage = (v: unknown): v is ModelStage => (MODEL_STAGES as readonly unknown[]).includes(v);
const versionOf = (v: unknown) => {
	const n = typeof v === 'string' ? Number(v) : NaN;
	return Number.isInteger(n) && n > 0 ? n : null;
};

/**
 * A models-table row from MLflow's `RegisteredModel` JSON. The search answer holds only each stage's latest
 * version, so `versionCount` counts those (at least that many exist); the name stands in for the model's id.
 */
export function readModelRowJson(m: UncheckedJson<RegisteredModelJson>): ModelRow | null {
	const name = str(m.name);
	if (name === null) return null;
	const latest = (Array.isArray(m.latest_versions) ? m.latest_versions : []).flatMap((v: unknown) => {
		const version = isObject(v) ? versionOf(v.version) : null;
		return version !== null && isObject(v) && isStage(v.current_stage) ? [{ stage: v.current_stage, version }] : [];
	});
	const aliases = (Array.isArray(m.aliases) ? m.aliases : []).flatMap((a: unknown) => {
		const version = isObject(a) ? versionOf(a.version) : null;
		return version !== null && isObject(a) && typeof a.alias === 'string' ? [{ alias: a.alias, version }] : [];
	});
	const creation = num(m.creation_timestamp);
	return {
		id: name,
		name,
		latestVersion: latest.length ? Math.max(...latest.map((v) => v.version)) : null,
		latestByStage: MODEL_STAGES.flatMap((s) => latest.filter((v) => v.stage === s)),
		aliases,
		lastUpdateTime: num(m.last_updated_timestamp, creation),
		snippet: readSnippet(str(m.description)),
		tagCount: Array.isArray(m.tags) ? m.tags.length : 0,
		versionCount: latest.length
	};
}

/** The experiments this identity may read; null when the server did not answer with them. */
export async function fetchReadableExperiments(signal: AbortSignal): Promise<Experiment[] | null> {
	const res = await fetchApi(nativePaths.experiments(), { signal, cache: 'no-store' });
	return res.ok ? readListedExperiments(await res.json()) : null;
}

/** Most models one search page holds (MLflow's limit for registered-models/search). */
const MODELS_PER_PAGE = 1000;

/** The registered models this identity may read, sorted by name; null when the server did not answer with them. */
export async function fetchReadableModels(signal: AbortSignal): Promise<ModelRow[] | null> {
	const rows: ModelRow[] = [];
	let token: string | null = null;
	do {
		const query = new URLSearchParams({ max_results: String(MODELS_PER_PAGE), ...(token ? { page_token: token } : {}) });
		const res = await fetchApi(`/api/2.0/mlflow/registered-models/search?${query}`, { signal, cache: 'no-store' });
		if (!res.ok) return null;
		const body: unknown = await res.json();
		const page = isObject(body) && Array.isArray(body.registered_models) ? body.registered_models : [];
		for (const m of page) {
			const row = isObject(m) ? readModelRowJson(m) : null;
			if (row) rows.push(row);
		}
		token = isObject(body) ? str(body.next_page_token) : null;
	} while (token);
	return rows.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
}
