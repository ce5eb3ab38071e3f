// What the registry pages show, read from settled registry records: one row per model (latest version per stage,
// aliases, snippet), the name filter and sort, a model's audit trail newest first, and the checks on UI input.
import { MODEL_STAGES, type AuditEntry, type ModelStage, type ModelVersionRecord, type RegisteredModelRecord } from './docs/registry';
import { readLatestVersions } from './mlflow/registry-json';
import { readAliasName, readModelName } from './mlflow/registry-request';

export interface ModelRow {
	id: string;
	name: string;
	/** The highest live version number, or null without versions. */
	latestVersion: number | null;
	/** The highest-numbered version in each stage that has one, in stage order (None, Staging, Production, Archived). */
	latestByStage: { stage: ModelStage; version: number }[];
	aliases: { alias: string; version: number }[];
	/** ms since epoch */
	lastUpdateTime: number;
	/** The description's first non-empty line, at most SNIPPET_LENGTH characters ('' without one). */
	snippet: string;
	tagCount: number;
	versionCount: number;
}

export const SNIPPET_LENGTH = 80;

export type ModelSortColumn = 'name' | 'updated';
export interface ModelSort {
	column: ModelSortColumn;
	desc: boolean;
}
export const DEFAULT_MODEL_SORT: ModelSort = { column: 'name', desc: false };

/** One line of Markdown as plain text: heading, quote and list marks, emphasis, code ticks and link targets dropped. */
function readPlainLine(line: string): string {
	return line
		.replace(/^(#{1,6}(\s+|$)|>\s*|[-*+]\s+|\d+[.)]\s+)/, '')
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/(?<![\w*])(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1(?![\w*])/g, '$2')
		.trim();
}

/** The first non-empty line of `text` (Markdown read as plain text), cut to `max` characters with an ellipsis. */
export function readSnippet(text: string | null, max = SNIPPET_LENGTH): string {
	const line = (text ?? '').split('\n').map(readPlainLine).find((l) => l !== '') ?? '';
	return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

export function readModelRow(m: RegisteredModelRecord): ModelRow {
	return {
		id: m.id,
		name: m.name,
		latestVersion: m.versions.at(-1)?.version ?? null,
		latestByStage: readLatestVersions(m).map((v) => ({ stage: v.stage, version: v.version })),
		aliases: m.aliases,
		lastUpdateTime: m.lastUpdateTime,
		snippet: readSnippet(m.description),
		tagCount: Object.keys(m.tags).length,
		versionCount: m.versions.length
	};
}

/** Rows whose name contains `filter` (case-insensitive, surrounding spaces ignored). */
export function filterModelRows(rows: readonly ModelRow[], filter: string): ModelRow[] {
	const needle = filter.trim().toLowerCase();
	return needle === '' ? [...rows] : rows.filter((r) => r.name.toLowerCase().includes(needle));
}

const compareNames = (a: ModelRow, b: ModelRow) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A sorted copy; ties (same update time) fall back to the name, ascending. */
export function sortModelRows(rows: readonly ModelRow[], sort: ModelSort): ModelRow[] {
	const sign = sort.desc ? -1 : 1;
	const cmp =
		sort.column === 'name'
			? (a: ModelRow, b: ModelRow) => sign * compareNames(a, b)
			: (a: ModelRow, b: ModelRow) => sign * (a.lastUpdateTime - b.lastUpdateTime) || compareNames(a, b);
	return [...rows].sort(cmp);
}

/** Clicking a column: the same column flips its direction; a new one starts descending for time, ascending for names. */
export function toggleModelSort(sort: ModelSort, column: ModelSortColumn): ModelSort {
	return sort.column === column ? { column, desc: !sort.desc } : { column, desc: column === 'updated' };
}

/** The sort in a URL's `sort` value: `name`, `-name`, `updated` or `-updated` (`-` = descending); else the default. */
export function parseModelSort(value: string | null): ModelSort {
	const desc = value?.startsWith('-') ?? false;
	const column = desc ? value!.slice(1) : value;
	return column === 'name' || column === 'updated' ? { column, desc } : DEFAULT_MODEL_SORT;
}

/** The `sort` URL value for `sort`, or null for the default (left out of the URL). */
export function formatModelSort(sort: ModelSort): string | null {
	if (sort.column === DEFAULT_MODEL_SORT.column && sort.desc === DEFAULT_MODEL_SORT.desc) return null;
	return `${sort.desc ? '-' : ''}${sort.column}`;
}

/**
 * The model's stage and alias moves, newest first (document order breaks ties in time, later first). Given its
 * id, entries that carry one are matched by id, so the moves made before a rename stay on the model's page.
 */
export function readModelAudit(log: readonly AuditEntry[], modelName: string, modelId?: string): AuditEntry[] {
	const isMine = (e: AuditEntry) => (modelId !== undefined && e.modelId !== undefined ? e.modelId === modelId : e.model === modelName);
	const mine = log.map((e, i) => ({ e, i })).filter(({ e }) => isMine(e));
	return mine.sort((a, b) => b.e.at - a.e.at || b.i - a.i).map(({ e }) => e);
}

/** Whether a move to `stage` may archive the versions already there (MLflow allows it for its active stages only). */
export function canArchiveExisting(stage: ModelStage): boolean {
	return stage === 'Staging' || stage === 'Production';
}

/** Versions other than `except` now in `stage` that "archive existing versions" would move to Archived. */
export function readVersionsToArchive(m: RegisteredModelRecord, stage: ModelStage, except: ModelVersionRecord): ModelVersionRecord[] {
	return canArchiveExisting(stage) ? m.versions.filter((v) => v.id !== except.id && v.stage === stage) : [];
}

/** The stages a version can move to: every stage but its own. */
export function readTargetStages(v: ModelVersionRecord): ModelStage[] {
	return MODEL_STAGES.filter((s) => s !== v.stage);
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** An alias to set, checked by the same rules as the MLflow API (characters, length, reserved names). */
export function checkAliasInput(alias: string): Checked<string> {
	try {
		return { ok: true, value: readAliasName({ alias: alias.trim() }, true) };
	} catch (e) {
		return { ok: false, error: (e as Error).message };
	}
}

/**
 * A name to create a model under or rename one to (surrounding spaces dropped), checked by the MLflow API's rules;
 * `taken` holds the settled names of the other models. A name taken only on an offline peer settles as registry.ts says.
 */
export function checkModelNameInput(name: string, taken: readonly string[]): Checked<string> {
	let value: string;
	try {
		value = readModelName({ name: name.trim() });
	} catch (e) {
		return { ok: false, error: (e as Error).message };
	}
	return taken.includes(value) ? { ok: false, error: `Registered Model (name=${value}) already exists.` } : { ok: true, value };
}

export const DEFAULT_DISPLAY_NAME = 'web';
export const DISPLAY_NAME_LENGTH = 64;

/** The name recorded as "who" for edits made in this browser: trimmed, at most 64 characters, 'web' when empty. */
export function normalizeDisplayName(name: string | null | undefined): string {
	const trimmed = (name ?? '').trim().slice(0, DISPLAY_NAME_LENGTH).trim();
	return trimmed === '' ? DEFAULT_DISPLAY_NAME : trimmed;
}
