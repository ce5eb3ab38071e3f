// Editing a run's Markdown notes (the Y.Text in `run/<runId>`) from a plain text field: each edit becomes one
// minimal splice in one transaction, and other peers' changes arrive as deltas the caret can be moved through.
// Undo and redo go through a Y.UndoManager: they take back this editor's own edits only, never a peer's.
import * as Y from 'yjs';
import { readNotesText } from './run';
import { diffText, transformIndex, type TextDeltaOp, type TextSplice } from '../text-diff';

/**
 * Makes the notes read `next` with the smallest splice from their current text, in one transaction tagged with
 * `origin`. Returns the splice applied, or null if nothing changed.
 */
export function setNotes(run: Y.Doc, next: string, origin: unknown): TextSplice | null {
	const text = readNotesText(run);
	const splice = diffText(text.toString(), next);
	if (splice === null) return null;
	run.transact(() => {
		if (splice.remove > 0) text.delete(splice.index, splice.remove);
		if (splice.insert !== '') text.insert(splice.index, splice.insert);
	}, origin);
	return splice;
}

/**
 * Calls `fn` after every change of the notes that did not come from `origin` (another tab, the relay, IndexedDB),
 * with the change as a delta over the previous text. Returns the function that stops observing.
 */
export function observeNotes(run: Y.Doc, origin: unknown, fn: (delta: TextDeltaOp[]) => void): () => void {
	const text = readNotesText(run);
	const onChange = (event: Y.YTextEvent) => {
		if (event.transaction.origin !== origin) fn(event.delta as TextDeltaOp[]);
	};
	text.observe(onChange);
	return () => text.unobserve(onChange);
}

/**
 * Applies an edit made on an older copy of the notes (`before` → `after`, e.g. an IME composition during which the
 * field was not updated) after `deltas`, the peers' changes since, in order: the edit moves with them instead of
 * undoing them. Returns where the caret goes (the end of the inserted text), or null if the edit changed nothing.
 */
export function applyNotesEdit(run: Y.Doc, before: string, after: string, deltas: readonly (readonly TextDeltaOp[])[], origin: unknown): number | null {
	const splice = diffText(before, after);
	if (splice === null) return null;
	let start = splice.index;
	let end = splice.index + splice.remove;
	for (const d of deltas) {
		start = transformIndex(start, d);
		end = Math.max(start, transformIndex(end, d));
	}
	const text = readNotesText(run);
	run.transact(() => {
		if (end > start) text.delete(start, end - start);
		if (splice.insert !== '') text.insert(start, splice.insert);
	}, origin);
	return start + splice.insert.length;
}

/** ms within which consecutive edits undo as one step. */
const UNDO_CAPTURE_MS = 500;

/**
 * Undo history of the edits made with `origin` (setNotes' own), leaving other peers' edits alone. The undone and
 * redone changes reach observeNotes observers like a peer's (their origin is the manager). Destroy it when done.
 */
export function createNotesUndo(run: Y.Doc, origin: unknown): Y.UndoManager {
	return new Y.UndoManager(readNotesText(run), { trackedOrigins: new Set([origin]), captureTimeout: UNDO_CAPTURE_MS });
}
