// Registry governance over the `registry` document, for the HTTP APIs: protected stages and aliases per model, move
// requests (made here, or by the MLflow API when it meets a protected move), their approval by a second person
// (which carries the move out, in the same transaction) or rejection, and the model's timeline at a time T.
import type * as Y from 'yjs';
import { docNames } from '../../src/lib/core/schema';
import { ApiError, invalid, notFound } from '../../src/lib/core/errors';
import { createRegistryId, readAuditLog, readRegisteredModel, type ModelStage, type RegisteredModelRecord } from '../../src/lib/core/docs/registry';
import { moveAlias, moveStage } from '../../src/lib/core/docs/registry-edit';
import {
	checkDecision,
	decideRequest,
	isProtectedMove,
	readMoveRequest,
	readMoveRequests,
	readProtection,
	setProtection,
	writeMoveRequest,
	type Decision,
	type MoveRequest,
	type Protection
} from '../../src/lib/core/docs/registry-governance';
import { readHoldersAt, readTimeline } from '../../src/lib/core/registry-timeline';
import { readModelAudit } from '../../src/lib/core/registry-view';
import { API_ORIGIN, readDocs, type DocAccess } from './doc-access';

const REGISTRY = docNames.registry;

export type RequestedMove =
	| { kind: 'stage'; version: number; stage: ModelStage; archiveExisting: boolean }
	| { kind: 'alias'; alias: string; version: number | null };

/** A protected move was not made: a request for it now awaits approval. Answered 202 with the request. */
export class PendingApprovalError extends ApiError {
	override readonly status = 202;
	readonly request: MoveRequest;
	constructor(request: MoveRequest) {
		const what = request.kind === 'stage' ? `stage '${request.stage}'` : `alias '${request.alias}'`;
		super(
			'INVALID_STATE',
			`${what[0].toUpperCase()}${what.slice(1)} of registered model '${request.model}' is protected: the move was not made. ` +
				`It awaits approval by a second person as request ${request.id} (GET /api/registry/models/${encodeURIComponent(request.model)}/requests/${request.id}).`
		);
		this.request = request;
	}
	override toJSON() {
		return { ...super.toJSON(), request_id: this.request.id, request: this.request };
	}
}

function requireModel(doc: Y.Doc, name: string): RegisteredModelRecord {
	const model = readRegisteredModel(doc, name);
	if (!model) throw notFound(`Registered Model with name=${name} not found`);
	return model;
}

/**
 * The request for `move` if the model protects it (written to the document; call inside a write), else null. The
 * version must exist; `who` is the requester.
 */
export function requestIfProtected(doc: Y.Doc, model: RegisteredModelRecord, move: RequestedMove, who: string, now: number): MoveRequest | null {
	const version = move.version === null ? null : model.versions.find((v) => v.version === move.version);
	const archives = move.kind === 'stage' && move.archiveExisting && model.versions.some((v) => v.version !== move.version && v.stage === move.stage);
	if (!isProtectedMove(readProtection(doc, model.id), move.kind === 'stage' ? { ...move, archives } : move)) return null;
	if (version === undefined) throw notFound(`Model Version (name=${model.name}, version=${move.version}) not found`);
	const base = { id: createRegistryId(), modelId: model.id, model: model.name, versionId: version?.id ?? null, version: version ? String(version.version) : null, requestedBy: who, requestedAt: now, status: 'pending' as const };
	const request: MoveRequest = move.kind === 'stage' ? { ...base, kind: 'stage', stage: move.stage, archiveExisting: move.archiveExisting } : { ...base, kind: 'alias', alias: move.alias };
	writeMoveRequest(doc, request);
	return request;
}

/** Carries an approved request out (the approver is who made the move); throws if it can no longer be made. */
function carryOut(doc: Y.Doc, model: RegisteredModelRecord, r: MoveRequest, who: string, now: number): void {
	const version = r.versionId === null ? null : model.versions.find((v) => v.id === r.versionId);
	if (version === undefined) throw new ApiError('INVALID_STATE', `Request ${r.id} cannot be carried out: version ${r.version} of '${model.name}' no longer exists`);
	if (r.kind === 'stage') moveStage(doc, { model, version: version!, stage: r.stage!, archiveExisting: r.archiveExisting, who, now, requestId: r.id });
	else moveAlias(doc, { model, alias: r.alias!, version, who, now, requestId: r.id });
}

export function createGovernanceService(access: DocAccess, opts: { now?: () => number } = {}) {
	const now = opts.now ?? Date.now;
	const read = <T>(fn: (doc: Y.Doc) => T) => readDocs(access, [REGISTRY], ([doc]) => fn(doc));
	const write = <T>(fn: (doc: Y.Doc) => T) => access.transact([REGISTRY], ([doc]) => fn(doc), API_ORIGIN);
	const requireRequest = (doc: Y.Doc, model: RegisteredModelRecord, id: string) => {
		const r = readMoveRequest(doc, id);
		if (!r || r.modelId !== model.id) throw notFound(`Request ${id} of registered model '${model.name}' not found`);
		return r;
	};

	return {
		getProtection: (name: string): Promise<Protection> => read((doc) => readProtection(doc, requireModel(doc, name).id)),

		setProtection: (name: string, p: { stages: ModelStage[]; aliases: string[] }, who: string): Promise<Protection> =>
			write((doc) => {
				const model = requireModel(doc, name);
				setProtection(doc, model.id, p, who, now());
				return readProtection(doc, model.id);
			}),

		/** A request for a protected move; a move nothing protects is refused (make it directly). */
		requestMove: (name: string, move: RequestedMove, who: string): Promise<MoveRequest> =>
			write((doc) => {
				const model = requireModel(doc, name);
				const r = requestIfProtected(doc, model, move, who, now());
				if (!r) throw new ApiError('INVALID_STATE', `${move.kind === 'stage' ? `Stage '${move.stage}'` : `Alias '${move.alias}'`} of registered model '${name}' is not protected: move it directly`);
				return r;
			}),

		listRequests: (name: string): Promise<MoveRequest[]> => read((doc) => readMoveRequests(doc, requireModel(doc, name).id)),

		getRequest: (name: string, id: string): Promise<MoveRequest> => read((doc) => requireRequest(doc, requireModel(doc, name), id)),

		/** Approves (and carries out) or rejects a pending request; never by its requester. */
		decide: (name: string, id: string, decision: Decision, who: string, note?: string): Promise<MoveRequest> =>
			write((doc) => {
				const model = requireModel(doc, name);
				const r = requireRequest(doc, model, id);
				const wrong = checkDecision(r, decision, who);
				if (wrong) throw new ApiError(r.status === 'pending' ? 'PERMISSION_DENIED' : 'INVALID_STATE', wrong);
				const at = now();
				if (decision === 'approve') carryOut(doc, model, r, who, at);
				const decided = decideRequest(r, decision, who, at, note);
				writeMoveRequest(doc, decided);
				return decided;
			}),

		/** The model's spans per stage and alias, its moves and requests, and (given `at`, ms) who held what then. */
		timeline: (name: string, at: number | null) =>
			read((doc) => {
				const model = requireModel(doc, name);
				const log = readAuditLog(doc);
				const timeline = readTimeline(log, model);
				return {
					model: model.name,
					...timeline,
					moves: readModelAudit(log, model.name, model.id).reverse(),
					requests: readMoveRequests(doc, model.id),
					...(at === null ? {} : { at, holders: readHoldersAt(timeline, at) })
				};
			})
	};
}

export type GovernanceService = ReturnType<typeof createGovernanceService>;

