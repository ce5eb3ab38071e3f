// Writes to the `registry` document: create, patch and delete models and versions, and the stage and alias moves
// that append to the audit log. Reads, and the rules by which offline edits settle, are in registry.ts.
import * as Y from 'yjs';
import { REGISTRY_FIELDS } from '../schema';
import { createMap, ensureMap, setIfChanged } from './ymap';
import {
	auditArray,
	modelsMap,
	readEntry,
	readRegisteredModels,
	versionsMap,
	type AuditEntry,
	type ModelStage,
	type ModelVersionRecord,
	type RegisteredModelRecord
} from './registry';

const FM = REGISTRY_FIELDS.model;
const FV = REGISTRY_FIELDS.version;

export interface NewRegisteredModel {
	id: string;
	name: string;
	description?: string | null;
	tags?: Record<string, string>;
	/** ms since epoch */
	now: number;
}

function createStringMap(values: Record<string, string> = {}): Y.Map<string> {
	const map = new Y.Map<string>();
	for (const [k, v] of Object.entries(values)) map.set(k, v);
	return map;
}

/** Sets and deletes tags in the entry's nested tag map, writing only what changes. Call inside a transaction. */
function applyTagPatch(entry: Y.Map<unknown>, key: string, patch: { tags?: Record<string, string>; deleteTags?: string[] }): void {
	if (!patch.tags && !patch.deleteTags) return;
	const tags = ensureMap<string>(entry, key);
	for (const [k, v] of Object.entries(patch.tags ?? {})) if (tags.get(k) !== v) tags.set(k, v);
	for (const k of patch.deleteTags ?? []) if (tags.has(k)) tags.delete(k);
}

/** Adds a model. The caller has checked that the name is free (offline duplicates settle as registry.ts says). */
export function createRegisteredModel(doc: Y.Doc, m: NewRegisteredModel): void {
	doc.transact(() => {
		const e = createMap({ [FM.name]: m.name, [FM.creationTime]: m.now, [FM.lastUpdateTime]: m.now, [FM.description]: m.description ?? undefined });
		e.set(FM.tags, createStringMap(m.tags));
		e.set(FM.aliases, new Y.Map<string>());
		modelsMap(doc).set(m.id, e);
	});
}

export interface RegisteredModelPatch {
	name?: string;
	description?: string | null;
	tags?: Record<string, string>;
	deleteTags?: string[];
	/** Sets lastUpdateTime (ms since epoch) when given. */
	now?: number;
}

/** Applies a patch to a model; false if there is no such model id. */
export function updateRegisteredModel(doc: Y.Doc, modelId: string, patch: RegisteredModelPatch): boolean {
	const m = readEntry(modelsMap(doc), modelId);
	if (!m) return false;
	doc.transact(() => {
		if (patch.name !== undefined) setIfChanged(m, FM.name, patch.name);
		if (patch.description !== undefined) setIfChanged(m, FM.description, patch.description);
		applyTagPatch(m, FM.tags, patch);
		if (patch.now !== undefined) setIfChanged(m, FM.lastUpdateTime, patch.now);
	});
	return true;
}

export type RenameResult = 'renamed' | 'unchanged' | 'taken' | 'missing';

/**
 * Renames a model, as MLflow's rename does: its versions and aliases hang off its id, so they follow, and the
 * update time of the model and of each live version is touched. Nothing is written when another model holds the
 * settled name now ('taken') or there is no such id ('missing'). Renames made offline settle as registry.ts says:
 * two renames of one model are last-writer-wins on its name (the same winner on every peer); two models given one
 * name leave it to the earlier created, and the other reads `name (<first 8 chars of its id>)`.
 */
export function renameRegisteredModel(doc: Y.Doc, modelId: string, newName: string, now: number): RenameResult {
	const models = readRegisteredModels(doc);
	const model = models.find((m) => m.id === modelId);
	if (!model) return 'missing';
	if (model.name === newName) return 'unchanged';
	if (models.some((m) => m.id !== modelId && m.name === newName)) return 'taken';
	doc.transact(() => {
		updateRegisteredModel(doc, modelId, { name: newName, now });
		for (const v of model.versions) updateModelVersion(doc, v.id, { now });
	});
	return 'renamed';
}

/** Removes a model and all its versions (MLflow hard-deletes them). False if there is no such model id. */
export function deleteRegisteredModel(doc: Y.Doc, modelId: string): boolean {
	if (!readEntry(modelsMap(doc), modelId)) return false;
	doc.transact(() => {
		const versions = versionsMap(doc);
		for (const [id, v] of [...versions.entries()]) if (v instanceof Y.Map && v.get(FV.model) === modelId) versions.delete(id);
		modelsMap(doc).delete(modelId);
	});
	return true;
}

export interface NewModelVersion {
	id: string;
	modelId: string;
	/** The number to claim: the model's `nextVersion`. */
	number: number;
	source: string;
	storageLocation?: string;
	runId?: string | null;
	runLink?: string | null;
	loggedModelId?: string | null;
	description?: string | null;
	tags?: Record<string, string>;
	/** ms since epoch */
	now: number;
}

