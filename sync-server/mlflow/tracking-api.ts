// The MLflow-compatible tracking REST API (experiments, runs, logging, metric history, logged models) under /api/2.0/mlflow/
// and /ajax-api/2.0/mlflow/. Writes go through the tracking services into the same Yjs documents as every
// other write, so they are live in every open browser.
import type { Router } from '../http/router';
import type { MlflowTrackingDeps } from './endpoint';
import { addExperimentEndpoints } from './experiment-endpoints';
import { addRunEndpoints } from './run-endpoints';
import { addLoggingEndpoints } from './logging-endpoints';
import { addMetricEndpoints } from './metric-endpoints';
import { addLoggedModelEndpoints } from './logged-model-endpoints';
import { addLogModelEndpoint } from './log-model-endpoint';

export type { MlflowTrackingDeps } from './endpoint';

export function addMlflowTrackingApi(router: Router, deps: MlflowTrackingDeps): void {
	addExperimentEndpoints(router, deps);
	addRunEndpoints(router, deps);
	addLoggingEndpoints(router, deps);
	addMetricEndpoints(router, deps);
	addLoggedModelEndpoints(router, deps);
	addLogModelEndpoint(router, deps);
}
