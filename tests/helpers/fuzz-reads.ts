// Every HTTP read of the documents the relay fuzz and the property test hammer (a run, its experiment, the
// experiment list, metric history, searches of runs, experiments, logged and registered models and versions), each
// with the shape its answer must have: a 200 and well-formed JSON of that shape, or a finding (a 500 is one).
import { sendRaw, type Findings } from './fuzz-http';
import type { Sentinels } from './fuzz-sentinels';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HttpRead {
	label: string;
	method: 'GET' | 'POST';
	target: string;
	body?: unknown;
	/** What is wrong with the answer's JSON, or null. */
	check(json: Json): string | null;
}

const isStringMap = (v: Json) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
const isKeyValues = (v: Json) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x?.key === 'string' && typeof x?.value === 'string'));
const every = (list: Json, what: string, ok: (x: Json) => boolean) => (list === undefined || (Array.isArray(list) && list.every(ok)) ? null : `${what} is not a list of well-formed entries`);

export function createHttpReads(s: Sentinels): HttpRead[] {
	const M = '/api/2.0/mlflow';
	const E = s.experimentId;
	const R = s.runId;
	return [
		{
			label: 'native run',
			method: 'GET',
			target: `/api/runs/${R}`,
			check: (j) => (j.run?.run_id === R && typeof j.run.name === 'string' && isStringMap(j.run.params) && isStringMap(j.run.tags) && typeof j.run.metrics === 'object' ? null : 'run is not {run_id, name, params, tags, metrics}')
		},
		{
			label: 'mlflow runs/get',
			method: 'GET',
			target: `${M}/runs/get?run_id=${R}`,
			check: (j) => (j.run?.info?.run_id === R && typeof j.run.info.status === 'string' && isKeyValues(j.run.data?.params) && isKeyValues(j.run.data?.tags) ? null : 'run is not {info, data}')
		},
		{ label: 'runs/search', method: 'POST', target: `${M}/runs/search`, body: { experiment_ids: [E], max_results: 100 }, check: (j) => every(j.runs, 'runs', (r) => typeof r?.info?.run_id === 'string') },
		{
			label: 'metrics/get-history',
			method: 'GET',
			target: `${M}/metrics/get-history?run_id=${R}&metric_key=loss`,
			check: (j) => every(j.metrics, 'metrics', (m) => m?.key === 'loss' && (typeof m.value === 'number' || typeof m.value === 'string') && Number.isFinite(Number(m.step)))
		},
		{ label: 'native metric', method: 'GET', target: `/api/runs/${R}/metrics/loss`, check: (j) => (Array.isArray(j.steps) && Array.isArray(j.values) && j.steps.length === j.values.length ? null : 'not {steps, values}') },
		{ label: 'native experiments', method: 'GET', target: '/api/experiments', check: (j) => every(j.experiments, 'experiments', (e) => typeof e?.experiment_id === 'string' && typeof e.name === 'string') },
		{ label: 'native experiment runs', method: 'GET', target: `/api/experiments/${E}/runs`, check: (j) => every(j.runs, 'runs', (r) => typeof r?.run_id === 'string' && typeof r.name === 'string') },
		{ label: 'first screen', method: 'GET', target: `/api/experiments/${E}/first-screen`, check: (j) => every(j.rows, 'rows', (r) => typeof r?.run_id === 'string') },
		{ label: 'experiments/search', method: 'POST', target: `${M}/experiments/search`, body: { max_results: 1000 }, check: (j) => every(j.experiments, 'experiments', (e) => typeof e?.experiment_id === 'string' && typeof e.name === 'string') },
		{ label: 'registered-models/search', method: 'GET', target: `${M}/registered-models/search`, check: (j) => every(j.registered_models, 'registered_models', (m) => typeof m?.name === 'string') },
		{ label: 'model-versions/search', method: 'GET', target: `${M}/model-versions/search`, check: (j) => every(j.model_versions, 'model_versions', (v) => typeof v?.name === 'string' && typeof v.version === 'string') },
		{ label: 'logged-models/search', method: 'POST', target: `${M}/logged-models/search`, body: { experiment_ids: [E] }, check: (j) => every(j.models, 'models', (m) => typeof m?.info?.model_id === 'string') }
	];
}

/** Runs every read; adds a finding for each that does not answer 200 with JSON of its shape. */
export async function checkHttpReads(url: string, reads: readonly HttpRead[], findings: Findings, when: string): Promise<void> {
	for (const r of reads) {
		const req = {
			method: r.method,
			target: r.target,
			label: `${r.label} ${when}`,
			headers: { 'content-type': 'application/json' },
			body: r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body))
		};
		const answer = await sendRaw(url, req);
		let problem: string | null = answer.status === 200 ? null : `answered ${answer.status || 'nothing'}`;
		if (!problem) {
			try {
				problem = r.check(JSON.parse(answer.body.toString('utf8')));
			} catch {
				problem = 'answered 200 with a body that is not JSON';
			}
		}
		if (problem) findings.add(`${r.label}: ${problem}`, req, answer);
	}
}
