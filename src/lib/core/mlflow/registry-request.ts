// Parsers for MLflow model-registry requests: each takes an untrusted body (JSON, or a GET query turned into an
// object) and returns a typed command, or throws ApiError(INVALID_PARAMETER_VALUE) with MLflow's message.
import { invalid } from '../errors';
import { checkKey } from '../validate';
import { MODEL_STAGES, type ModelStage } from '../docs/registry';
import { readPageRequest } from './paging';
import { checkLengthLimit } from './keys';
import {
	createMissingValueError,
	readBodyMessage,
	readBool,
	readObjectList,
	readRequiredString,
	readString,
	readStringList,
	type MlflowMessage
} from './message';

export const REGISTRY_LIMITS = {
	/** MLflow's SQL column sizes: names 256, descriptions 5000. */
	nameLength: 256,
	descriptionLength: 5000,
	sourceLength: 5000,
	runLinkLength: 5000,
	/** MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH */
	tagValueLength: 100_000,
	tagsPerRequest: 1000,
	aliasLength: 255,
	maxModelsPerPage: 1000,
	defaultModelsPerPage: 100,
	maxVersionsPerPage: 200_000,
	defaultVersionsPerPage: 200_000
} as const;

const ALIAS = /^[\w-]*$/u;

/** Parsers accept a GET query message or a parsed JSON body; a body must be a JSON object. */
const readMessage = (body: unknown): MlflowMessage => readBodyMessage(body);



function readLimited(o: MlflowMessage, field: string, limit: number): string | null {
	const v = readString(o, field);
	return v === undefined ? null : checkLengthLimit(v, field, limit);
}

/** A registered model name: non-empty, no '/' or ':', and not a path that normalizes to another name. */
export function readModelName(o: MlflowMessage, field = 'name'): string {
	const name = checkLengthLimit(readRequiredString(o, field), field, REGISTRY_LIMITS.nameLength);
	if (name.trim() === '') throw createMissingValueError(field);
	if (name.includes('/') || name.includes(':')) throw invalid(`Invalid model name '${name}'. Names cannot contain '/' or ':'.`);
	if (name === '.' || name.startsWith('..')) {
		throw invalid(
			`Invalid value ${JSON.stringify(name)} for parameter '${field}' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such.`
		);
	}
	return name;
}

/** A version number, sent as a string ("3") or a number; MLflow's `int(version)`. */
export function readVersionNumber(o: MlflowMessage, field = 'version'): number {
	const v = o[field];
	if (v === undefined || v === null || v === '') throw createMissingValueError(field);
	const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : NaN;
	if (!Number.isSafeInteger(n)) throw invalid(`Parameter '${field}' must be an integer, got '${typeof v === 'string' ? v : JSON.stringify(v)}'.`);
	return n;
}

/** A stage name, case-insensitive, returned in canonical spelling. */
export function readStageName(value: unknown): ModelStage {
	const s = typeof value === 'string' ? value : '';
	const stage = MODEL_STAGES.find((x) => x.toLowerCase() === s.toLowerCase());
	if (!stage) throw invalid(`Invalid Model Version stage: ${String(value)}. Value must be one of ${MODEL_STAGES.join(', ')}.`);
	return stage;
}

/** An alias name; `forSet` also refuses the reserved names ('latest', 'v<digits>'). */
export function readAliasName(o: MlflowMessage, forSet: boolean): string {
	const alias = readRequiredString(o, 'alias');
	if (!ALIAS.test(alias)) throw invalid(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
	if (alias.length > REGISTRY_LIMITS.aliasLength) {
		throw invalid(`'Registered model alias name' exceeds the maximum length of ${REGISTRY_LIMITS.aliasLength} characters`);
	}
	if (forSet && alias.toLowerCase() === 'latest') throw invalid(`'latest' alias name (case insensitive) is reserved.`);
	if (forSet && /^[vV]\d+$/.test(alias)) throw invalid(`Version alias name '${alias}' is reserved.`);
	return alias;
}

function readTagValue(v: unknown, key: string): string {
	if (v === undefined || v === null) return '';
	const s = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
	if (typeof s !== 'string') throw invalid(`Tag '${key}' must have a string value, got ${JSON.stringify(v)}`);
	if (s.length > REGISTRY_LIMITS.tagValueLength) throw invalid(`'value' exceeds the maximum length of ${REGISTRY_LIMITS.tagValueLength} characters`);
	return s;
}

/** `tags: [{key, value}]` into a record (later duplicates win, as MLflow's dict does). */
export function readRegistryTags(o: MlflowMessage): Record<string, string> {
	const out: Record<string, string> = {};
	const list = readObjectList(o, 'tags');
	if (list.length > REGISTRY_LIMITS.tagsPerRequest) throw invalid(`At most ${REGISTRY_LIMITS.tagsPerRequest} tags may be given, got ${list.length}`);
	for (const t of list) {
		const key = checkKey(t.key, 'Tag');
		out[key] = readTagValue(t.value, key);
	}
	return out;
}

const description = (o: MlflowMessage) => readLimited(o, 'description', REGISTRY_LIMITS.descriptionLength);

export const parseModelRef = (body: unknown) => ({ name: readModelName(readMessage(body)) });

export function parseCreateRegisteredModel(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), tags: readRegistryTags(o), description: description(o) };
}

