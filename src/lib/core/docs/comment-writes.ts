// What a client write to a comments document does, read from the document before it (for the relay's write policy,
// sync-server/auth/comment-policy.ts): writes a comment (new or edited, with the stored one), deletes one, or sets a
// thread's state — with the model a registry thread is about, so access can be checked on it. Pure.
import type * as Y from 'yjs';
import { KEYS } from '../schema';
import { parseComment, parseDeletion, parseThreadState, type CommentDeletion, type CommentRecord, type ThreadState } from '../comments/comment';
import { readComment } from './comments';
import type { Write } from './update-guard';

export type CommentWrite =
	/** `record` null: not a well-formed comment (the schema refuses it first). */
	| { kind: 'comment'; id: string; record: CommentRecord | null; stored: CommentRecord | null }
	| { kind: 'deletion'; id: string; value: CommentDeletion | null; stored: CommentRecord | null }
	| { kind: 'state'; id: string; value: ThreadState | null; stored: CommentRecord | null }
	| { kind: 'other' };

const K = KEYS.comments;

/** The plain value a write sets, if it sets exactly one. */
const readValue = (write: Write): unknown =>
	write.op === 'insert' && write.value.kind === 'any' && write.value.values.length === 1 ? write.value.values[0] : undefined;

/** Reads one write to a comments document. */
export function readCommentWrite(write: Write, doc: Y.Doc): CommentWrite {
	const { path, key } = write.target;
	if (path.length !== 1 || key === null || write.op !== 'insert' || write.value.kind === 'deleted') return { kind: 'other' };
	const v = readValue(write);
	const stored = readComment(doc, key);
	switch (path[0]) {
		case K.comments: {
			const r = parseComment(v, key);
			return { kind: 'comment', id: key, record: r.ok ? r.value : null, stored };
		}
		case K.deleted: {
			const r = parseDeletion(v);
			return { kind: 'deletion', id: key, value: r.ok ? r.value : null, stored };
		}
		case K.threads: {
			const r = parseThreadState(v);
			return { kind: 'state', id: key, value: r.ok ? r.value : null, stored };
		}
		default:
			return { kind: 'other' };
	}
}

/** Whether an edit keeps what a comment is (its thread, target, author and creation time). */
export function keepsIdentity(stored: CommentRecord, next: CommentRecord): boolean {
	return stored.thread === next.thread && stored.author === next.author && stored.created === next.created && JSON.stringify(stored.target) === JSON.stringify(next.target);
}
