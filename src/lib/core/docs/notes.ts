// Editing a run's Markdown notes (the Y.Text in `run/<runId>`) from a plain text field: each edit becomes one
// minimal splice in one transaction, and other peers' changes arrive as deltas the caret can be moved through.
// Undo and redo go through a Y.UndoManager: they take back this editor's own edits only, never a peer's.
// The notes are also the run's MLflow description, the `mlflow.note.content` tag: the server keeps the tag in the
// run's header equal to them (docs/design.md, "a run's notes are its mlflow.note.content").
import * as Y from 'yjs';
import { readNotes, readNotesText } from './run';
import { readRun, updateRun } from './experiment';
import { MLFLOW_LIMITS } from '../mlflow/keys';
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

/** The tag MLflow keeps a run's (and an experiment's) description in. A run's is its notes. */
export const NOTE_TAG = 'mlflow.note.content';

/**
 * Whether the notes have never held any text, not even text deleted since (Yjs keeps a deleted item's place): a run
 * whose note tag was logged before the notes were the tag, whose notes are then taken from the tag once.
 */
export function hasNeverHeldNotes(run: Y.Doc): boolean {
	return readNotesText(run)._start === null;
}

/** The notes a batch of tag writes leaves: the note tag's new value, '' when it is deleted, null when neither. */
export function readNoteWrite(tags: Readonly<Record<string, string>> | undefined, deleteTags: readonly string[] = []): string | null {
	if (tags && Object.hasOwn(tags, NOTE_TAG)) return tags[NOTE_TAG];
	return deleteTags.includes(NOTE_TAG) ? '' : null;
}

/** The run header's note tag, as the server keeps it; null when absent (or no such run). */
export function readNoteTag(exp: Y.Doc, experimentId: string, runId: string): string | null {
	return readRun(exp, experimentId, runId)?.tags[NOTE_TAG] ?? null;
}

/**
 * The note tag for notes `text`: cut at MLflow's run tag limit (MLflow cuts longer tag values there too, and the
 * experiment document must not grow with every long note), never inside a surrogate pair; null for empty notes.
 */
export function formatNoteTag(text: string): string | null {
	const max = MLFLOW_LIMITS.tagValueLength;
	if (text.length <= max) return text || null;
	const cut = /[\ud800-\udbff]/.test(text[max - 1]) ? max - 1 : max;
	return text.slice(0, cut);
}

/**
 * Makes the run header's note tag read the run's notes (formatNoteTag: absent when they are empty, as MLflow has no
 * tag for no description); writes nothing when it does already. Returns whether it wrote.
 */
export function mirrorNotesToTag(exp: Y.Doc, experimentId: string, runId: string, run: Y.Doc): boolean {
	const want = formatNoteTag(readNotes(run));
	if (readNoteTag(exp, experimentId, runId) === want) return false;
	return updateRun(exp, runId, want === null ? { deleteTags: [NOTE_TAG] } : { tags: { [NOTE_TAG]: want } });
}