export function parseRenameRegisteredModel(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), newName: readModelName(o, 'new_name') };
}

export function parseUpdateRegisteredModel(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), description: description(o) };
}

export function parseSetModelTag(body: unknown) {
	const o = readMessage(body);
	const key = checkKey(o.key, 'Tag');
	return { name: readModelName(o), key, value: readTagValue(o.value, key) };
}

export function parseDeleteModelTag(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), key: checkKey(o.key, 'Tag') };
}

export function parseSetAlias(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), alias: readAliasName(o, true), version: readVersionNumber(o) };
}

export function parseAliasRef(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), alias: readAliasName(o, false) };
}

/** `stages` empty means every stage. */
export function parseGetLatestVersions(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), stages: readStringList(o, 'stages').map(readStageName) };
}

export function parseCreateModelVersion(body: unknown) {
	const o = readMessage(body);
	return {
		name: readModelName(o),
		source: checkLengthLimit(readRequiredString(o, 'source'), 'source', REGISTRY_LIMITS.sourceLength),
		runId: readLimited(o, 'run_id', 256) || null,
		runLink: readLimited(o, 'run_link', REGISTRY_LIMITS.runLinkLength) || null,
		loggedModelId: readLimited(o, 'model_id', 256) || null,
		description: description(o),
		tags: readRegistryTags(o)
	};
}

export function parseVersionRef(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), version: readVersionNumber(o) };
}

export function parseUpdateModelVersion(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), version: readVersionNumber(o), description: description(o) };
}

export function parseTransitionStage(body: unknown) {
	const o = readMessage(body);
	const name = readModelName(o);
	const version = readVersionNumber(o);
	const stage = readStageName(readRequiredString(o, 'stage'));
	const archiveExisting = readBool(o, 'archive_existing_versions') ?? false;
	if (archiveExisting && stage !== 'Staging' && stage !== 'Production') {
		throw invalid(`Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ['Staging', 'Production']`);
	}
	return { name, version, stage, archiveExisting };
}

export function parseSetVersionTag(body: unknown) {
	const o = readMessage(body);
	const key = checkKey(o.key, 'Tag');
	return { name: readModelName(o), version: readVersionNumber(o), key, value: readTagValue(o.value, key) };
}

export function parseDeleteVersionTag(body: unknown) {
	const o = readMessage(body);
	return { name: readModelName(o), version: readVersionNumber(o), key: checkKey(o.key, 'Tag') };
}

export interface SearchRequest {
	filter: string;
	orderBy: string[];
	maxResults: number;
	/** Where `page_token` resumes (0 without one). */
	offset: number;
}

/** registered-models/search and model-versions/search; `max_results` defaults and limits follow the protos. */
export function parseSearch(body: unknown, kind: 'models' | 'versions'): SearchRequest {
	const o = readMessage(body);
	const [limit, fallback] =
		kind === 'models'
			? [REGISTRY_LIMITS.maxModelsPerPage, REGISTRY_LIMITS.defaultModelsPerPage]
			: [REGISTRY_LIMITS.maxVersionsPerPage, REGISTRY_LIMITS.defaultVersionsPerPage];
	return { filter: readString(o, 'filter') ?? '', orderBy: readStringList(o, 'order_by'), ...readPageRequest(o, fallback, limit) };
}
