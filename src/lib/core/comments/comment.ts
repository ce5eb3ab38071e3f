// What a comment is (issue 13 §3): a plain, validated record — its thread, what the thread is about (a run, pinned or
// not to a metric at a step, an experiment, a registered model or a model version), author, Markdown body and times —
// plus a thread's resolved state and a comment's deletion. One parser per shape; used by the Yjs layer, the relay's
// update guard and the write policy alike. Pure.
import { isRunId } from '../ids';
import { isValidKey } from '../schema';

export const COMMENT_LIMITS = {
	/** Characters of Markdown in one comment. */
	bodyLength: 10_000,
	/** Characters of an author's name (a user name or a display name). */
	authorLength: 256,
	/** Characters of a registered model's name (MLflow's limit). */
	modelNameLength: 256,
	/** Characters of a model version number. */
	versionLength: 20
} as const;

/** What a thread is about. A run thread with `metric` and `step` is pinned to that point of the run's chart. */
export type CommentTarget =
	| { kind: 'experiment' }
	| { kind: 'run'; runId: string; metric?: string; step?: number }
	| { kind: 'model'; name: string }
	| { kind: 'version'; name: string; version: string };

/** One comment as stored: `thread` is its root's id (a root's own id). `created` and `edited` are ms since the epoch. */
export interface CommentRecord {
	thread: string;
	target: CommentTarget;
	author: string;
	body: string;
	created: number;
	edited?: number;
}

/** A thread's resolved state, last set by `by` at `at` (ms). */
export interface ThreadState {
	resolved: boolean;
	by: string;
	at: number;
}

/** A comment's deletion: by whom, when (ms). Final: a deleted comment stays deleted whatever edits race it. */
export interface CommentDeletion {
	by: string;
	at: number;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: string };
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** Comment and thread ids: 32 lowercase hex characters, random (never collide across offline peers). */
export const isCommentId = isRunId;

const isObject = (v: unknown): v is Record<string, unknown> =>
	v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isName = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= max;
const hasOnly = (o: Record<string, unknown>, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));

/** Parses a comment target. Steps are MLflow's: safe integers (negative allowed). */
export function parseCommentTarget(v: unknown): Result<CommentTarget> {
	if (!isObject(v)) return fail('a target must be an object');
	switch (v.kind) {
		case 'experiment':
			return hasOnly(v, ['kind']) ? { ok: true, value: { kind: 'experiment' } } : fail('an experiment target has only a kind');
		case 'run': {
			if (!hasOnly(v, ['kind', 'runId', 'metric', 'step']) || !isRunId(v.runId)) return fail('a run target needs a run id');
			if (v.metric === undefined && v.step === undefined) return { ok: true, value: { kind: 'run', runId: v.runId } };
			if (!isValidKey(v.metric)) return fail('a pinned comment needs a valid metric key');
			if (typeof v.step !== 'number' || !Number.isSafeInteger(v.step)) return fail('a pinned comment needs an integer step');
			return { ok: true, value: { kind: 'run', runId: v.runId, metric: v.metric, step: v.step } };
		}
		case 'model':
			if (!hasOnly(v, ['kind', 'name']) || !isName(v.name, COMMENT_LIMITS.modelNameLength)) return fail('a model target needs a model name');
			return { ok: true, value: { kind: 'model', name: v.name } };
		case 'version':
			if (!hasOnly(v, ['kind', 'name', 'version']) || !isName(v.name, COMMENT_LIMITS.modelNameLength)) return fail('a version target needs a model name');
			if (typeof v.version !== 'string' || !/^[1-9][0-9]{0,18}$/.test(v.version)) return fail('a version target needs a version number');
			return { ok: true, value: { kind: 'version', name: v.name, version: v.version } };
		default:
			return fail('a target is an experiment, run, model or version');
	}
}

/** Parses a stored comment; `id` is its key (a root's thread is its own id, a reply's another's). */
export function parseComment(v: unknown, id: string): Result<CommentRecord> {
	if (!isCommentId(id)) return fail('a comment id is 32 lowercase hex characters');
	if (!isObject(v) || !hasOnly(v, ['thread', 'target', 'author', 'body', 'created', 'edited'])) return fail('a comment is {thread, target, author, body, created, edited?}');
	if (!isCommentId(v.thread)) return fail('a comment names its thread by id');
	const target = parseCommentTarget(v.target);
	if (!target.ok) return target;
	if (!isName(v.author, COMMENT_LIMITS.authorLength)) return fail(`an author is a name of at most ${COMMENT_LIMITS.authorLength} characters`);
	if (typeof v.body !== 'string' || v.body.trim() === '' || v.body.length > COMMENT_LIMITS.bodyLength) {
		return fail(`a comment's body is non-empty Markdown of at most ${COMMENT_LIMITS.bodyLength} characters`);
	}
	if (!isTime(v.created) || (v.edited !== undefined && !isTime(v.edited))) return fail('times are ms since the epoch');
	const record: CommentRecord = { thread: v.thread, target: target.value, author: v.author, body: v.body, created: v.created };
	if (v.edited !== undefined) record.edited = v.edited;
	return { ok: true, value: record };
}

/** Parses a thread's resolved state. */
export function parseThreadState(v: unknown): Result<ThreadState> {
	if (!isObject(v) || !hasOnly(v, ['resolved', 'by', 'at']) || typeof v.resolved !== 'boolean') return fail('a thread state is {resolved, by, at}');
	if (!isName(v.by, COMMENT_LIMITS.authorLength) || !isTime(v.at)) return fail('a thread state names who set it and when');
	return { ok: true, value: { resolved: v.resolved, by: v.by, at: v.at } };
}

/** Parses a comment's deletion. */
export function parseDeletion(v: unknown): Result<CommentDeletion> {
	if (!isObject(v) || !hasOnly(v, ['by', 'at']) || !isName(v.by, COMMENT_LIMITS.authorLength) || !isTime(v.at)) return fail('a deletion is {by, at}');
	return { ok: true, value: { by: v.by, at: v.at } };
}

/** Whether two targets are the same (the same thing, the same pin). */
export function isSameTarget(a: CommentTarget, b: CommentTarget): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether `target` is about `about`: the same run (pinned or not), experiment, model or version. */
export function isTargetOf(target: CommentTarget, about: CommentTarget): boolean {
	if (target.kind !== about.kind) return false;
	if (target.kind === 'run' && about.kind === 'run') return target.runId === about.runId;
	return isSameTarget(target, about);
}
