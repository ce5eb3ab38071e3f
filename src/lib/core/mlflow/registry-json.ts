// Registry records as MLflow's protobuf JSON (`RegisteredModel`, `ModelVersion`), plus the "latest version per
// stage" read both `latest_versions` and get-latest-versions are made of.
import { MODEL_STAGES, type ModelStage, type ModelVersionRecord, type RegisteredModelRecord } from '../docs/registry';

export interface ModelVersionJson {
	name: string;
	/** MLflow's version is a string of digits. */
	version: string;
	/** ms since epoch */
	creation_timestamp: number;
	last_updated_timestamp: number;
	current_stage: ModelStage;
	description?: string;
	source: string;
	run_id?: string;
	/** Always READY: the client polls while a version reads PENDING_REGISTRATION (the proto default). */
	status: 'READY';
	tags: { key: string; value: string }[];
	run_link?: string;
	aliases: string[];
	model_id?: string;
}

export interface RegisteredModelJson {
	name: string;
	creation_timestamp: number;
	last_updated_timestamp: number;
	description?: string;
	latest_versions: ModelVersionJson[];
	tags: { key: string; value: string }[];
	aliases: { alias: string; version: string }[];
}

const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

/** Unset optional fields are omitted: the client reads an absent `run_id` as None, an empty one as "". */
export function toModelVersionJson(v: ModelVersionRecord): ModelVersionJson {
	const out: ModelVersionJson = {
		name: v.name,
		version: String(v.version),
		creation_timestamp: v.creationTime,
		last_updated_timestamp: v.lastUpdateTime,
		current_stage: v.stage,
		source: v.source,
		status: 'READY',
		tags: toTags(v.tags),
		aliases: v.aliases
	};
	if (v.description !== null) out.description = v.description;
	if (v.runId !== null) out.run_id = v.runId;
	if (v.runLink !== null) out.run_link = v.runLink;
	if (v.loggedModelId !== null) out.model_id = v.loggedModelId;
	return out;
}

/**
 * The highest-numbered live version in each stage, in stage order (None, Staging, Production, Archived);
 * `stages` empty means every stage.
 */
export function readLatestVersions(m: RegisteredModelRecord, stages: readonly ModelStage[] = []): ModelVersionRecord[] {
	const latest = new Map<ModelStage, ModelVersionRecord>();
	for (const v of m.versions) if ((latest.get(v.stage)?.version ?? 0) < v.version) latest.set(v.stage, v);
	const wanted = stages.length ? new Set(stages) : new Set(MODEL_STAGES);
	return MODEL_STAGES.filter((s) => wanted.has(s) && latest.has(s)).map((s) => latest.get(s)!);
}

/** MLflow omits an empty description on registered models. */
export function toRegisteredModelJson(m: RegisteredModelRecord): RegisteredModelJson {
	const out: RegisteredModelJson = {
		name: m.name,
		creation_timestamp: m.creationTime,
		last_updated_timestamp: m.lastUpdateTime,
		latest_versions: readLatestVersions(m).map(toModelVersionJson),
		tags: toTags(m.tags),
		aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) }))
	};
	if (m.description) out.description = m.description;
	return out;
}
