// Calls back after documents change, at most once per animation frame, so a burst of relay updates (a live run
// logging many metrics) costs one recompute per frame.
import type * as Y from 'yjs';

const nextFrame: (fn: () => void) => void =
	typeof requestAnimationFrame === 'function' ? (fn) => void requestAnimationFrame(fn) : (fn) => void setTimeout(fn, 16);

/** Calls `onChange` once per frame in which any of `docs` got an update; returns the function that stops it. */
export function watchDocs(docs: readonly Y.Doc[], onChange: () => void): () => void {
	let scheduled = false;
	let stopped = false;
	const onUpdate = () => {
		if (scheduled || stopped) return;
		scheduled = true;
		nextFrame(() => {
			scheduled = false;
			if (!stopped) onChange();
		});
	};
	for (const doc of docs) doc.on('update', onUpdate);
	return () => {
		stopped = true;
		for (const doc of docs) doc.off('update', onUpdate);
	};
}
