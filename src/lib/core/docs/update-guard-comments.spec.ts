// The update guard on comments documents (exp/<id>/comments, registry/comments): what the app writes passes, live
// and as one step 2; malformed comments, deletions and thread states, unknown roots and removals are refused.
import { describe, it } from 'vitest';
import * as Y from 'yjs';
import { docNames } from '../schema';
import { createThread, deleteComment, editComment, replyToThread, setThreadResolved } from './comments';
import { expectAccepted, expectRejected } from './update-guard-harness';

const EXP = docNames.comments('7');
const REG = docNames.registryComments;
const RUN = 'a'.repeat(32);
const ID = 'c'.repeat(32);
const comment = { thread: ID, target: { kind: 'run', runId: RUN }, author: 'ann', body: 'hello', created: 1 };

describe('update guard: comments documents', () => {
	it('accepts what the app writes: threads, replies, edits, deletions, resolve and reopen', () => {
		const server = new Y.Doc();
		let thread = '';
		expectAccepted(EXP, server, (d) => (thread = createThread(d, { kind: 'run', runId: RUN, metric: 'loss', step: 40 }, 'ann', '**spike**', 1)));
		let reply = '';
		expectAccepted(EXP, server, (d) => (reply = replyToThread(d, thread, 'bob', 'seen', 2)));
		expectAccepted(EXP, server, (d) => editComment(d, reply, 'seen it', 3));
		expectAccepted(EXP, server, (d) => setThreadResolved(d, thread, true, 'bob', 4));
		expectAccepted(EXP, server, (d) => setThreadResolved(d, thread, false, 'ann', 5));
		expectAccepted(EXP, server, (d) => deleteComment(d, reply, 'bob', 6));
		expectAccepted(REG, new Y.Doc(), (d) => createThread(d, { kind: 'version', name: 'fraud', version: '3' }, 'ann', 'ship it', 1));
	});

	it('refuses malformed comments', () => {
		const server = new Y.Doc();
		const set = (v: unknown, id = ID) => (d: Y.Doc) => d.getMap('comments').set(id, v);
		expectRejected(EXP, server, set({ ...comment, body: '' }), /non-empty Markdown/);
		expectRejected(EXP, server, set({ ...comment, body: 'x'.repeat(10_001) }), /at most 10000/);
		expectRejected(EXP, server, set({ ...comment, author: '' }), /author/);
		expectRejected(EXP, server, set({ ...comment, created: -1 }), /ms since the epoch/);
		expectRejected(EXP, server, set({ ...comment, target: { kind: 'run', runId: RUN, metric: 'loss', step: 0.5 } }), /integer step/);
		expectRejected(EXP, server, set({ ...comment, target: { kind: 'run', runId: RUN, metric: 'loss', step: Infinity } }), /integer step/);
		expectRejected(EXP, server, set({ ...comment, script: '<script>' }), /a comment is/);
		expectRejected(EXP, server, set(comment, 'not-an-id'), /not a comment id/);
		expectRejected(EXP, server, (d) => d.getMap('comments').set(ID, new Y.Map()), /one plain value/);
		expectRejected(EXP, server, (d) => d.getMap('elsewhere').set('x', 1), /not part of a comments document/);
	});

	it('refuses malformed deletions and states, undoing a deletion and removing a comment', () => {
		const server = new Y.Doc();
		expectAccepted(EXP, server, (d) => d.getMap('comments').set(ID, comment));
		expectRejected(EXP, server, (d) => d.getMap('deleted').set(ID, { by: '' , at: 1 }), /a deletion is/);
		expectRejected(EXP, server, (d) => d.getMap('threads').set(ID, { resolved: 'yes', by: 'a', at: 1 }), /a thread state is/);
		expectRejected(EXP, server, (d) => d.getMap('comments').delete(ID), /clients may not delete it/);
		expectAccepted(EXP, server, (d) => deleteComment(d, ID, 'ann', 2));
		expectRejected(EXP, server, (d) => d.getMap('deleted').delete(ID), /clients may not delete it/);
		expectRejected(EXP, server, (d) => d.getMap('deleted').set(ID, { by: 'ann', at: 3 }), /set once/);
	});
});
