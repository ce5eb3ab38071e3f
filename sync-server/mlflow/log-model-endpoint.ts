// MLflow 2.x's runs/log-model: a model saved among a run's artifacts is recorded in the run's
// `mlflow.log-model.history` tag (one entry per call, appended under the run's write queue).
import { appendLogModelHistory, LOG_MODEL_HISTORY_TAG, parseLogModelRequest } from '../../src/lib/core/mlflow/log-model-request';
import type { Router } from '../http/router';
import { addMlflowEndpoint, assertRunActive, createKeyedQueue, readRunOr404, type MlflowTrackingDeps } from './endpoint';

export function addLogModelEndpoint(router: Router, { runs }: MlflowTrackingDeps): void {
	const queue = createKeyedQueue();
	addMlflowEndpoint(router, 'runs/log-model', async (m) => {
		const req = parseLogModelRequest(m);
		await queue.run(req.runId, async () => {
			const row = assertRunActive(await readRunOr404(runs, req.runId));
			const value = appendLogModelHistory(row.tags[LOG_MODEL_HISTORY_TAG], req.model);
			await runs.log(req.runId, { tags: { [LOG_MODEL_HISTORY_TAG]: value } });
		});
		return {};
	});
}
