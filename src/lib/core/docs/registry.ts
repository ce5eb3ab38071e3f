// The `registry` document: registered models (name, description, tags, aliases), their versions (number, stage,
// source, tags) and the append-only audit log of stage and alias moves. Clients and the server both write it.
//
// Uniqueness under offline edits (every peer computes the same settled view from the same merged state):
// - Models are keyed by a random id. When several models share a name, the earliest (creationTime, id) keeps it
//   and each other reads as `name (<first 8 chars of id>)` (or `name (<id>)` if that is taken too).
// - Versions are keyed by a random id and *claim* a number (the creator's max + 1). Within a model, the earliest
//   (creationTime, id) claimant of a number keeps it; the other claimants are renumbered after the highest claimed
//   number, in (creationTime, id) order. Deleted versions keep their numbers, so numbers are never reused.
//   `repairVersionNumbers` writes settled numbers back as claims, so a renumbered version stays put afterwards.
// - Aliases point at version ids (not numbers), so they follow a renumbered version; a concurrent set is
//   last-writer-wins per alias, and an alias to a deleted version reads as absent.
import * as Y from 'yjs';
import { KEYS, REGISTRY_FIELDS } from '../schema';
import { createRunId } from '../ids';
import { readNumber, readString, readStringMap, type YRecord } from './ymap';

const FM = REGISTRY_FIELDS.model;
const FV = REGISTRY_FIELDS.version;

/** MLflow's model version stages, canonical spelling. */
export const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export interface ModelVersionRecord {
	id: string;
	modelId: string;
	/** The settled name of the owning model. */
	name: string;
	/** The settled version number (≥ 1). */
	version: number;
	/** ms since epoch */
	creationTime: number;
	lastUpdateTime: number;
	stage: ModelStage;
	description: string | null;
	source: string;
	/** Where the artifacts are (download URI); the source unless it was resolved at creation. */
	storageLocation: string;
	runId: string | null;
	runLink: string | null;
	loggedModelId: string | null;
	tags: Record<string, string>;
	/** Aliases pointing at this version, sorted. */
	aliases: string[];
}

export interface RegisteredModelRecord {
	id: string;
	/** The settled name (unique among models). */
	name: string;
	creationTime: number;
	lastUpdateTime: number;
	description: string | null;
	tags: Record<string, string>;
	/** Sorted by alias. */
	aliases: { alias: string; version: number }[];
	/** Live (not deleted) versions, ascending by number. */
	versions: ModelVersionRecord[];
	/** The number the next version should claim: one past every settled number, deleted ones included. */
	nextVersion: number;
}

export interface AuditEntry {
	/** ms since epoch */
	at: number;
	who: string;
	/** Model name and version number (as MLflow's string) at the time of the move. */
	model: string;
	/** The model's id, which a rename keeps (absent from entries written before it was recorded). */
	modelId?: string;
	version: string;
	kind: 'stage' | 'alias';
	/** The alias moved (kind 'alias' only). */
	alias?: string;
	/** Stage names for 'stage'; version numbers (null = unset) for 'alias'. */
	from: string | null;
	to: string | null;
	/** The approved request this move carried out (written by the server only, see registry-governance.ts). */
	requestId?: string;
}

/** A random 128-bit id (32 hex chars) for a new model or version entry. */
export function createRegistryId(): string {
	return createRunId();
}

/** The document's top-level types (for registry-edit.ts, the only other module that writes them). */
export const modelsMap = (doc: Y.Doc) => doc.getMap<YRecord>(KEYS.registry.models);
export const versionsMap = (doc: Y.Doc) => doc.getMap<YRecord>(KEYS.registry.versions);
export const auditArray = (doc: Y.Doc) => doc.getArray<AuditEntry>(KEYS.registry.audit);

