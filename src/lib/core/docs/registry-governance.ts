// Registry governance in the `registry` document: which stages and aliases of a model are protected, the move
// requests awaiting a second person's approval (and their decisions), and the guard rule that stops a client from
// making a protected move by writing the stage or alias itself. Both roots are written by the server only.
import * as Y from 'yjs';
import { KEYS, REGISTRY_FIELDS } from '../schema';
import { MODEL_STAGES, modelsMap, readEntry, versionsMap, type ModelStage } from './registry';
import type { Write } from './update-guard-rules';

export interface Protection {
	/** Sorted in stage order. */
	stages: ModelStage[];
	/** Sorted. */
	aliases: string[];
	/** Who last changed it, and when (ms since epoch); '' and 0 when never set. */
	by: string;
	at: number;
}

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A stage move (to `stage`) or an alias move (`alias` to version `version`, null = delete it) awaiting approval. */
export interface MoveRequest {
	id: string;
	modelId: string;
	/** The model's name when it was requested. */
	model: string;
	kind: 'stage' | 'alias';
	stage?: ModelStage;
	archiveExisting?: boolean;
	alias?: string;
	/** The version's id and number (as MLflow's string); null for deleting an alias. */
	versionId: string | null;
	version: string | null;
	requestedBy: string;
	/** ms since epoch */
	requestedAt: number;
	status: RequestStatus;
	decidedBy?: string;
	decidedAt?: number;
	/** Why it was rejected, or what approving it could not do; at most 1000 characters. */
	note?: string;
}

const protectedMap = (doc: Y.Doc) => doc.getMap<unknown>(KEYS.registry.protected);
const requestsMap = (doc: Y.Doc) => doc.getMap<unknown>(KEYS.registry.requests);

const EMPTY: Protection = Object.freeze({ stages: [], aliases: [], by: '', at: 0 }) as Protection;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The model's protection (nothing protected when it was never set). */
export function readProtection(doc: Y.Doc, modelId: string): Protection {
	const v = protectedMap(doc).get(modelId);
	if (!v || typeof v !== 'object') return EMPTY;
	const o = v as Record<string, unknown>;
	return {
		stages: MODEL_STAGES.filter((s) => strings(o.stages).includes(s)),
		aliases: [...new Set(strings(o.aliases))].sort(),
		by: typeof o.by === 'string' ? o.by : '',
		at: typeof o.at === 'number' ? o.at : 0
	};
}

/** Replaces the model's protected stages and aliases (server only: clients may not write this root). */
export function setProtection(doc: Y.Doc, modelId: string, p: { stages: readonly ModelStage[]; aliases: readonly string[] }, by: string, at: number): void {
	const stages = MODEL_STAGES.filter((s) => p.stages.includes(s));
	const aliases = [...new Set(p.aliases)].sort();
	if (stages.length === 0 && aliases.length === 0) protectedMap(doc).delete(modelId);
	else protectedMap(doc).set(modelId, { stages, aliases, by, at });
}

function readRequest(id: string, v: unknown): MoveRequest | null {
	if (!v || typeof v !== 'object') return null;
	const o = v as Record<string, unknown>;
	const ok =
		typeof o.modelId === 'string' &&
		typeof o.model === 'string' &&
		(o.kind === 'stage' || o.kind === 'alias') &&
		typeof o.requestedBy === 'string' &&
		typeof o.requestedAt === 'number' &&
		(REQUEST_STATUSES as readonly unknown[]).includes(o.status);
	return ok ? ({ ...(o as unknown as MoveRequest), id } as MoveRequest) : null;
}

