// Creating the run on the server exactly once, despite retries: every create carries a random client key (a
// tag), and after a failure that may have reached the server the run is looked up by that key before retrying.
import { CLIENT_KEY_TAG, nativePaths, type CreateRunAnswer, type CreateRunBody, type ListExperimentsAnswer, type ListRunsAnswer } from '../core/api/native';
import { computeBackoff, type RetryControl, type Transport, TandemHttpError, TandemNetworkError } from './transport';

export { CLIENT_KEY_TAG };

export interface RunInfo {
	runId: string;
	experimentId: string;
	runName: string;
}

export interface CreateRemoteRunOptions {
	transport: Transport;
	body: CreateRunBody;
	/** Random, unique per run; sent as the CLIENT_KEY_TAG tag. */
	clientKey: string;
	control: RetryControl;
	onRetry?: (error: Error, attempt: number, delayMs: number) => void;
}

/** POST /api/runs with retries; resolves with the run, rejects with the refusal (4xx) or once `control.stopped`. */
export async function createRemoteRun(o: CreateRemoteRunOptions): Promise<RunInfo> {
	const body = JSON.stringify({ ...o.body, tags: { ...o.body.tags, [CLIENT_KEY_TAG]: o.clientKey } } satisfies CreateRunBody);
	let maybeCreated = false;
	for (let attempt = 0; ; attempt++) {
		try {
			if (maybeCreated) {
				const found = await findRunByKey(o.transport, o.body, o.clientKey);
				if (found) return found;
			}
			const r = (await o.transport.request('POST', nativePaths.runs(), { body })) as CreateRunAnswer;
			return { runId: r.run_id, experimentId: r.experiment_id, runName: r.run_name };
		} catch (e) {
			const err = e as TandemHttpError | TandemNetworkError;
			if (!err.retryable || o.control.stopped) throw err;
			maybeCreated ||= err instanceof TandemNetworkError ? err.maybeDelivered : err.status >= 500;
			const delay = computeBackoff(attempt, o.transport.retry);
			o.onRetry?.(err, attempt, delay);
			await o.control.sleep(delay);
			if (o.control.stopped) throw err;
		}
	}
}

/** The run created with `clientKey`, if the server has it (found through the experiment's run list). */
async function findRunByKey(transport: Transport, body: CreateRunBody, clientKey: string): Promise<RunInfo | undefined> {
	let experimentId = body.experiment_id ?? (body.experiment_name === undefined ? '0' : undefined);
	if (experimentId === undefined) {
		const { experiments } = (await transport.request('GET', nativePaths.experiments())) as ListExperimentsAnswer;
		experimentId = experiments.find((e) => e.name === body.experiment_name)?.experiment_id;
		if (experimentId === undefined) return undefined; // the experiment was not even created
	}
	const { runs } = (await transport.request('GET', nativePaths.experimentRuns(experimentId))) as ListRunsAnswer;
	const run = runs.find((r) => r.tags?.[CLIENT_KEY_TAG] === clientKey);
	return run && { runId: run.run_id, experimentId: run.experiment_id, runName: run.name };
}
