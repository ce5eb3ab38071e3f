// Comment threads in a comments document (`exp/<id>/comments`, `registry/comments`; schema.ts KEYS.comments): each
// comment is one plain value in `comments` (rewritten whole on edit, last writer wins), a deletion is a set-once entry
// in `deleted` (so a delete always beats a concurrent edit), and a thread's resolved state is one value in `threads`.
// Every peer builds the same threads from those three maps (core/comments/threads.ts).
import * as Y from 'yjs';
import { KEYS } from '../schema';
import { createRunId } from '../ids';
import { COMMENT_LIMITS, parseComment, parseCommentTarget, type CommentRecord, type CommentTarget } from '../comments/comment';
import { buildThreads, type ThreadView } from '../comments/threads';

const K = KEYS.comments;
const commentsMap = (doc: Y.Doc) => doc.getMap<unknown>(K.comments);
const deletedMap = (doc: Y.Doc) => doc.getMap<unknown>(K.deleted);
const threadsMap = (doc: Y.Doc) => doc.getMap<unknown>(K.threads);

/** Every visible thread of the document, oldest first. */
export function readThreads(doc: Y.Doc): ThreadView[] {
	return buildThreads({ comments: commentsMap(doc).entries(), deleted: deletedMap(doc), threads: threadsMap(doc) });
}

/** The stored comment `id`, or null. */
export function readComment(doc: Y.Doc, id: string): CommentRecord | null {
	const parsed = parseComment(commentsMap(doc).get(id), id);
	return parsed.ok ? parsed.value : null;
}

function checkBody(body: string): string {
	const b = body.trim();
	if (b === '') throw new Error('A comment cannot be empty');
	if (b.length > COMMENT_LIMITS.bodyLength) throw new Error(`A comment has at most ${COMMENT_LIMITS.bodyLength} characters`);
	return b;
}

/** Starts a thread about `target` with its first comment; returns the thread's id. `now` is ms since the epoch. */
export function createThread(doc: Y.Doc, target: CommentTarget, author: string, body: string, now: number, origin?: unknown): string {
	const parsed = parseCommentTarget(target);
	if (!parsed.ok) throw new Error(parsed.error);
	const id = createRunId();
	const record: CommentRecord = { thread: id, target: parsed.value, author, body: checkBody(body), created: now };
	doc.transact(() => commentsMap(doc).set(id, record), origin);
	return id;
}

/** Adds a reply to thread `threadId` (its target copied, so every comment says what it is about); returns its id. */
export function replyToThread(doc: Y.Doc, threadId: string, author: string, body: string, now: number, origin?: unknown): string {
	const root = readComment(doc, threadId);
	if (!root || root.thread !== threadId) throw new Error('No such thread');
	const id = createRunId();
	const record: CommentRecord = { thread: threadId, target: root.target, author, body: checkBody(body), created: now };
	doc.transact(() => commentsMap(doc).set(id, record), origin);
	return id;
}

/** Replaces a comment's body (its author edits it). */
export function editComment(doc: Y.Doc, id: string, body: string, now: number, origin?: unknown): void {
	const c = readComment(doc, id);
	if (!c) throw new Error('No such comment');
	if (deletedMap(doc).has(id)) throw new Error('The comment was deleted');
	const next: CommentRecord = { ...c, body: checkBody(body), edited: Math.max(now, c.created) };
	doc.transact(() => commentsMap(doc).set(id, next), origin);
}

/** Deletes a comment for good (its body is left out of every view). */
export function deleteComment(doc: Y.Doc, id: string, by: string, now: number, origin?: unknown): void {
	if (!readComment(doc, id)) throw new Error('No such comment');
	if (deletedMap(doc).has(id)) return;
	doc.transact(() => deletedMap(doc).set(id, { by, at: now }), origin);
}

/** Resolves (`resolved` true) or reopens a thread. */
export function setThreadResolved(doc: Y.Doc, threadId: string, resolved: boolean, by: string, now: number, origin?: unknown): void {
	const root = readComment(doc, threadId);
	if (!root || root.thread !== threadId) throw new Error('No such thread');
	doc.transact(() => threadsMap(doc).set(threadId, { resolved, by, at: now }), origin);
}
