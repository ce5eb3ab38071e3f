// Runs for browser tests, made over the native HTTP API: each with params and metric series logged at steps 0, 1,
// 2, …, finished unless it is to stay running.

export interface SeedRun {
	name: string;
	params: Record<string, string>;
	/** metric key → values at steps 0, 1, 2, … */
	metrics: Record<string, number[]>;
	/** Left RUNNING (its charts stream live); default: finished. */
	running?: boolean;
}

type Post = <T = unknown>(path: string, body: unknown) => Promise<T>;

/** Creates `runs` in the experiment `experimentName` (created if new); returns their ids in order. */
export async function seedRuns(post: Post, experimentName: string, runs: SeedRun[]): Promise<{ experimentId: string; ids: string[] }> {
	const ids: string[] = [];
	let experimentId = '';
	for (const r of runs) {
		const created = await post<{ run_id: string; experiment_id: string }>('/api/runs', { experiment_name: experimentName, run_name: r.name, params: r.params });
		experimentId = created.experiment_id;
		ids.push(created.run_id);
		const metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, values]) => [k, { steps: values.map((_, i) => i), values }]));
		await post(`/api/runs/${created.run_id}/log`, { metrics });
		if (!r.running) await post(`/api/runs/${created.run_id}/end`, { status: 'FINISHED' });
	}
	return { experimentId, ids };
}
