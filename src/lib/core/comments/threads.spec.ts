// The comment model on one document: threads, replies, edits, deletion, resolve and reopen, pins, validation.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createThread, deleteComment, editComment, readThreads, replyToThread, setThreadResolved } from '../docs/comments';
import { parseComment, parseCommentTarget } from './comment';
import { isOpenThread, selectPins, selectThreads } from './threads';

const RUN = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);

describe('comment threads', () => {
	it('keeps a thread with its replies in order, edits, resolves and reopens it', () => {
		const doc = new Y.Doc();
		const t = createThread(doc, { kind: 'run', runId: RUN }, 'ann', 'Why **this** spike?', 1000);
		const r2 = replyToThread(doc, t, 'bob', 'second', 3000);
		const r1 = replyToThread(doc, t, 'cy', 'first', 2000);
		editComment(doc, r2, 'second, edited', 4000);
		let [thread] = readThreads(doc);
		expect(thread.comments.map((c) => c.id)).toEqual([t, r1, r2]);
		expect(thread.comments[2]).toMatchObject({ body: 'second, edited', edited: 4000, author: 'bob' });
		expect(isOpenThread(thread)).toBe(true);
		setThreadResolved(doc, t, true, 'bob', 5000);
		[thread] = readThreads(doc);
		expect(thread.resolved).toEqual({ resolved: true, by: 'bob', at: 5000 });
		expect(thread.updated).toBe(5000);
		setThreadResolved(doc, t, false, 'ann', 6000);
		expect(isOpenThread(readThreads(doc)[0])).toBe(true);
	});

	it('keeps a deleted root as a placeholder while replies live, and drops the thread once all are deleted', () => {
		const doc = new Y.Doc();
		const t = createThread(doc, { kind: 'experiment' }, 'ann', 'root', 1);
		const r = replyToThread(doc, t, 'bob', 'reply', 2);
		deleteComment(doc, t, 'ann', 3);
		const [thread] = readThreads(doc);
		expect(thread.comments[0]).toMatchObject({ id: t, body: '', deleted: { by: 'ann', at: 3 } });
		expect(() => editComment(doc, t, 'again', 4)).toThrow(/deleted/);
		deleteComment(doc, r, 'bob', 5);
		expect(readThreads(doc)).toEqual([]);
	});

	it('selects threads per target and pins per metric and run', () => {
		const doc = new Y.Doc();
		const pin = createThread(doc, { kind: 'run', runId: RUN, metric: 'loss', step: 40 }, 'ann', 'spike\nmore', 1);
		createThread(doc, { kind: 'run', runId: OTHER, metric: 'loss', step: 7 }, 'ann', 'other run', 2);
		createThread(doc, { kind: 'run', runId: RUN }, 'ann', 'plain', 3);
		createThread(doc, { kind: 'version', name: 'm', version: '2' }, 'ann', 'v2', 4);
		const threads = readThreads(doc);
		expect(selectThreads(threads, { kind: 'run', runId: RUN })).toHaveLength(2);
		expect(selectThreads(threads, { kind: 'version', name: 'm', version: '2' })).toHaveLength(1);
		expect(selectThreads(threads, { kind: 'version', name: 'm', version: '3' })).toHaveLength(0);
		expect(selectPins(threads, 'loss', new Set([RUN]))).toEqual([
			{ threadId: pin, runId: RUN, metric: 'loss', step: 40, resolved: false, summary: 'spike', author: 'ann' }
		]);
		expect(selectPins(threads, 'loss', null)).toHaveLength(2);
		expect(selectPins(threads, 'acc', null)).toHaveLength(0);
	});

	it('refuses malformed input', () => {
		const doc = new Y.Doc();
		expect(() => createThread(doc, { kind: 'run', runId: RUN }, 'ann', '   ', 1)).toThrow(/empty/);
		expect(() => createThread(doc, { kind: 'run', runId: RUN }, 'ann', 'x'.repeat(10_001), 1)).toThrow(/at most/);
		expect(() => createThread(doc, { kind: 'run', runId: RUN, metric: 'loss', step: 1.5 }, 'ann', 'x', 1)).toThrow(/integer step/);
		expect(() => replyToThread(doc, OTHER, 'ann', 'x', 1)).toThrow(/No such thread/);
		expect(parseCommentTarget({ kind: 'run', runId: 'nope' }).ok).toBe(false);
		expect(parseCommentTarget({ kind: 'run', runId: RUN, metric: '../x', step: 1 }).ok).toBe(false);
		expect(parseCommentTarget({ kind: 'version', name: 'm', version: '0' }).ok).toBe(false);
		expect(parseCommentTarget({ kind: 'experiment', extra: 1 }).ok).toBe(false);
		const good = { thread: RUN, target: { kind: 'experiment' }, author: 'a', body: 'b', created: 1 };
		expect(parseComment(good, RUN).ok).toBe(true);
		expect(parseComment({ ...good, created: Infinity }, RUN).ok).toBe(false);
		expect(parseComment({ ...good, author: '' }, RUN).ok).toBe(false);
		expect(parseComment({ ...good, html: '<b>' }, RUN).ok).toBe(false);
		expect(parseComment(good, 'short').ok).toBe(false);
	});

	it('leaves out malformed stored entries and replies to unknown roots', () => {
		const doc = new Y.Doc();
		const comments = doc.getMap('comments');
		comments.set(RUN, { thread: RUN, target: { kind: 'experiment' }, author: 'a', body: 'ok', created: 1 });
		comments.set(OTHER, { thread: 'c'.repeat(32), target: { kind: 'experiment' }, author: 'a', body: 'orphan', created: 2 });
		comments.set('d'.repeat(32), { bogus: true });
		doc.getMap('threads').set(RUN, { resolved: 'yes' });
		const threads = readThreads(doc);
		expect(threads).toHaveLength(1);
		expect(threads[0].comments).toHaveLength(1);
		expect(threads[0].resolved).toBeNull();
	});
});
