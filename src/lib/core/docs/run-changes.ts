// Which runs changed: observes an experiment's `exp/<id>` and `exp/<id>/live` documents and reports the ids of the
// runs whose header, params, tags or metric summaries changed, so a 10,000-run table re-reads only those rows.
import * as Y from 'yjs';
import { KEYS } from '../schema';
import { observeMetricSummaries } from './live';

/**
 * Calls `onChange(runIds)` after every transaction on `exp` that touched runs (header, params, tags; a new or
 * removed run counts), with their ids. Synchronous, once per transaction; batch the calls yourself. Returns the
 * function that stops observing.
 */
export function observeRunHeaderChanges(exp: Y.Doc, onChange: (runIds: Set<string>) => void): () => void {
	const runs = exp.getMap(KEYS.experiment.runs);
	const onRuns = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
		const ids = new Set<string>();
		for (const e of events) {
			// An event on the runs map itself names the runs added or removed; a deeper one has the run id first in its path.
			if (e.target === runs) for (const k of e.keys.keys()) ids.add(k);
			else if (typeof e.path[0] === 'string') ids.add(e.path[0]);
		}
		if (ids.size > 0) onChange(ids);
	};
	runs.observeDeep(onRuns);
	return () => runs.unobserveDeep(onRuns);
}

/** observeRunHeaderChanges on `exp` and observeMetricSummaries on `live`, with one callback. */
export function observeRunChanges(exp: Y.Doc, live: Y.Doc, onChange: (runIds: Set<string>) => void): () => void {
	const stopHeaders = observeRunHeaderChanges(exp, onChange);
	const stopMetrics = observeMetricSummaries(live, onChange);
	return () => {
		stopHeaders();
		stopMetrics();
	};
}