/** The entry's Y.Map, or null if absent or malformed. */
export function readEntry(map: Y.Map<YRecord>, id: string): YRecord | null {
	const m = map.get(id);
	return m instanceof Y.Map ? m : null;
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byCreation = (a: { creationTime: number; id: string }, b: { creationTime: number; id: string }) =>
	a.creationTime - b.creationTime || compareStrings(a.id, b.id);

function readNullableString(m: YRecord, key: string): string | null {
	const v = m.get(key);
	return typeof v === 'string' ? v : null;
}

function toStage(s: string): ModelStage {
	return (MODEL_STAGES as readonly string[]).includes(s) ? (s as ModelStage) : 'None';
}

interface RawVersion {
	id: string;
	m: YRecord;
	claim: number;
	creationTime: number;
	deleted: boolean;
}

/** Every version entry (deleted ones included), grouped by model id. */
function readRawVersions(doc: Y.Doc): Map<string, RawVersion[]> {
	const out = new Map<string, RawVersion[]>();
	for (const [id, m] of versionsMap(doc).entries()) {
		if (!(m instanceof Y.Map)) continue;
		const modelId = readString(m, FV.model);
		const raw = { id, m, claim: readNumber(m, FV.number, 0), creationTime: readNumber(m, FV.creationTime), deleted: m.get(FV.deleted) === true };
		const list = out.get(modelId);
		if (list) list.push(raw);
		else out.set(modelId, [raw]);
	}
	return out;
}

/** Settled numbers of one model's versions (deleted ones included), by version id. */
function settleNumbers(raw: RawVersion[]): Map<string, number> {
	const out = new Map<string, number>();
	const claimed = raw.filter((v) => Number.isSafeInteger(v.claim) && v.claim >= 1);
	claimed.sort((a, b) => a.claim - b.claim || byCreation(a, b));
	const displaced = raw.filter((v) => !(Number.isSafeInteger(v.claim) && v.claim >= 1));
	let max = 0;
	for (const v of claimed) {
		if (v.claim === max) displaced.push(v);
		else out.set(v.id, (max = v.claim));
	}
	displaced.sort(byCreation);
	for (const v of displaced) out.set(v.id, ++max);
	return out;
}

function readVersion(raw: RawVersion, modelId: string, name: string, version: number, aliases: string[]): ModelVersionRecord {
	const m = raw.m;
	const source = readString(m, FV.source);
	return {
		id: raw.id,
		modelId,
		name,
		version,
		creationTime: raw.creationTime,
		lastUpdateTime: readNumber(m, FV.lastUpdateTime, raw.creationTime),
		stage: toStage(readString(m, FV.stage)),
		description: readNullableString(m, FV.description),
		source,
		storageLocation: readString(m, FV.storageLocation, source),
		runId: readNullableString(m, FV.runId),
		runLink: readNullableString(m, FV.runLink),
		loggedModelId: readNullableString(m, FV.loggedModelId),
		tags: readStringMap(m, FV.tags),
		aliases
	};
}

/** Every registered model, settled (names unique, version numbers unique per model), sorted by name. */
export function readRegisteredModels(doc: Y.Doc): RegisteredModelRecord[] {
	const rawVersions = readRawVersions(doc);
	const models: { record: RegisteredModelRecord; m: YRecord }[] = [];
	for (const [id, m] of modelsMap(doc).entries()) {
		if (!(m instanceof Y.Map)) continue;
		const creationTime = readNumber(m, FM.creationTime);
		const record: RegisteredModelRecord = {
			id,
			name: readString(m, FM.name, id),
			creationTime,
			lastUpdateTime: readNumber(m, FM.lastUpdateTime, creationTime),
			description: readNullableString(m, FM.description),
			tags: readStringMap(m, FM.tags),
			aliases: [],
			versions: [],
			nextVersion: 1
		};
		models.push({ record, m });
	}
	models.sort((a, b) => byCreation(a.record, b.record));
	const taken = new Set<string>();
	for (const { record: model, m } of models) {
		if (taken.has(model.name)) {
			const short = `${model.name} (${model.id.slice(0, 8)})`;
			model.name = taken.has(short) ? `${model.name} (${model.id})` : short;
		}
		taken.add(model.name);
		const raw = rawVersions.get(model.id) ?? [];
		const numbers = settleNumbers(raw);
		const live = new Set(raw.filter((v) => !v.deleted).map((v) => v.id));
		const aliasesOf = new Map<string, string[]>();
		for (const [alias, versionId] of Object.entries(readStringMap(m, FM.aliases))) {
			if (!live.has(versionId)) continue;
			model.aliases.push({ alias, version: numbers.get(versionId)! });
			aliasesOf.set(versionId, [...(aliasesOf.get(versionId) ?? []), alias]);
		}
		model.aliases.sort((a, b) => compareStrings(a.alias, b.alias));
		for (const v of raw) {
			const n = numbers.get(v.id)!;
			model.nextVersion = Math.max(model.nextVersion, n + 1);
			if (!v.deleted) model.versions.push(readVersion(v, model.id, model.name, n, (aliasesOf.get(v.id) ?? []).sort()));
		}
		model.versions.sort((a, b) => a.version - b.version);
	}
	return models.map((x) => x.record).sort((a, b) => compareStrings(a.name, b.name));
}

/** The model with this settled name, or null. */
export function readRegisteredModel(doc: Y.Doc, name: string): RegisteredModelRecord | null {
	return readRegisteredModels(doc).find((m) => m.name === name) ?? null;
}

/** Writes each renumbered version's settled number back as its claim; returns how many were rewritten. */
export function repairVersionNumbers(doc: Y.Doc): number {
	const fixes: [RawVersion, number][] = [];
	for (const list of readRawVersions(doc).values()) {
		const settled = settleNumbers(list);
		for (const v of list) if (v.claim !== settled.get(v.id)) fixes.push([v, settled.get(v.id)!]);
	}
	if (fixes.length) doc.transact(() => fixes.forEach(([v, n]) => v.m.set(FV.number, n)));
	return fixes.length;
}

function isAuditEntry(e: unknown): e is AuditEntry {
	if (!e || typeof e !== 'object') return false;
	const o = e as Record<string, unknown>;
	const nullableString = (v: unknown) => v === null || typeof v === 'string';
	return (
		typeof o.at === 'number' &&
		typeof o.who === 'string' &&
		typeof o.model === 'string' &&
		(o.modelId === undefined || typeof o.modelId === 'string') &&
		typeof o.version === 'string' &&
		(o.kind === 'stage' || o.kind === 'alias') &&
		nullableString(o.from) &&
		nullableString(o.to)
	);
}

/** The audit log in document order (identical on every peer), skipping malformed entries a peer might write. */
export function readAuditLog(doc: Y.Doc): AuditEntry[] {
	return auditArray(doc).toArray().filter(isAuditEntry);
}

/**
 * Calls `fn(from, to)` whenever a registered model's name changes in `doc`, whoever wrote it (the API or a client
 * over the relay): permissions keyed by name follow it. Returns `off`.
 */
export function observeModelRenames(doc: Y.Doc, fn: (from: string, to: string) => void): () => void {
	const models = modelsMap(doc);
	const handler = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
		for (const event of events) {
			if (event.target === models || event.target.parent !== models) continue;
			const change = event.changes.keys.get(REGISTRY_FIELDS.model.name);
			if (change?.action !== 'update') continue;
			const to = (event.target as YRecord).get(REGISTRY_FIELDS.model.name);
			if (typeof change.oldValue === 'string' && typeof to === 'string' && change.oldValue !== to) fn(change.oldValue, to);
		}
	};
	models.observeDeep(handler);
	return () => models.unobserveDeep(handler);
}

/** Calls `fn(name, origin)` for each registered model added to `doc`, with the origin of the transaction. */
export function observeNewModels(doc: Y.Doc, fn: (name: string, origin: unknown) => void): () => void {
	const models = modelsMap(doc);
	const handler = (event: Y.YMapEvent<YRecord>) => {
		for (const [id, change] of event.changes.keys) {
			if (change.action !== 'add') continue;
			const name = readEntry(models, id)?.get(FM.name);
			if (typeof name === 'string') fn(name, event.transaction.origin);
		}
	};
	models.observe(handler);
	return () => models.unobserve(handler);
}
