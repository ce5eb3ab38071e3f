// Parsers for the registry governance API (/api/registry/models/<name>/…): protection, move requests, decisions and
// the timeline's `at`. Each takes an untrusted body or query and returns a typed value or throws `{error_code, message}`.
import { invalid } from './errors';
import type { ModelStage } from './docs/registry';
import type { Decision } from './docs/registry-governance';
import { readBodyMessage, readBool, readString, readStringList } from './mlflow/message';
import { readAliasName, readStageName, readVersionNumber } from './mlflow/registry-request';

const MAX_PROTECTED = 64;
const MAX_NOTE = 1000;

/** `{stages: [...], aliases: [...]}`: each list optional (empty), stages by name (any case), aliases by MLflow's rules. */
export function parseProtection(body: unknown): { stages: ModelStage[]; aliases: string[] } {
	const o = readBodyMessage(body);
	for (const key of Object.keys(o)) if (key !== 'stages' && key !== 'aliases') throw invalid(`Unknown field '${key}': a protection has stages and aliases`);
	const stages = o.stages === undefined ? [] : readStringList(o, 'stages').map(readStageName);
	const aliases = o.aliases === undefined ? [] : readStringList(o, 'aliases').map((alias) => readAliasName({ alias }, true));
	if (stages.includes('None')) throw invalid("Stage 'None' cannot be protected: every version starts there");
	if (aliases.length > MAX_PROTECTED) throw invalid(`At most ${MAX_PROTECTED} aliases may be protected`);
	return { stages: [...new Set(stages)], aliases: [...new Set(aliases)] };
}

export type MoveRequestInput =
	| { kind: 'stage'; version: number; stage: ModelStage; archiveExisting: boolean }
	| { kind: 'alias'; alias: string; version: number | null };

/**
 * A move to request: `{kind: 'stage', version, stage, archive_existing_versions?}` or `{kind: 'alias', alias,
 * version}` (version null or absent: delete the alias).
 */
export function parseMoveRequest(body: unknown): MoveRequestInput {
	const o = readBodyMessage(body);
	const kind = readString(o, 'kind');
	if (kind === 'stage') {
		const stage = readStageName(readString(o, 'stage'));
		const archiveExisting = readBool(o, 'archive_existing_versions') ?? false;
		if (archiveExisting && stage !== 'Staging' && stage !== 'Production') throw invalid(`archive_existing_versions needs an active stage (Staging or Production), not '${stage}'`);
		return { kind, version: readVersionNumber(o), stage, archiveExisting };
	}
	if (kind === 'alias') {
		const version = o.version === undefined || o.version === null ? null : readVersionNumber(o);
		return { kind, alias: readAliasName(o, version !== null), version };
	}
	throw invalid(`Invalid value ${JSON.stringify(o.kind ?? null)} for parameter 'kind' supplied: must be 'stage' or 'alias'`);
}

/** A decision's optional note (why it was rejected). */
export function parseDecision(action: string, body: unknown): { decision: Decision; note?: string } {
	if (action !== 'approve' && action !== 'reject') throw invalid(`Unknown decision '${action}': approve or reject`);
	const o = readBodyMessage(body);
	const note = readString(o, 'note');
	if (note !== undefined && note.length > MAX_NOTE) throw invalid(`A note is at most ${MAX_NOTE} characters`);
	return { decision: action, ...(note ? { note } : {}) };
}

/** The timeline's `at`: absent → null, else ms since the epoch (a non-negative integer). */
export function parseTimelineAt(query: URLSearchParams): number | null {
	const v = query.get('at');
	if (v === null || v === '') return null;
	if (!/^\d{1,16}$/.test(v)) throw invalid(`Invalid value '${v.slice(0, 40)}' for parameter 'at': ms since the epoch`);
	return Number(v);
}
