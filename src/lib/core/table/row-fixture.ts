// Run rows for unit specs of the table's pure code: every field filled (a finished, active run), ids and start
// times counting up from one call to the next, any field overridable.
import type { RunRow } from '../run-row';

let n = 0;

/** A new row: run id `n` in hex, name `run-<n>`, started at n s, ended 10 ms later; `over` replaces fields. */
export function createTestRow(over: Partial<RunRow> = {}): RunRow {
	n++;
	return {
		run_id: n.toString(16).padStart(32, '0'),
		experiment_id: '1',
		name: `run-${n}`,
		status: 'FINISHED',
		lifecycle: 'active',
		user: 'ann',
		start_time: n * 1000,
		end_time: n * 1000 + 10,
		artifact_uri: '',
		params: {},
		tags: {},
		metrics: {},
		...over
	};
}
