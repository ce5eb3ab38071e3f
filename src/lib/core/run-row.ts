// The flat read model of one run that tables, UI filters and the MLflow search all read.
// Built from the experiment documents; plain data, no Yjs types.

/** One metric's summary. `last` is the latest value by (step, timestamp); min/max skip NaN; times are ms since the epoch. */
export interface MetricSummary {
	last: number;
	min: number;
	max: number;
	count: number;
	step: number;
	timestamp: number;
}

export interface RunRow {
	run_id: string;
	experiment_id: string;
	name: string;
	status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
	lifecycle: 'active' | 'deleted';
	user: string;
	start_time: number; // ms since epoch
	end_time: number | null; // ms since epoch
	artifact_uri: string;
	params: Record<string, string>;
	tags: Record<string, string>;
	metrics: Record<string, MetricSummary>;
	/** The colour picked for the run (`#rrggbb`); absent = derived from its id (core/run-color.ts runColorOf). */
	color?: string;
}
