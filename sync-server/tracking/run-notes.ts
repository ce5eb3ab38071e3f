// A run's notes are its `mlflow.note.content` tag (docs/design.md). The run document's Y.Text is the one source
// edited: API writes of the tag are spliced into it, and the server keeps the tag in the run's header (exp/<id>),
// which MLflow reads and searches see, equal to it. Edits arriving over the relay are copied to the tag at most once
// per MIRROR_DELAY_MS (typing would otherwise rewrite the whole tag in the experiment document per keystroke), and
// every API read of runs first settles the copies due, so a read after an edit finds it. With several instances only
// the one whose socket made the edit copies it (what another instance applied, REMOTE_ORIGIN, it copies itself).
import type * as Y from 'yjs';
import { docNames, parseDocName } from '../../src/lib/core/schema';
import { readRunExperiment } from '../../src/lib/core/docs/run';
import { hasRun } from '../../src/lib/core/docs/experiment';
import { hasNeverHeldNotes, mirrorNotesToTag, observeNotes, readNoteTag, readNoteWrite, setNotes } from '../../src/lib/core/docs/notes';
import { API_ORIGIN, readDocs, type DocAccess } from './doc-access';
import { REMOTE_ORIGIN } from '../relay/room';

/** ms between a relay edit of a run's notes and its copy into the note tag (at most one copy per period). */
export const MIRROR_DELAY_MS = 1_000;

/** The relay's room and socket events the mirror follows. */
export interface NotesEvents {
	on(event: 'room-loaded' | 'room-unloaded' | 'socket-open' | 'socket-close', fn: (name: unknown, doc?: unknown) => void): () => void;
}

/**
 * Splices a batch's note tag write (its value, or '' for a delete) into the run's notes, inside the caller's
 * transaction; the caller writes the header tag itself. Nothing when the batch names no note.
 */
export function applyNoteWrite(run: Y.Doc, tags?: Readonly<Record<string, string>>, deleteTags?: readonly string[]): void {
	const note = readNoteWrite(tags, deleteTags);
	if (note !== null) setNotes(run, note, API_ORIGIN);
}

/** Calls `fn` on every change of the notes made here by someone other than an API write (see observeNotes). */
function observeLocalNoteEdits(run: Y.Doc, fn: () => void): () => void {
	// observeNotes leaves out one origin; the transaction's, seen just before its observers run, gives the other.
	let remote = false;
	const onTransaction = (tr: Y.Transaction) => (remote = tr.origin === REMOTE_ORIGIN);
	run.on('beforeObserverCalls', onTransaction);
	const stop = observeNotes(run, API_ORIGIN, () => {
		if (!remote) fn();
	});
	return () => {
		stop();
		run.off('beforeObserverCalls', onTransaction);
	};
}

export function createNotesMirror(access: DocAccess, events?: NotesEvents, log: (msg: string) => void = () => {}, delayMs = MIRROR_DELAY_MS) {
	/** run id → the timer of its due copy */
	const due = new Map<string, ReturnType<typeof setTimeout>>();
	/** run id → the copy being written */
	const writing = new Map<string, Promise<void>>();

	/** Brings the header's note tag in line with the notes: the tag from the notes, or (`adopt`) old notes from the tag. */
	async function reconcile(runId: string, adopt: boolean): Promise<void> {
		const expId = await readDocs(access, [docNames.run(runId)], ([run]) => readRunExperiment(run));
		if (expId === null) return;
		await access.transact(
			[docNames.experiment(expId), docNames.run(runId)],
			([exp, run]) => {
				if (!hasRun(exp, runId)) return; // the run document names an experiment that does not hold it
				if (!hasNeverHeldNotes(run)) mirrorNotesToTag(exp, expId, runId, run);
				else if (adopt) {
					const tag = readNoteTag(exp, expId, runId);
					if (tag) setNotes(run, tag, API_ORIGIN);
				}
			},
			API_ORIGIN
		);
	}

	function copyNow(runId: string): Promise<void> {
		const timer = due.get(runId);
		if (timer !== undefined) {
			clearTimeout(timer);
			due.delete(runId);
			const work = reconcile(runId, false)
				.catch((e: Error) => log(`could not copy the notes of run ${runId} to its note tag: ${e.message}`))
				.finally(() => {
					if (writing.get(runId) === work) writing.delete(runId);
				});
			writing.set(runId, work);
		}
		return writing.get(runId) ?? Promise.resolve();
	}

	function schedule(runId: string): void {
		if (due.has(runId)) return;
		const timer = setTimeout(() => void copyNow(runId), delayMs);
		timer.unref?.();
		due.set(runId, timer);
	}

	const runOf = (name: unknown) => {
		const ref = typeof name === 'string' ? parseDocName(name) : null;
		return ref?.kind === 'run' ? ref.runId : null;
	};
	const stops = new Map<string, () => void>();
	/** Run documents loaded now, and runs whose notes a socket opened before their document loaded. */
	const loaded = new Map<string, Y.Doc>();
	const opening = new Set<string>();
	/** A socket opened the notes of a loaded run document: reconcile, unless it is no run's (nothing to do, and cheap). */
	const onOpened = (runId: string, doc: Y.Doc) => {
		if (readRunExperiment(doc) === null) return;
		reconcile(runId, true).catch((e: Error) => log(`could not reconcile the notes of run ${runId}: ${e.message}`));
	};
	events?.on('room-loaded', (name, doc) => {
		const runId = runOf(name);
		if (!runId) return;
		const run = doc as Y.Doc;
		loaded.set(runId, run);
		// Every change not made by an API write (which writes the tag itself) nor by another instance: relay clients' edits.
		stops.set(runId, observeLocalNoteEdits(run, () => schedule(runId)));
		if (opening.delete(runId)) onOpened(runId, run);
	});
	events?.on('room-unloaded', (name) => {
		const runId = runOf(name);
		if (!runId) return;
		stops.get(runId)?.();
		stops.delete(runId);
		loaded.delete(runId);
	});
	// Someone opens a run's notes: a run logged before the notes were the tag gets its notes from the tag, and a copy
	// lost to a crash is made.
	events?.on('socket-open', (name) => {
		const runId = runOf(name);
		if (!runId) return;
		const doc = loaded.get(runId);
		if (doc) onOpened(runId, doc);
		else opening.add(runId);
	});
	events?.on('socket-close', (name) => {
		const runId = runOf(name);
		if (runId) opening.delete(runId); // refused before its document loaded
	});

	return {
		/** Resolves once the due copies (of run `runId`, or of every run) are written. */
		settle(runId?: string): Promise<void> {
			if (runId !== undefined) return due.has(runId) || writing.has(runId) ? copyNow(runId) : Promise.resolve();
			if (due.size === 0 && writing.size === 0) return Promise.resolve();
			return Promise.all([...new Set([...due.keys(), ...writing.keys()])].map(copyNow)).then(() => {});
		}
	};
}

export type NotesMirror = ReturnType<typeof createNotesMirror>;