/** Every request (of one model, given its id), oldest first (ties by id, the same order on every peer). */
export function readMoveRequests(doc: Y.Doc, modelId?: string): MoveRequest[] {
	const out: MoveRequest[] = [];
	for (const [id, v] of requestsMap(doc).entries()) {
		const r = readRequest(id, v);
		if (r && (modelId === undefined || r.modelId === modelId)) out.push(r);
	}
	return out.sort((a, b) => a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function readMoveRequest(doc: Y.Doc, id: string): MoveRequest | null {
	return readRequest(id, requestsMap(doc).get(id));
}

/** Stores a request (server only). */
export function writeMoveRequest(doc: Y.Doc, r: MoveRequest): void {
	const { id, ...rest } = r;
	requestsMap(doc).set(id, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
}

export type Decision = 'approve' | 'reject';

/**
 * The request state machine: only a pending request is decided, once, and never by the person who made it
 * (names compare exactly, as the audit log records them). Returns what is wrong, or null.
 */
export function checkDecision(r: MoveRequest, decision: Decision, who: string): string | null {
	if (r.status !== 'pending') return `Request ${r.id} was already ${r.status} by ${r.decidedBy ?? 'someone'}`;
	if (who === r.requestedBy) return `Request ${r.id} was made by ${who}: a second person must ${decision} it`;
	return null;
}

/** The request after `decision` (checkDecision passed). */
export function decideRequest(r: MoveRequest, decision: Decision, who: string, at: number, note?: string): MoveRequest {
	return { ...r, status: decision === 'approve' ? 'approved' : 'rejected', decidedBy: who, decidedAt: at, ...(note ? { note: note.slice(0, 1000) } : {}) };
}

/**
 * Whether moving to `stage`, or moving `alias`, on the model needs a request. `archives`: the stage move also
 * archives other versions (archive_existing_versions with versions there), so a protected Archived counts too.
 */
export function isProtectedMove(p: Protection, move: { kind: 'stage'; stage: ModelStage; archives?: boolean } | { kind: 'alias'; alias: string }): boolean {
	if (move.kind === 'alias') return p.aliases.includes(move.alias);
	return p.stages.includes(move.stage) || (move.archives === true && p.stages.includes('Archived'));
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** The aliases of model `modelId` now pointing at `versionId` that are protected. */
function protectedAliasesOn(doc: Y.Doc, modelId: string, versionId: string): string[] {
	const p = readProtection(doc, modelId);
	const aliases = readEntry(modelsMap(doc), modelId)?.get(REGISTRY_FIELDS.model.aliases);
	if (!(aliases instanceof Y.Map) || p.aliases.length === 0) return [];
	return p.aliases.filter((a) => aliases.get(a) === versionId);
}

/**
 * The guard rule for client writes to `registry` (it sees the document before the update): a version may not be
 * moved into a protected stage, a protected alias may not be set, moved or removed (nor its version deleted, nor the
 * model's alias map replaced); such moves go through a request the server carries out once approved.
 */
export function checkProtectedWrite(write: Write, doc: Y.Doc): string | null {
	const { path, key } = write.target;
	const FV = REGISTRY_FIELDS.version;
	if (path[0] === KEYS.registry.versions && path.length === 2 && key !== null) {
		const versionId = text(path[1]);
		const version = versionId ? readEntry(versionsMap(doc), versionId) : null;
		const modelId = version ? text(version.get(FV.model)) : null;
		if (!version || !modelId || write.op !== 'insert' || write.value.kind !== 'any') return null;
		const value = write.value.values[0];
		if (key === FV.stage && typeof value === 'string' && value !== version.get(FV.stage) && readProtection(doc, modelId).stages.includes(value as ModelStage)) {
			return `stage ${value} is protected: moving a version there needs a request that a second person approves`;
		}
		if (key === FV.deleted && value === true) {
			const held = protectedAliasesOn(doc, modelId, versionId!);
			if (held.length) return `this version holds the protected alias ${held.join(', ')}: move it through an approved request first`;
		}
		return null;
	}
	if (path[0] !== KEYS.registry.models) return null;
	const modelId = text(path[1]);
	if (!modelId) return null;
	const p = readProtection(doc, modelId);
	if (p.aliases.length === 0) return null;
	if (path.length === 3 && path[2] === REGISTRY_FIELDS.model.aliases && key !== null && p.aliases.includes(key)) {
		return `alias ${key} is protected: setting or removing it needs a request that a second person approves`;
	}
	if (path.length === 2 && key === REGISTRY_FIELDS.model.aliases) return `the model has protected aliases (${p.aliases.join(', ')}): its alias map may not be replaced`;
	return null;
}
