// The registry pages' state: model rows, one model or one version with its audit trail, read live from the local
// `registry` document; creates, renames, deletes, stage, alias, description and tag edits applied to that document
// (offline too) by the same writers the server uses, so they merge through the relay. "Who" is the signed-in user,
// else this browser's display name (registry-user.svelte.ts); protected moves become requests. An identity refused the registry reads the models list over HTTP (read-only);
// a model's own page needs the document.
import type * as Y from 'yjs';
import { docNames } from '$lib/core/schema';
import {
	createRegistryId,
	readAuditLog,
	readRegisteredModels,
	type AuditEntry,
	type ModelStage,
	type ModelVersionRecord,
	type RegisteredModelRecord
} from '$lib/core/docs/registry';
import {
	createRegisteredModel,
	deleteRegisteredModel,
	moveAlias,
	moveStage,
	renameRegisteredModel,
	updateModelVersion,
	updateRegisteredModel,
	type ModelVersionPatch,
	type RegisteredModelPatch
} from '$lib/core/docs/registry-edit';
import { checkModelNameInput, readModelAudit, readModelRow, type Checked, type ModelRow } from '$lib/core/registry-view';
import { createDocsView, type DocsView } from './doc-view.svelte';
import { openDocument } from './documents';
import { withRefusalFallback } from './auth-fallback.svelte';
import { requireDocument } from './auth-access.svelte';
import { fetchReadableModels } from './auth-lists';
import { readProtection } from '$lib/core/docs/registry-governance';
import { readActor, routeProtectedMove } from './registry-governance.svelte';

/** Why the registry cannot be edited by an identity refused its document. */
const READ_ONLY = 'You may read some models but not change the registry: it is read-only here.';

const readNamesById = (models: readonly RegisteredModelRecord[]) => new Map(models.map((m) => [m.id, m.name]));

/** Every registered model as a table row, sorted by name. Call while a component initialises. */
export function createModelsView(): DocsView<ModelRow[]> {
	const live = createDocsView(
		() => docNames.registry,
		(name) => [name],
		([doc]) => readRegisteredModels(doc).map(readModelRow),
		[]
	);
	return withRefusalFallback(live, docNames.registry, fetchReadableModels, [], `Showing the models you may read. ${READ_ONLY}`);
}

export interface ModelPage {
	model: RegisteredModelRecord | null;
	/** The model's stage and alias moves, newest first. */
	audit: AuditEntry[];
	/** Every model's settled name by id (a page follows its model through a rename made elsewhere). */
	names: ReadonlyMap<string, string>;
}

/** The model named `name()` (null while absent) and its audit trail. Call while a component initialises. */
export function createModelView(name: () => string | null): DocsView<ModelPage> {
	requireDocument(docNames.registry);
	return createDocsView(
		name,
		() => [docNames.registry],
		([doc], modelName) => {
			const models = readRegisteredModels(doc);
			const model = models.find((m) => m.name === modelName) ?? null;
			return { model, audit: readModelAudit(readAuditLog(doc), modelName, model?.id), names: readNamesById(models) };
		},
		{ model: null, audit: [], names: new Map() }
	);
}

export interface VersionPage extends ModelPage {
	version: ModelVersionRecord | null;
}

/** Version `key().version` of the model named `key().name` (null while absent), and the moves of that version. */
export function createVersionView(key: () => { name: string; version: number } | null): DocsView<VersionPage> {
	requireDocument(docNames.registry);
	return createDocsView(
		// A string key, so the view reopens only when the name or number changes.
		() => {
			const k = key();
			return k ? `${k.version}/${k.name}` : null;
		},
		() => [docNames.registry],
		([doc], k) => {
			const [number, name] = [Number(k.slice(0, k.indexOf('/'))), k.slice(k.indexOf('/') + 1)];
			const models = readRegisteredModels(doc);
			const model = models.find((m) => m.name === name) ?? null;
			const version = model?.versions.find((v) => v.version === number) ?? null;
			const audit = model ? readModelAudit(readAuditLog(doc), name, model.id).filter((e) => e.version === String(number)) : [];
			return { model, version, audit, names: readNamesById(models) };
		},
		{ model: null, version: null, audit: [], names: new Map() }
	);
}