/** Adds a version in stage None and touches the model's lastUpdateTime. The model id must exist. */
export function createModelVersion(doc: Y.Doc, v: NewModelVersion): void {
	doc.transact(() => {
		const e = createMap({
			[FV.model]: v.modelId,
			[FV.number]: v.number,
			[FV.creationTime]: v.now,
			[FV.lastUpdateTime]: v.now,
			[FV.stage]: 'None',
			[FV.source]: v.source,
			[FV.storageLocation]: v.storageLocation !== undefined && v.storageLocation !== v.source ? v.storageLocation : undefined,
			[FV.runId]: v.runId ?? undefined,
			[FV.runLink]: v.runLink ?? undefined,
			[FV.loggedModelId]: v.loggedModelId ?? undefined,
			[FV.description]: v.description ?? undefined
		});
		e.set(FV.tags, createStringMap(v.tags));
		versionsMap(doc).set(v.id, e);
		const model = readEntry(modelsMap(doc), v.modelId);
		if (model) setIfChanged(model, FM.lastUpdateTime, v.now);
	});
}

export interface VersionRegistration extends Omit<NewModelVersion, 'modelId' | 'number'> {
	/** The registered model's settled name; a model of that name is created when there is none. */
	name: string;
	/** The id the model gets if it is created here. */
	newModelId: string;
}

/**
 * Registers a version under the model named `name`, creating that model first when no model has the name (one
 * transaction). The version claims the model's `nextVersion`; concurrent offline claims settle as registry.ts says.
 * Returns the model's id.
 */
export function registerModelVersion(doc: Y.Doc, r: VersionRegistration): string {
	const { name, newModelId, ...version } = r;
	let modelId = newModelId;
	doc.transact(() => {
		const existing = readRegisteredModels(doc).find((m) => m.name === name);
		if (existing) modelId = existing.id;
		else createRegisteredModel(doc, { id: newModelId, name, now: r.now });
		const number = existing?.nextVersion ?? 1;
		createModelVersion(doc, { ...version, modelId, number });
	});
	return modelId;
}

export interface ModelVersionPatch {
	description?: string | null;
	tags?: Record<string, string>;
	deleteTags?: string[];
	now?: number;
}

/** Applies a patch to a version; false if there is no such version id. Stages move only through `moveStage`. */
export function updateModelVersion(doc: Y.Doc, versionId: string, patch: ModelVersionPatch): boolean {
	const v = readEntry(versionsMap(doc), versionId);
	if (!v) return false;
	doc.transact(() => {
		if (patch.description !== undefined) setIfChanged(v, FV.description, patch.description);
		applyTagPatch(v, FV.tags, patch);
		if (patch.now !== undefined) setIfChanged(v, FV.lastUpdateTime, patch.now);
	});
	return true;
}

function appendAudit(doc: Y.Doc, e: AuditEntry): void {
	const entry = Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined));
	auditArray(doc).push([entry as unknown as AuditEntry]);
}

export interface StageMove {
	model: RegisteredModelRecord;
	version: ModelVersionRecord;
	stage: ModelStage;
	/** Also move every other version now in `stage` to Archived (MLflow's archive_existing_versions). */
	archiveExisting?: boolean;
	who: string;
	now: number;
	/** The approved request this move carries out (server only). */
	requestId?: string;
}

/** Moves a version to a stage and appends one audit entry per version whose stage changed. */
export function moveStage(doc: Y.Doc, move: StageMove): void {
	const { model, version, stage, who, now, requestId } = move;
	const set = (v: ModelVersionRecord, to: ModelStage) => {
		const e = readEntry(versionsMap(doc), v.id);
		if (!e) return;
		setIfChanged(e, FV.lastUpdateTime, now);
		if (v.stage === to) return;
		e.set(FV.stage, to);
		appendAudit(doc, { at: now, who, model: model.name, modelId: model.id, version: String(v.version), kind: 'stage', from: v.stage, to, requestId });
	};
	doc.transact(() => {
		if (move.archiveExisting) for (const other of model.versions) if (other.id !== version.id && other.stage === stage) set(other, 'Archived');
		set(version, stage);
		updateRegisteredModel(doc, model.id, { now });
	});
}

/** Points `alias` at `version` (null removes it) and appends an audit entry if the target changed. */
export function moveAlias(doc: Y.Doc, move: { model: RegisteredModelRecord; alias: string; version: ModelVersionRecord | null; who: string; now: number; requestId?: string }): void {
	const { model, alias, version, who, now, requestId } = move;
	const m = readEntry(modelsMap(doc), model.id);
	if (!m) return;
	const before = model.aliases.find((a) => a.alias === alias)?.version ?? null;
	const after = version?.version ?? null;
	doc.transact(() => {
		const aliases = ensureMap<string>(m, FM.aliases);
		if (version) {
			if (aliases.get(alias) !== version.id) aliases.set(alias, version.id);
		} else if (aliases.has(alias)) aliases.delete(alias);
		if (before === after) return;
		const shown = String(after ?? before);
		appendAudit(doc, { at: now, who, model: model.name, modelId: model.id, version: shown, kind: 'alias', alias, from: before === null ? null : String(before), to: after === null ? null : String(after), requestId });
	});
}

/** Soft-deletes a version (its number is never reused), clears its content and removes the aliases on it. */
export function deleteModelVersion(doc: Y.Doc, move: { model: RegisteredModelRecord; version: ModelVersionRecord; who: string; now: number }): void {
	const { model, version, who, now } = move;
	const e = readEntry(versionsMap(doc), version.id);
	if (!e) return;
	doc.transact(() => {
		for (const alias of version.aliases) moveAlias(doc, { model, alias, version: null, who, now });
		for (const key of [FV.description, FV.source, FV.storageLocation, FV.runId, FV.runLink, FV.loggedModelId, FV.tags]) if (e.has(key)) e.delete(key);
		e.set(FV.deleted, true);
		setIfChanged(e, FV.lastUpdateTime, now);
		updateRegisteredModel(doc, model.id, { now });
	});
}
