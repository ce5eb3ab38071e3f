// Whose entry a client write touches in a document that holds many resources (DESIGN.md §7): the experiment of a
// `workspace` entry, of a saved view or of a run header in `exp/<id>`, the registered model (by name) of a `registry` model or
// version, or an audit entry. Access control then checks the writer's level on that resource. Pure.
import * as Y from 'yjs';
import { EXPERIMENT_FIELDS, KEYS, REGISTRY_FIELDS, RUN_FIELDS, SAVED_VIEW_FIELDS } from '../schema';
import { readViewExperiment } from './saved-views';
import { modelsMap, readEntry, versionsMap } from './registry';
import type { Write } from './update-guard';

export type WriteOwner =
	/** `created`: the write makes the entry (a new experiment or model); `removes`: it deletes or restores one. */
	| { kind: 'experiment'; id: string; created: boolean; removes: boolean }
	/** `name` null: a model the update creates, or a version whose model the update names elsewhere. */
	| { kind: 'registered_model'; name: string | null; created: boolean; removes: boolean }
	| { kind: 'audit'; entries: readonly unknown[] }
	/** A saved view of experiment `experimentId` (null: not known from this write); `createdBy` when the write sets it. */
	| { kind: 'view'; experimentId: string | null; createdBy?: unknown }
	| { kind: 'other' };

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** The owner of one write to `docKind` ('workspace', 'registry' or 'experiment'), read from the document before it. */
export function readWriteOwner(docKind: 'workspace' | 'registry' | 'experiment', write: Write, doc: Y.Doc, experimentId?: string): WriteOwner {
	const { path, key } = write.target;
	if (docKind === 'registry' && path[0] === KEYS.registry.audit) {
		return { kind: 'audit', entries: write.op === 'insert' && write.value.kind === 'any' ? write.value.values : [] };
	}
	const entryId = path.length === 1 ? key : text(path[1]);
	const field = path.length === 1 ? null : path.length === 2 ? key : text(path[2]);
	if (entryId === null) return { kind: 'other' };

	if (docKind === 'workspace' && path[0] === KEYS.workspace.experiments) {
		const exists = doc.getMap(KEYS.workspace.experiments).has(entryId);
		return { kind: 'experiment', id: entryId, created: !exists, removes: field === EXPERIMENT_FIELDS.lifecycle || (path.length === 1 && write.op === 'delete') };
	}
	if (docKind === 'workspace' && path[0] === KEYS.workspace.views) {
		const value = write.op === 'insert' && write.value.kind === 'any' ? write.value.values[0] : undefined;
		const owner: WriteOwner = { kind: 'view', experimentId: readViewExperiment(doc, entryId, { field, value }) };
		if (field === SAVED_VIEW_FIELDS.createdBy && write.op === 'insert') owner.createdBy = value;
		return owner;
	}
	if (docKind === 'experiment' && path[0] === KEYS.experiment.runs && experimentId !== undefined) {
		return { kind: 'experiment', id: experimentId, created: false, removes: field === RUN_FIELDS.lifecycle || (path.length === 1 && write.op === 'delete') };
	}
	if (docKind !== 'registry') return { kind: 'other' };
	if (path[0] === KEYS.registry.models) {
		const model = readEntry(modelsMap(doc), entryId);
		const name = model ? text(model.get(REGISTRY_FIELDS.model.name)) : null;
		return { kind: 'registered_model', name, created: model === null, removes: path.length === 1 && write.op === 'delete' };
	}
	if (path[0] === KEYS.registry.versions) {
		const version = readEntry(versionsMap(doc), entryId);
		// A new version names its model in its `model` field, set in the same update: that write is the one checked.
		let modelId = version ? text(version.get(REGISTRY_FIELDS.version.model)) : null;
		if (!version && field === REGISTRY_FIELDS.version.model && write.op === 'insert' && write.value.kind === 'any') modelId = text(write.value.values[0]);
		const model = modelId ? readEntry(modelsMap(doc), modelId) : null;
		const name = model ? text(model.get(REGISTRY_FIELDS.model.name)) : null;
		const removes = (path.length === 1 && write.op === 'delete') || field === REGISTRY_FIELDS.version.deleted;
		return { kind: 'registered_model', name, created: false, removes };
	}
	return { kind: 'other' };
}
