// Model registry operations over the `registry` document, for the MLflow registry API. Each write reads, checks
// and writes in one synchronous block inside `access.transact`, so two requests can never claim the same name
// or version number; every write also settles offline duplicates for good (`repairVersionNumbers`).
import type * as Y from 'yjs';
import { docNames } from '../../src/lib/core/schema';
import { ApiError, alreadyExists, invalid, notFound } from '../../src/lib/core/errors';
import {
	createRegistryId,
	readAuditLog,
	readRegisteredModel,
	readRegisteredModels,
	repairVersionNumbers,
	type ModelStage,
	type ModelVersionRecord,
	type RegisteredModelRecord
} from '../../src/lib/core/docs/registry';
import {
	createModelVersion,
	createRegisteredModel,
	deleteModelVersion,
	deleteRegisteredModel,
	moveAlias,
	moveStage,
	renameRegisteredModel,
	updateModelVersion,
	updateRegisteredModel
} from '../../src/lib/core/docs/registry-edit';
import { readLatestVersions } from '../../src/lib/core/mlflow/registry-json';
import { IS_PROMPT_TAG, searchModelVersions, searchRegisteredModels } from '../../src/lib/core/mlflow/registry-search';
import { readPage } from '../../src/lib/core/mlflow/paging';
import { checkVersionSource, isUriWithinRoot, parseModelUri } from '../../src/lib/core/mlflow/registry-source';
import type { SearchRequest } from '../../src/lib/core/mlflow/registry-request';
import { API_ORIGIN, readDocs, type DocAccess } from './doc-access';
import { readProtection, type MoveRequest } from '../../src/lib/core/docs/registry-governance';
import { PendingApprovalError, requestIfProtected } from './registry-governance';

const REGISTRY = docNames.registry;

/** Tracking data that some model version sources need; without a lookup, the checks that need it are skipped. */
export interface RegistryLookups {
	/** Runs (the RunService fits): `mlflow-artifacts:` sources must lie inside the run's artifact URI. */
	runs?: { get(runId: string): Promise<{ artifact_uri: string }> };
	/** A logged model's artifact location and source run, or null (resolves `models:/<model_id>` sources). */
	loggedModel?(modelId: string): Promise<{ artifactLocation: string; sourceRunId: string | null } | null>;
}

export interface NewVersionInput {
	name: string;
	source: string;
	runId: string | null;
	runLink: string | null;
	loggedModelId: string | null;
	description: string | null;
	tags: Record<string, string>;
}

/** Throws for a move that became a request; else returns nothing (the move was made). */
function throwIfPending(r: unknown): undefined {
	if (r && typeof r === 'object' && 'requestedBy' in r) throw new PendingApprovalError(r as MoveRequest);
	return undefined;
}

const modelNotFound = (name: string) => notFound(`Registered Model with name=${name} not found`);
const versionNotFound = (name: string, version: number) => notFound(`Model Version (name=${name}, version=${version}) not found`);

function requireModel(doc: Y.Doc, name: string): RegisteredModelRecord {
	const model = readRegisteredModel(doc, name);
	if (!model) throw modelNotFound(name);
	return model;
}

function requireVersion(doc: Y.Doc, name: string, version: number): { model: RegisteredModelRecord; version: ModelVersionRecord } {
	const model = readRegisteredModel(doc, name);
	const found = model?.versions.find((v) => v.version === version);
	if (!model || !found) throw versionNotFound(name, version);
	return { model, version: found };
}

/** The models `visible` accepts by name (all without it). */
function onlyVisible<T extends { name: string }>(models: T[], visible: ((name: string) => boolean) | null | undefined): T[] {
	return visible ? models.filter((m) => visible(m.name)) : models;
}

