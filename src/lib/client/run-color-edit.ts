// Picking a run's colour from the app: written on the local experiment document (setRunColor), which the relay
// passes to every browser that has the experiment open, so the table dot, run page and charts change everywhere.
import { docNames } from '$lib/core/schema';
import { setRunColor } from '$lib/core/docs/experiment';
import type { RunRow } from '$lib/core/run-row';
import { openDocument } from './documents';

/** Gives the run `color` (`#rrggbb`), or its default back with null; false if the run or the colour is not valid. */
export function writeRunColor(run: Pick<RunRow, 'experiment_id' | 'run_id'>, color: string | null): boolean {
	const handle = openDocument(docNames.experiment(run.experiment_id));
	try {
		return setRunColor(handle.doc, run.run_id, color);
	} finally {
		handle.release();
	}
}
