// The browser's side of comment threads: a live view of one or more comments documents (exp/<id>/comments,
// registry/comments) and the edits a person makes there, in the name of who this browser acts as (the signed-in
// user, else the display name). Edits go to the local document: offline they wait in IndexedDB and merge later.
import { createDocsView } from './doc-view.svelte';
import { openDocument } from './documents';
import { readActor } from './registry-governance.svelte';
import { readThreads, createThread, deleteComment, editComment, replyToThread, setThreadResolved } from '$lib/core/docs/comments';
import type { CommentTarget } from '$lib/core/comments/comment';
import type { ThreadView } from '$lib/core/comments/threads';

/** A thread with the document it lives in. */
export interface PlacedThread extends ThreadView {
	docName: string;
}

const NONE: PlacedThread[] = [];

/** Every thread of the documents `names()` gives (read reactively), oldest first. */
export function createThreadsView(names: () => readonly string[] | null) {
	return createDocsView(
		() => {
			const n = names();
			return n && n.length > 0 ? n.join('\n') : null;
		},
		(key) => key.split('\n'),
		(docs, key) => {
			const list = key.split('\n');
			return docs.flatMap((doc, i) => readThreads(doc).map((t) => ({ ...t, docName: list[i] })));
		},
		NONE
	);
}

/** Runs `edit` on document `name` (opened for the call; a view holding it keeps it live). */
function withDoc<T>(name: string, edit: (doc: import('yjs').Doc) => T): T {
	const handle = openDocument(name);
	try {
		return edit(handle.doc);
	} finally {
		handle.release();
	}
}

/** The edits a person makes on comments, each stamped with who this browser acts as and the time. */
export const commentEdits = {
	start: (docName: string, target: CommentTarget, body: string) => withDoc(docName, (d) => createThread(d, target, readActor(), body, Date.now())),
	reply: (docName: string, threadId: string, body: string) => withDoc(docName, (d) => replyToThread(d, threadId, readActor(), body, Date.now())),
	edit: (docName: string, id: string, body: string) => withDoc(docName, (d) => editComment(d, id, body, Date.now())),
	remove: (docName: string, id: string) => withDoc(docName, (d) => deleteComment(d, id, readActor(), Date.now())),
	resolve: (docName: string, threadId: string, resolved: boolean) => withDoc(docName, (d) => setThreadResolved(d, threadId, resolved, readActor(), Date.now()))
};
