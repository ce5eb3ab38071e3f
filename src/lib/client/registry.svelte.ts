// The registry pages' state: model rows and one model with its audit trail, read live from the local `registry`
// document; stage, alias, description and tag edits applied to that document (offline too) by the same writers
// the server uses, so they merge through the relay. "Who" is this browser's display name (registry-user.svelte.ts).
import type * as Y from 'yjs';
import { docNames } from '$lib/core/schema';
import { readAuditLog, readRegisteredModels, type AuditEntry, type ModelStage, type RegisteredModelRecord } from '$lib/core/docs/registry';
import { moveAlias, moveStage, updateRegisteredModel, type RegisteredModelPatch } from '$lib/core/docs/registry-edit';
import { readModelAudit, readModelRow, type ModelRow } from '$lib/core/registry-view';
import { createDocsView, type DocsView } from './doc-view.svelte';
import { openDocument } from './documents';
import { readDisplayName } from './registry-user.svelte';

/** Every registered model as a table row, sorted by name. Call while a component initialises. */
export function createModelsView(): DocsView<ModelRow[]> {
	return createDocsView(
		() => docNames.registry,
		(name) => [name],
		([doc]) => readRegisteredModels(doc).map(readModelRow),
		[]
	);
}

export interface ModelPage {
	model: RegisteredModelRecord | null;
	/** The model's stage and alias moves, newest first. */
	audit: AuditEntry[];
}

/** The model named `name()` (null while absent) and its audit trail. Call while a component initialises. */
export function createModelView(name: () => string | null): DocsView<ModelPage> {
	return createDocsView(
		name,
		() => [docNames.registry],
		([doc], modelName) => {
			const model = readRegisteredModels(doc).find((m) => m.name === modelName) ?? null;
			return { model, audit: readModelAudit(readAuditLog(doc), modelName) };
		},
		{ model: null, audit: [] }
	);
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

/** Moves a version to `stage`, optionally archiving the versions already there; appends the audit entries. */
export function transitionStage(modelId: string, versionId: string, stage: ModelStage, archiveExisting: boolean): boolean {
	return withModel(modelId, (doc, model) => {
		const version = model.versions.find((v) => v.id === versionId);
		if (version) moveStage(doc, { model, version, stage, archiveExisting, who: readDisplayName().current, now: Date.now() });
	});
}

/** Points `alias` at the version (null removes the alias); appends an audit entry when its target changes. */
export function setAlias(modelId: string, alias: string, versionId: string | null): boolean {
	return withModel(modelId, (doc, model) => {
		const version = versionId === null ? null : (model.versions.find((v) => v.id === versionId) ?? null);
		if (versionId !== null && !version) return;
		moveAlias(doc, { model, alias, version, who: readDisplayName().current, now: Date.now() });
	});
}
