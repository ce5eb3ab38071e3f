// What a fuzz test creates before it starts (an experiment, a run with metrics, params, tags and an artifact, a
// victim run, a logged model, a registered model and version) and the reads that snapshot them, so a batch of
// rejected input can be shown to have changed nothing: a snapshot may change only if an accepted request named it.
import { sendRaw } from './fuzz-http';

export interface Victims {
	experimentId: string;
	runId: string;
	loggedModelId: string;
	modelName: string;
}

export interface Sentinels {
	experimentId: string;
	experimentName: string;
	/** Named by the fuzz for reads and JSON writes; never the owner of an artifact write. */
	runId: string;
	/** Take the fuzz's deletes, renames and artifact writes (victims.runId is also the owner of every artifact write). */
	victims: Victims;
	loggedModelId: string;
	modelName: string;
	artifactPath: string;
	artifactText: string;
	/** Every id and name above: fuzz values pick from them, so hostile input names real things. */
	known: string[];
}

async function call(url: string, method: string, target: string, body?: unknown, raw?: Uint8Array): Promise<Record<string, unknown>> {
	const answer = await sendRaw(url, {
		method,
		target,
		label: 'setup',
		headers: raw ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/json' },
		body: raw ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)))
	});
	if (answer.status !== 200) throw new Error(`setup ${method} ${target} → ${answer.status} ${answer.body.toString()}`);
	return JSON.parse(answer.body.toString() || '{}') as Record<string, unknown>;
}

/** Creates the sentinels through the API (fails loudly: a fuzz with no targets would test nothing). */
export async function createSentinels(url: string): Promise<Sentinels> {
	const M = '/api/2.0/mlflow';
	const experimentName = 'fuzz-sentinel';
	const experimentId = String((await call(url, 'POST', '/api/experiments', { name: experimentName })).experiment_id);
	await call(url, 'POST', `${M}/experiments/set-experiment-tag`, { experiment_id: experimentId, key: 'team', value: 'fuzz' });
	const run = await call(url, 'POST', '/api/runs', { experiment_id: experimentId, run_name: 'sentinel', params: { lr: '0.1' }, tags: { kind: 'sentinel' } });
	const runId = String(run.run_id);
	await call(url, 'POST', `/api/runs/${runId}/log`, { metrics: [1, 2, 3].map((v) => ({ key: 'loss', value: 1 / v, step: v, timestamp: 1_700_000_000_000 + v })) });
	const victimExperimentId = String((await call(url, 'POST', '/api/experiments', { name: 'fuzz-victim' })).experiment_id);
	const victimRunId = String((await call(url, 'POST', '/api/runs', { experiment_id: experimentId, run_name: 'victim' })).run_id);
	const artifactPath = 'dir/a.txt';
	const artifactText = 'sentinel artifact\n';
	await call(url, 'PUT', `/api/runs/${runId}/artifacts/${artifactPath}`, undefined, Buffer.from(artifactText));
	await call(url, 'PUT', `/api/runs/${victimRunId}/artifacts/${artifactPath}`, undefined, Buffer.from(artifactText));
	const lm = await call(url, 'POST', `${M}/logged-models`, { experiment_id: experimentId, name: 'fuzz-logged', source_run_id: runId });
	const loggedModelId = String((lm.model as { info: { model_id: string } }).info.model_id);
	const victimLm = await call(url, 'POST', `${M}/logged-models`, { experiment_id: experimentId, name: 'fuzz-victim' });
	const modelName = 'fuzz-registered';
	const victimModel = 'fuzz-victim-model';
	for (const name of [modelName, victimModel]) {
		await call(url, 'POST', `${M}/registered-models/create`, { name, description: 'sentinel' });
		await call(url, 'POST', `${M}/model-versions/create`, { name, source: `runs:/${runId}/dir`, run_id: runId });
	}
	const victims: Victims = {
		experimentId: victimExperimentId,
		runId: victimRunId,
		loggedModelId: String((victimLm.model as { info: { model_id: string } }).info.model_id),
		modelName: victimModel
	};
	return {
		experimentId,
		experimentName,
		runId,
		victims,
		loggedModelId,
		modelName,
		artifactPath,
		artifactText,
		known: [experimentId, experimentName, runId, loggedModelId, modelName, ...Object.values(victims), artifactPath, 'loss', 'lr', 'team', 'kind', '1', 'Production', 'champion']
	};
}

export interface SnapshotRead {
	key: string;
	target: string;
	/** Strings whose mention in an accepted request lets this read change (see mentions). */
	tokens: string[];
}

/** The reads that snapshot the sentinels (run, metric history, artifact bytes and listing, experiment, models). */
export function listSnapshotReads(s: Sentinels): SnapshotRead[] {
	const M = '/api/2.0/mlflow';
	const run = [s.runId, s.experimentId, s.experimentName];
	return [
		{ key: 'run', target: `/api/runs/${s.runId}`, tokens: run },
		{ key: 'mlflow run', target: `${M}/runs/get?run_id=${s.runId}`, tokens: run },
		{ key: 'history', target: `/api/runs/${s.runId}/metrics/loss`, tokens: [s.runId] },
		{ key: 'artifact bytes', target: `/api/runs/${s.runId}/artifacts/${s.artifactPath}`, tokens: [s.runId] },
		{ key: 'artifact list', target: `/api/runs/${s.runId}/artifacts?path=dir`, tokens: [s.runId] },
		{ key: 'experiment', target: `${M}/experiments/get-by-name?experiment_name=${s.experimentName}`, tokens: [s.experimentId, s.experimentName] },
		{ key: 'logged model', target: `${M}/logged-models/${s.loggedModelId}`, tokens: [s.loggedModelId, s.experimentId, s.experimentName] },
		{ key: 'registered model', target: `${M}/registered-models/get?name=${s.modelName}`, tokens: [s.modelName, s.runId] },
		{ key: 'model version', target: `${M}/model-versions/get?name=${s.modelName}&version=1`, tokens: [s.modelName, s.runId] }
	];
}

/** Whether `text` names `token` as a whole word (so experiment '12' is not named by '123' or 'e12'). */
export function mentions(text: string, token: string): boolean {
	let at = text.indexOf(token);
	const word = /[0-9A-Za-z_-]/;
	while (at >= 0) {
		const before = at === 0 ? '' : text[at - 1];
		const after = text[at + token.length] ?? '';
		if (!word.test(before) && !word.test(after)) return true;
		at = text.indexOf(token, at + 1);
	}
	return false;
}

/** Each read's status and body text. */
export async function readSnapshots(url: string, reads: readonly SnapshotRead[]): Promise<Map<string, string>> {
	const out = new Map<string, string>();
	for (const r of reads) {
		const answer = await sendRaw(url, { method: 'GET', target: r.target, label: `snapshot ${r.key}` });
		out.set(r.key, `${answer.status} ${answer.body.toString('utf8')}`);
	}
	return out;
}
