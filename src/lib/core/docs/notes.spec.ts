// Notes edited from text fields on two peers: minimal splices, concurrent edits merge, carets follow remote edits.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readNotes } from './run';
import { applyNotesEdit, createNotesUndo, formatNoteTag, hasNeverHeldNotes, mirrorNotesToTag, NOTE_TAG, observeNotes, readNoteTag, readNoteWrite, setNotes } from './notes';
import { createRun } from './experiment';
import { transformIndex, type TextDeltaOp } from '../text-diff';

function sync(a: Y.Doc, b: Y.Doc) {
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
}

/** Two peers whose notes both read `text`. */
function peersWith(text: string): [Y.Doc, Y.Doc] {
	const a = new Y.Doc();
	const b = new Y.Doc();
	setNotes(a, text, 'ui');
	sync(a, b);
	return [a, b];
}

describe('setNotes', () => {
	it('applies only the changed span, so concurrent edits on two peers both survive', () => {
		const [a, b] = peersWith('lr sweep\n');
		expect(setNotes(a, 'lr sweep: 1e-3 best\n', 'ui')).toEqual({ index: 8, remove: 0, insert: ': 1e-3 best' });
		setNotes(b, 'Summary\nlr sweep\n', 'ui');
		sync(a, b);
		expect(readNotes(a)).toBe('Summary\nlr sweep: 1e-3 best\n');
		expect(readNotes(b)).toBe(readNotes(a));
		expect(setNotes(a, readNotes(a), 'ui')).toBeNull();
	});
});

describe('observeNotes', () => {
	it('reports remote changes only, with a delta that moves a caret past text inserted before it', () => {
		const [a, b] = peersWith('hello world');
		const deltas: TextDeltaOp[][] = [];
		const stop = observeNotes(a, 'ui', (d) => deltas.push(d));
		setNotes(a, 'hello world!', 'ui');
		expect(deltas).toEqual([]);
		const caret = 'hello world!'.length;
		sync(a, b); // b learns "!" (a's local edit) — nothing new for a
		setNotes(b, '>> hello world!', 'ui');
		sync(a, b);
		expect(deltas).toHaveLength(1);
		expect(transformIndex(caret, deltas[0])).toBe(caret + 3);
		stop();
		setNotes(b, '', 'ui');
		sync(a, b);
		expect(deltas).toHaveLength(1);
	});
});

describe('createNotesUndo', () => {
	it("undoes and redoes this editor's edits only, keeping a peer's, and reports them to observers", () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const undo = createNotesUndo(a, 'ui');
		setNotes(a, 'lr 1e-3\n', 'ui');
		undo.stopCapturing();
		sync(a, b);
		setNotes(b, 'Summary\nlr 1e-3\n', 'ui');
		sync(a, b);
		setNotes(a, 'Summary\nlr 1e-3 diverged\n', 'ui');
		const seen: string[] = [];
		const stop = observeNotes(a, 'ui', () => seen.push(readNotes(a)));
		undo.undo();
		expect(readNotes(a)).toBe('Summary\nlr 1e-3\n');
		undo.undo();
		expect(readNotes(a)).toBe('Summary\n');
		undo.redo();
		expect(readNotes(a)).toBe('Summary\nlr 1e-3\n');
		expect(seen).toEqual(['Summary\nlr 1e-3\n', 'Summary\n', 'Summary\nlr 1e-3\n']);
		stop();
		undo.destroy();
	});
});

describe('applyNotesEdit', () => {
	it("applies an edit made on an older copy after the peers' changes, keeping them", () => {
		const [a, b] = peersWith('lr 1e-3\n');
		const before = readNotes(a);
		const deltas: TextDeltaOp[][] = [];
		const stop = observeNotes(a, 'ui', (d) => deltas.push(d));
		setNotes(b, 'Summary\nlr 1e-3\n', 'ui'); // a peer types while this field composes
		sync(a, b);
		setNotes(b, 'Summary\nlr 1e-3\nnext: 3e-4\n', 'ui');
		sync(a, b);
		stop();
		expect(deltas).toHaveLength(2);
		// The composition turned 'lr 1e-3' into 'lr 1e-3 学习率' on the field's older copy.
		const caret = applyNotesEdit(a, before, 'lr 1e-3 学习率\n', deltas, 'ui');
		expect(readNotes(a)).toBe('Summary\nlr 1e-3 学习率\nnext: 3e-4\n');
		expect(caret).toBe('Summary\nlr 1e-3 学习率'.length);
		expect(applyNotesEdit(a, 'x', 'x', [], 'ui')).toBeNull();
	});
});

describe('the notes as the run’s mlflow.note.content tag', () => {
	const RUN = 'ab'.repeat(16);
	function experimentWithRun(tags: Record<string, string> = {}): Y.Doc {
		const exp = new Y.Doc();
		createRun(exp, { runId: RUN, experimentId: '1', name: 'r', user: 'u', startTime: 1, status: 'RUNNING', artifactUri: 'a', tags });
		return exp;
	}

	it('reads what a batch of tag writes does to the notes: a new text, a delete, or nothing', () => {
		expect(readNoteWrite({ [NOTE_TAG]: 'desc', team: 'a' })).toBe('desc');
		expect(readNoteWrite({ team: 'a' }, [NOTE_TAG])).toBe('');
		expect(readNoteWrite({ [NOTE_TAG]: '' })).toBe('');
		expect(readNoteWrite({ team: 'a' }, ['team'])).toBeNull();
		expect(readNoteWrite(undefined)).toBeNull();
	});

	it('copies the notes into the header tag, deletes the tag for empty notes, and writes nothing when equal', () => {
		const exp = experimentWithRun();
		const run = new Y.Doc();
		setNotes(run, '# Sweep\n\n| lr | loss |', 'ui');
		expect(mirrorNotesToTag(exp, '1', RUN, run)).toBe(true);
		expect(readNoteTag(exp, '1', RUN)).toBe('# Sweep\n\n| lr | loss |');
		let updates = 0;
		exp.on('update', () => updates++);
		expect(mirrorNotesToTag(exp, '1', RUN, run)).toBe(false);
		expect(updates).toBe(0);
		setNotes(run, '', 'ui');
		expect(mirrorNotesToTag(exp, '1', RUN, run)).toBe(true);
		expect(readNoteTag(exp, '1', RUN)).toBeNull();
		expect(mirrorNotesToTag(experimentWithRun(), '1', 'cd'.repeat(16), run)).toBe(false);
	});

	it('cuts the tag of long notes at MLflow’s 8,000-character tag limit, never inside a surrogate pair', () => {
		expect(formatNoteTag('')).toBeNull();
		expect(formatNoteTag('short')).toBe('short');
		expect(formatNoteTag('x'.repeat(9000))).toBe('x'.repeat(8000));
		expect(formatNoteTag(`${'x'.repeat(7999)}😀tail`)).toBe('x'.repeat(7999));
	});

	it('tells notes that never held text from notes emptied since', () => {
		const run = new Y.Doc();
		expect(hasNeverHeldNotes(run)).toBe(true);
		setNotes(run, 'x', 'ui');
		setNotes(run, '', 'ui');
		expect(hasNeverHeldNotes(run)).toBe(false);
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(run));
		expect(hasNeverHeldNotes(reloaded)).toBe(false);
	});
});
