// Threads as people see them, built from what a comments document holds (comment records, deletions, thread
// states): the same inputs give the same threads on every peer, whatever order the edits arrived in. Pure.
import { isTargetOf, parseComment, parseDeletion, parseThreadState, type CommentDeletion, type CommentRecord, type CommentTarget, type ThreadState } from './comment';

export interface CommentView {
	id: string;
	author: string;
	/** Empty once deleted. */
	body: string;
	created: number;
	edited: number | null;
	deleted: CommentDeletion | null;
}

export interface ThreadView {
	id: string;
	target: CommentTarget;
	/** The root comment first, then the replies, oldest first. A deleted root stays as a placeholder while replies live. */
	comments: CommentView[];
	resolved: ThreadState | null;
	/** ms of the latest comment, edit or state change. */
	updated: number;
}

export interface CommentsInput {
	comments: Iterable<[string, unknown]>;
	deleted: { get(id: string): unknown };
	threads: { get(id: string): unknown };
}

const byTimeThenId = (a: { created: number; id: string }, b: { created: number; id: string }) =>
	a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Every visible thread, oldest first: a thread is visible while any of its comments is not deleted. Malformed
 * entries and replies whose root is unknown (not synced yet) are left out.
 */
export function buildThreads(input: CommentsInput): ThreadView[] {
	const records = new Map<string, CommentRecord>();
	for (const [id, v] of input.comments) {
		const parsed = parseComment(v, id);
		if (parsed.ok) records.set(id, parsed.value);
	}
	const byThread = new Map<string, (CommentView & { record: CommentRecord })[]>();
	for (const [id, r] of records) {
		const root = records.get(r.thread);
		if (!root || root.thread !== r.thread) continue;
		const del = input.deleted.get(id);
		const deletion = del === undefined ? null : parseDeletion(del);
		const deleted = deletion?.ok ? deletion.value : null;
		const view = { id, author: r.author, body: deleted ? '' : r.body, created: r.created, edited: r.edited ?? null, deleted, record: r };
		const list = byThread.get(r.thread);
		if (list) list.push(view);
		else byThread.set(r.thread, [view]);
	}
	const out: ThreadView[] = [];
	for (const [id, list] of byThread) {
		if (list.every((c) => c.deleted)) continue;
		const root = list.find((c) => c.id === id)!;
		const replies = list.filter((c) => c.id !== id).sort(byTimeThenId);
		const state = input.threads.get(id);
		const parsed = state === undefined ? null : parseThreadState(state);
		const resolved = parsed?.ok ? parsed.value : null;
		const comments = [root, ...replies].map(({ record: _r, ...c }) => c);
		const updated = Math.max(resolved?.at ?? 0, ...comments.map((c) => Math.max(c.created, c.edited ?? 0, c.deleted?.at ?? 0)));
		out.push({ id, target: root.record.target, comments, resolved, updated });
	}
	return out.sort((a, b) => byTimeThenId({ created: a.comments[0].created, id: a.id }, { created: b.comments[0].created, id: b.id }));
}

/** Whether a thread is open (never resolved, or reopened). */
export const isOpenThread = (t: ThreadView): boolean => !t.resolved?.resolved;

/** The threads about `about` (a run's include its pinned ones). */
export function selectThreads<T extends ThreadView>(threads: readonly T[], about: CommentTarget): T[] {
	return threads.filter((t) => isTargetOf(t.target, about));
}

/** A pin on a chart: a thread pinned to `metric` at `step` of run `runId`. */
export interface CommentPin {
	threadId: string;
	runId: string;
	metric: string;
	step: number;
	resolved: boolean;
	/** The root comment's first line, for a tooltip. */
	summary: string;
	author: string;
}

/** The pins of `metric` among the threads, on the runs in `runIds` (all runs when null). */
export function selectPins(threads: readonly ThreadView[], metric: string, runIds: ReadonlySet<string> | null): CommentPin[] {
	const out: CommentPin[] = [];
	for (const t of threads) {
		const g = t.target;
		if (g.kind !== 'run' || g.metric !== metric || g.step === undefined || (runIds && !runIds.has(g.runId))) continue;
		const first = t.comments[0];
		const summary = (first.deleted ? t.comments.find((c) => !c.deleted)?.body : first.body) ?? '';
		out.push({ threadId: t.id, runId: g.runId, metric, step: g.step, resolved: !isOpenThread(t), summary: summary.split('\n')[0].slice(0, 120), author: first.author });
	}
	return out;
}