export function createRegistryService(access: DocAccess, opts: RegistryLookups & { now?: () => number } = {}) {
	const now = opts.now ?? Date.now;
	const lookups: RegistryLookups = opts;
	const read = <T>(fn: (doc: Y.Doc) => T) => readDocs(access, [REGISTRY], ([doc]) => fn(doc));
	const write = <T>(fn: (doc: Y.Doc) => T) =>
		access.transact(
			[REGISTRY],
			([doc]) => {
				repairVersionNumbers(doc);
				return fn(doc);
			},
			API_ORIGIN
		);

	/** Source checks that need tracking data; returns where the artifacts are and the run id to record. */
	async function resolveSource(input: NewVersionInput): Promise<{ storageLocation: string; runId: string | null }> {
		const check = checkVersionSource(input.source, input.runId, input.loggedModelId);
		const wrongOwner = (field: string) => invalid(`Invalid model version source: '${input.source}'. The ${field} request parameter must identify the resource that contains the source.`);
		if (check.need === 'run-root' && lookups.runs) {
			const root = await lookups.runs.get(check.runId).then((r) => r.artifact_uri, () => null);
			if (root === null || !isUriWithinRoot(input.source, root)) throw wrongOwner('run_id');
		}
		if (check.need === 'model-root' && lookups.loggedModel) {
			const model = await lookups.loggedModel(check.modelId);
			if (model === null || !isUriWithinRoot(input.source, model.artifactLocation)) throw wrongOwner('model_id');
		}
		let storageLocation = input.source;
		let runId = input.runId;
		const uri = parseModelUri(input.source);
		const loggedId = uri?.kind === 'logged-model' ? uri.modelId : runId ? null : input.loggedModelId;
		if (loggedId && lookups.loggedModel) {
			const model = await lookups.loggedModel(loggedId);
			if (!model) throw notFound(`Unable to fetch model from model URI source artifact location '${input.source}'. Logged model '${loggedId}' not found.`);
			if (uri?.kind === 'logged-model') storageLocation = model.artifactLocation;
			runId ||= model.sourceRunId;
		}
		return { storageLocation, runId };
	}

	/** A `models:/<name>/<version|stage|latest>` or `models:/<name>@<alias>` source, resolved in the registry. */
	function resolveRegisteredSource(doc: Y.Doc, source: string): ModelVersionRecord | null {
		const uri = parseModelUri(source);
		if (uri?.kind !== 'registered') return null;
		const model = requireModel(doc, uri.name);
		let found: ModelVersionRecord | undefined;
		if (uri.version !== undefined) found = model.versions.find((v) => v.version === uri.version);
		else if (uri.alias !== undefined) found = model.versions.find((v) => v.aliases.includes(uri.alias!));
		else if (uri.stage !== undefined) found = readLatestVersions(model).find((v) => v.stage.toLowerCase() === uri.stage!.toLowerCase());
		else found = model.versions.at(-1);
		if (!found) throw notFound(`No model version found for model URI '${source}'`);
		return found;
	}

	return {
		createModel: (input: { name: string; tags: Record<string, string>; description: string | null }) =>
			write((doc) => {
				const existing = readRegisteredModel(doc, input.name);
				if (existing) {
					const [was, is] = [IS_PROMPT_TAG in existing.tags, IS_PROMPT_TAG in input.tags];
					if (was !== is) {
						const [oldKind, newKind] = [was ? 'prompt' : 'registered model', is ? 'prompt' : 'registered model'];
						throw alreadyExists(`Tried to create a ${newKind} with name '${input.name}', but the name is already taken by a ${oldKind}. MLflow does not allow creating a model and a prompt with the same name.`);
					}
					throw alreadyExists(`${is ? 'Prompt' : 'Registered Model'} (name=${input.name}) already exists.`);
				}
				createRegisteredModel(doc, { id: createRegistryId(), ...input, now: now() });
				return requireModel(doc, input.name);
			}),

		getModel: (name: string) => read((doc) => requireModel(doc, name)),

		/** `visible`: only models it accepts (by name) are searched (a caller's read permissions). */
		async searchModels(req: SearchRequest, visible?: ((name: string) => boolean) | null) {
			const all = onlyVisible(await read((doc) => readRegisteredModels(doc)), visible);
			return readPage(searchRegisteredModels(all, req.filter, req.orderBy), req.offset, req.maxResults);
		},

		renameModel: (name: string, newName: string) =>
			write((doc) => {
				const model = requireModel(doc, name);
				if (renameRegisteredModel(doc, model.id, newName, now()) === 'taken') throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
				return requireModel(doc, newName);
			}),

		updateModel: (name: string, description: string | null) =>
			write((doc) => {
				updateRegisteredModel(doc, requireModel(doc, name).id, { description, now: now() });
				return requireModel(doc, name);
			}),

		deleteModel: (name: string) => write((doc) => void deleteRegisteredModel(doc, requireModel(doc, name).id)),

		setModelTag: (name: string, key: string, value: string) =>
			write((doc) => void updateRegisteredModel(doc, requireModel(doc, name).id, { tags: { [key]: value } })),

		deleteModelTag: (name: string, key: string) =>
			write((doc) => void updateRegisteredModel(doc, requireModel(doc, name).id, { deleteTags: [key] })),

		/** A protected alias is not moved: a request is made, and PendingApprovalError thrown once it is durable. */
		setAlias: (name: string, alias: string, version: number, who: string) =>
			write((doc) => {
				const target = requireVersion(doc, name, version);
				const pending = requestIfProtected(doc, target.model, { kind: 'alias', alias, version }, who, now());
				if (!pending) moveAlias(doc, { model: target.model, alias, version: target.version, who, now: now() });
				return pending;
			}).then(throwIfPending),

		deleteAlias: (name: string, alias: string, who: string) =>
			write((doc) => {
				const model = requireModel(doc, name);
				const pending = model.aliases.some((a) => a.alias === alias) ? requestIfProtected(doc, model, { kind: 'alias', alias, version: null }, who, now()) : null;
				if (!pending) moveAlias(doc, { model, alias, version: null, who, now: now() });
				return pending;
			}).then(throwIfPending),

		/** `latest` (any case) is the highest live version, as MLflow resolves it. */
		getVersionByAlias: (name: string, alias: string) =>
			read((doc) => {
				const model = requireModel(doc, name);
				const found = alias.toLowerCase() === 'latest' ? model.versions.at(-1) : model.versions.find((v) => v.aliases.includes(alias));
				if (!found && alias.toLowerCase() === 'latest') throw notFound(`Latest version not found for model ${name}.`);
				if (!found) throw invalid(`Registered model alias ${alias} not found.`);
				return found;
			}),

		getLatestVersions: (name: string, stages: ModelStage[]) => read((doc) => readLatestVersions(requireModel(doc, name), stages)),

		async createVersion(input: NewVersionInput): Promise<ModelVersionRecord> {
			const resolved = parseModelUri(input.source)?.kind === 'registered' ? null : await resolveSource(input);
			return write((doc) => {
				const model = requireModel(doc, input.name);
				const from = resolved ? null : resolveRegisteredSource(doc, input.source);
				if (from && ((input.runId !== null && input.runId !== from.runId) || (input.loggedModelId !== null && input.loggedModelId !== from.loggedModelId))) {
					throw invalid(`Invalid model version source: '${input.source}'. The run_id and model_id request parameters must match the referenced model version.`);
				}
				const id = createRegistryId();
				createModelVersion(doc, {
					id,
					modelId: model.id,
					number: model.nextVersion,
					source: from ? `models:/${from.name}/${from.version}` : input.source,
					storageLocation: from ? from.storageLocation : resolved!.storageLocation,
					runId: from ? (input.runId ?? from.runId) : resolved!.runId,
					runLink: input.runLink,
					loggedModelId: from ? (input.loggedModelId ?? from.loggedModelId) : input.loggedModelId,
					description: input.description,
					tags: input.tags,
					now: now()
				});
				const created = requireModel(doc, input.name).versions.find((v) => v.id === id);
				if (!created) throw new ApiError('INTERNAL_ERROR', `Model version ${id} vanished while being created`);
				return created;
			});
		},

		getVersion: (name: string, version: number) => read((doc) => requireVersion(doc, name, version).version),

		async searchVersions(req: SearchRequest, visible?: ((name: string) => boolean) | null) {
			const all = onlyVisible(await read((doc) => readRegisteredModels(doc)), visible);
			return readPage(searchModelVersions(all, req.filter, req.orderBy), req.offset, req.maxResults);
		},

		updateVersion: (name: string, version: number, description: string | null) =>
			write((doc) => {
				updateModelVersion(doc, requireVersion(doc, name, version).version.id, { description, now: now() });
				return requireVersion(doc, name, version).version;
			}),

		/** A move to a protected stage is not made: a request is, and PendingApprovalError thrown once it is durable. */
		transitionStage: (name: string, version: number, stage: ModelStage, archiveExisting: boolean, who: string) =>
			write((doc) => {
				const target = requireVersion(doc, name, version);
				const pending = target.version.stage === stage ? null : requestIfProtected(doc, target.model, { kind: 'stage', version, stage, archiveExisting }, who, now());
				if (pending) return pending;
				moveStage(doc, { model: target.model, version: target.version, stage, archiveExisting, who, now: now() });
				return requireVersion(doc, name, version).version;
			}).then((r) => throwIfPending(r) ?? (r as ModelVersionRecord)),

		deleteVersion: (name: string, version: number, who: string) =>
			write((doc) => {
				const target = requireVersion(doc, name, version);
				const held = readProtection(doc, target.model.id).aliases.filter((a) => target.version.aliases.includes(a));
				if (held.length) throw new ApiError('INVALID_STATE', `Model Version (name=${name}, version=${version}) holds the protected alias ${held.join(', ')}: move it through an approved request first`);
				deleteModelVersion(doc, { model: target.model, version: target.version, who, now: now() });
			}),

		setVersionTag: (name: string, version: number, key: string, value: string) =>
			write((doc) => void updateModelVersion(doc, requireVersion(doc, name, version).version.id, { tags: { [key]: value } })),

		deleteVersionTag: (name: string, version: number, key: string) =>
			write((doc) => void updateModelVersion(doc, requireVersion(doc, name, version).version.id, { deleteTags: [key] })),

		getDownloadUri: (name: string, version: number) => read((doc) => requireVersion(doc, name, version).version.storageLocation),

		readAudit: () => read((doc) => readAuditLog(doc))
	};
}

export type RegistryService = ReturnType<typeof createRegistryService>;