/** Creates a model named `name` (checked as the MLflow API checks it); the settled name, or why not. */
export function createModel(name: string, description: string | null): Checked<string> {
	const handle = openDocument(docNames.registry);
	try {
		if (handle.refusal !== null) return { ok: false, error: READ_ONLY };
		const checked = checkModelNameInput(name, readRegisteredModels(handle.doc).map((m) => m.name));
		if (checked.ok) createRegisteredModel(handle.doc, { id: createRegistryId(), name: checked.value, description, now: Date.now() });
		return checked;
	} finally {
		handle.release();
	}
}

/** Renames a model (its versions, aliases and audit trail follow); the new name, or why not. */
export function renameModel(modelId: string, newName: string): Checked<string> {
	const handle = openDocument(docNames.registry);
	try {
		const others = readRegisteredModels(handle.doc).filter((m) => m.id !== modelId);
		const checked = checkModelNameInput(newName, others.map((m) => m.name));
		if (!checked.ok) return checked;
		const result = renameRegisteredModel(handle.doc, modelId, checked.value, Date.now());
		return result === 'missing' ? { ok: false, error: 'This model was deleted.' } : checked;
	} finally {
		handle.release();
	}
}

/** Deletes a model and its versions (as MLflow does: for good). */
export function deleteModel(modelId: string): boolean {
	return withModel(modelId, (doc) => void deleteRegisteredModel(doc, modelId));
}

/** Edits a version's description or tags; every edit touches its last-update time. */
export function editVersion(modelId: string, versionId: string, patch: Omit<ModelVersionPatch, 'now'>): boolean {
	return withModel(modelId, (doc) => void updateModelVersion(doc, versionId, { ...patch, now: Date.now() }));
}

/** Runs `fn` on the local registry document with the model as it is now (edits made elsewhere included). */
function withModel(modelId: string, fn: (doc: Y.Doc, model: RegisteredModelRecord) => void): boolean {
	const handle = openDocument(docNames.registry);
	try {
		const model = readRegisteredModels(handle.doc).find((m) => m.id === modelId);
		if (!model) return false;
		fn(handle.doc, model);
		return true;
	} finally {
		handle.release();
	}
}

/** Edits a model's description or tags; every edit touches its last-update time. */
export function editModel(modelId: string, patch: Omit<RegisteredModelPatch, 'now' | 'name'>): boolean {
	return withModel(modelId, (doc) => void updateRegisteredModel(doc, modelId, { ...patch, now: Date.now() }));
}

/**
 * Moves a version to `stage`, optionally archiving the versions already there; appends the audit entries. A
 * protected stage is not written: a request for it goes to the server (registry-governance.svelte.ts).
 */
export function transitionStage(modelId: string, versionId: string, stage: ModelStage, archiveExisting: boolean): boolean {
	return withModel(modelId, (doc, model) => {
		const version = model.versions.find((v) => v.id === versionId);
		if (!version || routeProtectedMove(model, readProtection(doc, modelId), { kind: 'stage', version: version.version, stage, archiveExisting })) return;
		moveStage(doc, { model, version, stage, archiveExisting, who: readActor(), now: Date.now() });
	});
}

/** Points `alias` at the version (null removes the alias); appends an audit entry when its target changes. A protected alias becomes a request. */
export function setAlias(modelId: string, alias: string, versionId: string | null): boolean {
	return withModel(modelId, (doc, model) => {
		const version = versionId === null ? null : (model.versions.find((v) => v.id === versionId) ?? null);
		if (versionId !== null && !version) return;
		if (routeProtectedMove(model, readProtection(doc, modelId), { kind: 'alias', alias, version: version?.version ?? null })) return;
		moveAlias(doc, { model, alias, version, who: readActor(), now: Date.now() });
	});
}

/**
 * Keeps a page on its model when the model is renamed (here or in another browser): once the model seen under
 * `name()` reads under another name, `go(newName)` is called. Call while a component initialises.
 */
export function followModelRename(name: () => string, view: DocsView<ModelPage>, go: (newName: string) => void): void {
	let seen: { name: string; id: string } | null = null;
	$effect(() => {
		const requested = name();
		const { model, names } = view.current;
		if (model) {
			seen = { name: requested, id: model.id };
			return;
		}
		const renamed = seen && seen.name === requested ? names.get(seen.id) : undefined;
		if (renamed !== undefined && renamed !== requested) go(renamed);
	});
}
