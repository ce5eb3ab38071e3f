// A model's timeline, read from the registry's audit log: the spans during which each version sat in each stage and
// each alias pointed at a version, and who held what at a time T. Pure. Concurrent alias moves (two peers, offline)
// both stay in the log; the span still open ends on the value the document settled on, the same on every peer.
import type { AuditEntry, ModelStage, RegisteredModelRecord } from './docs/registry';
import { readModelAudit } from './registry-view';

export interface Span {
	/** A stage name for stage spans, an alias for alias spans. */
	key: string;
	/** The version number (MLflow's string). */
	version: string;
	/** ms since epoch; `to` null while it lasts. */
	from: number;
	to: number | null;
	/** Who moved it there. */
	by: string;
}

export interface Timeline {
	stages: Span[];
	aliases: Span[];
}

export interface Holders {
	/** Stage → the versions in it (ascending), for stages that held any. */
	stages: Record<string, string[]>;
	/** Alias → the version it pointed at, for aliases that were set. */
	aliases: Record<string, string>;
}

const byNumber = (a: string, b: string) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

/** Ends `open` at `at`, or drops it when it never lasted (a move at the same instant). */
function close(spans: Span[], open: Span, at: number): void {
	open.to = at;
	if (open.to <= open.from) spans.splice(spans.indexOf(open), 1);
}

/** The open span in `spans` for (key, version) if `version` given, else for key. */
const findOpen = (spans: Span[], key: string, version?: string) =>
	spans.findLast((s) => s.to === null && s.key === key && (version === undefined || s.version === version));

/**
 * The spans of `model` read from `log` (document order, as readAuditLog returns it), oldest first. Stage None is
 * no span. `model`, when given as it reads now, corrects what is still open to the settled state: a span the log
 * leaves open but the document no longer holds ends at the last entry for its alias or version (so a concurrent
 * move that lost leaves no span); a settled value the log's last entry does not name takes over that entry's span.
 */
export function readTimeline(log: readonly AuditEntry[], model: Pick<RegisteredModelRecord, 'id' | 'name'> & Partial<Pick<RegisteredModelRecord, 'aliases' | 'versions'>>): Timeline {
	const entries = readModelAudit(log, model.name, model.id).reverse(); // oldest first, document order on ties
	const stages: Span[] = [];
	const aliases: Span[] = [];
	const lastAt = new Map<string, { at: number; by: string }>();
	const lastStageAt = new Map<string, number>();
	for (const e of entries) {
		if (e.kind === 'stage') {
			lastStageAt.set(e.version, e.at);
			const open = e.from !== null ? findOpen(stages, e.from, e.version) : undefined;
			if (open) close(stages, open, e.at);
			if (e.to !== null && e.to !== 'None' && !findOpen(stages, e.to, e.version)) stages.push({ key: e.to, version: e.version, from: e.at, to: null, by: e.who });
		} else if (e.alias !== undefined) {
			const open = findOpen(aliases, e.alias);
			if (open) close(aliases, open, e.at);
			if (e.to !== null) aliases.push({ key: e.alias, version: e.to, from: e.at, to: null, by: e.who });
			lastAt.set(e.alias, { at: e.at, by: e.who });
		}
	}
	if (model.aliases) settleAliases(aliases, model.aliases, lastAt);
	if (model.versions) {
		const now = new Set(model.versions.filter((v) => v.stage !== 'None').map((v) => `${v.stage}\u0000${v.version}`));
		for (const s of [...stages]) if (s.to === null && !now.has(`${s.key}\u0000${s.version}`)) close(stages, s, lastStageAt.get(s.version) ?? s.from);
	}
	return { stages, aliases };
}

function settleAliases(spans: Span[], settled: readonly { alias: string; version: number }[], lastAt: Map<string, { at: number; by: string }>): void {
	const current = new Map(settled.map((a) => [a.alias, String(a.version)]));
	for (const [alias, last] of lastAt) {
		const open = findOpen(spans, alias);
		const want = current.get(alias);
		if (open?.version === want) continue;
		if (open && want === undefined) close(spans, open, last.at);
		else if (open && want !== undefined) {
			const before = spans.findLast((s) => s.key === alias && s !== open && s.to === open.from);
			if (before?.version === want) {
				before.to = null;
				spans.splice(spans.indexOf(open), 1);
			} else open.version = want;
		} else if (want !== undefined) spans.push({ key: alias, version: want, from: last.at, to: null, by: last.by });
	}
}

/** Who held each stage and alias at `at` (ms since epoch): spans with from ≤ at < to. */
export function readHoldersAt(t: Timeline, at: number): Holders {
	const holds = (s: Span) => s.from <= at && (s.to === null || at < s.to);
	const stages: Record<string, string[]> = {};
	for (const s of t.stages.filter(holds)) (stages[s.key] ??= []).push(s.version);
	for (const k in stages) stages[k] = [...new Set(stages[k])].sort(byNumber);
	const aliases: Record<string, string> = {};
	for (const s of t.aliases.filter(holds)) aliases[s.key] = s.version;
	return { stages, aliases };
}

/** The spans of one stage or alias, newest first (the UI's list). */
export function readSpansOf(t: Timeline, kind: 'stage' | 'alias', key: ModelStage | string): Span[] {
	return (kind === 'stage' ? t.stages : t.aliases).filter((s) => s.key === key).sort((a, b) => b.from - a.from);
}
